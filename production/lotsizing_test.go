package production

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bruteForce tries every set of lot periods (a lot in the first period
// with demand always) and returns the least cost.
func bruteForce(demand []float64, c Costs) float64 {
	n := len(demand)
	best := math.Inf(1)
	for mask := 0; mask < 1<<n; mask++ {
		lots := make([]float64, n)
		last := -1
		ok := true
		for t := 0; t < n; t++ {
			if mask&(1<<t) != 0 {
				last = t
			}
			if demand[t] > 0 {
				if last < 0 {
					ok = false
					break
				}
				lots[last] += demand[t]
			}
		}
		if ok {
			best = math.Min(best, CostOf(lots, demand, c).All)
		}
	}
	return best
}

func randomDemand(rng *rand.Rand, n int) []float64 {
	d := make([]float64, n)
	for t := range d {
		if rng.IntN(4) > 0 {
			d[t] = float64(rng.IntN(60))
		}
	}
	return d
}

func TestWagnerWhitinIsOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 300; k++ {
		d := randomDemand(rng, 1+rng.IntN(11))
		c := Costs{Setup: 10 + 200*rng.Float64(), Holding: 0.1 + 3*rng.Float64()}
		lots := WagnerWhitin{}.Lots(d, c)
		require.NoError(t, Check(lots, d), "instance %d", k)
		assert.InDelta(t, bruteForce(d, c), CostOf(lots, d, c).All, 1e-9, "instance %d: %v", k, d)
	}
}

func TestHeuristicsMeetDemandAndCostNoLessThanTheOptimum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for k := 0; k < 200; k++ {
		d := randomDemand(rng, 4+rng.IntN(40))
		c := Costs{Setup: 10 + 200*rng.Float64(), Holding: 0.1 + 3*rng.Float64()}
		opt := CostOf(WagnerWhitin{}.Lots(d, c), d, c).All
		for _, m := range []LotSizer{LotForLot{}, FixedPeriod{}, FixedPeriod{Periods: 3}, SilverMeal{}} {
			lots := m.Lots(d, c)
			require.NoError(t, Check(lots, d), "%s instance %d", m.Name(), k)
			assert.GreaterOrEqual(t, CostOf(lots, d, c).All, opt-1e-9, "%s instance %d", m.Name(), k)
		}
	}
}

func TestTextbookExample(t *testing.T) {
	// Silver, Pyke & Thomas's style of example: setup 100, holding 1 a
	// unit and period.
	d := []float64{20, 50, 10, 50, 50, 10, 20, 40, 20, 30}
	c := Costs{Setup: 100, Holding: 1}
	lfl := CostOf(LotForLot{}.Lots(d, c), d, c)
	assert.Equal(t, 10, lfl.Setups)
	assert.Equal(t, 1000.0, lfl.All)
	ww := CostOf(WagnerWhitin{}.Lots(d, c), d, c)
	sm := CostOf(SilverMeal{}.Lots(d, c), d, c)
	assert.Less(t, ww.All, lfl.All)
	assert.LessOrEqual(t, ww.All, sm.All)
	assert.InDelta(t, bruteForce(d, c), ww.All, 1e-9)
	// Silver-Meal's first lot: covering periods 1-2 costs (100+50)/2 = 75
	// a period, adding period 3 (100+50+20)/3 = 56.7, adding period 4
	// (170+150)/4 = 80: it stops at three periods.
	assert.Equal(t, 80.0, SilverMeal{}.Lots(d, c)[0])
}

func TestLotSizerNamed(t *testing.T) {
	for _, n := range []string{"lfl", "fpq", "silver-meal", "ww"} {
		m, err := LotSizerNamed(n)
		require.NoError(t, err)
		assert.Equal(t, n, m.Name())
	}
	_, err := LotSizerNamed("eoq")
	assert.ErrorContains(t, err, `"eoq"`)
}
