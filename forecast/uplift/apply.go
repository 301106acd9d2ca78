package uplift

import (
	"math"

	"github.com/planner-engine/planner/dist"
	"github.com/planner-engine/planner/series"
)

// Mask marks the periods of the windows of occ that p's history holds,
// wholly or in part, as unobserved in p (allocating p.Unobserved when it
// has none), so that models fit the demand around the peaks, not the
// peaks. It returns the periods newly marked.
func (m *Model) Mask(p *series.Panel, occ []series.Occurrence, labels Labels) int {
	marked := 0
	for i, k := range p.Keys {
		n := p.Offsets[i+1] - p.Offsets[i]
		for _, o := range occ {
			if !labels.applies(o, k.Location) {
				continue
			}
			segs := stepsOf(p.Freq, p.Starts[i], n, o, m.Window)
			for _, seg := range segs {
				for _, t := range seg {
					if p.Unobserved == nil {
						p.Unobserved = make([]bool, len(p.Values))
					}
					if u := &p.Unobserved[p.Offsets[i]+t]; !*u {
						*u = true
						marked++
					}
				}
			}
		}
	}
	return marked
}

// Apply puts the upcoming occurrences next into the forecasts: each
// period a window covers has its mean multiplied by the segment's lift
// (Model.Lift, for the series' SKU and category), and its quantiles
// those of a count distribution with the mixture's mean and variance:
// the model's spread at the new mean plus the lift's uncertainty (by the
// law of total variance, the lift log-normal with spread SD). It returns
// the series-periods changed.
func (m *Model) Apply(f *series.Forecasts, next []series.Occurrence, labels Labels) int {
	changed := 0
	nq := len(f.Quantiles)
	dst := make([]float64, nq)
	for i, k := range f.Keys {
		cat := labels.Category[k.SKU]
		for _, o := range next {
			if !labels.applies(o, k.Location) {
				continue
			}
			segs := stepsOf(f.Freq, f.Starts[i], f.Horizon, o, m.Window)
			for s, seg := range segs {
				if len(seg) == 0 {
					continue
				}
				l, ok := m.Lift(o.Type, cat, k.SKU, Segment(s))
				if !ok || (l.Mult == 1 && l.SD == 0) {
					continue
				}
				for _, t := range seg {
					mean := f.Mean[i*f.Horizon+t]
					if mean <= 0 {
						continue // closed, or nothing to sell
					}
					variance := f.Variance(i, t)
					f.Mean[i*f.Horizon+t] = mean * l.Mult
					if nq > 0 {
						dist.CountMidQuantiles(mean*l.Mult, mixedVariance(mean, variance, l), f.Quantiles, dst)
						copy(f.Q[(i*f.Horizon+t)*nq:], dst)
					}
					changed++
				}
			}
		}
	}
	return changed
}

// mixedVariance is the variance of demand whose mean, mean without the
// event, is multiplied by a lift U of mean l.Mult and log spread l.SD:
// E[Var(Y|U)] + Var(E[Y|U]), with the model's variance split into its
// Poisson part (in proportion to the mean) and the rest (in proportion
// to the mean squared).
func mixedVariance(mean, variance float64, l Lift) float64 {
	m := l.Mult
	second := m * m * math.Exp(l.SD*l.SD) // E[U^2]
	poisson := math.Min(variance, mean)
	extra := variance - poisson
	return poisson*m + extra*second + mean*mean*(second-m*m)
}

// ReturnRates sets each effect's return rate from the units sold and
// returned per category and day: over the model's past occurrences, the
// units returned in the days days after each occurrence's last day, less
// what the 28 days before its window returned a day, over the units sold
// in its days. Effects of categories without returns data say so
// (Returns false).
func (m *Model) ReturnRates(cd *series.CategoryDays, days int) {
	if cd == nil {
		return
	}
	if days <= 0 {
		days = DefaultReturnDays
	}
	index := map[string]int{}
	for c, name := range cd.Categories {
		index[name] = c
	}
	for e := range m.Effects {
		eff := &m.Effects[e]
		c, ok := index[eff.Category]
		if !ok {
			continue
		}
		sold, returned := cd.Sold[c], cd.Returned[c]
		n := len(sold)
		var soldSum, extra float64
		for _, o := range m.Past {
			if o.Type != eff.Type {
				continue
			}
			first, last := int(o.First-cd.Start), int(o.Last-cd.Start)
			lo := first - m.Window.Pre - 28
			if lo < 0 || last+days >= n {
				continue
			}
			var usual float64
			for t := lo; t < first-m.Window.Pre; t++ {
				usual += returned[t]
			}
			usual /= 28
			for t := first; t <= last; t++ {
				soldSum += sold[t]
			}
			for t := last + 1; t <= last+days; t++ {
				extra += returned[t] - usual
			}
		}
		if soldSum > 0 {
			eff.ReturnRate, eff.Returns = math.Max(0, extra/soldSum), true
		}
	}
}
