package allocation

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// A store's demand keeps its channels apart through the allocation: the
// units each channel is expected to ask for over the horizon.
func TestAStoresDemandKeepsItsChannels(t *testing.T) {
	day := series.MustParseDate("2026-03-02")
	fc := &series.Forecasts{Freq: series.Daily, Horizon: 7,
		Keys:   []series.Key{{SKU: "A", Location: "S1", Channel: "store"}, {SKU: "A", Location: "S1", Channel: "instant"}, {SKU: "A", Location: "S2", Channel: "store"}},
		Starts: []series.Date{day, day, day}}
	for _, m := range []float64{3, 1, 2} {
		for range 7 {
			fc.Mean = append(fc.Mean, m)
		}
	}
	in := &Input{Forecasts: fc, HorizonDays: 5, Service: 0.9,
		DCStock: []supply.DCStock{{SKU: "A", DC: "DC1", Qty: 10}},
		Stores:  []supply.StoreRules{{Location: "S1", DC: "DC1", Pack: 1}, {Location: "S2", DC: "DC1", Pack: 1}}}
	problems, exceptions, err := Problems(in)
	require.NoError(t, err)
	require.Empty(t, exceptions)
	allocs, err := AllocateAll(context.Background(), problems, Marginal{}, 1)
	require.NoError(t, err)
	require.Len(t, allocs, 1)
	a := allocs[0]
	assert.Equal(t, []string{"S1", "S2"}, a.Stores)
	assert.Equal(t, [][]series.ChannelUnits{
		{{Channel: "instant", Units: 5}, {Channel: "store", Units: 15}},
		{{Channel: "store", Units: 10}},
	}, a.Channels)
	assert.Equal(t, []float64{20, 10}, a.ExpectedDemand, "the channels add up to the store's demand")
}
