package forecast

import (
	"github.com/planner-engine/planner/series"
)

// A driver nothing plans can still be known ahead when it keeps to a
// schedule: a chain that runs its promotion every other week, Monday to
// Friday. driverSchedule finds the lag at which a driver's history
// repeats, and says whether carrying it on at that lag would have been
// right often enough to use: on the last scheduleWindows windows of the
// horizon, the driver carried on from each window's start must match what
// happened in at least scheduleHits of the periods, and miss at most half
// as often as the stand-in the forecast would otherwise assume (the
// driver's most common value, no promotion).
const (
	scheduleWindows = 4
	scheduleHits    = 0.8
	// scheduleSample is how many series, spread evenly, the check reads.
	scheduleSample = 400
)

// scheduleLags are the lags tried for a panel of frequency f: one to four
// weeks.
func scheduleLags(f series.Freq) []int {
	base := 1
	if f == series.Daily {
		base = 7
	}
	return []int{base, 2 * base, 3 * base, 4 * base}
}

// driverSchedule returns the lag at which driver j of the panel repeats
// over horizons of h periods, or 0 when none repeats well enough, with how
// often carrying it on at that lag was wrong: on the periods where the
// carried value is the driver's usual one, and on the others.
func driverSchedule(p *series.Panel, j, h int) (int, series.ScheduleMiss) {
	x := p.Exog
	k := len(x.Names)
	lags := scheduleLags(p.Freq)
	maxLag := lags[len(lags)-1]
	span := scheduleWindows*h + maxLag
	// Per lag, the periods whose carried value was the usual one or
	// another, and how many of each were right.
	type tally struct{ usual, usualRight, other, otherRight int }
	tallies := make([]tally, len(lags))
	var standIn, total int
	step := max(1, p.Len()/scheduleSample)
	for i := 0; i < p.Len(); i += step {
		hist, _ := p.Drivers(i)
		n := len(hist) / k
		if n < span {
			continue
		}
		col := func(t int) float64 { return float64(hist[t*k+j]) }
		common, varies := mostCommon(col, n-span, n)
		if !varies {
			continue
		}
		for w := 1; w <= scheduleWindows; w++ {
			origin := n - w*h
			for t := 0; t < h; t++ {
				actual := col(origin + t)
				for l, lag := range lags {
					carried := col(origin - lag + t%lag)
					right := 0
					if carried == actual {
						right = 1
					}
					if carried == common {
						tallies[l].usual++
						tallies[l].usualRight += right
					} else {
						tallies[l].other++
						tallies[l].otherRight += right
					}
				}
				if actual == common {
					standIn++
				}
				total++
			}
		}
	}
	if total == 0 {
		return 0, series.ScheduleMiss{}
	}
	best := 0
	for l, t := range tallies {
		if t.usualRight+t.otherRight > tallies[best].usualRight+tallies[best].otherRight {
			best = l
		}
	}
	b := tallies[best]
	right := b.usualRight + b.otherRight
	hits := float64(right) / float64(total)
	missed, standInMissed := total-right, total-standIn
	if hits < scheduleHits || 2*missed > standInMissed {
		return 0, series.ScheduleMiss{}
	}
	return lags[best], series.ScheduleMiss{Usual: missRate(b.usual, b.usualRight), Other: missRate(b.other, b.otherRight)}
}

// missRate is the share of n periods that were not among the right ones.
func missRate(n, right int) float64 {
	if n == 0 {
		return 0
	}
	return float64(n-right) / float64(n)
}

// mostCommon returns the most common value of col over [lo, hi) (the
// smallest of those as common), and whether it takes more than one value
// there.
func mostCommon(col func(int) float64, lo, hi int) (float64, bool) {
	counts := map[float64]int{}
	for t := lo; t < hi; t++ {
		counts[col(t)]++
	}
	var best float64
	n := -1
	for v, c := range counts {
		if c > n || (c == n && v < best) {
			best, n = v, c
		}
	}
	return best, len(counts) > 1
}
