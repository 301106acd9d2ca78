package forecast

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestLevenbergMarquardtFitsACurve recovers the parameters of an
// exponential decay from exact points, and of a line from noisy ones
// (where the answer is the least-squares line).
func TestLevenbergMarquardtFitsACurve(t *testing.T) {
	ts := []float64{0, 0.5, 1, 1.5, 2, 3, 4, 6}
	y := make([]float64, len(ts))
	for i, v := range ts {
		y[i] = 3 * math.Exp(-0.7*v)
	}
	x, sum := levenbergMarquardt(func(x, dst []float64) {
		for i, v := range ts {
			dst[i] = y[i] - x[0]*math.Exp(-x[1]*v)
		}
	}, []float64{1, 0.1}, len(ts), 100, 1e-14)
	assert.InDelta(t, 3, x[0], 1e-5)
	assert.InDelta(t, 0.7, x[1], 1e-5)
	assert.Less(t, sum, 1e-10)

	noisy := []float64{1.1, 2.9, 5.2, 6.8, 9.1}
	x, _ = levenbergMarquardt(func(x, dst []float64) {
		for i, v := range noisy {
			dst[i] = v - (x[0] + x[1]*float64(i))
		}
	}, []float64{0, 0}, len(noisy), 100, 1e-14)
	a, b := lineFit(noisy) // intercept at t = 0 for t = 1..n
	assert.InDelta(t, a+b, x[0], 1e-6)
	assert.InDelta(t, b, x[1], 1e-6)

	// Residuals that are never finite: +Inf, the start returned.
	x, sum = levenbergMarquardt(func(x, dst []float64) { dst[0] = math.NaN() }, []float64{2}, 1, 10, 1e-8)
	assert.True(t, math.IsInf(sum, 1))
	assert.Equal(t, []float64{2}, x)
}
