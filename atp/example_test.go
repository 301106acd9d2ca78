package atp_test

import (
	"fmt"

	"github.com/planner-engine/planner/atp"
)

// A store's 12 units serve walk-in customers, the app and instant
// delivery. A lost instant order costs twice a lost store sale, and the
// app may take at most 40% of the stock.
func ExamplePlan() {
	channels := []atp.Channel{
		{Name: "store", LostSale: 1},
		{Name: "app", LostSale: 0.8, MaxShare: 0.4},
		{Name: "instant", LostSale: 2, Reserve: 1},
	}
	lines, _, _ := atp.Plan([]atp.Position{{SKU: "TEA-01", Location: "S12", Stock: 12,
		Demand: []atp.Demand{{Mean: 5, Variance: 8}, {Mean: 3, Variance: 4}, {Mean: 2, Variance: 3}}}}, channels)
	for _, l := range lines {
		fmt.Printf("%-7s promise %2.0f  %s\n", l.Channel, l.Promise, l.Reason)
	}
	// Output:
	// store   promise 10  2 kept for instant
	// app     promise  4  6 kept for instant, store; at most 40% of the stock
	// instant promise 12  all the stock
}
