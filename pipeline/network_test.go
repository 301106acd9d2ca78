package pipeline

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

func TestNetworkFromShiftsAndExtendsForecasts(t *testing.T) {
	asOf := series.MustParseDate("2026-03-10")
	// One week of forecasts from two days before the plan starts, in two
	// channels of the same store, p10 and p90 1.2816 sd either side.
	res := &forecast.Result{Freq: series.Daily, Horizon: 7, Quantiles: []float64{0.1, 0.9},
		Keys:   []series.Key{{SKU: "A", Location: "S1", Channel: "store"}, {SKU: "A", Location: "S1", Channel: "online"}},
		Starts: []series.Date{asOf - 1, asOf - 1}}
	for i := 0; i < 2; i++ {
		for d := 0; d < 7; d++ {
			m := float64(10*(i+1) + d)
			res.Mean = append(res.Mean, m)
			res.Q = append(res.Q, m-1.2816*2, m+1.2816*2)
		}
	}
	sup := &datasets.Supply{AsOf: asOf,
		Positions: []datasets.StockPosition{{SKU: "A", Location: "S1", OnHand: 5, Reserved: 2}},
		Lanes:     []datasets.SourcingRule{{SKU: "A", From: "DC1", To: "S1", LeadTime: 3, Review: 7, Multiple: 1}},
		Products:  map[string]datasets.ProductTerms{"A": {UnitCost: 2, PackSize: 6}},
		Locations: map[string]datasets.LocationInfo{"DC1": {Type: "dc"}, "S1": {Type: "store", DC: "DC1"}}}
	net := NetworkFrom(sup, res, replenish.Target{Level: 0.9, Type: replenish.FillRate})
	require.Len(t, net.Items, 1)
	it := net.Items[0]
	// Day 0 of the plan is day 2 of the forecast; both channels add up.
	assert.InDelta(t, 10+2+20+2, it.Mean[0], 1e-9)
	assert.InDelta(t, 10+6+20+6, it.Mean[4], 1e-9)
	// Past the forecast's end its last week repeats: plan day 5 is
	// forecast day 7, which is day 0 of that week again.
	require.Len(t, it.Mean, 11) // lead time 3 + review 7 + 1
	assert.InDelta(t, 10+0+20+0, it.Mean[5], 1e-9)
	// Standard deviations add in quadrature: two channels of sd 2.
	assert.InDelta(t, 2*1.41421356, it.SD[0], 1e-3)
	assert.True(t, it.Lane.Transfer)
	assert.Equal(t, 6.0, it.Lane.Multiple, "the pack size when the lane has no multiple")
	assert.Equal(t, 2.0, it.Lane.UnitCost)
	assert.Equal(t, 3.0, it.Position.Inventory())
}
