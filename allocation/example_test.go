package allocation_test

import (
	"fmt"

	"github.com/planner-engine/planner/allocation"
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
