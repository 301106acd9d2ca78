package pricing

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/planner-engine/planner/series"
)

// Observation is one location's sales of a product in one period.
type Observation struct {
	Location int     // index into Product.Locations
	Period   int     // periods since the Calendar's start
	Units    float64 // units sold in the period
	Paid     float64 // average unit price paid; > 0
	Regular  float64 // average regular (base) price; > 0
	// Promo, Feature and Display are the share of the period (0 to 1) under
	// a temporary price cut or any promotion, in the circular and on a
	// special display.
	Promo, Feature, Display float64
	Event                   float64 // share of the period with a calendar event
}

// Product is one product's sales history across its locations.
type Product struct {
	SKU string
	// Group is the pooling group, such as the department; products of one
	// group share a prior elasticity. Empty pools with every product.
	Group     string
	Locations []string
	// Obs holds the observations sorted by location, then period.
	Obs []Observation
}

// Calendar places the periods of the observations in time.
type Calendar struct {
	Freq  series.Freq // Daily or Weekly (Monthly works, without seasons finer than a year)
	Start series.Date // first day of period 0
}

// date returns the first day of period t.
func (c Calendar) date(t int) series.Date { return c.Freq.Add(c.Start, t) }

// Columns of the demand model, in order. The coefficient of colLogPrice is
// the elasticity; colDiscount carries how much more (or less) shoppers
// respond to a temporary discount than to a regular price change.
const (
	colLogPrice  = iota // log(paid / reference price)
	colDiscount         // log(paid / regular): zero at the regular price
	colPromo            // share of the period on promotion
	colPostPromo        // share of the previous period on promotion (pantry loading)
	colFeature
	colDisplay
	colEvent
	colTrend // years from the middle of the history
	colSin1  // yearly season, first and second harmonics
	colCos1
	colSin2
	colCos2
	colDow // six weekday indicators for daily data (Monday is the base)
	nCols  = colDow + 6
)

var colNames = [nCols]string{"log_price", "discount", "promo", "post_promo", "feature", "display", "event", "trend",
	"sin1", "cos1", "sin2", "cos2", "tue", "wed", "thu", "fri", "sat", "sun"}

// EstimateOptions tune the demand model. The zero value means the defaults.
type EstimateOptions struct {
	// DiscountPriorSD is the prior standard deviation of the discount's
	// extra log response (per unit of log discount): small values make a
	// temporary cut count like a regular price change; 0 means 0.25.
	DiscountPriorSD float64
	// PromoPriorSD is the prior standard deviation of a promotion's and a
	// post-promotion period's effect beyond the price; 0 means 0.25.
	PromoPriorSD float64
	// Workers is how many products are fitted at once; 0 means GOMAXPROCS.
	Workers int
	// WithoutDrivers leaves price and promotions out of the model (only the
	// locations, trend, season, weekdays and events remain): the baseline
	// that shows what the drivers add.
	WithoutDrivers bool
}

func (o EstimateOptions) withDefaults() EstimateOptions {
	if o.DiscountPriorSD <= 0 {
		o.DiscountPriorSD = 0.25
	}
	if o.PromoPriorSD <= 0 {
		o.PromoPriorSD = 0.25
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Fit is one product's own demand model.
type Fit struct {
	SKU string
	// Elasticity is the log-log response of units to the price (regular
	// price changes), StdError its standard error; NaN when the price never
	// moved.
	Elasticity, StdError float64
	// PromoElasticity is the response to temporary discounts.
	PromoElasticity float64
	// FeatureLift and DisplayLift multiply demand in a period fully under
	// the mechanic (1 when it never happened).
	FeatureLift, DisplayLift float64
	// NObs is the number of location-periods fitted; PriceSD the standard
	// deviation of their log price.
	NObs    int
	PriceSD float64
	// Dispersion is the quasi-Poisson variance-to-mean ratio (at least 1).
	Dispersion float64
	// Err says why the product could not be fitted at all (no sales).
	Err error

	cal       Calendar
	ref       float64   // reference price: geometric mean of the paid price
	beta      []float64 // nCols coefficients
	alpha     []float64 // per location; -Inf where the location sold nothing
	mid       float64   // middle period (trend origin)
	last      int       // last period observed; the trend is held there
	lastPrice []float64 // latest regular price per location
	lastShelf []float64 // latest price paid outside promotions per location
}

// Estimate fits every product's demand model, in parallel, in the order of
// products. A product that cannot be fitted has Err set; ctx cancels.
func Estimate(ctx context.Context, cal Calendar, products []Product, opts *EstimateOptions) ([]Fit, error) {
	o := EstimateOptions{}
	if opts != nil {
		o = *opts
	}
	o = o.withDefaults()
	out := make([]Fit, len(products))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(o.Workers, max(1, len(products))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ws workspace
			for i := range next {
				out[i] = ws.fit(cal, &products[i], o)
			}
		}()
	}
	var err error
feed:
	for i := range products {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	return out, err
}

// workspace holds one worker's scratch, reused across products so the fit
// loop does not allocate per row.
type workspace struct {
	x      []float64 // rows x nCols
	eta    []float64
	mu     []float64
	keep   []int // observations fitted (their location sold something)
	hess   *mat.SymDense
	grad   *mat.VecDense
	step   *mat.VecDense
	chol   mat.Cholesky
	prec   [nCols]float64
	trial  [nCols]float64
	locSum [][nCols]float64 // per location: sum of mu x
	locMu  []float64        // per location: sum of mu
	locTop []float64        // per location: the largest linear predictor
	locExp []float64        // per location: sum of exp(eta - top)
}

// Prior precisions (1 / variance) of the coefficients: near zero for the
// ones the data should decide alone, large for columns that do not vary
// (so their coefficient stays 0 and the system stays solvable).
const (
	vague  = 1e-4
	absent = 1e8
)

func (ws *workspace) fit(cal Calendar, p *Product, o EstimateOptions) Fit {
	f := Fit{SKU: p.SKU, Elasticity: math.NaN(), StdError: math.NaN(), PromoElasticity: math.NaN(), FeatureLift: 1, DisplayLift: 1, cal: cal}
	nLoc := len(p.Locations)
	if len(p.Obs) == 0 || nLoc == 0 {
		f.Err = fmt.Errorf("no sales history")
		return f
	}
	// Locations that never sold carry no information about the response.
	sold := make([]float64, nLoc)
	var logSum float64
	first, last := p.Obs[0].Period, p.Obs[0].Period
	f.lastPrice = make([]float64, nLoc)
	f.lastShelf = make([]float64, nLoc)
	lastSeen := make([]int, nLoc)
	for i := range lastSeen {
		lastSeen[i] = -1
	}
	for _, ob := range p.Obs {
		sold[ob.Location] += ob.Units
		logSum += math.Log(ob.Paid)
		first, last = min(first, ob.Period), max(last, ob.Period)
		if ob.Period >= lastSeen[ob.Location] {
			lastSeen[ob.Location], f.lastPrice[ob.Location] = ob.Period, ob.Regular
			f.lastShelf[ob.Location] = ob.Regular
			if ob.Promo == 0 && ob.Feature == 0 && ob.Display == 0 {
				// A markdown taken earlier shows as a lower price paid
				// without a promotion.
				f.lastShelf[ob.Location] = ob.Paid
			}
		}
	}
	f.ref = math.Exp(logSum / float64(len(p.Obs)))
	f.mid, f.last = float64(first+last)/2, last
	ws.keep = ws.keep[:0]
	for i, ob := range p.Obs {
		if sold[ob.Location] > 0 {
			ws.keep = append(ws.keep, i)
		}
	}
	n := len(ws.keep)
	if n == 0 {
		f.Err = fmt.Errorf("no units sold")
		return f
	}
	f.NObs = n
	ws.x = growFloats(ws.x, n*nCols)
	ws.eta = growFloats(ws.eta, n)
	ws.mu = growFloats(ws.mu, n)
	ppy := cal.Freq.PeriodsPerYear()
	var mean, sq [nCols]float64
	prevLoc, prevPeriod, prevPromo := -1, 0, 0.0
	for r, i := range ws.keep {
		ob := &p.Obs[i]
		row := ws.x[r*nCols : (r+1)*nCols]
		clear(row)
		row[colLogPrice] = math.Log(ob.Paid / f.ref)
		row[colDiscount] = math.Min(0, math.Log(ob.Paid/ob.Regular))
		row[colPromo] = ob.Promo
		if ob.Location == prevLoc && ob.Period == prevPeriod+1 {
			row[colPostPromo] = prevPromo
		}
		prevLoc, prevPeriod, prevPromo = ob.Location, ob.Period, ob.Promo
		row[colFeature], row[colDisplay], row[colEvent] = ob.Feature, ob.Display, ob.Event
		f.seasonRow(row, ob.Period, ppy)
		for j, v := range row {
			mean[j] += v
			sq[j] += v * v
		}
	}
	// Prior precisions; a column that does not vary is left out.
	spanYears := float64(last-first+1) / ppy
	for j := range ws.prec {
		m := mean[j] / float64(n)
		sd := math.Sqrt(math.Max(0, sq[j]/float64(n)-m*m))
		switch {
		case sd < 1e-6:
			ws.prec[j] = absent
		case j == colDiscount:
			ws.prec[j] = 1 / (o.DiscountPriorSD * o.DiscountPriorSD)
		case j == colPromo || j == colPostPromo:
			ws.prec[j] = 1 / (o.PromoPriorSD * o.PromoPriorSD)
		default:
			ws.prec[j] = vague
		}
		if j == colLogPrice {
			f.PriceSD = sd
			if sd < minPriceSD {
				ws.prec[j] = absent
			}
		}
	}
	if o.WithoutDrivers {
		for _, j := range []int{colLogPrice, colDiscount, colPromo, colPostPromo, colFeature, colDisplay} {
			ws.prec[j] = absent
		}
	}
	// A season needs a year to be told from the trend; its second harmonic
	// two.
	if spanYears < 1 {
		ws.prec[colSin1], ws.prec[colCos1] = absent, absent
	}
	if spanYears < 2 {
		ws.prec[colSin2], ws.prec[colCos2] = absent, absent
	}
	f.beta = make([]float64, nCols)
	f.alpha = make([]float64, nLoc)
	if err := ws.newton(p, &f, sold); err != nil {
		f.Err = err
		return f
	}
	// Quasi-Poisson dispersion (McCullagh & Nelder, "Generalized Linear
	// Models", 1989, section 4.5): the standard errors scale with it.
	var pearson float64
	for r := range ws.keep {
		if ws.mu[r] > 0 {
			d := p.Obs[ws.keep[r]].Units - ws.mu[r]
			pearson += d * d / ws.mu[r]
		}
	}
	params := nLoc
	for _, pr := range ws.prec {
		if pr < absent {
			params++
		}
	}
	f.Dispersion = 1
	if n > params {
		f.Dispersion = math.Max(1, pearson/float64(n-params))
	}
	if ws.prec[colLogPrice] < absent {
		var cov mat.SymDense
		if err := ws.chol.InverseTo(&cov); err == nil {
			f.Elasticity = f.beta[colLogPrice]
			f.StdError = math.Sqrt(f.Dispersion * cov.At(colLogPrice, colLogPrice))
			f.PromoElasticity = f.beta[colLogPrice] + f.beta[colDiscount]
		}
	}
	f.FeatureLift, f.DisplayLift = math.Exp(f.beta[colFeature]), math.Exp(f.beta[colDisplay])
	return f
}

// minPriceSD is the least standard deviation of the log price paid that
// identifies an elasticity (about a 1% move).
const minPriceSD = 0.01

// seasonRow fills the trend, yearly season and weekday columns of period t.
func (f *Fit) seasonRow(row []float64, t int, ppy float64) {
	row[colTrend] = (float64(t) - f.mid) / ppy
	d := f.cal.date(t)
	if f.cal.Freq != series.Daily {
		d += series.Date(f.cal.Freq.Days() / 2)
	}
	a := 2 * math.Pi * float64(d.DayOfYear()) / 365.25
	row[colSin1], row[colCos1] = math.Sin(a), math.Cos(a)
	row[colSin2], row[colCos2] = math.Sin(2*a), math.Cos(2*a)
	if f.cal.Freq == series.Daily {
		for k := 0; k < 6; k++ {
			row[colDow+k] = 0
		}
		if wd := (int(d.Weekday()) + 6) % 7; wd > 0 { // Monday 0
			row[colDow+wd-1] = 1
		}
	}
}

// newton maximises the penalised Poisson log-likelihood with the location
// effects profiled out: for given coefficients each location's effect has
// the closed form log(units / sum of exp(x'beta)), which leaves a small
// nCols x nCols Newton system however many locations there are.
func (ws *workspace) newton(p *Product, f *Fit, sold []float64) error {
	if ws.hess == nil {
		ws.hess = mat.NewSymDense(nCols, nil)
		ws.grad = mat.NewVecDense(nCols, nil)
		ws.step = mat.NewVecDense(nCols, nil)
	}
	nLoc := len(p.Locations)
	if cap(ws.locSum) < nLoc {
		ws.locSum = make([][nCols]float64, nLoc)
	}
	ws.locSum = ws.locSum[:nLoc]
	ws.locMu = growFloats(ws.locMu, nLoc)
	ws.locTop = growFloats(ws.locTop, nLoc)
	ws.locExp = growFloats(ws.locExp, nLoc)
	ll := ws.loglik(p, f, sold)
	trial := ws.trial[:]
	for iter := 0; iter < 60; iter++ {
		// Gradient and profiled information at beta (mu is current).
		g := ws.grad.RawVector().Data
		h := ws.hess.RawSymmetric().Data // upper triangle, row-major
		clear(g)
		clear(h)
		mtot := ws.locMu
		clear(mtot)
		for l := range ws.locSum {
			clear(ws.locSum[l][:])
		}
		for r, i := range ws.keep {
			ob := &p.Obs[i]
			row := ws.x[r*nCols : (r+1)*nCols]
			m := ws.mu[r]
			res := ob.Units - m
			ls := &ws.locSum[ob.Location]
			mtot[ob.Location] += m
			for j, v := range row {
				if v == 0 {
					continue
				}
				g[j] += res * v
				ls[j] += m * v
				mv := m * v
				hr := h[j*nCols:]
				for k := j; k < nCols; k++ {
					hr[k] += mv * row[k]
				}
			}
		}
		for l := range ws.locSum {
			if mtot[l] <= 0 {
				continue
			}
			ls := &ws.locSum[l]
			for j := 0; j < nCols; j++ {
				for k := j; k < nCols; k++ {
					h[j*nCols+k] -= ls[j] * ls[k] / mtot[l]
				}
			}
		}
		for j := 0; j < nCols; j++ {
			g[j] -= ws.prec[j] * f.beta[j]
			h[j*nCols+j] += ws.prec[j]
		}
		if ok := ws.chol.Factorize(ws.hess); !ok {
			return fmt.Errorf("the demand model's information matrix is singular")
		}
		if err := ws.chol.SolveVecTo(ws.step, ws.grad); err != nil {
			return fmt.Errorf("solving the demand model: %w", err)
		}
		d := ws.step.RawVector().Data
		copy(trial, f.beta)
		t, improved := 1.0, false
		for half := 0; half < 30; half++ {
			for j := range f.beta {
				f.beta[j] = trial[j] + t*d[j]
			}
			if nl := ws.loglik(p, f, sold); nl >= ll-1e-12*math.Abs(ll) {
				ll, improved = nl, true
				break
			}
			t /= 2
		}
		if !improved {
			copy(f.beta, trial)
			ws.loglik(p, f, sold)
			break
		}
		var biggest float64
		for _, v := range d {
			biggest = math.Max(biggest, math.Abs(t*v))
		}
		if biggest < 1e-8 {
			break
		}
	}
	// The factorisation left is at the coefficients before the last step,
	// which moved them by almost nothing: the standard errors use it.
	return nil
}

// loglik sets the linear predictors, the profiled location effects and the
// means at f.beta, and returns the penalised log-likelihood (without the
// constant log y! terms).
func (ws *workspace) loglik(p *Product, f *Fit, sold []float64) float64 {
	top := ws.locTop
	for l := range top {
		top[l] = math.Inf(-1)
	}
	for r := range ws.keep {
		row := ws.x[r*nCols : (r+1)*nCols]
		var e float64
		for j, v := range row {
			e += v * f.beta[j]
		}
		ws.eta[r] = e
		l := p.Obs[ws.keep[r]].Location
		top[l] = math.Max(top[l], e)
	}
	sum := ws.locExp
	clear(sum)
	for r, i := range ws.keep {
		l := p.Obs[i].Location
		sum[l] += math.Exp(ws.eta[r] - top[l])
	}
	for l := range f.alpha {
		if sold[l] > 0 {
			f.alpha[l] = math.Log(sold[l]) - top[l] - math.Log(sum[l])
		} else {
			f.alpha[l] = math.Inf(-1)
		}
	}
	var ll float64
	for r, i := range ws.keep {
		ob := &p.Obs[i]
		lin := f.alpha[ob.Location] + ws.eta[r]
		ws.mu[r] = math.Exp(lin)
		ll += ob.Units*lin - ws.mu[r]
	}
	for j, b := range f.beta {
		ll -= 0.5 * ws.prec[j] * b * b
	}
	return ll
}

// Baseline returns the expected units of location l in period t at the
// regular price price, without promotion or event: the fitted model with
// the trend held at the last observed period. It returns 0 for a location
// that never sold.
func (f *Fit) Baseline(l, t int, price float64) float64 {
	return f.Predict(Observation{Location: l, Period: t, Paid: price, Regular: price})
}

// Predict returns the expected units of an observation (its units are
// ignored) at period ob.Period with its prices and mechanics; the trend is
// held at the last period of the history after it. The observation's
// previous-period promotion is not known here, so post-promotion dips are
// left out.
func (f *Fit) Predict(ob Observation) float64 {
	l := ob.Location
	if f.beta == nil || l < 0 || l >= len(f.alpha) || math.IsInf(f.alpha[l], -1) || !(ob.Paid > 0) {
		return 0
	}
	var row [nCols]float64
	f.seasonRow(row[:], ob.Period, f.cal.Freq.PeriodsPerYear())
	row[colTrend] = (float64(min(ob.Period, f.last)) - f.mid) / f.cal.Freq.PeriodsPerYear()
	row[colLogPrice] = math.Log(ob.Paid / f.ref)
	row[colDiscount] = math.Min(0, math.Log(ob.Paid/ob.Regular))
	row[colPromo], row[colFeature], row[colDisplay], row[colEvent] = ob.Promo, ob.Feature, ob.Display, ob.Event
	var e float64
	for j, v := range row {
		e += v * f.beta[j]
	}
	return math.Exp(f.alpha[l] + e)
}

// RegularPrice returns the latest regular price seen at location l.
func (f *Fit) RegularPrice(l int) float64 {
	if l < 0 || l >= len(f.lastPrice) {
		return 0
	}
	return f.lastPrice[l]
}

// ShelfPrice returns the price charged at location l in the latest period
// without a promotion: below the regular price once a markdown is taken.
func (f *Fit) ShelfPrice(l int) float64 {
	if l < 0 || l >= len(f.lastShelf) {
		return 0
	}
	return f.lastShelf[l]
}

// LastPeriod returns the last period of the history.
func (f *Fit) LastPeriod() int { return f.last }

// Coefficients returns the fitted coefficients by name.
func (f *Fit) Coefficients() map[string]float64 {
	out := make(map[string]float64, nCols)
	for j, b := range f.beta {
		out[colNames[j]] = b
	}
	return out
}

func growFloats(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// PeriodDays returns the length of the fit's periods in days.
func (f *Fit) PeriodDays() int { return f.cal.Freq.Days() }
