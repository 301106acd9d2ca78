package forecast

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
)

// countingModel counts the estimations of the model it wraps.
type countingModel struct {
	Model
	fits *int
}

func (m countingModel) Fit(y []float64, info *SeriesInfo) (Fitted, error) {
	*m.fits++
	return m.Model.Fit(y, info)
}

func TestUpdaterStepsBetweenEstimations(t *testing.T) {
	y := make([]float64, 400)
	for i := range y {
		y[i] = 20 + 8*math.Sin(2*math.Pi*float64(i)/7) + 3*math.Sin(float64(i*i%31))
	}
	fits := 0
	u := &Updater{Model: countingModel{ETS{}, &fits}, Freq: series.Daily, Refit: 28}
	mean, sd := make([]float64, 14), make([]float64, 14)
	for n := 300; n <= 400; n += 7 {
		u.Forecast(y[:n], mean, sd)
		require.True(t, finite(mean) && finite(sd))
		for k := range sd {
			assert.Greater(t, sd[k], 0.0)
			assert.GreaterOrEqual(t, mean[k], 0.0)
		}
	}
	// 15 forecasts, an estimation at the first and every 28 periods after.
	assert.Equal(t, 4, fits)

	// A stepped forecast is the fitted model run over the longer history:
	// the same as refiltering the first fit by hand.
	first, err := ETS{}.Fit(y[:300], infoOf(y[:300], series.Daily, 14))
	require.NoError(t, err)
	stepped, err := first.(refilterer).Refilter(y[:307], infoOf(y[:307], series.Daily, 14))
	require.NoError(t, err)
	want := make([]float64, 14)
	stepped.Predict(want, make([]float64, 14))
	u = &Updater{Model: ETS{}, Freq: series.Daily}
	u.Forecast(y[:300], mean, sd)
	u.Forecast(y[:307], mean, sd)
	assert.InDeltaSlice(t, want, mean, 1e-9)
}

func TestUpdaterWithoutDistributionUsesErrorSpread(t *testing.T) {
	y := []float64{0, 0, 3, 0, 0, 0, 2, 0, 4, 0, 0, 0, 0, 3, 0, 0, 2, 0, 0, 5, 0, 0, 0, 3}
	u := &Updater{Model: Croston{}, Freq: series.Daily}
	mean, sd := make([]float64, 5), make([]float64, 5)
	u.Forecast(y, mean, sd)
	assert.Greater(t, mean[0], 0.0)
	assert.Greater(t, sd[0], 0.0, "Croston has no distribution: its out-of-sample error spread stands in")
	// A series with no history forecasts zero.
	u = &Updater{Freq: series.Daily}
	u.Forecast(nil, mean, sd)
	assert.Equal(t, []float64{0, 0, 0, 0, 0}, mean)
}
