package forecast

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/planner-engine/planner/series"
)

// Options say what Run forecasts and how. The zero value of each field
// means its default.
type Options struct {
	// Horizon is how many periods to forecast; it must be at least 1.
	Horizon int
	// Quantiles are the probabilities of the quantiles to write, sorted;
	// DefaultQuantiles when nil.
	Quantiles []float64
	// Model forecasts every series; Auto{} when nil.
	Model Model
	// Window is the most recent periods a model is fitted on; 0 means
	// DefaultWindow for the panel's frequency, a negative value all.
	Window int
	// Workers forecasting series at once; GOMAXPROCS.
	Workers int
	// Progress, when not nil, is told how many series are done.
	Progress func(done, total int)
	// Residuals keeps each series' last Residuals in-sample one-step errors
	// in Result.Residuals (for reconciliation); 0 keeps none.
	Residuals int
	// Params, when set, are the panel-level parameters to forecast with,
	// in place of learning them from this panel (a shard of a larger one:
	// see PanelParams).
	Params *PanelParams
}

// DefaultWindow returns how many recent periods models are fitted on by
// default: three years, enough to see a yearly season repeat and recent
// enough to follow a changing level.
func DefaultWindow(f series.Freq) int {
	switch f {
	case series.Weekly:
		return 156
	case series.Monthly:
		return 60
	}
	return 1095
}

// preparer is a Model that learns something from the whole panel (such as
// the pooled effects of demand drivers) before the series are forecast.
type preparer interface {
	Prepare(ctx context.Context, p *series.Panel, window, horizon int) (Model, error)
}

// Result holds the forecasts of a panel, in the panel's series order: the
// means and quantiles (series.Forecasts) and, per series, how they were made.
type Result struct {
	series.Forecasts
	// Model names the fitted model of each series, such as ETS(A,N,A).
	Model []string
	// Note says why a series fell back to a simpler model, if it did.
	Note []string
	// Why says how the model of each series was chosen, for models that
	// choose (auto: the candidates and their out-of-sample errors).
	Why []string
	// Class is the demand class of each series' fitted history (Classify).
	Class []string
	// Drivers names the demand drivers whose effects moved each series'
	// forecast, space-separated (empty for none).
	Drivers []string
	// DriverUse says which of the panel's drivers nothing planned were
	// left out and which were carried on by their schedule (WithDrivers);
	// the caller sets it.
	DriverUse DriverUse
	// Reconciled names the reconciliation method the means went through
	// (bu, td, mint), empty when they were not reconciled.
	Reconciled string
	// Residuals holds Options.Residuals in-sample one-step errors per
	// series, the last one last (zeros where a model has none).
	Residuals [][]float64
	// Params are the panel-level parameters the forecast used: learned
	// from this panel, or Options.Params.
	Params *PanelParams
	// Override says, per series and step, what a planner's override did
	// to the mean ("" where none applied), and Statistical holds the means
	// before it; both nil when no override applied (ApplyOverrides).
	Override    []string
	Statistical []float64
}

// Run forecasts every series of the panel. Series are handed to workers in
// small batches and the results are written in place, so the output does not
// depend on the number of workers. A model that fails on a series falls back
// to the seasonal naive, then the naive forecast; the note says why.
func Run(ctx context.Context, p *series.Panel, opts Options) (*Result, error) {
	if opts.Horizon < 1 {
		return nil, fmt.Errorf("the horizon must be at least 1 period (got %d)", opts.Horizon)
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	if err := checkFinite(p); err != nil {
		return nil, err
	}
	probs := opts.Quantiles
	if probs == nil {
		probs = DefaultQuantiles
	}
	for i, q := range probs {
		if !(q > 0 && q < 1) {
			return nil, fmt.Errorf("quantile %v is not strictly between 0 and 1", q)
		}
		if i > 0 && q <= probs[i-1] {
			return nil, errors.New("quantiles must be sorted and distinct")
		}
	}
	model := opts.Model
	if model == nil {
		model = Auto{}
	}
	window := opts.Window
	if window == 0 {
		window = DefaultWindow(p.Freq)
	}
	params := opts.Params
	switch pr, ok := model.(preparer); {
	case params != nil:
		model = withParams(model, params)
	case ok:
		var err error
		if model, err = pr.Prepare(ctx, p, window, opts.Horizon); err != nil {
			return nil, err
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n, h, nq := p.Len(), opts.Horizon, len(probs)
	res := &Result{
		Forecasts: series.Forecasts{Freq: p.Freq, Horizon: h, Quantiles: probs, Keys: p.Keys,
			Starts: make([]series.Date, n), Mean: make([]float64, n*h), Q: make([]float64, n*h*nq)},
		Model: make([]string, n), Note: make([]string, n), Why: make([]string, n), Class: make([]string, n),
		Drivers: make([]string, n),
	}
	if opts.Residuals > 0 {
		res.Residuals = make([][]float64, n)
	}
	// What calibration needs: each series' spread and count flag, and the
	// standardized errors of the series that offer them.
	sds := make([]float64, n*h)
	counts := make([]bool, n)
	calib := make([]calibrationData, n)
	const batch = 32
	var next, done atomic.Int64
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				lo := int(next.Add(batch)) - batch
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+batch, n); i++ {
					counts[i], calib[i] = forecastOne(p, i, model, window, opts.Residuals, probs, sds[i*h:(i+1)*h], res)
				}
				d := done.Add(int64(min(lo+batch, n) - lo))
				if opts.Progress != nil {
					opts.Progress(int(d), n)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	learned := &PanelParams{}
	paramsOf(model, learned)
	if params == nil {
		learned.Calibration = calibrationFactors(probs, calib)
		params = learned
	} else if err := checkCalibration(params, probs); err != nil {
		return nil, err
	}
	calibrate(res, probs, sds, counts, calib, params.Calibration)
	res.Params = params
	return res, nil
}

// checkFinite refuses a panel with a missing (NaN) or infinite value,
// naming the first: a model would carry it into every forecast of the
// series. Negative values (returns) are allowed; forecasts are cut at zero.
func checkFinite(p *series.Panel) error {
	for j, v := range p.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			i := sort.Search(p.Len(), func(i int) bool { return p.Offsets[i+1] > j })
			return fmt.Errorf("series %v has no number (%v) on %v: fill or drop missing periods before forecasting",
				p.Keys[i], v, p.Freq.Add(p.Starts[i], j-p.Offsets[i]))
		}
	}
	return nil
}

// calibrationData is what one series offers for calibrating quantiles.
type calibrationData struct {
	errs                    []float64
	intermittent, shapeOnly bool
}

// calibrationFactors scales the spread per probability from the errors
// pooled over series of the same kind (regular or intermittent), for each
// kind with enough of them.
func calibrationFactors(probs []float64, calib []calibrationData) []CalibrationFactors {
	type kind struct{ intermittent, shapeOnly bool }
	pooled := map[kind][]float64{}
	for _, c := range calib {
		k := kind{c.intermittent, c.shapeOnly}
		pooled[k] = append(pooled[k], c.errs...)
	}
	var out []CalibrationFactors
	for _, k := range []kind{{false, false}, {false, true}, {true, false}, {true, true}} {
		errs := pooled[k]
		f := scales(errs, probs)
		if f == nil {
			continue
		}
		if k.shapeOnly {
			// Keep the model's own 95% interval; set the others against it.
			ref := scales(errs, []float64{0.025, 0.975})
			for j, p := range probs {
				if p < 0.5 {
					f[j] /= ref[0]
				} else if p > 0.5 {
					f[j] /= ref[1]
				}
			}
		}
		out = append(out, CalibrationFactors{Intermittent: k.intermittent, ShapeOnly: k.shapeOnly, Probs: append([]float64(nil), probs...), Factors: f})
	}
	return out
}

// checkCalibration refuses parameters calibrated for other quantiles.
func checkCalibration(pp *PanelParams, probs []float64) error {
	for _, c := range pp.Calibration {
		if len(c.Probs) != len(probs) || len(c.Factors) != len(probs) {
			return fmt.Errorf("the panel parameters calibrate quantiles %v, not %v", c.Probs, probs)
		}
		for i := range probs {
			if c.Probs[i] != probs[i] {
				return fmt.Errorf("the panel parameters calibrate quantiles %v, not %v", c.Probs, probs)
			}
		}
	}
	return nil
}

// calibrate rewrites the quantiles of the series that offered honest
// out-of-sample errors, with spreads scaled per probability by the factors
// of their kind.
func calibrate(res *Result, probs, sds []float64, counts []bool, calib []calibrationData, all []CalibrationFactors) {
	type kind struct{ intermittent, shapeOnly bool }
	factors := map[kind][]float64{}
	for _, c := range all {
		factors[kind{c.Intermittent, c.ShapeOnly}] = c.Factors
	}
	h, nq := res.Horizon, len(probs)
	one := make([]float64, 1)
	for i, c := range calib {
		f := factors[kind{c.intermittent, c.shapeOnly}]
		if c.errs == nil || f == nil {
			continue
		}
		q := res.Q[i*h*nq : (i+1)*h*nq]
		for t := 0; t < h; t++ {
			for k, p := range probs {
				quantilesOf(res.Mean[i*h+t], sds[i*h+t]*f[k], counts[i], []float64{p}, one)
				q[t*nq+k] = one[0]
			}
			// Scaling each quantile on its own can cross neighbours.
			for k := 1; k < nq; k++ {
				q[t*nq+k] = math.Max(q[t*nq+k], q[t*nq+k-1])
			}
		}
	}
}

// forecastOne fits and predicts series i into res, with the spread of each
// step in sd. It returns whether the series counts, and what it offers for
// calibration.
func forecastOne(p *series.Panel, i int, model Model, window, keepResid int, probs, sd []float64, res *Result) (bool, calibrationData) {
	h, nq := res.Horizon, len(probs)
	y := p.Filled(i)
	res.Starts[i] = p.Freq.Add(p.Starts[i], len(y))
	skip := 0
	if window > 0 && len(y) > window {
		skip = len(y) - window
		y = y[skip:]
	}
	mean := res.Mean[i*h : (i+1)*h]
	info := infoOf(y, p.Freq, h)
	if hist, future := p.Drivers(i); hist != nil {
		k := len(p.Exog.Names)
		info.Drivers = &Drivers{Names: p.Exog.Names, X: series.Row64(hist[skip*k:]), Future: padRows(future, h, k), Misses: p.Exog.Misses}
	}
	name, note, fit, hasDist := predict(model, y, info, mean, sd)
	if !hasDist && fit != nil {
		conformalSD(model, fit, y, info, sd)
	}
	res.Model[i], res.Note[i] = name, note
	res.Class[i], _, _ = Classify(y)
	if e, ok := fit.(explainer); ok && note == "" {
		res.Why[i] = e.Reason()
	}
	if d, ok := fit.(driverUser); ok && note == "" {
		res.Drivers[i] = strings.Join(d.DriversUsed(), " ")
	}
	q := res.Q[i*h*nq : (i+1)*h*nq]
	for t := 0; t < h; t++ {
		quantilesOf(mean[t], sd[t], info.Count, probs, q[t*nq:(t+1)*nq])
		mean[t] = math.Max(0, mean[t])
	}
	zeroClosed(p, i, res)
	var cd calibrationData
	if c, ok := fit.(calibrated); ok && note == "" {
		cd.errs, cd.intermittent, cd.shapeOnly = c.calibrationErrors()
	}
	if res.Residuals != nil {
		res.Residuals[i] = lastResiduals(fit, keepResid)
	}
	return info.Count, cd
}

// zeroClosed sets the forecast of series i to zero (mean and quantiles) on
// the days its location is closed.
func zeroClosed(p *series.Panel, i int, res *Result) {
	h, nq := res.Horizon, len(res.Quantiles)
	for _, t := range p.ClosedSteps(i, res.Starts[i], h) {
		res.Mean[i*h+t] = 0
		for k := 0; k < nq; k++ {
			res.Q[(i*h+t)*nq+k] = 0
		}
	}
}

// driverUser is a Fitted whose forecast the demand drivers move.
type driverUser interface {
	DriversUsed() []string
}

// explainer is a Fitted that can say how it was chosen.
type explainer interface {
	Reason() string
}

// lastResiduals returns the last k in-sample errors of fit, zeros where it
// has none.
func lastResiduals(fit Fitted, k int) []float64 {
	out := make([]float64, k)
	r, ok := fit.(residualer)
	if !ok {
		return out
	}
	res := r.Residuals()
	n := min(k, len(res))
	copy(out[k-n:], res[len(res)-n:])
	return out
}

// predict fits model and writes its forecast, falling back to simpler
// models when it fails or forecasts something that is not a number. It
// returns the fit used (nil for the zero forecast).
func predict(model Model, y []float64, info *SeriesInfo, mean, sd []float64) (name, note string, used Fitted, hasDist bool) {
	if len(y) == 0 {
		for t := range mean {
			mean[t], sd[t] = 0, 0
		}
		return "Zero", "no history: forecast zero", nil, true
	}
	chain := []Model{model, SeasonalNaive{}, Naive{}}
	var why string // why the requested model failed
	for k, m := range chain {
		fit, err := m.Fit(y, info)
		if err == nil {
			hasDist = fit.Predict(mean, sd)
			if finite(mean) && (!hasDist || finite(sd)) {
				if k > 0 {
					note = fmt.Sprintf("%s failed (%s); fell back to %s", model.Name(), why, fit.Describe())
				}
				return fit.Describe(), note, fit, hasDist
			}
			err = errors.New("non-finite forecast")
		}
		if k == 0 {
			why = err.Error()
		}
	}
	// Even the naive forecast failed (it cannot on finite data): zeros.
	for t := range mean {
		mean[t], sd[t] = 0, 0
	}
	return "Zero", "every model failed: " + why, nil, true
}

func finite(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// padRows returns at least h rows of k values: rows past the end repeat the
// last row (or are zeros when there is none).
func padRows(rows []float64, h, k int) []float64 {
	if len(rows) >= h*k {
		return rows
	}
	out := make([]float64, h*k)
	copy(out, rows)
	if n := len(rows) / k; n > 0 {
		for r := n; r < h; r++ {
			copy(out[r*k:(r+1)*k], rows[(n-1)*k:n*k])
		}
	}
	return out
}
