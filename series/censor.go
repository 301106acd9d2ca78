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
// (FillUnobserved): the demand history models see. The unobserved periods
// are those marked, and the zeros of a busy series (ClosedZeros).
func (p *Panel) Filled(i int) []float64 {
	y := p.Series(i)
	mask := p.UnobservedOf(i)
	if zeros := ClosedZeros(y); zeros != nil {
		for t, m := range mask {
			zeros[t] = zeros[t] || m
		}
		mask = zeros
	}
	if mask != nil {
		return FillUnobserved(y, mask, p.Freq.SeasonLength())
	}
	return y
}

// busyLevel is the median sale of the periods with sales above which a
// period without any is taken for a closure: at a mean of 10 a period,
// no sale at all has a probability of 1 in 20,000 for Poisson demand, and
// under 3% for demand twice as variable as the mean squared (a negative
// binomial of size 2).
const busyLevel = 10

// closedTail is the longest run of zeros at the end of a busy series that
// is taken for a closure (a holiday, a Sunday); a longer one may be the
// end of the product or of the store, which a forecast should follow.
const closedTail = 3

// IsBusy says whether a series sells much in a period: the median of its
// periods with sales is at least busyLevel (from 14 such periods on).
func IsBusy(y []float64) bool {
	// The median of the sorted sales, sold[n/2], is at least busyLevel
	// when at most n/2 of them are below it: counted without sorting.
	n, below := 0, 0
	for _, v := range y {
		if v > 0 {
			n++
			if v < busyLevel {
				below++
			}
		}
	}
	return n >= 14 && below <= n/2
}

// ClosedZeros marks the zeros of a busy series (the median of its
// periods with sales at least busyLevel) as closures rather than demand:
// a store closed on a holiday or refitted for months sells nothing without
// anyone's demand falling to zero, and read as demand those zeros pull the
// level down and make a busy store look like intermittent demand. It
// returns nil for a series that is not busy or has no zero. Zeros at the
// end are marked only up to closedTail periods.
//
// Sales files without an availability flag (sales.available, openings)
// have nothing else to tell closures by; with one, the marks add to it.
func ClosedZeros(y []float64) []bool {
	zeros := 0
	for _, v := range y {
		if v == 0 {
			zeros++
		}
	}
	if zeros == 0 || !IsBusy(y) {
		return nil
	}
	mask := make([]bool, len(y))
	end := len(y)
	for end > 0 && y[end-1] == 0 {
		end--
	}
	if len(y)-end <= closedTail {
		end = len(y)
	}
	for t := 0; t < end; t++ {
		mask[t] = y[t] == 0
	}
	return mask
}

// habitWeeks is how many weeks running a busy series must have sold
// nothing on a weekday for that weekday to be taken as closed ahead.
const habitWeeks = 8

// closedWeekdays returns which positions of the week (counted from the
// series' start) a busy daily series sold nothing on in each of its last
// habitWeeks weeks: a store that closes on Sundays.
func closedWeekdays(y []float64) (closed [7]bool, any bool) {
	if len(y) < habitWeeks*7 || !IsBusy(y) {
		return closed, false
	}
	for pos := 0; pos < 7; pos++ {
		all := true
		for t := len(y) - habitWeeks*7; t < len(y); t++ {
			if t%7 == pos && y[t] != 0 {
				all = false
				break
			}
		}
		closed[pos] = all
		any = any || all
	}
	return closed, any
}
