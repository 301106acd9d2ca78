package study

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
)

func TestThePeakIsForecastFromThePastOnes(t *testing.T) {
	date := series.MustParseDate("2025-11-11")
	retailer := Retailer(synth.Config{Stores: 6, SKUs: 120, Channels: []string{synth.ChannelStore}, Seed: 11}, "singles_day", date, 7, 21)
	fc := config.DefaultForecast()
	fc.Models = "ets"
	bt, err := RunBacktest(context.Background(), t.TempDir(), retailer, "singles_day", date, fc)
	require.NoError(t, err)
	for _, e := range bt.Effects {
		t.Logf("%s %s: %d past, truth %.2f, estimate %.2f (80%%: %.2f-%.2f)", e.Type, e.Category, e.Past, e.Truth, e.Estimate, e.Low, e.High)
	}
	t.Logf("peak days %+v (off %+v)", bt.PeakDays, bt.PeakDaysOff)
	t.Logf("window %+v (off %+v)", bt.Window, bt.WindowOff)
	t.Logf("usual %+v (off %+v)", bt.Usual, bt.Off)
	for _, e := range bt.Effects {
		if e.Past >= 2 {
			assert.InEpsilon(t, e.Truth, e.Estimate, 0.2, "%s %s", e.Type, e.Category)
		}
	}
	assert.InDelta(t, bt.Nominal, bt.PeakDays.Coverage, 0.05, "the peak days' coverage")
	assert.Less(t, bt.PeakDays.WAPE, 0.8*bt.PeakDaysOff.WAPE, "learning the peaks forecasts them better")
}

// With DCs and factories cut to 1.2 times their busiest usual week, the
// peak plan has the stores ready for at least 97% of the peak week's true
// demand, where nightly replenishment alone serves much less, and no
// place takes more than its capacity in any week.
func TestThePeakPlanServesThePeakWithinCapacity(t *testing.T) {
	date := series.MustParseDate("2025-11-11")
	retailer := Retailer(synth.Config{Stores: 6, SKUs: 120, Channels: []string{synth.ChannelStore}, Seed: 12}, "singles_day", date, 42, 60)
	fc := config.DefaultForecast()
	fc.Models = "ets"
	pc := config.DefaultPeak()
	st, err := RunPlan(context.Background(), t.TempDir(), retailer, fc, pc, 1.2)
	require.NoError(t, err)
	t.Logf("%s on %s: served %.1f%% with the plan, %.1f%% with nightly replenishment alone; %d shortfalls",
		st.Event.Type, st.Event.First, 100*st.Served, 100*st.ServedNoPreBuild, len(st.Result.Plan.Shortfalls))
	assert.GreaterOrEqual(t, st.Served, 0.97)
	assert.Less(t, st.ServedNoPreBuild, st.Served-0.1, "nightly replenishment alone serves at least 10 points less")
	assert.Empty(t, st.Exceeded)
	var checked int
	for _, l := range st.Result.Plan.Loads {
		if !l.Unlimited {
			checked++
		}
	}
	assert.Greater(t, checked, 20, "every week of every factory, DC and store was checked")
}
