package replenish

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestLeadTimeDemandSD(t *testing.T) {
	// Four days of lead time ± 1 day, demand 10 ± 3 a day:
	// sqrt(4·9 + 100·1) = sqrt(136).
	assert.InDelta(t, math.Sqrt(136), LeadTimeDemandSD(4, 1, 10, 3), 1e-12)
	// A fixed lead time leaves the daily variation summed over L days.
	assert.InDelta(t, 2*3, LeadTimeDemandSD(4, 0, 10, 3), 1e-12)
	// Steady demand leaves only the lead time's variation, in units.
	assert.InDelta(t, 10*1.5, LeadTimeDemandSD(4, 1.5, 10, 0), 1e-12)
	// The formula is the variance of a random sum: check it against a
	// simulation of Poisson-distributed days and a discrete lead time.
	const n = 200_000
	lt := []float64{2, 4, 6} // equally likely: mean 4, sd sqrt(8/3)
	pois := distuv.Poisson{Lambda: 10, Src: rand.NewPCG(1, 2)}
	var s, ss float64
	for i := 0; i < n; i++ {
		days := int(lt[i%3])
		x := 0.0
		for d := 0; d < days; d++ {
			x += pois.Rand()
		}
		s += x
		ss += x * x
	}
	mean := s / n
	sd := math.Sqrt(ss/n - mean*mean)
	assert.InDelta(t, 40, mean, 0.2)
	assert.InDelta(t, LeadTimeDemandSD(4, math.Sqrt(8.0/3), 10, math.Sqrt(10)), sd, 0.1)
}

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
