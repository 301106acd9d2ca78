package forecast

import (
	"fmt"
	"sort"
	"strings"
)

// Combination forecasts the mean (or median) of its members' forecasts:
// averaging forecasts of different models is more accurate on average than
// choosing one (Makridakis, Spiliotis & Assimakopoulos, "The M4 Competition:
// 100,000 time series and 61 forecasting methods", IJF 2020). It has no
// distribution of its own: Run gives it the spread of its out-of-sample
// errors.
type Combination struct {
	Members []Model
	Median  bool
}

// Name implements Model.
func (c Combination) Name() string {
	names := make([]string, len(c.Members))
	for i, m := range c.Members {
		names[i] = m.Name()
	}
	how := "mean"
	if c.Median {
		how = "median"
	}
	return how + "(" + strings.Join(names, "+") + ")"
}

// Fit implements Model.
func (c Combination) Fit(y []float64, info *SeriesInfo) (Fitted, error) {
	var fits []Fitted
	var failed []string
	for _, m := range c.Members {
		f, err := m.Fit(y, info)
		if err != nil {
			failed = append(failed, m.Name())
			continue
		}
		fits = append(fits, f)
	}
	if len(fits) == 0 {
		return nil, fmt.Errorf("no member of %s could be fitted", c.Name())
	}
	return &combinationFit{members: fits, median: c.Median}, nil
}

type combinationFit struct {
	members []Fitted
	median  bool
}

// Predict implements Fitted.
func (f *combinationFit) Predict(mean, sd []float64) bool {
	h := len(mean)
	all := make([][]float64, len(f.members))
	scratch := make([]float64, h)
	for i, m := range f.members {
		all[i] = make([]float64, h)
		m.Predict(all[i], scratch)
	}
	combine(all, f.median, mean)
	return false
}

// combine writes the mean or median of the rows of all into dst.
func combine(all [][]float64, median bool, dst []float64) {
	vals := make([]float64, len(all))
	for t := range dst {
		for i := range all {
			vals[i] = all[i][t]
		}
		if median {
			sort.Float64s(vals)
			k := len(vals) / 2
			if len(vals)%2 == 0 {
				dst[t] = (vals[k-1] + vals[k]) / 2
			} else {
				dst[t] = vals[k]
			}
			continue
		}
		var s float64
		for _, v := range vals {
			s += v
		}
		dst[t] = s / float64(len(vals))
	}
}

// Refilter implements refilterer when every member can.
func (f *combinationFit) Refilter(y []float64, info *SeriesInfo) (Fitted, error) {
	out := &combinationFit{median: f.median}
	for _, m := range f.members {
		rf, ok := m.(refilterer)
		if !ok {
			return nil, fmt.Errorf("a member cannot be rerun")
		}
		nf, err := rf.Refilter(y, info)
		if err != nil {
			return nil, err
		}
		out.members = append(out.members, nf)
	}
	return out, nil
}

// Describe implements Fitted.
func (f *combinationFit) Describe() string {
	names := make([]string, len(f.members))
	for i, m := range f.members {
		names[i] = m.Describe()
	}
	how := "Mean"
	if f.median {
		how = "Median"
	}
	return how + "(" + strings.Join(names, " + ") + ")"
}

// Combo is the mean of ETS and the dynamic optimised theta, each on the
// series with its yearly season taken out (MultiSeasonal) when the series
// holds two years of daily or three of weekly data.
type Combo struct{}

// Name implements Model.
func (Combo) Name() string { return "combo" }

// Fit implements Model.
func (Combo) Fit(y []float64, info *SeriesInfo) (Fitted, error) {
	members := []Model{ETS{}, Theta{Variant: DOTM}}
	if hasYears(info, len(y)) {
		members = []Model{MultiSeasonal{Inner: ETS{}}, MultiSeasonal{Inner: Theta{Variant: DOTM}}}
	}
	return Combination{Members: members}.Fit(y, info)
}

// Residuals implements residualer: the mean of the members' residuals,
// which are the combination's own one-step errors.
func (f *combinationFit) Residuals() []float64 {
	var out []float64
	n := 0
	for _, m := range f.members {
		r, ok := m.(residualer)
		if !ok {
			return nil
		}
		res := r.Residuals()
		if res == nil {
			return nil
		}
		if out == nil {
			out = make([]float64, len(res))
		}
		for t := range out {
			if t < len(res) {
				out[t] += res[t]
			}
		}
		n++
	}
	for t := range out {
		out[t] /= float64(n)
	}
	return out
}
