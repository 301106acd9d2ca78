package dist

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestPoissonDemandMatchesGonum(t *testing.T) {
	for _, m := range []float64{0.3, 2, 17, 140} {
		d, err := NewDemand(m, m)
		require.NoError(t, err)
		ref := distuv.Poisson{Lambda: m}
		for _, p := range []float64{0.5, 0.8, 0.95, 0.99} {
			k := d.Quantile(p)
			assert.GreaterOrEqual(t, ref.CDF(k), p-1e-9, "mean %v p %v", m, p)
			if k > 0 {
				assert.Less(t, ref.CDF(k-1), p, "mean %v p %v: %v is not the smallest", m, p, k)
			}
		}
		// E[(X-s)+] by summing the probabilities.
		for _, s := range []float64{0, 1, math.Floor(m), math.Ceil(m + 2*math.Sqrt(m))} {
			want := 0.0
			for k := s + 1; k < m+60*math.Sqrt(m)+60; k++ {
				want += (k - s) * ref.Prob(k)
			}
			assert.InDelta(t, want, d.Shortage(s), 1e-9*(1+m), "mean %v s %v", m, s)
		}
	}
}

func TestNegativeBinomialDemand(t *testing.T) {
	// Mean 4, variance 12: r = 2, success probability 1/3; P(X=0) = (1/3)².
	d, err := NewDemand(4, 12)
	require.NoError(t, err)
	assert.InDelta(t, 1.0/9, d.cdf[0], 1e-12)
	// P(X=1) = r (1-p) p^r = 2 · 2/3 · 1/9.
	assert.InDelta(t, 1.0/9+4.0/27, d.cdf[1], 1e-12)
	// The tail of a skewed count is longer than the normal's: the 95%
	// level is above mean + 1.645 sd.
	assert.Greater(t, d.Quantile(0.95), 4+1.645*math.Sqrt(12))
	// The loss function starts at the mean and falls by P(X > k) a unit.
	assert.InDelta(t, 4, d.Shortage(0), 1e-12)
	assert.InDelta(t, 4-(1-1.0/9), d.Shortage(1), 1e-12)
	assert.InDelta(t, (d.Shortage(1)+d.Shortage(2))/2, d.Shortage(1.5), 1e-12)
	// LevelForShortage inverts it.
	for _, units := range []float64{2, 0.5, 0.1} {
		s := d.LevelForShortage(units)
		assert.LessOrEqual(t, d.Shortage(s), units)
		assert.Greater(t, d.Shortage(s-1), units)
	}
}

func TestLargeDemandIsNormal(t *testing.T) {
	d, err := NewDemand(10_000, 250_000)
	require.NoError(t, err)
	assert.Nil(t, d.cdf)
	assert.InDelta(t, 10_000+500*1.6449, d.Quantile(0.95), 0.5)
	// Normal loss at the mean is σ·φ(0).
	assert.InDelta(t, 500*0.398942, d.Shortage(10_000), 0.01)
	s := d.LevelForShortage(20)
	assert.InDelta(t, 20, d.Shortage(s), 1e-3)
}

func TestNoDemand(t *testing.T) {
	d, err := NewDemand(0, 0)
	require.NoError(t, err)
	assert.Equal(t, 0.0, d.Quantile(0.99))
	assert.Equal(t, 0.0, d.Shortage(0))
	assert.Equal(t, 0.0, d.LevelForShortage(0))
}

func TestBadDemand(t *testing.T) {
	for _, mv := range [][2]float64{{-1, 1}, {math.NaN(), 1}, {1, math.Inf(1)}, {1, -2}} {
		_, err := NewDemand(mv[0], mv[1])
		assert.Error(t, err, "%v", mv)
	}
}

// Means of hundreds or thousands of units (a fortnight of a fast mover)
// put P(X = 0) below float64's range; the distribution must still be the
// right one there.
func TestLargeCountsDoNotUnderflow(t *testing.T) {
	for _, m := range []float64{500, 900, 1000, 3000, 4900} {
		d, err := NewDemand(m, m)
		require.NoError(t, err)
		ref := distuv.Poisson{Lambda: m}
		for _, p := range []float64{0.05, 0.5, 0.95} {
			k := d.Quantile(p)
			assert.GreaterOrEqual(t, ref.CDF(k), p-1e-9, "mean %v p %v", m, p)
			assert.Less(t, ref.CDF(k-1), p, "mean %v p %v: %v is not the smallest", m, p, k)
		}
		// Poisson loss at the mean is close to the normal's σ·φ(0).
		assert.InDelta(t, math.Sqrt(m)*0.398942, d.Shortage(m), 0.02*math.Sqrt(m), "mean %v", m)
	}
	// A negative binomial with mean 1000 and variance 1600 has the normal
	// approximation's quantiles within a unit or two at the centre.
	d, err := NewDemand(1000, 1600)
	require.NoError(t, err)
	assert.InDelta(t, 1000, d.Quantile(0.5), 2)
	assert.InDelta(t, 1000+40*1.645, d.Quantile(0.95), 4)
}

func TestCountQuantilesAgreeWithDemand(t *testing.T) {
	probs := []float64{0.025, 0.1, 0.5, 0.9, 0.975}
	dst := make([]float64, len(probs))
	for _, mv := range [][2]float64{{0.2, 0.2}, {3, 7}, {61, 61}, {61, 150}, {915, 1500}, {2500, 2500}, {8000, 9000}} {
		d, err := NewDemand(mv[0], mv[1])
		require.NoError(t, err)
		CountQuantiles(mv[0], mv[1], probs, dst)
		for k, p := range probs {
			assert.InDelta(t, d.Quantile(p), dst[k], 1, "mean %v variance %v p %v", mv[0], mv[1], p)
		}
	}
	CountQuantiles(0, 0, probs, dst)
	assert.Equal(t, []float64{0, 0, 0, 0, 0}, dst)
}

func TestCountMidQuantilesHoldTheirShareOnAverage(t *testing.T) {
	probs := []float64{0.1, 0.9}
	dst := make([]float64, 2)
	// Poisson(2): the 90% quantile is in the unit around 4, where
	// P(X<=3)=0.857 and P(X=4)=0.090.
	CountMidQuantiles(2, 2, probs, dst)
	f3, p4 := 19.0/3*math.Exp(-2), 2.0/3*math.Exp(-2)
	assert.InDelta(t, 3.5+(0.9-f3)/p4, dst[1], 1e-12)

	// Over many small counts, whole-number intervals from the 10% to the
	// 90% quantile hold well over 80% of outcomes; mid-quantiles hold
	// about 80%. (Below a mean of about 2 no interval of whole numbers can:
	// leaving out zero would leave out a third of outcomes or more.)
	rng := rand.New(rand.NewPCG(1, 2))
	var inMid, inWhole, n float64
	whole := make([]float64, 2)
	for range 20000 {
		mean := math.Exp(math.Log(3) + math.Log(10)*rng.Float64()) // 3 to 30
		variance := mean * (1 + rng.Float64())
		CountMidQuantiles(mean, variance, probs, dst)
		CountQuantiles(mean, variance, probs, whole)
		d, err := NewDemand(mean, variance)
		require.NoError(t, err)
		y := d.Quantile(rng.Float64()) // a draw from the count
		if y >= dst[0] && y <= dst[1] {
			inMid++
		}
		if y >= whole[0] && y <= whole[1] {
			inWhole++
		}
		n++
	}
	assert.InDelta(t, 0.80, inMid/n, 0.015)
	assert.Greater(t, inWhole/n, 0.84)

	// Large counts: the normal quantile, not rounded.
	CountMidQuantiles(8000, 9000, []float64{0.9}, dst)
	assert.InDelta(t, 8000+math.Sqrt(9000)*1.2815515655446004, dst[0], 1e-9)
	CountMidQuantiles(0, 0, probs, dst)
	assert.Equal(t, []float64{0, 0}, dst)
	// A vanishing mean with a spread: everything at zero (q = m/(r+m)
	// rounds to 1 here).
	CountMidQuantiles(8e-34, 0.19, probs, dst)
	assert.Equal(t, []float64{0, 0}, dst)
	CountQuantiles(8e-34, 0.19, probs, dst)
	assert.Equal(t, []float64{0, 0}, dst)
}
