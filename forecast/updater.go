package forecast

import (
	"math"

	"github.com/planner-engine/planner/series"
)

// Updater forecasts one series again and again as its history grows, the
// way a planning system runs between re-estimations (and the way a
// simulation of daily planning replays it): the model is estimated on the
// first history and again every Refit periods; in between, a model that
// can runs its estimated parameters over the longer history, which costs
// one pass of its filter instead of an estimation.
type Updater struct {
	// Model forecasts; Auto{} when nil.
	Model Model
	Freq  series.Freq
	// Refit is how many periods pass between estimations; 28 when 0.
	Refit int
	// Window is the most recent periods an estimation uses, as in Options.
	Window int

	fit     Fitted
	start   int // where the fitted history begins in y
	fitEnd  int // the history's length at the last estimation
	canStep bool
	spread  float64 // out-of-sample error sd, for fits without a distribution

	// filled is series filledSeries of panel filledOf with its closures
	// filled, kept between the calls of ForecastPanel.
	filled       []float64
	filledOf     *series.Panel
	filledSeries int
}

// Forecast writes the forecasts of the len(mean) periods after y: the
// means, and in sd each period's standard deviation, from the model's
// distribution or, for models without one, from its out-of-sample errors. y
// must be the same series each call, longer or as long as the last.
// Forecasts are never negative.
func (u *Updater) Forecast(y []float64, mean, sd []float64) {
	u.forecast(y, nil, mean, sd)
}

// ForecastPanel forecasts the len(mean) days after the first n of series i
// of p, as Forecast does for its filled history, with the panel's drivers
// when the model takes them (WithDrivers wrapped it and left them in the
// panel): their history up to day n, and ahead, for a replay of that
// history, what was known on day n. A driver a plan gives is known: the
// values the panel holds for the days after n. A driver nothing plans but
// its schedule is carried on from day n (Exog.Schedule), as the nightly
// forecast would have carried it, and one it left in unplanned (drivers
// "on") takes the stand-in the forecast assumes (no promotion).
func (u *Updater) ForecastPanel(p *series.Panel, i, n int, mean, sd []float64) {
	if u.filledOf != p || u.filledSeries != i {
		u.filled, u.filledOf, u.filledSeries = p.Filled(i), p, i
	}
	y := u.filled[:n]
	hist, future := p.Drivers(i)
	if hist == nil {
		u.forecast(y, nil, mean, sd)
		return
	}
	x := p.Exog
	k, h := len(x.Names), len(mean)
	d := &Drivers{Names: x.Names, X: series.Row64(hist[:n*k]), Future: make([]float64, h*k), Misses: x.Misses}
	total := len(hist) / k
	for t := 0; t < h; t++ {
		for j := 0; j < k; j++ {
			v := 0.0
			switch {
			case x.Schedule != nil && x.Schedule[j] > 0:
				v = x.Carried(hist, n, j, t)
			case x.Unplanned != nil && x.Unplanned[j] && x.Horizon > 0:
				// Nothing planned it (kept with --drivers on): the
				// stand-in the forecast assumes, never what happened.
				v = future[j]
			case x.Unplanned != nil && x.Unplanned[j]:
				v = float64(hist[(n-1)*k+j])
			case n+t < total:
				v = float64(hist[(n+t)*k+j])
			case x.Horizon > 0:
				v = future[min(n+t-total, x.Horizon-1)*k+j]
			default:
				v = float64(hist[(total-1)*k+j])
			}
			d.Future[t*k+j] = v
		}
	}
	u.forecast(y, d, mean, sd)
}

func (u *Updater) forecast(y []float64, d *Drivers, mean, sd []float64) {
	h := len(mean)
	refit := u.Refit
	if refit <= 0 {
		refit = 28
	}
	if u.fit == nil || len(y) < u.fitEnd || len(y)-u.fitEnd >= refit || !u.canStep {
		u.estimate(y, d, h, mean, sd)
		return
	}
	info := u.info(y, d, h)
	next, err := u.fit.(refilterer).Refilter(y[u.start:], info)
	if err != nil {
		u.estimate(y, d, h, mean, sd)
		return
	}
	u.fit = next
	u.write(mean, sd)
}

// info describes the fitted part of y, with its drivers.
func (u *Updater) info(y []float64, d *Drivers, h int) *SeriesInfo {
	info := infoOf(y[u.start:], u.Freq, h)
	if d != nil {
		k := len(d.Names)
		window := *d
		window.X = d.X[u.start*k:]
		info.Drivers = &window
	}
	return info
}

func (u *Updater) estimate(y []float64, d *Drivers, h int, mean, sd []float64) {
	model := u.Model
	if model == nil {
		model = Auto{}
	}
	window := u.Window
	if window == 0 {
		window = DefaultWindow(u.Freq)
	}
	u.start = 0
	if window > 0 && len(y) > window {
		u.start = len(y) - window
	}
	info := u.info(y, d, h)
	_, _, fit, hasDist := predict(model, y[u.start:], info, mean, sd)
	u.fit, u.fitEnd, u.spread = fit, len(y), 0
	if fit == nil {
		clear(mean)
		clear(sd)
		return
	}
	if !hasDist {
		// As Run does: one spread from out-of-sample errors.
		conformalSD(model, fit, y[u.start:], info, sd)
		u.spread = sd[0]
	}
	// auto's choice stays between estimations: step the chosen model, and
	// keep auto's out-of-sample spread for models without a distribution.
	if a, ok := fit.(*autoFit); ok {
		u.fit = a.Fitted
		if a.cvSigma > 0 {
			u.spread = a.cvSigma
		}
	}
	if r, ok := fit.(*regressionFit); ok {
		if a, ok := r.inner.(*autoFit); ok {
			stepped := *r
			stepped.inner = a.Fitted
			u.fit = &stepped
			if a.cvSigma > 0 {
				u.spread = a.cvSigma
			}
		}
	}
	_, u.canStep = u.fit.(refilterer)
	// predict has written this estimation's forecast already.
	u.clamp(mean, sd)
}

// write forecasts with the current (stepped) fit.
func (u *Updater) write(mean, sd []float64) {
	if !u.fit.Predict(mean, sd) {
		for t := range sd {
			sd[t] = u.spread
		}
	}
	u.clamp(mean, sd)
}

// clamp keeps forecasts at zero or more and spreads finite.
func (u *Updater) clamp(mean, sd []float64) {
	for t := range mean {
		if !(mean[t] > 0) {
			mean[t] = 0
		}
		if !(sd[t] >= 0) || math.IsInf(sd[t], 0) {
			sd[t] = u.spread
		}
	}
}
