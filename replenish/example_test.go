package replenish_test

import (
	"fmt"
	"time"

	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// Plan a store's order from its DC: ten units a day forecast, a two-day
// lead time and a weekly review, a 95% fill-rate target, cases of 12. The
// order covers nine days (90 units on average); the forecast's spread, 3 a
// day, is below a count's, so demand is taken as Poisson, and 91 units
// leave about 3 units short a cycle, 5% of a week's 70.
func ExamplePlan() {
	mean, sd := make([]float64, 28), make([]float64, 28)
	for t := range mean {
		mean[t], sd[t] = 10, 3
	}
	it := &replenish.Item{SKU: "tea", Location: "store-1",
		Position: replenish.Position{OnHand: 25, InTransit: 12, Reserved: 3},
		Lane:     replenish.Lane{From: "dc-north", Transfer: true, LeadTime: 2, Review: 7, Multiple: 12},
		Target:   replenish.Target{Level: 0.95, Type: replenish.FillRate},
		Mean:     mean, SD: sd}
	line, err := replenish.Plan(it, replenish.OrderUpTo{}, time.Monday)
	if err != nil {
		panic(err)
	}
	fmt.Println(line.Type(), line.Qty)
	fmt.Println(line.Reason)
	// Output:
	// transfer 60
	// inventory position 34 < order-up-to level 91; rounded up to a multiple of 12
}

// The spread of demand over a lead time of 5 ± 2 days, selling 40 ± 12 a day.
func ExampleLeadTimeDemandSD() {
	fmt.Printf("%.1f units\n", replenish.LeadTimeDemandSD(5, 2, 40, 12))
	// Output:
	// 84.4 units
}

// The night's items from the network's snapshot and daily forecasts: the
// store's demand over the lane's days, shifted to start the day after the
// stock count.
func ExampleNetworkFrom() {
	asOf := series.MustParseDate("2026-03-01")
	fc := &series.Forecasts{Freq: series.Daily, Horizon: 7, Quantiles: []float64{0.1, 0.9},
		Keys: []series.Key{{SKU: "A", Location: "S1"}}, Starts: []series.Date{asOf + 1}}
	for t := 0; t < 7; t++ {
		fc.Mean = append(fc.Mean, float64(t+1))
		fc.Q = append(fc.Q, 0, float64(2*(t+1)))
	}
	snap := &supply.Snapshot{AsOf: asOf,
		Positions: []supply.StockPosition{{SKU: "A", Location: "S1", OnHand: 4}},
		Lanes:     []supply.Lane{{SKU: "A", From: "DC1", To: "S1", LeadTime: 2, Review: 3}},
		Products:  map[string]supply.ProductTerms{"A": {PackSize: 6}},
		Locations: map[string]supply.Location{"DC1": {Type: "dc"}, "S1": {Type: "store", DC: "DC1"}}}
	net := replenish.NetworkFrom(snap, fc, replenish.Target{Level: 0.95, Type: replenish.FillRate})
	it := net.Items[0]
	fmt.Println(it.SKU, it.Location, it.Lane.From, it.Lane.Transfer, it.Lane.Multiple, it.Position.OnHand, it.Mean)
	// Output:
	// A S1 DC1 true 6 4 [1 2 3 4 5 6 7]
}
