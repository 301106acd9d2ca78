package production_test

import (
	"fmt"

	"github.com/planner-engine/planner/production"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// Two products share a factory of 60 units a week. Their cheapest lots
// (Wagner-Whitin) overflow some weeks; what overflows is made in earlier
// weeks with room, and nothing is short.
func ExamplePlanFactory() {
	f := &production.Factory{Name: "F1", Capacity: []float64{60, 60, 60, 60}, Products: []production.Product{
		{SKU: "A", Demand: []float64{20, 20, 50, 20}, Costs: production.Costs{Setup: 100, Holding: 1}},
		{SKU: "B", Demand: []float64{10, 10, 30, 10}, Costs: production.Costs{Setup: 50, Holding: 2}},
	}}
	plan, err := production.PlanFactory(f, production.WagnerWhitin{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, p := range f.Products {
		fmt.Println(p.SKU, plan.Lots[k])
	}
	fmt.Println("load", plan.Load, "setups", plan.Cost.Setups, "shortfalls", len(plan.Shortfalls))
	// Output:
	// A [30 60 20 0]
	// B [20 0 40 0]
	// load [50 60 60 0] setups 5 shortfalls 0
}

// Tables of demand, capacity and costs become a factory's problem, over
// every period they name.
func ExampleProblemFromTables() {
	prob, err := production.ProblemFromTables(&production.Input{
		Demand:   []supply.ProductionDemand{{Factory: "F1", SKU: "A", Period: "2", Qty: 30}, {Factory: "F1", SKU: "A", Period: "1", Qty: 10}},
		Capacity: []supply.FactoryCapacity{{Factory: "F1", Period: "1", Capacity: 50}, {Factory: "F1", Period: "2", Capacity: 20}},
		Costs:    []supply.ProductionCost{{SKU: "A", Setup: 40, Holding: 1, CapacityPerUnit: 1}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := prob.Factories[0]
	fmt.Println(prob.Periods, f.Name, f.Capacity, f.Products[0].SKU, f.Products[0].Demand)
	// Output:
	// [1 2] F1 [50 20] A [10 30]
}

// A factory's SKU is made for the demand of the stores its DC serves,
// week by week from the forecasts, less the network's stock.
func ExampleProblemFromSnapshot() {
	start := series.MustParseDate("2026-03-02")
	fc := &series.Forecasts{Freq: series.Daily, Horizon: 14, Quantiles: []float64{0.1, 0.9},
		Keys: []series.Key{{SKU: "A", Location: "S1"}}, Starts: []series.Date{start}}
	for d := 0; d < 14; d++ {
		fc.Mean = append(fc.Mean, 10)
		fc.Q = append(fc.Q, 6, 14)
	}
	snap := &supply.Snapshot{AsOf: start - 1,
		Positions: []supply.StockPosition{{SKU: "A", Location: "DC1", OnHand: 30}},
		Lanes:     []supply.Lane{{SKU: "A", From: "F1", To: "DC1", LeadTime: 7, Review: 7}, {SKU: "A", From: "DC1", To: "S1", LeadTime: 1, Review: 7}},
		Products:  map[string]supply.ProductTerms{"A": {UnitCost: 4, PackSize: 1}},
		Locations: map[string]supply.Location{"F1": {Type: "factory"}, "DC1": {Type: "dc"}, "S1": {Type: "store", DC: "DC1"}}}
	caps := []supply.CapacityRow{{Factory: "F1", Start: start, End: start + 13, Capacity: 140}}
	prob, err := production.ProblemFromSnapshot(snap, caps, nil, fc, production.Settings{Weeks: 2, SetupCost: 100, HoldingRate: 0.25, Service: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := prob.Factories[0]
	fmt.Println(prob.Periods, f.Name, f.Capacity, f.Products[0].Demand, "lead time", f.Products[0].LeadTime)
	// Output:
	// [2026-03-02 2026-03-09] F1 [70 70] [40 70] lead time 1
}
