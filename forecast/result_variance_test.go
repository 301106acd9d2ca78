package forecast

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestResultVariance(t *testing.T) {
	// p10 and p90 five units either side of a mean of 20: sd 5/1.2816.
	r := &Result{Horizon: 1, Quantiles: []float64{0.1, 0.9}, Mean: []float64{20}, Q: []float64{15, 25}}
	sd := 5 / 1.2815515655446004
	assert.InDelta(t, sd*sd, r.Variance(0, 0), 1e-9)
	// Without two quantiles the spread is a Poisson's.
	r = &Result{Horizon: 1, Quantiles: []float64{0.5}, Mean: []float64{7}, Q: []float64{7}}
	assert.Equal(t, 7.0, r.Variance(0, 0))
}
