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
