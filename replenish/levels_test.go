package replenish

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
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
