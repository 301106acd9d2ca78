package assortment

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Store-weeks where a product was out 10% of the time and 60% of its
// demand went to its substitutes: the estimate finds the 60% within two
// standard errors, and the error shrinks as the weeks grow.
func TestTheTransferShareIsRecovered(t *testing.T) {
	var prev float64 = math.Inf(1)
	for _, weeks := range []int{200, 2000, 20000} {
		rng := rand.New(rand.NewPCG(uint64(weeks), 9))
		var obs []TransferObs
		for w := 0; w < weeks; w++ {
			o := TransferObs{Excess: rng.NormFloat64() * 3}
			if rng.Float64() < 0.1 {
				o.Missing = 10 + 10*rng.Float64()
				o.Excess += 0.6 * o.Missing
			}
			obs = append(obs, o)
		}
		got, err := EstimateTransfer(obs)
		require.NoError(t, err)
		assert.False(t, got.Default)
		assert.InDelta(t, 0.6, got.Share, 2*got.SE, "%d weeks", weeks)
		assert.Less(t, got.SE, prev)
		prev = got.SE
	}
}

func TestThinHistoryTakesTheDefault(t *testing.T) {
	got, err := EstimateTransfer([]TransferObs{{Missing: 5, Excess: 4}, {Excess: 1}, {Missing: 3, Excess: 2}})
	require.NoError(t, err)
	assert.True(t, got.Default)
	assert.Equal(t, DefaultTransfer, got.Share)
	assert.Equal(t, 2, got.Periods)
	_, err = EstimateTransfer([]TransferObs{{Missing: -1}})
	assert.Error(t, err)
}

func TestAnUncertainEstimateMovesTheShareLittle(t *testing.T) {
	assert.InDelta(t, 0.45, Transfer{Share: 0.9, SE: 2}.Shrunk(0.45), 0.005)
	assert.InDelta(t, 0.9, Transfer{Share: 0.9, SE: 0.01}.Shrunk(0.45), 0.005)
	// Equal precisions meet halfway.
	assert.InDelta(t, 0.675, Transfer{Share: 0.9, SE: PriorSpread}.Shrunk(0.45), 1e-9)
	assert.Equal(t, 0.3, Transfer{Default: true, Share: DefaultTransfer}.Shrunk(0.3))
}
