package forecast

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/forecast/hierarchy"
	"github.com/planner-engine/planner/series"
)

// A forecast is zero on a closed day, and a backtest scores only the
// days that were observed.
func TestClosedDaysForecastZeroAndAreNotScored(t *testing.T) {
	p := &series.Panel{Freq: series.Daily}
	start, _ := series.ParseDate("2024-01-01")
	y := make([]float64, 140)
	mask := make([]bool, 140)
	for i := range y {
		y[i] = 10 + float64(i%7)
		if i%10 == 3 { // closed now and then: recorded zero
			y[i], mask[i] = 0, true
		}
	}
	p.Append(series.Key{SKU: "A", Location: "S1"}, start, y)
	p.Unobserved = mask
	end := p.End(0)
	p.Closed = [][]series.Date{{end + 7}} // a planned closure
	res, err := Run(context.Background(), p, Options{Horizon: 14, Model: SeasonalNaive{}})
	require.NoError(t, err)
	for t2 := 0; t2 < 14; t2++ {
		d := res.Starts[0] + series.Date(t2)
		if d == end+7 {
			assert.Zero(t, res.Mean[t2])
			for k := range res.Quantiles {
				assert.Zero(t, res.Quantile(0, t2, k))
			}
		} else {
			assert.Positive(t, res.Mean[t2], "step %d", t2)
		}
	}
	// Backtest: the seasonal naive of the filled history forecasts each
	// open day exactly; the closed days, filled in the history, would be
	// errors if scored against their recorded zeros.
	bt, err := Backtest(context.Background(), p, BacktestOptions{Horizon: 7, Windows: 2, Models: []Model{SeasonalNaive{}}})
	require.NoError(t, err)
	assert.InDelta(t, 0, bt.Overall[0].MAE, 1e-9)
}

// A series' store closed on a day ahead forecasts zero that day after
// every reconciliation, whatever the aggregates said, and the aggregates
// add up to the bottom again.
func TestReconciliationKeepsClosedDaysAtZero(t *testing.T) {
	p := &series.Panel{Freq: series.Daily}
	start := series.MustParseDate("2024-01-01")
	for i, loc := range []string{"S1", "S2"} {
		y := make([]float64, 120)
		for d := range y {
			y[d] = float64(10 + 5*i + d%7)
		}
		p.Append(series.Key{SKU: "A", Location: loc}, start, y)
	}
	p.Closed = [][]series.Date{{p.End(0) + 3}, nil}
	levels := []hierarchy.Level{{Name: "total", Of: func(series.Key) string { return "total" }}}
	st, err := hierarchy.NewStructure(p.Keys, levels, []string{"total"})
	require.NoError(t, err)
	for _, m := range []hierarchy.Method{hierarchy.BottomUp, hierarchy.TopDown, hierarchy.MinTShrink} {
		rec, err := RunReconciled(context.Background(), p, st, m, Options{Horizon: 7, Model: SeasonalNaive{}})
		require.NoError(t, err, m)
		assert.Zero(t, rec.Bottom.Series(0)[2], m)
		assert.InDelta(t, rec.Bottom.Series(1)[2], rec.Aggregates.Series(0)[2], 1e-9, m)
	}
}
