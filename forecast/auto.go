package forecast

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Auto chooses a model for each series: intermittent and lumpy series
// (Syntetos-Boylan classes) go to the intermittent-demand models, the others
// to the regular ones, and among those the model with the smallest squared
// error over rolling-origin windows of the horizon wins. The winner is
// refitted on the whole series; its Describe says what won and why.
type Auto struct {
	// Candidates for series with regular demand; DefaultCandidates when nil.
	Candidates []Model
	// Intermittent candidates for intermittent and lumpy series;
	// DefaultIntermittent when nil.
	Intermittent []Model
	// Windows is the number of rolling origins; 0 means 2.
	Windows int
}

// DefaultCandidates are the models Auto compares on regular series.
func DefaultCandidates() []Model { return []Model{ETS{}, Theta{Variant: DOTM}, SeasonalNaive{}} }

// DefaultIntermittent are the models Auto compares on intermittent series.
func DefaultIntermittent() []Model {
	return []Model{Croston{Variant: SBA}, TSB{}, IMAPA{}}
}

// Name implements Model.
func (Auto) Name() string { return "auto" }

// Fit implements Model.
func (a Auto) Fit(y []float64, info *SeriesInfo) (Fitted, error) {
	class, _, _ := Classify(y)
	cands := a.Candidates
	if cands == nil {
		cands = DefaultCandidates()
	}
	if class == Intermittent || class == Lumpy {
		cands = a.Intermittent
		if cands == nil {
			cands = DefaultIntermittent()
		}
	}
	windows := a.Windows
	if windows == 0 {
		windows = 2
	}
	type score struct {
		model Model
		mse   float64
		ss    float64 // sum of squared errors
		n     int
	}
	var scores []score
	for _, m := range cands {
		sc := score{model: m}
		cvErrors(m, y, info, windows, func(actual, forecast []float64) {
			for t := range actual {
				d := actual[t] - forecast[t]
				sc.ss += d * d
				sc.n++
			}
		})
		sc.mse = math.Inf(1)
		if sc.n > 0 {
			sc.mse = sc.ss / float64(sc.n)
		}
		scores = append(scores, sc)
	}
	// Stable order: by error, then by the candidates' order.
	sort.SliceStable(scores, func(i, j int) bool { return scores[i].mse < scores[j].mse })
	var why []string
	for _, sc := range scores {
		if math.IsInf(sc.mse, 1) {
			why = append(why, sc.model.Name()+" n/a")
		} else {
			why = append(why, fmt.Sprintf("%s %.4g", sc.model.Name(), math.Sqrt(sc.mse)))
		}
	}
	reason := fmt.Sprintf("%s; RMSE over %d windows: %s", class, windows, strings.Join(why, ", "))
	for _, sc := range scores {
		fit, err := sc.model.Fit(y, info)
		if err != nil {
			continue
		}
		out := &autoFit{Fitted: fit, reason: reason}
		if sc.n > 0 {
			out.cvSigma = math.Sqrt(sc.mse)
		}
		return out, nil
	}
	return nil, fmt.Errorf("forecast: no candidate could be fitted (%s)", reason)
}

// autoFit is the chosen model, with the spread of its out-of-sample errors
// for models that have no distribution of their own.
type autoFit struct {
	Fitted
	reason  string
	cvSigma float64 // 0 when no window could be fitted
}

// Predict implements Fitted.
func (f *autoFit) Predict(mean, sd []float64) bool {
	if f.Fitted.Predict(mean, sd) {
		return true
	}
	if f.cvSigma == 0 {
		return false
	}
	for t := range sd {
		sd[t] = f.cvSigma
	}
	return true
}

// Reason says which candidates were compared and how they scored.
func (f *autoFit) Reason() string { return f.reason }
