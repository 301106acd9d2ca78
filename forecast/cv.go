package forecast

import "math"

// cvWindows is how many rolling origins out-of-sample errors come from.
const cvWindows = 3

// refilterer is a Fitted that can run its estimated parameters over
// another stretch of the series (a shorter history, for rolling-origin
// evaluation) without estimating them again.
type refilterer interface {
	Refilter(y []float64) (Fitted, error)
}

// cvErrors evaluates model at rolling origins that leave out the last h,
// 2h, ... 'windows' x h periods, and calls visit with each window's actuals
// and forecasts. When full, the model fitted on the whole series, can
// refilter, its parameters are reused at every origin (one pass of the
// filter instead of a new estimation); otherwise the model is fitted again
// on each history. It returns how many windows it could evaluate.
func cvErrors(model Model, full Fitted, y []float64, info *SeriesInfo, windows int, visit func(actual, forecast []float64)) int {
	h := info.Horizon
	mean := make([]float64, h)
	sd := make([]float64, h)
	rf, reuse := full.(refilterer)
	done := 0
	for w := windows; w >= 1; w-- {
		origin := len(y) - w*h
		if origin < minTrain(info) {
			continue
		}
		var fit Fitted
		var err error
		if reuse {
			fit, err = rf.Refilter(y[:origin])
		} else {
			fit, err = model.Fit(y[:origin], info)
		}
		if err != nil {
			continue
		}
		fit.Predict(mean, sd)
		if !finite(mean) {
			continue
		}
		visit(y[origin:origin+h], mean)
		done++
	}
	return done
}

// minTrain is the shortest history a rolling origin may leave a model:
// two seasons, and at least eight periods.
func minTrain(info *SeriesInfo) int { return max(2*info.Period, 8) }

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
