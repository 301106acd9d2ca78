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
// over horizons of h periods, or 0 when none repeats well enough.
func driverSchedule(p *series.Panel, j, h int) int {
	x := p.Exog
	k := len(x.Names)
	lags := scheduleLags(p.Freq)
	maxLag := lags[len(lags)-1]
	span := scheduleWindows*h + maxLag
	right := make([]int, len(lags))
	var standIn, total int
	step := max(1, p.Len()/scheduleSample)
	for i := 0; i < p.Len(); i += step {
		hist, _ := p.Drivers(i)
		n := len(hist) / k
		if n < span {
			continue
		}
		col := func(t int) float32 { return hist[t*k+j] }
		common, varies := mostCommon(col, n-span, n)
		if !varies {
			continue
		}
		for w := 1; w <= scheduleWindows; w++ {
			origin := n - w*h
			for t := 0; t < h; t++ {
				actual := col(origin + t)
				for l, lag := range lags {
					if col(origin-lag+t%lag) == actual {
						right[l]++
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
		return 0
	}
	best := 0
	for l := range lags {
		if right[l] > right[best] {
			best = l
		}
	}
	hits := float64(right[best]) / float64(total)
	missed, standInMissed := total-right[best], total-standIn
	if hits < scheduleHits || 2*missed > standInMissed {
		return 0
	}
	return lags[best]
}

// mostCommon returns the most common value of col over [lo, hi), and
// whether it takes more than one value there.
func mostCommon(col func(int) float32, lo, hi int) (float32, bool) {
	counts := map[float32]int{}
	for t := lo; t < hi; t++ {
		counts[col(t)]++
	}
	var best float32
	n := -1
	for v, c := range counts {
		if c > n || (c == n && v < best) {
			best, n = v, c
		}
	}
	return best, len(counts) > 1
}
