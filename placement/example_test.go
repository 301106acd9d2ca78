package placement_test

import (
	"fmt"
	"math"

	"github.com/planner-engine/planner/placement"
)

// A central DC reaches both zones in a day; a forward warehouse reaches
// zone A within the hour, more cheaply. The fast mover's orders from zone
// A, instant and online, go forward; the slow mover, whose orders are few
// and erratic, stays in the DC, where one stock serves both zones.
func Example() {
	nan := math.NaN()
	net := &placement.Network{
		Nodes:    []placement.Node{{Name: "DC", Handling: 0.05}, {Name: "FWD", Capacity: 500, Handling: 0.1}},
		Zones:    []string{"A", "B"},
		Channels: []placement.Channel{{Name: "online", PromiseHours: 48}, {Name: "instant", PromiseHours: 1}},
		Hours:    [][]float64{{24, 24}, {1, nan}},
		Cost:     [][]float64{{0.4, 0.4}, {0.15, nan}},
	}
	skus := []placement.SKU{
		{SKU: "FAST", UnitCost: 3, LostSale: 2, MinStock: 6, Streams: []placement.Stream{
			{Zone: 0, Channel: 1, Mean: 30, Variance: 40}, {Zone: 0, Channel: 0, Mean: 10, Variance: 12}, {Zone: 1, Channel: 0, Mean: 10, Variance: 12}}},
		{SKU: "SLOW", UnitCost: 40, LostSale: 25, MinStock: 2, Streams: []placement.Stream{
			{Zone: 0, Channel: 0, Mean: 0.1, Variance: 0.4}, {Zone: 1, Channel: 0, Mean: 0.1, Variance: 0.4}}},
	}
	plan, err := placement.Place(net, skus, placement.Policy{Days: 28, CoverDays: 7, Service: 0.95, HoldingRate: 0.25})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range plan.Lines(net, skus) {
		if l.Hold {
			fmt.Printf("%s at %s: target %.0f, zones %v\n", l.SKU, l.Node, l.Target, l.Zones)
		}
	}
	// Output:
	// FAST at DC: target 85, zones [B]
	// FAST at FWD: target 311, zones [A]
	// SLOW at DC: target 5, zones [A B]
}
