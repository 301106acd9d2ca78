package dist

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWalkFollowsTheLossFunction(t *testing.T) {
	for _, mv := range [][2]float64{{0, 0}, {0.4, 0.4}, {3, 7}, {61, 61}, {61, 200}, {1200, 1500}, {6000, 8000}} {
		d, err := NewDemand(mv[0], mv[1])
		require.NoError(t, err)
		w := NewWalk(mv[0], mv[1])
		top := int(mv[0]*1.5) + 10
		for k := 0; k <= top; k++ {
			require.Equal(t, k, w.Level())
			assert.InDelta(t, d.Shortage(float64(k)), w.Shortage(), 1e-6*(1+mv[0]), "mean %v variance %v level %d", mv[0], mv[1], k)
			assert.InDelta(t, mv[0]-w.Shortage(), w.Sales(), 1e-12)
			prev := w.Shortage()
			gain := w.Step()
			assert.InDelta(t, prev-w.Shortage(), gain, 1e-12)
			assert.GreaterOrEqual(t, gain, 0.0)
		}
		// StepTo lands where single steps land, jumping or not.
		j := NewWalk(mv[0], mv[1])
		j.StepTo(top / 2)
		s := NewWalk(mv[0], mv[1])
		for s.Level() < top/2 {
			s.Step()
		}
		assert.InDelta(t, s.Shortage(), j.Shortage(), 1e-9*(1+mv[0]), "mean %v", mv[0])
	}
}

func TestWalkCDFReachesQuantiles(t *testing.T) {
	for _, mv := range [][2]float64{{0, 0}, {0.4, 0.4}, {3, 7}, {900, 1400}, {6000, 8000}} {
		d, err := NewDemand(mv[0], mv[1])
		require.NoError(t, err)
		for _, p := range []float64{0.5, 0.9, 0.95} {
			w := NewWalk(mv[0], mv[1])
			for w.CDF() < p {
				w.Step()
			}
			assert.InDelta(t, d.Quantile(p), float64(w.Level()), 1, "mean %v p %v", mv[0], p)
		}
	}
}
