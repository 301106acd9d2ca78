package replenish

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

func TestNetworkFromShiftsAndExtendsForecasts(t *testing.T) {
	asOf := series.MustParseDate("2026-03-10")
	// One week of forecasts from two days before the plan starts, in two
	// channels of the same store, p10 and p90 1.2816 sd either side.
	fc := &series.Forecasts{Freq: series.Daily, Horizon: 7, Quantiles: []float64{0.1, 0.9},
		Keys:   []series.Key{{SKU: "A", Location: "S1", Channel: "store"}, {SKU: "A", Location: "S1", Channel: "online"}, {SKU: "B", Location: "S1"}},
		Starts: []series.Date{asOf - 1, asOf - 1, asOf - 1}}
	for i := 0; i < 3; i++ {
		for d := 0; d < 7; d++ {
			m := float64(10*(i+1) + d)
			fc.Mean = append(fc.Mean, m)
			fc.Q = append(fc.Q, m-1.2816*2, m+1.2816*2)
		}
	}
	snap := &supply.Snapshot{AsOf: asOf,
		Positions: []supply.StockPosition{{SKU: "A", Location: "S1", OnHand: 5, Reserved: 2}},
		Lanes: []supply.Lane{{SKU: "A", From: "DC1", To: "S1", LeadTime: 3, Review: 7, Multiple: 1},
			{SKU: "A", From: "DC2", To: "S1", LeadTime: 9, Review: 7}},
		Products:  map[string]supply.ProductTerms{"A": {UnitCost: 2, PackSize: 6}},
		Locations: map[string]supply.Location{"DC1": {Type: "dc"}, "S1": {Type: "store", DC: "DC1"}}}
	net := NetworkFrom(snap, fc, Target{Level: 0.9, Type: FillRate})
	require.Len(t, net.Items, 2, "one item per SKU and location: A's first lane, and B without a lane")
	it := net.Items[0]
	assert.Equal(t, "DC1", it.Lane.From, "the first of two lanes")
	// Day 0 of the plan is day 2 of the forecast; both channels add up.
	assert.InDelta(t, 10+2+20+2, it.Mean[0], 1e-9)
	assert.InDelta(t, 10+6+20+6, it.Mean[4], 1e-9)
	// Past the forecast's end its last week repeats: plan day 5 is
	// forecast day 7, which is day 0 of that week again. The longest lane
	// (9 days and a 7-day review) sets the days every item gets.
	require.Len(t, it.Mean, 9+7+1)
	assert.InDelta(t, 10+0+20+0, it.Mean[5], 1e-9)
	// Standard deviations add in quadrature: two channels of sd 2.
	assert.InDelta(t, 2*1.41421356, it.SD[0], 1e-3)
	assert.True(t, it.Lane.Transfer)
	assert.Equal(t, 6.0, it.Lane.Multiple, "the pack size when the lane has no multiple")
	assert.Equal(t, 2.0, it.Lane.UnitCost)
	assert.Equal(t, 3.0, it.Position.Inventory())
	assert.Equal(t, Target{Level: 0.9, Type: FillRate}, it.Target)

	orphan := net.Items[1]
	assert.Equal(t, "B", orphan.SKU)
	assert.Equal(t, Lane{}, orphan.Lane)
	assert.InDelta(t, 30+2, orphan.Mean[0], 1e-9)
	line := PlanNetwork(&Network{AsOf: asOf, Items: []*Item{orphan}}, OrderUpTo{})[0]
	assert.Equal(t, "B at S1: no sourcing rule (nothing says where it is replenished from)", line.Exception)
}

func TestSetTargetsOverridesThenClassesThenTheDefault(t *testing.T) {
	items := []*Item{
		{SKU: "A", Location: "S1", Mean: []float64{100}, SD: []float64{1}},
		{SKU: "A", Location: "S2", Mean: []float64{100}, SD: []float64{1}},
		{SKU: "B", Location: "S1", Mean: []float64{1}, SD: []float64{1}},
		{SKU: "C", Location: "S1", Mean: []float64{0.5}, SD: []float64{1}},
	}
	for _, it := range items {
		it.Target = Target{Level: 0.9, Type: FillRate}
	}
	classes, err := ParseClassTargets("A=0.99,C=0.8")
	require.NoError(t, err)
	SetTargets(items, ClassCuts{A: 100, B: 1}, FillRate, classes, []TargetOverride{{SKU: "A", Location: "S2", Level: 0.97}, {SKU: "B", Level: 0.85}})
	assert.Equal(t, "A", items[0].Class[:1])
	assert.Equal(t, 0.99, items[0].Target.Level, "its class's level")
	assert.Equal(t, 0.97, items[1].Target.Level, "the override for the SKU at the location")
	assert.Equal(t, 0.85, items[2].Target.Level, "the override for the SKU at every location")
	assert.Equal(t, "C", items[3].Class[:1])
	assert.Equal(t, 0.8, items[3].Target.Level)
}

func TestPolicyNamed(t *testing.T) {
	for name, want := range map[string]string{"order-up-to": "order-up-to", "base-stock": "base-stock",
		"reorder-point": "reorder-point", "min-max": "min-max", "minmax": "min-max", "auto": "order-up-to"} {
		p, err := PolicyNamed(name, 7)
		require.NoError(t, err, name)
		assert.Equal(t, want, p.Name(), name)
	}
	p, err := PolicyNamed("auto", 1)
	require.NoError(t, err)
	assert.Equal(t, "base-stock", p.Name(), "a daily review")
	_, err = PolicyNamed("minimax", 7)
	assert.EqualError(t, err, `"minimax" is not auto, order-up-to, base-stock, reorder-point or min-max`)
}

// An item's demand keeps its channels apart: each channel's units over the
// item's days, which a DC's line adds up over the locations it serves.
func TestItemsAndLinesSplitTheirDemandByChannel(t *testing.T) {
	asOf := series.MustParseDate("2026-03-10")
	fc := &series.Forecasts{Freq: series.Daily, Horizon: 7,
		Keys: []series.Key{{SKU: "A", Location: "S1", Channel: "store"}, {SKU: "A", Location: "S1", Channel: "instant"},
			{SKU: "A", Location: "S2", Channel: "store"}},
		Starts: []series.Date{asOf + 1, asOf + 1, asOf + 1}}
	for _, m := range []float64{3, 1, 2} {
		for range 7 {
			fc.Mean = append(fc.Mean, m)
		}
	}
	snap := &supply.Snapshot{AsOf: asOf,
		Lanes: []supply.Lane{{SKU: "A", From: "DC1", To: "S1", LeadTime: 2, Review: 7}, {SKU: "A", From: "DC1", To: "S2", LeadTime: 2, Review: 7},
			{SKU: "A", From: "SUP", To: "DC1", LeadTime: 5, Review: 7}},
		Products:  map[string]supply.ProductTerms{"A": {UnitCost: 2}},
		Locations: map[string]supply.Location{"DC1": {Type: "dc"}, "S1": {Type: "store", DC: "DC1"}, "S2": {Type: "store", DC: "DC1"}}}
	net := NetworkFrom(snap, fc, Target{Level: 0.9, Type: FillRate})
	days := float64(len(net.Items[0].Mean))
	assert.Equal(t, []series.ChannelUnits{{Channel: "instant", Units: 1 * days}, {Channel: "store", Units: 3 * days}}, net.Items[0].Channels, "S1")
	byTo := map[string][]series.ChannelUnits{}
	for _, l := range PlanNetwork(net, OrderUpTo{}) {
		byTo[l.To] = l.Channels
	}
	assert.Equal(t, []series.ChannelUnits{{Channel: "instant", Units: 1 * days}, {Channel: "store", Units: 3 * days}}, byTo["S1"])
	assert.Equal(t, []series.ChannelUnits{{Channel: "store", Units: 2 * days}}, byTo["S2"])
	assert.Equal(t, []series.ChannelUnits{{Channel: "instant", Units: 1 * days}, {Channel: "store", Units: 5 * days}}, byTo["DC1"], "the DC's stores added up")
}
