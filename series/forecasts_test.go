package series

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestForecastsVariance(t *testing.T) {
	// p10 and p90 five units either side of a mean of 20: sd 5/1.2816.
	f := &Forecasts{Horizon: 1, Quantiles: []float64{0.1, 0.9}, Mean: []float64{20}, Q: []float64{15, 25}}
	sd := 5 / 1.2815515655446004
	assert.InDelta(t, sd*sd, f.Variance(0, 0), 1e-9)
	// Without two quantiles the spread is a Poisson's.
	f = &Forecasts{Horizon: 1, Quantiles: []float64{0.5}, Mean: []float64{7}, Q: []float64{7}}
	assert.Equal(t, 7.0, f.Variance(0, 0))
}

func TestSDFromQuantiles(t *testing.T) {
	assert.InDelta(t, 5, SDFromQuantiles(0.1, 0.9, 20-5*1.2815516, 20+5*1.2815516), 1e-6)
	assert.Equal(t, 0.0, SDFromQuantiles(0.1, 0.9, 3, 3))
	assert.Equal(t, 0.0, SDFromQuantiles(0.1, 0.9, 5, 3), "crossed quantiles have no spread")
}

func TestForecastsFirst(t *testing.T) {
	f := &Forecasts{Starts: []Date{MustParseDate("2024-01-03"), MustParseDate("2024-01-02"), MustParseDate("2024-01-05")}}
	assert.Equal(t, "2024-01-02", f.First().String())
}
