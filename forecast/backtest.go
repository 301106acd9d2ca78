package forecast

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/planner-engine/planner/forecast/hierarchy"
	"github.com/planner-engine/planner/forecast/metrics"
	"github.com/planner-engine/planner/series"
)

// BacktestOptions say what Backtest evaluates. Zero values mean defaults.
type BacktestOptions struct {
	// Horizon of each window; at least 1.
	Horizon int
	// Windows is the number of rolling origins, the last one h periods
	// before the end of the panel, each earlier one h periods before the
	// next; 3 by default.
	Windows int
	// Models are evaluated each on its own; {Auto{}} by default.
	Models []Model
	// Window, Workers and Progress are as in Options.
	Window   int
	Workers  int
	Progress func(done, total int)
	// Hierarchy, when not nil, builds the hierarchy of each window's series;
	// the bottom forecasts are then reconciled with Method before scoring.
	Hierarchy func(keys []series.Key) (*hierarchy.Structure, error)
	Method    hierarchy.Method
}

// BacktestQuantiles are the quantiles a backtest scores: the nine of the M5
// uncertainty competition plus 0.1 and 0.9 for the 80% interval.
var BacktestQuantiles = []float64{0.005, 0.025, 0.1, 0.165, 0.25, 0.5, 0.75, 0.835, 0.9, 0.975, 0.995}

// Score is the accuracy of one model, over all series and windows or for
// one series over its windows. Scaled errors (MASE, RMSSE, SPL) divide by
// the in-sample error of the seasonal naive (MASE) or naive (RMSSE, SPL)
// forecast, from the first sale on.
type Score struct {
	Model string  `json:"model"`
	MAE   float64 `json:"mae"`
	RMSE  float64 `json:"rmse"`
	MASE  float64 `json:"mase"`
	RMSSE float64 `json:"rmsse"`
	SMAPE float64 `json:"smape"`
	WAPE  float64 `json:"wape"`
	// Bias is the sum of forecasts minus actuals over the sum of actuals:
	// 0.05 means five percent too high.
	Bias float64 `json:"bias"`
	// SPL is the scaled pinball loss averaged over BacktestQuantiles.
	SPL        float64 `json:"spl"`
	Coverage80 float64 `json:"coverage80"`
	Coverage95 float64 `json:"coverage95"`
	// WRMSSE weights each series' RMSSE by its units sold in the horizon's
	// length of periods before the origin (the M5 competition weights by
	// dollar sales), only in overall scores.
	WRMSSE float64 `json:"wrmsse,omitempty"`
	Series int     `json:"series"`
}

// MarshalJSON writes scores that could not be computed (NaN) as null.
func (s Score) MarshalJSON() ([]byte, error) {
	type plain Score
	raw, err := json.Marshal(plain(s))
	if err == nil {
		return raw, nil
	}
	fields := map[string]any{"model": s.Model, "series": s.Series}
	for name, v := range map[string]float64{"mae": s.MAE, "rmse": s.RMSE, "mase": s.MASE, "rmsse": s.RMSSE, "smape": s.SMAPE,
		"wape": s.WAPE, "bias": s.Bias, "spl": s.SPL, "coverage80": s.Coverage80, "coverage95": s.Coverage95, "wrmsse": s.WRMSSE} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			fields[name] = nil
		} else {
			fields[name] = v
		}
	}
	return json.Marshal(fields)
}

// SeriesScore is one series' accuracy under one model.
type SeriesScore struct {
	Key series.Key
	// Chosen is the fitted model at the last origin, such as ETS(A,N,A).
	Chosen string
	Score
}

// BacktestResult holds the scores of every model.
type BacktestResult struct {
	Horizon int
	Origins []series.Date // the last period of history of each window, oldest first
	Overall []Score       // one per model, in the order given
	Series  []SeriesScore // per model, then per series
}

// sums accumulates one model's errors.
type sums struct {
	mae, rmse, mase, rmsse, smape, spl []float64 // per series-window values, NaN skipped at the end
	absErr, sumErr, sumActual          float64
	in80, in95, points                 int
	wrmsse                             []float64 // per window
	weightedRMSSE, weights             float64   // within the current window
}

// Backtest evaluates each model by rolling-origin evaluation on the panel.
func Backtest(ctx context.Context, p *series.Panel, opts BacktestOptions) (*BacktestResult, error) {
	h := opts.Horizon
	if h < 1 {
		return nil, fmt.Errorf("the horizon must be at least 1 period (got %d)", h)
	}
	windows := opts.Windows
	if windows == 0 {
		windows = 3
	}
	if windows < 1 {
		return nil, fmt.Errorf("--windows must be at least 1 (got %d)", windows)
	}
	models := opts.Models
	if len(models) == 0 {
		models = []Model{Auto{}}
	}
	probs := BacktestQuantiles
	idx := func(q float64) int {
		for k, v := range probs {
			if v == q {
				return k
			}
		}
		return -1
	}
	lo80, hi80, lo95, hi95 := idx(0.1), idx(0.9), idx(0.025), idx(0.975)
	period := max(1, p.Freq.SeasonLength())

	res := &BacktestResult{Horizon: h}
	acc := make([]sums, len(models))
	perSeries := make([][]SeriesScore, len(models))
	for m := range models {
		perSeries[m] = make([]SeriesScore, p.Len())
		for i := range perSeries[m] {
			perSeries[m][i] = SeriesScore{Key: p.Keys[i], Score: Score{Model: models[m].Name()}}
		}
	}
	// Per model and series, per-window values to average.
	type seriesSums struct{ mae, rmse, mase, rmsse, smape, spl, n float64 }
	ss := make([][]seriesSums, len(models))
	for m := range ss {
		ss[m] = make([]seriesSums, p.Len())
	}
	end := maxEnd(p)
	total := windows * len(models)
	done := 0
	for w := windows; w >= 1; w-- {
		origin := p.Freq.Add(p.Freq.PeriodStart(end), -w*h) // last period of history
		res.Origins = append(res.Origins, origin)
		train, index := truncate(p, origin, h)
		if train.Len() == 0 {
			continue
		}
		var structure *hierarchy.Structure
		if opts.Hierarchy != nil {
			var err error
			if structure, err = opts.Hierarchy(train.Keys); err != nil {
				return nil, err
			}
		}
		for m, model := range models {
			runOpts := Options{Horizon: h, Quantiles: probs, Model: model, Window: opts.Window, Workers: opts.Workers}
			var r *Result
			if structure != nil {
				rec, err := RunReconciled(ctx, train, structure, opts.Method, runOpts)
				if err != nil {
					return nil, err
				}
				r = rec.Bottom
			} else {
				var err error
				if r, err = Run(ctx, train, runOpts); err != nil {
					return nil, err
				}
			}
			a := &acc[m]
			a.weightedRMSSE, a.weights = 0, 0
			for j := 0; j < r.Len(); j++ {
				i := index[j]
				y := p.Series(i)
				cut := train.Offsets[j+1] - train.Offsets[j]
				// Periods whose demand went unobserved (a closed store)
				// are not scored, nor in the scale.
				steps := observedSteps(p.UnobservedOf(i), cut, h)
				actual := pick(y[cut:cut+h], steps)
				insample := observedValues(y[:cut], p.UnobservedOf(i))
				fc := pick(r.Series(j), steps)
				if len(actual) == 0 {
					continue
				}
				q := func(k int) []float64 {
					out := make([]float64, h)
					for t := range out {
						out[t] = r.Quantile(j, t, k)
					}
					return pick(out, steps)
				}
				var spl float64
				for k, tau := range probs {
					spl += metrics.ScaledPinball(actual, q(k), insample, tau, 1)
				}
				spl /= float64(len(probs))
				vals := seriesSums{
					mae: metrics.MAE(actual, fc), rmse: metrics.RMSE(actual, fc),
					mase: metrics.MASE(actual, fc, insample, period), rmsse: metrics.RMSSE(actual, fc, insample, 1),
					smape: metrics.SMAPE(actual, fc), spl: spl,
				}
				s := &ss[m][i]
				s.mae += vals.mae
				s.rmse += vals.rmse
				s.mase += vals.mase
				s.rmsse += vals.rmsse
				s.smape += vals.smape
				s.spl += vals.spl
				s.n++
				perSeries[m][i].Chosen = r.Model[j]
				a.mae = append(a.mae, vals.mae)
				a.rmse = append(a.rmse, vals.rmse)
				a.mase = append(a.mase, vals.mase)
				a.rmsse = append(a.rmsse, vals.rmsse)
				a.smape = append(a.smape, vals.smape)
				a.spl = append(a.spl, vals.spl)
				l80, u80, l95, u95 := q(lo80), q(hi80), q(lo95), q(hi95)
				for t, v := range actual {
					a.absErr += math.Abs(fc[t] - v)
					a.sumErr += fc[t] - v
					a.sumActual += v
					a.points++
					if v >= l80[t] && v <= u80[t] {
						a.in80++
					}
					if v >= l95[t] && v <= u95[t] {
						a.in95++
					}
				}
				// Weight: units sold in the h periods before the origin.
				var weight float64
				for _, v := range insample[max(0, len(insample)-h):] {
					weight += v
				}
				if !math.IsNaN(vals.rmsse) && !math.IsInf(vals.rmsse, 0) {
					a.weightedRMSSE += weight * vals.rmsse
					a.weights += weight
				}
			}
			if a.weights > 0 {
				a.wrmsse = append(a.wrmsse, a.weightedRMSSE/a.weights)
			}
			done++
			if opts.Progress != nil {
				opts.Progress(done, total)
			}
		}
	}
	for m, model := range models {
		a := &acc[m]
		sc := Score{Model: model.Name(), MAE: meanOK(a.mae), RMSE: meanOK(a.rmse), MASE: meanOK(a.mase),
			RMSSE: meanOK(a.rmsse), SMAPE: meanOK(a.smape), SPL: meanOK(a.spl), WRMSSE: meanOK(a.wrmsse)}
		if a.sumActual != 0 {
			sc.WAPE = a.absErr / a.sumActual
			sc.Bias = a.sumErr / a.sumActual
		}
		if a.points > 0 {
			sc.Coverage80 = float64(a.in80) / float64(a.points)
			sc.Coverage95 = float64(a.in95) / float64(a.points)
		}
		for i := range perSeries[m] {
			s := ss[m][i]
			if s.n == 0 {
				continue
			}
			sc.Series++
			ps := &perSeries[m][i]
			ps.MAE, ps.RMSE, ps.MASE = s.mae/s.n, s.rmse/s.n, s.mase/s.n
			ps.RMSSE, ps.SMAPE, ps.SPL = s.rmsse/s.n, s.smape/s.n, s.spl/s.n
			res.Series = append(res.Series, *ps)
		}
		res.Overall = append(res.Overall, sc)
	}
	return res, nil
}

// maxEnd is the last period of the panel.
func maxEnd(p *series.Panel) series.Date {
	var end series.Date
	for i := 0; i < p.Len(); i++ {
		if e := p.End(i); i == 0 || e > end {
			end = e
		}
	}
	return end
}

// truncate copies the history of every series up to and including the
// origin period; index maps the copy's series to the panel's. Series with
// no history by then, or fewer than h periods after it, are left out.
//
// The drivers of the h periods after the origin become the copy's future:
// a backtest knows them, as a plan would. A driver carried on by its
// schedule is carried on from the origin, as the forecast would be.
func truncate(p *series.Panel, origin series.Date, h int) (*series.Panel, []int) {
	out := &series.Panel{Freq: p.Freq}
	var hist []float32
	var future []float64
	var index []int
	for i := 0; i < p.Len(); i++ {
		n := p.Freq.Between(p.Starts[i], origin) + 1
		y := p.Series(i)
		if n < 1 || n+h > len(y) {
			continue
		}
		out.Append(p.Keys[i], p.Starts[i], y[:n])
		index = append(index, i)
		if p.Unobserved != nil {
			out.Unobserved = append(out.Unobserved, p.UnobservedOf(i)[:n]...)
		}
		if x, _ := p.Drivers(i); x != nil {
			k := len(p.Exog.Names)
			hist = append(hist, x[:n*k]...)
			for _, v := range x[n*k : (n+h)*k] {
				future = append(future, float64(v))
			}
		}
	}
	if p.Exog != nil {
		out.Exog = p.Exog.Reshaped(hist, future, h)
		out.CarrySchedules()
	}
	return out, index
}

// observedSteps lists the observed steps of the h periods after cut, or
// nil when all were observed.
func observedSteps(mask []bool, cut, h int) []int {
	if mask == nil {
		return nil
	}
	var steps []int
	all := true
	for t := 0; t < h; t++ {
		if mask[cut+t] {
			all = false
		} else {
			steps = append(steps, t)
		}
	}
	if all {
		return nil
	}
	if steps == nil {
		steps = []int{}
	}
	return steps
}

// pick returns the values at steps, or xs when steps is nil.
func pick(xs []float64, steps []int) []float64 {
	if steps == nil {
		return xs
	}
	out := make([]float64, len(steps))
	for k, t := range steps {
		out[k] = xs[t]
	}
	return out
}

// observedValues returns the values of y that were observed.
func observedValues(y []float64, mask []bool) []float64 {
	if mask == nil {
		return y
	}
	out := make([]float64, 0, len(y))
	for t, v := range y {
		if !mask[t] {
			out = append(out, v)
		}
	}
	return out
}

// meanOK is the mean of the finite values.
func meanOK(xs []float64) float64 {
	var s float64
	n := 0
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			s += x
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}
