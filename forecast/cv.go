package forecast

import "math"

// cvWindows is how many rolling origins out-of-sample errors come from.
const cvWindows = 3

// refilterer is a Fitted that can run its estimated parameters over
// another stretch of the series (a shorter history, for rolling-origin
// evaluation) without estimating them again.
type refilterer interface {
	// Refilter takes the info of the shorter history, whose drivers'
	// future is the periods after it.
	Refilter(y []float64, info *SeriesInfo) (Fitted, error)
}

// refilterMinLength is the shortest series whose rolling-origin errors are
// measured with the parameters of the fit on the whole series.
const refilterMinLength = 300

// honestCV says whether rolling-origin errors on a series of length n come
// from refitting at each origin (short series), as opposed to rerunning the
// whole series' parameters (long ones, where they are slightly optimistic).
func honestCV(n int) bool { return n < refilterMinLength }

// cvErrors evaluates model at rolling origins that leave out the last h,
// 2h, ... 'windows' x h periods, and calls visit with each window's actuals
// and forecasts. When full, the model fitted on the whole series, can
// refilter, its parameters are reused at every origin (one pass of the
// filter instead of a new estimation); otherwise the model is fitted again
// on each history. It returns how many windows it could evaluate.
func cvErrors(model Model, full Fitted, y []float64, info *SeriesInfo, windows int, visit func(actual, forecast []float64)) int {
	return cvErrorsSD(model, full, y, info, windows, func(actual, forecast, _ []float64, _ bool) { visit(actual, forecast) })
}

// cvErrorsSD is cvErrors that also passes each window's predicted standard
// deviations (when the model has a distribution).
func cvErrorsSD(model Model, full Fitted, y []float64, info *SeriesInfo, windows int, visit func(actual, forecast, sd []float64, hasDist bool)) int {
	h := info.Horizon
	mean := make([]float64, h)
	sd := make([]float64, h)
	rf, reuse := full.(refilterer)
	// On short series the parameters depend on the held-out periods enough
	// to mislead: on 156 weeks of dunnhumby sales, rerunning them gave ETS
	// 40% more out-of-sample error than refitting did, and Theta 40% less.
	reuse = reuse && !honestCV(len(y))
	windows = usableWindows(windows, len(y), h)
	done := 0
	for w := windows; w >= 1; w-- {
		origin := len(y) - w*h
		if origin < minTrain(info) {
			continue
		}
		var fit Fitted
		var err error
		winfo := info.window(origin, h)
		if reuse {
			fit, err = rf.Refilter(y[:origin], winfo)
		} else {
			fit, err = model.Fit(y[:origin], winfo)
		}
		if err != nil {
			continue
		}
		has := fit.Predict(mean, sd)
		if !finite(mean) {
			continue
		}
		visit(y[origin:origin+h], mean, sd, has)
		done++
	}
	return done
}

// minTrain is the shortest history a rolling origin may leave a model: two
// horizons and at least eight periods. (Two seasons was too strict: with
// weekly data it left no window at all in three years of history, and a
// model that needs more history simply fails to fit that window.)
func minTrain(info *SeriesInfo) int { return max(2*info.Horizon, 8) }

// usableWindows caps the rolling origins so that every history they leave
// keeps at least three quarters of the series: fits on much shorter
// histories than the final one behave differently and mislead the choice.
func usableWindows(windows, n, h int) int {
	return max(1, min(windows, n/(4*h)))
}

// conformalSD sets sd, for a model with no predictive distribution of its
// own, from its errors out of sample (split conformal prediction with
// rolling origins; Vovk, Gammerman & Shafer, 2005). A few windows give too
// few errors for each step, so the errors of all steps are pooled into one
// spread. Without room for a window, the spread of the one-step in-sample
// differences stands in.
func conformalSD(model Model, full Fitted, y []float64, info *SeriesInfo, sd []float64) {
	var ss float64
	n := 0
	cvErrors(model, full, y, info, cvWindows, func(actual, forecast []float64) {
		for t := range actual {
			d := actual[t] - forecast[t]
			ss += d * d
			n++
		}
	})
	s := 0.0
	if n > 0 {
		s = math.Sqrt(ss / float64(n))
	} else {
		_, s = meanSD(diff(y))
	}
	for t := range sd {
		sd[t] = s
	}
}

func diff(y []float64) []float64 {
	if len(y) < 2 {
		return []float64{0}
	}
	d := make([]float64, len(y)-1)
	for i := range d {
		d[i] = y[i+1] - y[i]
	}
	return d
}
