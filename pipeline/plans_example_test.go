package pipeline_test

import (
	"context"
	"fmt"

	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// memory is a small retailer held in memory: one SKU in two stores served
// by a DC, 8 weeks of daily sales, the DC's stock and its lanes.
func memory() *pipeline.Memory {
	start := series.MustParseDate("2026-01-05")
	p := &series.Panel{Freq: series.Daily}
	for _, s := range []struct {
		store string
		level float64
	}{{"S1", 6}, {"S2", 2}} {
		y := make([]float64, 56)
		for t := range y {
			y[t] = s.level + float64(t%7)
		}
		p.Append(series.Key{SKU: "A", Location: s.store, Channel: "store"}, start, y)
	}
	asOf := start + 55
	return &pipeline.Memory{Sales: p, Snapshot: &supply.Snapshot{AsOf: asOf,
		Positions: []supply.StockPosition{{SKU: "A", Location: "DC1", OnHand: 40}, {SKU: "A", Location: "S1", OnHand: 10}, {SKU: "A", Location: "S2", OnHand: 30}},
		Lanes: []supply.Lane{{SKU: "A", From: "DC1", To: "S1", LeadTime: 1, Review: 7}, {SKU: "A", From: "DC1", To: "S2", LeadTime: 1, Review: 7},
			{SKU: "A", From: "SUP", To: "DC1", LeadTime: 10, Review: 7, MOQ: 100}},
		Products:  map[string]supply.ProductTerms{"A": {UnitCost: 2, PackSize: 1}},
		Locations: map[string]supply.Location{"DC1": {Type: "dc"}, "S1": {Type: "store", DC: "DC1"}, "S2": {Type: "store", DC: "DC1"}, "SUP": {Type: "supplier"}}}}
}

// The forecast stage on values in memory: the same function the nightly
// run and planner forecast call.
func ExampleForecast() {
	cfg := config.DefaultForecast()
	cfg.Horizon, cfg.Models = 7, "snaive"
	res, err := pipeline.Forecast(context.Background(), memory(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Report().Summary)
	fmt.Println(res.Forecasts.Keys[0], res.Forecasts.Series(0))
	// Output:
	// 2 series, 7 days ahead
	// A@S1/store [6 7 8 9 10 11 12]
}

// The replenish stage: the stores order from the DC, which holds less
// than S1 asks for (S1 gets all 40) and orders from its supplier for both
// stores' demand.
func ExampleReplenish() {
	ctx := context.Background()
	src := memory()
	fc := config.DefaultForecast()
	fc.Horizon, fc.Models = 28, "snaive"
	forecasts, err := pipeline.Forecast(ctx, src, fc)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := pipeline.Replenish(ctx, src, forecasts.Values(), config.DefaultReplenish())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Report().Summary)
	for _, l := range res.Lines {
		fmt.Printf("%s %s -> %s: %g\n", l.Type(), l.From, l.To, l.Qty)
	}
	// Output:
	// 1 purchase and 1 transfer orders for 2026-03-01, 269 units, value 538.00
	// transfer DC1 -> S1: 40
	// transfer DC1 -> S2: 0
	// purchase SUP -> DC1: 229
}
