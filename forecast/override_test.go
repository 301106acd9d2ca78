package forecast

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
)

// A change scales the mean and its quantiles; a set quantity on a day the
// model forecast 0 shifts them; the later of two overrides of a day wins;
// days and series no override covers keep the statistical forecast.
func TestOverridesReplaceTheStatisticalForecast(t *testing.T) {
	start := series.MustParseDate("2025-01-06")
	r := &Result{Forecasts: series.Forecasts{Freq: series.Daily, Horizon: 3, Quantiles: []float64{0.1, 0.9},
		Keys:   []series.Key{{SKU: "A", Location: "S1"}, {SKU: "A", Location: "S2"}, {SKU: "B", Location: "S1"}},
		Starts: []series.Date{start, start, start},
		Mean:   []float64{10, 10, 0, 4, 4, 4, 7, 7, 7},
		Q:      []float64{5, 15, 5, 15, 0, 0, 2, 6, 2, 6, 2, 6, 3, 9, 3, 9, 3, 9}}}
	n := ApplyOverrides(r, []series.Override{
		{SKU: "A", Location: "*", From: start, To: start.AddDays(2), Change: 0.5, Note: "flyer"},
		{SKU: "A", Location: "S1", From: start.AddDays(2), To: start.AddDays(2), Set: true, Qty: 6, Who: "ana"},
	})
	assert.Equal(t, 6, n)
	assert.Equal(t, []float64{15, 15, 6, 6, 6, 6, 7, 7, 7}, r.Mean)
	assert.Equal(t, []float64{7.5, 22.5, 7.5, 22.5, 6, 6, 3, 9, 3, 9, 3, 9, 3, 9, 3, 9, 3, 9}, r.Q)
	assert.Equal(t, []float64{10, 10, 0, 4, 4, 4, 7, 7, 7}, r.Statistical)
	require.Len(t, r.Override, 9)
	assert.Equal(t, "change +50%: flyer", r.Override[0])
	assert.Equal(t, "set 6 (ana)", r.Override[2])
	assert.Equal(t, "", r.Override[6])

	r2 := &Result{Forecasts: series.Forecasts{Freq: series.Daily, Horizon: 1, Keys: []series.Key{{SKU: "C"}}, Starts: []series.Date{start}, Mean: []float64{1}}}
	assert.Zero(t, ApplyOverrides(r2, []series.Override{{SKU: "A", Location: "*", From: start, To: start}}))
	assert.Nil(t, r2.Override, "nothing applied, nothing kept")
}
