package dist

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Demand is the distribution of demand over an interval, from its mean and
// variance: a Poisson count when the variance is no larger than the mean,
// a negative binomial count when it is (the usual shape of retail demand,
// Syntetos & Boylan), and a normal cut at zero once the mean is so large
// that counting is pointless. The quantile and loss functions of the count
// shapes come from their exact probabilities, so slow movers get whole,
// skewed reorder points rather than a normal approximation's.
type Demand struct {
	Mean, Variance float64
	// cdf[k] is P(X <= k) for the count shapes; nil for the normal.
	cdf []float64
	// tail[k] is E[(X - k)+], the expected shortage with k units of stock.
	tail []float64
}

// countLimit is the mean above which demand is treated as continuous.
const countLimit = 5000

// NewDemand returns the distribution of demand with this mean and
// variance. The variance is raised to the mean for counts (demand is at
// least as variable as Poisson).
func NewDemand(mean, variance float64) (*Demand, error) {
	if math.IsNaN(mean) || math.IsInf(mean, 0) || mean < 0 {
		return nil, fmt.Errorf("demand mean %v is not a finite number >= 0", mean)
	}
	if math.IsNaN(variance) || math.IsInf(variance, 0) || variance < 0 {
		return nil, fmt.Errorf("demand variance %v is not a finite number >= 0", variance)
	}
	d := &Demand{Mean: mean, Variance: math.Max(variance, mean)}
	if mean > countLimit {
		return d, nil
	}
	d.tabulate()
	return d, nil
}

// tabulate fills the cumulative probabilities and the expected shortages
// of the count shape, up to where the remaining probability is negligible.
func (d *Demand) tabulate() {
	m, v := d.Mean, d.Variance
	if m == 0 {
		d.cdf, d.tail = []float64{1}, []float64{0}
		return
	}
	c := newCount(m, v)
	limit := int(m+12*math.Sqrt(v)) + 20
	d.cdf = make([]float64, c.k, limit+1) // zero below the walk's start
	cdf := c.pk
	d.cdf = append(d.cdf, cdf)
	for k := c.k; k < limit && 1-cdf > 1e-12; k++ {
		cdf += c.next()
		d.cdf = append(d.cdf, math.Min(cdf, 1))
	}
	// E[(X-k)+] = m - k + sum_{j<k} (k-j) P(j), and going from k to k+1
	// the shortage drops by P(X > k) = 1 - cdf[k].
	d.tail = make([]float64, len(d.cdf))
	d.tail[0] = m
	for k := 1; k < len(d.tail); k++ {
		d.tail[k] = math.Max(0, d.tail[k-1]-(1-d.cdf[k-1]))
	}
}

// count walks the probabilities of a Poisson (variance = mean) or negative
// binomial count upwards, one unit at a time, from the first unit whose
// probability is not negligible.
type count struct {
	poisson bool
	m, r, q float64 // mean; the negative binomial's size and 1 - p
	k       int     // the current unit
	pk      float64 // P(X = k)
}

// newCount starts the walk. Starting at zero would underflow: P(X = 0) is
// exp(-m) for a Poisson, zero in float64 once m passes about 745, and a
// walk that starts at zero probability never leaves it. So the walk starts
// 12 standard deviations below the mean, where the mass left behind is far
// below 1e-12, with P(X = k) from the log-gamma function.
func newCount(m, v float64) count {
	c := count{m: m, poisson: v <= m*(1+1e-9)}
	if !c.poisson {
		// r = m²/(v-m) and q = m/(r+m): P(k+1)/P(k) = (k+r)/(k+1)·q.
		c.r = m * m / (v - m)
		c.q = m / (c.r + m)
	}
	c.k = max(0, int(m-12*math.Sqrt(v)))
	switch {
	case c.k > 0:
		c.pk = math.Exp(c.logProb(float64(c.k)))
	case c.poisson:
		c.pk = math.Exp(-m)
	default:
		c.pk = math.Exp(c.logP0())
	}
	return c
}

// logProb is log P(X = k).
func (c *count) logProb(k float64) float64 {
	lk, _ := math.Lgamma(k + 1)
	if c.poisson {
		return k*math.Log(c.m) - c.m - lk
	}
	lkr, _ := math.Lgamma(k + c.r)
	lr, _ := math.Lgamma(c.r)
	return lkr - lr - lk + c.logP0() + k*math.Log(c.q)
}

// logP0 is log P(X = 0) of the negative binomial, r log(1-q), written as
// -r log(1 + m/r): for a vanishing mean with a spread, q = m/(r+m) rounds
// to 1 and log(1-q) to -Inf, although nearly all the probability is at 0.
func (c *count) logP0() float64 { return -c.r * math.Log1p(c.m/c.r) }

// next moves the walk one unit up and returns the new P(X = k).
func (c *count) next() float64 {
	k := float64(c.k)
	if c.poisson {
		c.pk *= c.m / (k + 1)
	} else {
		c.pk *= (k + c.r) / (k + 1) * c.q
	}
	c.k++
	return c.pk
}

// CountQuantiles writes to dst, for each probability in probs (sorted
// ascending), the smallest whole number of units whose cumulative
// probability reaches it, under the count with this mean and variance
// (Poisson when the variance is no larger than the mean, negative binomial
// otherwise). It allocates nothing: forecasts call it for every step of
// every series.
func CountQuantiles(mean, variance float64, probs, dst []float64) {
	countQuantiles(mean, variance, probs, dst, false)
}

// CountMidQuantiles writes to dst, for each probability in probs (sorted
// ascending), the mid-distribution quantile of the count with this mean
// and variance: the quantile once each whole number's probability is
// spread evenly over the unit around it (Parzen, 2004, "Quantile
// probability and statistical data modeling"), except zero's, which stays
// at zero. Unlike CountQuantiles the result may be fractional, and an
// interval between two of them holds its nominal share of outcomes on
// average over many forecasts instead of at least that share every time:
// for small counts the whole-number interval from the 10% to the 90%
// quantile of a Poisson with mean 2 holds 95% of outcomes. It allocates
// nothing.
func CountMidQuantiles(mean, variance float64, probs, dst []float64) {
	countQuantiles(mean, variance, probs, dst, true)
}

// countQuantiles is CountQuantiles, or CountMidQuantiles when mid is set.
func countQuantiles(mean, variance float64, probs, dst []float64, mid bool) {
	if !(mean > 0) {
		for k := range dst[:len(probs)] {
			dst[k] = 0
		}
		return
	}
	variance = math.Max(variance, mean)
	if mean > countLimit {
		sd := math.Sqrt(variance)
		for k, p := range probs {
			q := mean + sd*distuv.UnitNormal.Quantile(p)
			if !mid {
				q = math.Round(q)
			}
			dst[k] = math.Max(0, q)
		}
		return
	}
	c := newCount(mean, variance)
	cdf := c.pk
	stop := mean + 50*math.Sqrt(variance) + 50
	for i, p := range probs {
		for cdf < p && float64(c.k) < stop {
			cdf += c.next()
		}
		q := float64(c.k)
		// The mid-quantile falls in the unit [k-1/2, k+1/2), whose share
		// of probability is P(k): F(k) - P(k) of it lies below. Zero's
		// share stays at zero: demand is never negative, and spreading it
		// upwards would give an item that almost surely sells nothing a
		// 90% quantile of 0.4.
		if mid && c.k > 0 && c.pk > 0 {
			q = math.Min(q+(p-(cdf-c.pk))/c.pk-0.5, q+0.5)
		}
		dst[i] = math.Max(0, q)
	}
}

// SD is the standard deviation.
func (d *Demand) SD() float64 { return math.Sqrt(d.Variance) }

// Quantile returns the smallest stock level that meets all demand with
// probability p: a whole number of units for counts.
func (d *Demand) Quantile(p float64) float64 {
	if d.cdf == nil {
		return math.Max(0, d.Mean+d.SD()*distuv.UnitNormal.Quantile(p))
	}
	for k, c := range d.cdf {
		if c >= p-1e-12 {
			return float64(k)
		}
	}
	return float64(len(d.cdf) - 1)
}

// Shortage returns E[(X - s)+], the units of demand expected to go unmet
// with s units available (the loss function).
func (d *Demand) Shortage(s float64) float64 {
	if s <= 0 {
		return d.Mean - s
	}
	if d.cdf == nil {
		// Standard normal loss: σ (φ(z) - z (1 - Φ(z))).
		sd := d.SD()
		if sd == 0 {
			return math.Max(0, d.Mean-s)
		}
		z := (s - d.Mean) / sd
		return sd * (distuv.UnitNormal.Prob(z) - z*(1-distuv.UnitNormal.CDF(z)))
	}
	k := int(math.Floor(s))
	if k >= len(d.tail)-1 {
		return 0
	}
	// Linear between whole units: the loss function of a count is
	// piecewise linear.
	frac := s - float64(k)
	return d.tail[k] + frac*(d.tail[k+1]-d.tail[k])
}

// LevelForShortage returns the smallest stock level whose expected
// shortage is at most the given units.
func (d *Demand) LevelForShortage(units float64) float64 {
	return d.LevelFor(d.Shortage, units)
}

// LevelFor returns the smallest level whose shortage(level) is at most
// units, for a shortage that falls as the level grows and is measured on
// this distribution's scale: whole units for counts, a bisection to a
// millionth otherwise. Policies pass shortages of their own (per cycle,
// per batch).
func (d *Demand) LevelFor(shortage func(float64) float64, units float64) float64 {
	if shortage(0) <= units {
		return 0
	}
	lo, hi := 0.0, math.Max(1, d.Quantile(0.999999))
	for shortage(hi) > units {
		hi *= 2
	}
	count := d.cdf != nil
	for hi-lo > 0.5 || (!count && hi-lo > 1e-6*(1+hi)) {
		mid := (lo + hi) / 2
		if count {
			mid = math.Floor(mid)
			if mid == lo {
				break
			}
		}
		if shortage(mid) > units {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}
