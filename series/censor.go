package series

import "sort"

// FillUnobserved returns y with its unobserved periods (unobserved[t]
// true: the store was closed, the shelf empty) filled with the demand the
// observed periods around them suggest, so that models fit on demand, not
// on the zeros of days when no one could buy. y itself is returned when
// every period was observed.
//
// The fill follows the idea of seasonal interpolation of missing values
// (Hyndman and Athanasopoulos, Forecasting: Principles and Practice,
// 3rd ed., section 13.9; R's forecast::na.interp): the observed values
// are seasonally adjusted by a multiplicative index per position in the
// season (weekday for daily series), the adjusted level is interpolated
// linearly across each gap from the mean of up to one season of observed
// periods on either side, and the season is put back.
//
// A position in the season that is almost never observed (a store closed
// every Sunday) keeps what was recorded: closing by habit is part of the
// weekly pattern (its customers come on the other days), not demand that
// went missing, and the forecast is zero on those days anyway. On the
// Rossmann stores, filling such days as well made forecasts worse
// (notebooks/closed-days).
func FillUnobserved(y []float64, unobserved []bool, period int) []float64 {
	var anchors []int
	gaps := false
	for t := range y {
		if t < len(unobserved) && unobserved[t] {
			gaps = true
		} else {
			anchors = append(anchors, t)
		}
	}
	if !gaps {
		return y
	}
	out := make([]float64, len(y))
	copy(out, y)
	if len(anchors) == 0 {
		for t := range out {
			out[t] = 0
		}
		return out
	}
	if period < 1 {
		period = 1
	}
	// The season: observed mean at each position over the observed mean.
	sum, n := make([]float64, period), make([]int, period)
	var total float64
	for _, t := range anchors {
		sum[t%period] += y[t]
		n[t%period]++
		total += y[t]
	}
	mu := total / float64(len(anchors))
	// A position observed far less often than the others (a weekday the
	// store is nearly always closed on) has no index of its own: a few
	// odd days would set it, zero if they sold nothing.
	enough := len(anchors) / (2 * period)
	season := make([]float64, period)
	regular := make([]bool, period) // positions nearly never observed: closed by habit
	for k := range season {
		season[k] = 1
		regular[k] = period > 1 && len(anchors) >= 2*period && n[k] < enough
		if n[k] > 0 && n[k] >= enough && mu > 0 && len(anchors) >= 2*period {
			season[k] = sum[k] / float64(n[k]) / mu
		}
	}
	// The adjusted level at the observed periods of a position that sells.
	var at []int
	var level []float64
	for _, t := range anchors {
		if s := season[t%period]; s > 0 {
			at = append(at, t)
			level = append(level, y[t]/s)
		}
	}
	if len(at) == 0 {
		for t := range out {
			if unobserved[t] {
				out[t] = 0
			}
		}
		return out
	}
	mean := func(lo, hi int) float64 {
		var s float64
		for _, v := range level[lo:hi] {
			s += v
		}
		return s / float64(hi-lo)
	}
	for t := range y {
		if t >= len(unobserved) || !unobserved[t] || regular[t%period] {
			continue
		}
		j := sort.SearchInts(at, t) // at[j-1] < t < at[j]
		var z float64
		switch {
		case j == 0:
			z = mean(0, min(period, len(at)))
		case j == len(at):
			z = mean(max(0, j-period), j)
		default:
			left, right := mean(max(0, j-period), j), mean(j, min(len(at), j+period))
			w := float64(t-at[j-1]) / float64(at[j]-at[j-1])
			z = (1-w)*left + w*right
		}
		out[t] = max(0, z*season[t%period])
	}
	return out
}

// Filled returns series i with its unobserved periods filled in
// (FillUnobserved): the demand history models see.
func (p *Panel) Filled(i int) []float64 {
	y := p.Series(i)
	if mask := p.UnobservedOf(i); mask != nil {
		return FillUnobserved(y, mask, p.Freq.SeasonLength())
	}
	return y
}
