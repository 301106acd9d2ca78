package dist

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Walk steps through a demand distribution one unit of stock at a time,
// from zero upwards, knowing at each level k the expected shortage
// E[(X-k)+] and so the expected sales E[min(X, k)] = mean - shortage. It
// keeps no table: allocating stock to a million store-products one pack
// at a time needs the next unit's gain, never a random level, and a Walk
// is a few numbers that copy cheaply (copy it to look ahead).
type Walk struct {
	mean, sd float64
	normal   bool
	c        count
	started  bool    // the count walk has reached c.k
	level    int     // k
	cdf      float64 // P(X <= k) for counts
	short    float64 // E[(X-k)+]
}

// NewWalk starts a walk at level zero for demand with this mean and
// variance, shaped as NewDemand shapes it. The mean and variance must be
// finite and non-negative (NewDemand checks them).
func NewWalk(mean, variance float64) Walk {
	variance = max(variance, mean)
	w := Walk{mean: mean, sd: math.Sqrt(variance), short: mean}
	switch {
	case mean == 0:
		w.started, w.cdf = true, 1
	case mean > countLimit:
		w.normal = true
		w.short = w.normalShortage(0)
	default:
		w.c = newCount(mean, variance)
		if w.c.k == 0 {
			w.started, w.cdf = true, w.c.pk
		}
	}
	return w
}

// Level is the stock level the walk stands at.
func (w *Walk) Level() int { return w.level }

// Shortage is E[(X - Level)+], the demand expected to go unmet.
func (w *Walk) Shortage() float64 { return w.short }

// CDF is P(X <= Level).
func (w *Walk) CDF() float64 {
	switch {
	case w.normal && w.sd == 0:
		if float64(w.level) >= w.mean {
			return 1
		}
		return 0
	case w.normal:
		return distuv.UnitNormal.CDF((float64(w.level) - w.mean) / w.sd)
	case !w.started:
		return 0
	}
	return w.cdf
}

// Sales is E[min(X, Level)], the units expected to sell.
func (w *Walk) Sales() float64 { return w.mean - w.short }

// Step moves one unit up and returns the expected sales the unit adds,
// P(X > Level) before the step.
func (w *Walk) Step() float64 {
	before := w.short
	switch {
	case w.normal:
		w.level++
		// Far in the tail the normal loss is rounding noise; it must
		// never rise.
		w.short = min(before, w.normalShortage(float64(w.level)))
	case !w.started:
		// Below the count's mass every unit sells for sure.
		w.level++
		w.short = w.mean - float64(w.level)
		if w.level == w.c.k {
			w.started, w.cdf = true, w.c.pk
		}
	default:
		// The builtin min and max inline; math's do not, and this is
		// the hottest line of allocation.
		w.short = max(0, w.short-(1-w.cdf))
		w.level++
		if w.cdf < 1 {
			w.cdf = min(1, w.cdf+w.c.next())
		}
	}
	return before - w.short
}

// StepTo walks up to level k (no step when k is at or below Level) and
// returns the expected sales the units add.
func (w *Walk) StepTo(k int) float64 {
	before := w.short
	for w.level < k {
		if !w.normal && !w.started && k <= w.c.k {
			// Jump through the sure units.
			w.level = k
			w.short = w.mean - float64(k)
			if k == w.c.k {
				w.started, w.cdf = true, w.c.pk
			}
			break
		}
		w.Step()
	}
	return before - w.short
}

func (w *Walk) normalShortage(s float64) float64 {
	if w.sd == 0 {
		return math.Max(0, w.mean-s)
	}
	z := (s - w.mean) / w.sd
	return w.sd * (distuv.UnitNormal.Prob(z) - z*(1-distuv.UnitNormal.CDF(z)))
}
