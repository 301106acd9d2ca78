package series

import "fmt"

// Exog holds the demand drivers of a Panel's series (price, promotion
// mechanics, calendar events): one row of len(Names) values per period of
// history, aligned with the panel's values, and Horizon rows per series for
// the periods after its end (planned prices and promotions, known events).
type Exog struct {
	Names []string
	// Hist holds the drivers of period t of series i at
	// Hist[(Offsets[i]+t)*len(Names):][:len(Names)]. It is the panel's
	// largest part (four drivers a period), so it is held in float32,
	// which is more digits than a price ratio or a promotion share has;
	// Row64 widens one series for the models.
	Hist []float32
	// Horizon is how many future periods Future holds per series.
	Horizon int
	// Future holds the drivers of future period h (0-based) of series i at
	// Future[(i*Horizon+h)*len(Names):][:len(Names)].
	Future []float64
}

// Row64 returns history rows of a series as float64, in a new slice.
func Row64(hist []float32) []float64 {
	out := make([]float64, len(hist))
	for i, v := range hist {
		out[i] = float64(v)
	}
	return out
}

// Drivers returns the history and future rows of series i, each
// len(Names) values per period, or nils when the panel has no drivers.
func (p *Panel) Drivers(i int) (hist []float32, future []float64) {
	x := p.Exog
	if x == nil || len(x.Names) == 0 {
		return nil, nil
	}
	k := len(x.Names)
	hist = x.Hist[p.Offsets[i]*k : p.Offsets[i+1]*k]
	if x.Horizon > 0 {
		future = x.Future[i*x.Horizon*k : (i+1)*x.Horizon*k]
	}
	return hist, future
}

// checkExog reports a driver table that does not fit the panel.
func (p *Panel) checkExog() error {
	x := p.Exog
	if x == nil {
		return nil
	}
	k := len(x.Names)
	if len(x.Hist) != k*len(p.Values) {
		return fmt.Errorf("the drivers have %d history values for %d periods of %d drivers", len(x.Hist), len(p.Values), k)
	}
	if len(x.Future) != k*x.Horizon*p.Len() {
		return fmt.Errorf("the drivers have %d future values for %d series of %d periods", len(x.Future), p.Len(), x.Horizon)
	}
	return nil
}
