package allocation_test

import (
	"fmt"

	"github.com/planner-engine/planner/allocation"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// Sixty units for three stores that need more: the marginal method sends
// the stock where each next unit is likeliest to sell.
func ExampleMarginal() {
	p := &allocation.Problem{SKU: "TEE-M", DC: "DC1", Available: 60, Stores: []allocation.Store{
		{Location: "city", Mean: 40, Variance: 60, OnHand: 5, Pack: 6},
		{Location: "mall", Mean: 25, Variance: 30},
		{Location: "village", Mean: 4, Variance: 4, OnHand: 3},
	}}
	a, err := allocation.Marginal{}.Allocate(p)
	if err != nil {
		panic(err)
	}
	for i, s := range a.Stores {
		fmt.Printf("%s: %v of %v needed\n", s, a.Qty[i], a.Need[i])
	}
	fmt.Printf("unallocated %v; %s\n", a.Unallocated, a.Exception)
	// Output:
	// city: 36 of 48 needed
	// mall: 24 of 34 needed
	// village: 0 of 5 needed
	// unallocated 0; DC stock short: 60 units for a need of 87
}

// Stock moves from a store that will not sell it to one that will run out.
func ExampleRebalance() {
	sites := []allocation.Site{
		{Location: "north", Mean: 10, Variance: 10, LeadMean: 3, LeadVariance: 3, OnHand: 50},
		{Location: "south", Mean: 30, Variance: 30, LeadMean: 9, LeadVariance: 9, OnHand: 4},
	}
	tr, err := allocation.Rebalance("TEE-M", sites, allocation.RebalanceOptions{TransferCost: 3, MinTransfer: 5})
	if err != nil {
		panic(err)
	}
	for _, t := range tr {
		fmt.Printf("%s -> %s: %v units, %.1f more sold\n", t.From, t.To, t.Qty, t.Gain-t.Loss)
	}
	// Output:
	// north -> south: 35 units, 25.8 more sold
}

// A DC short of what its stores ordered splits its stock by the expected
// sales each unit adds: the busy store, which holds nothing, gets all it
// ordered; the quiet one, which holds 4, the rest.
func ExampleRation() {
	got, err := allocation.Ration("A", "DC1", 20, []allocation.Order{
		{Location: "busy", Qty: 18, Pack: 1, OnHand: 0, Mean: 30, Variance: 30},
		{Location: "quiet", Qty: 10, Pack: 1, OnHand: 4, Mean: 6, Variance: 6},
	})
	fmt.Println(got, err)
	// Output:
	// [18 2] <nil>
}

// The network's snapshot and the forecasts become allocation problems:
// one per SKU and DC, every store the DC serves with its demand until the
// next delivery.
func ExampleProblems() {
	start := series.MustParseDate("2026-03-02")
	fc := &series.Forecasts{Freq: series.Daily, Horizon: 7, Quantiles: []float64{0.1, 0.9},
		Keys: []series.Key{{SKU: "A", Location: "S1"}, {SKU: "A", Location: "S2"}}, Starts: []series.Date{start, start}}
	for i := 0; i < 2; i++ {
		for t := 0; t < 7; t++ {
			m := float64(4 * (2 - i))
			fc.Mean = append(fc.Mean, m)
			fc.Q = append(fc.Q, m/2, 3*m/2)
		}
	}
	snap := &supply.Snapshot{AsOf: start - 1,
		Positions: []supply.StockPosition{{SKU: "A", Location: "DC1", OnHand: 50, Reserved: 5}, {SKU: "A", Location: "S2", OnHand: 3}},
		Locations: map[string]supply.Location{"DC1": {Type: "dc"}, "S1": {Type: "store", DC: "DC1"}, "S2": {Type: "store", DC: "DC1"}}}
	problems, exceptions, err := allocation.Problems(allocation.InputFrom(snap, fc, 3, 0.9))
	if err != nil {
		fmt.Println(err)
		return
	}
	p := problems[0]
	fmt.Println(p.SKU, p.DC, p.Available, len(exceptions))
	for _, s := range p.Stores {
		fmt.Println(s.Location, s.Mean, s.OnHand)
	}
	// Output:
	// A DC1 45 0
	// S1 24 0
	// S2 12 3
}
