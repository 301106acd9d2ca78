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
	// Unplanned, when not nil, marks (as Names) the drivers whose future no
	// plan gives: Future holds a stand-in for them (no promotion, the last
	// price), not what will happen. A model that learned their effect from
	// the history would forecast every period ahead as if the driver were
	// at that stand-in.
	Unplanned []bool
	// Schedule, when not nil, gives (as Names) the lag in periods at which
	// an unplanned driver's history repeats (a promotion every other week:
	// 14 days), 0 for none. Its future is its history carried on at that
	// lag (CarrySchedules): a plan read from the driver's own habit.
	Schedule []int
	// Misses, when not nil, gives (as Names) how often a scheduled
	// driver carried on by its schedule was wrong in the history's last
	// horizons, for the uncertainty that puts on the forecast.
	Misses []ScheduleMiss
}

// ScheduleMiss is how often a driver carried on by its schedule missed:
// the share of periods that went otherwise, over those where the carried
// value was the driver's usual one (no promotion) and over the others (a
// promotion). Most misses are a schedule shifting by a few days, so the
// rarer value misses more often.
type ScheduleMiss struct {
	Usual, Other float64
}

// CarrySchedules sets the future of every scheduled driver of every
// series to its history carried on at the driver's lag: the last lag
// periods, repeated.
func (p *Panel) CarrySchedules() {
	x := p.Exog
	if x == nil || x.Schedule == nil {
		return
	}
	k := len(x.Names)
	for i := 0; i < p.Len(); i++ {
		hist, future := p.Drivers(i)
		n := len(hist) / k
		for j, lag := range x.Schedule {
			if lag <= 0 || n < lag {
				continue
			}
			for h := 0; h < x.Horizon; h++ {
				future[h*k+j] = x.Carried(hist, n, j, h)
			}
		}
	}
}

// Carried is scheduled driver j's value h periods after the first n of a
// series' history rows hist: its last Schedule[j] periods before n,
// repeated.
func (x *Exog) Carried(hist []float32, n, j, h int) float64 {
	k, lag := len(x.Names), x.Schedule[j]
	return float64(hist[(n-lag+h%lag)*k+j])
}

// Reshaped returns the same drivers, with their plan marks and schedules,
// over other rows: hist and future (horizon periods a series), for a
// panel cut from this one. Every copy of a panel's drivers goes through
// it, so none loses what is known of their future.
func (x *Exog) Reshaped(hist []float32, future []float64, horizon int) *Exog {
	return &Exog{Names: x.Names, Hist: hist, Horizon: horizon, Future: future, Unplanned: x.Unplanned, Schedule: x.Schedule, Misses: x.Misses}
}

// Select returns the drivers whose keep is true, with their history,
// future and marks, as a new Exog; nil when none is kept.
func (x *Exog) Select(keep []bool) *Exog {
	var cols []int
	for j := range x.Names {
		if keep[j] {
			cols = append(cols, j)
		}
	}
	if len(cols) == 0 {
		return nil
	}
	k, c := len(x.Names), len(cols)
	out := &Exog{Horizon: x.Horizon, Hist: make([]float32, len(x.Hist)/k*c), Future: make([]float64, len(x.Future)/k*c)}
	for _, j := range cols {
		out.Names = append(out.Names, x.Names[j])
		if x.Unplanned != nil {
			out.Unplanned = append(out.Unplanned, x.Unplanned[j])
		}
		if x.Schedule != nil {
			out.Schedule = append(out.Schedule, x.Schedule[j])
		}
		if x.Misses != nil {
			out.Misses = append(out.Misses, x.Misses[j])
		}
	}
	for r := 0; r < len(x.Hist)/k; r++ {
		for o, j := range cols {
			out.Hist[r*c+o] = x.Hist[r*k+j]
		}
	}
	for r := 0; r < len(x.Future)/k; r++ {
		for o, j := range cols {
			out.Future[r*c+o] = x.Future[r*k+j]
		}
	}
	return out
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
	if x.Unplanned != nil && len(x.Unplanned) != k {
		return fmt.Errorf("the drivers have %d plan marks for %d drivers", len(x.Unplanned), k)
	}
	if x.Schedule != nil && len(x.Schedule) != k {
		return fmt.Errorf("the drivers have %d schedules for %d drivers", len(x.Schedule), k)
	}
	if x.Misses != nil && len(x.Misses) != k {
		return fmt.Errorf("the drivers have %d schedule misses for %d drivers", len(x.Misses), k)
	}
	if len(x.Future) != k*x.Horizon*p.Len() {
		return fmt.Errorf("the drivers have %d future values for %d series of %d periods", len(x.Future), p.Len(), x.Horizon)
	}
	return nil
}
