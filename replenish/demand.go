package replenish

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
		return nil, fmt.Errorf("replenish: demand mean %v is not a finite number >= 0", mean)
	}
	if math.IsNaN(variance) || math.IsInf(variance, 0) || variance < 0 {
		return nil, fmt.Errorf("replenish: demand variance %v is not a finite number >= 0", variance)
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
	// P(k+1)/P(k) is m/(k+1) for a Poisson and (k+r)/(k+1)*q for a negative
	// binomial with r = m²/(v-m) and q = m/(r+m).
	poisson := v <= m*(1+1e-9)
	var p0, r, q float64
	if poisson {
		p0 = math.Exp(-m)
	} else {
		r = m * m / (v - m)
		q = m / (r + m)
		p0 = math.Exp(r * math.Log1p(-q))
	}
	limit := int(m+12*math.Sqrt(v)) + 20
	d.cdf = make([]float64, 0, limit+1)
	pk, cdf := p0, p0
	d.cdf = append(d.cdf, cdf)
	for k := 0; k < limit && 1-cdf > 1e-12; k++ {
		if poisson {
			pk *= m / float64(k+1)
		} else {
			pk *= (float64(k) + r) / float64(k+1) * q
		}
		cdf += pk
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

func (d *Demand) sd() float64 { return math.Sqrt(d.Variance) }

// Quantile returns the smallest stock level that meets all demand with
// probability p: a whole number of units for counts.
func (d *Demand) Quantile(p float64) float64 {
	if d.cdf == nil {
		return math.Max(0, d.Mean+d.sd()*distuv.UnitNormal.Quantile(p))
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
		sd := d.sd()
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
	return d.levelFor(d.Shortage, units)
}

// levelFor returns the smallest level whose shortage(level) is at most
// units, for a shortage that falls as the level grows and is measured on
// this distribution's scale: whole units for counts, a bisection to a
// millionth otherwise. Policies pass shortages of their own (per cycle,
// per batch).
func (d *Demand) levelFor(shortage func(float64) float64, units float64) float64 {
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

// LeadTimeDemandSD is the standard deviation of demand over a random lead
// time when only moments are known: sqrt(L·σ_D² + D²·σ_L²), with L and σ_L
// the lead time's mean and standard deviation in periods and D and σ_D the
// mean and standard deviation of demand per period (independent periods,
// lead time independent of demand; Silver, Pyke & Thomas, "Inventory and
// Production Management in Supply Chains", 4th ed., section 6.10).
func LeadTimeDemandSD(leadTime, leadTimeSD, demand, demandSD float64) float64 {
	return math.Sqrt(leadTime*demandSD*demandSD + demand*demand*leadTimeSD*leadTimeSD)
}
