package metrics

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPointMetricsOnAWorkedExample(t *testing.T) {
	actual := []float64{10, 0, 5, 5}
	forecast := []float64{8, 1, 5, 10}
	assert.InDelta(t, 2.0, MAE(actual, forecast), 1e-12)             // (2+1+0+5)/4
	assert.InDelta(t, math.Sqrt(7.5), RMSE(actual, forecast), 1e-12) // (4+1+0+25)/4
	assert.InDelta(t, 0.4, WAPE(actual, forecast), 1e-12)            // 8/20
	assert.InDelta(t, 1.0, Bias(actual, forecast), 1e-12)            // (-2+1+0+5)/4
	// 2*2/18 + 2*1/1 + 0 + 2*5/15 over 4, in percent
	assert.InDelta(t, 100*(4.0/18+2+10.0/15)/4, SMAPE(actual, forecast), 1e-9)
	assert.True(t, math.IsNaN(WAPE([]float64{0, 0}, []float64{1, 1})))
}

func TestScaledMetricsIgnoreTheTimeBeforeTheFirstSale(t *testing.T) {
	insample := []float64{0, 0, 0, 2, 4, 2, 4}
	// Naive differences after the first sale: 2, 2, 2.
	assert.InDelta(t, 2.0, NaiveScale(insample, 1, 1), 1e-12)
	assert.InDelta(t, 4.0, NaiveScale(insample, 1, 2), 1e-12)
	assert.InDelta(t, 0.0, NaiveScale(insample, 2, 1), 1e-12)
	actual, forecast := []float64{3, 3}, []float64{2, 5}
	assert.InDelta(t, 1.5/2, MASE(actual, forecast, insample, 1), 1e-12)
	assert.InDelta(t, math.Sqrt(2.5/4), RMSSE(actual, forecast, insample, 1), 1e-12)
	assert.True(t, math.IsNaN(NaiveScale([]float64{0, 0}, 1, 1)))
}

func TestPinballAndCoverage(t *testing.T) {
	actual := []float64{10, 10}
	q := []float64{8, 12}
	// tau 0.9: under by 2 costs 0.9*2; over by 2 costs 0.1*2.
	assert.InDelta(t, (1.8+0.2)/2, Pinball(actual, q, 0.9), 1e-12)
	assert.InDelta(t, 0.5, Coverage([]float64{1, 5, 9, 3}, []float64{0, 0, 0, 4}, []float64{2, 6, 8, 9}), 1e-12)
	assert.InDelta(t, 1.0/2, ScaledPinball(actual, q, []float64{0, 2, 4}, 0.9, 1), 1e-12)
}
