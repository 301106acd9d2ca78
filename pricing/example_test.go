package pricing

import (
	"context"
	"fmt"
	"math"
)

// Estimate fits each product's demand model; Pool turns the fits into the
// elasticities to price with.
func ExampleEstimate() {
	// Three years of weekly sales at eight stores; true elasticities -2.0
	// and -1.2.
	products := []Product{simProduct(1, "CRISPS", -2.0, 8, 156, 30), simProduct(2, "NUTS", -1.2, 8, 156, 30)}
	fits, err := Estimate(context.Background(), weekly, products, nil)
	if err != nil {
		panic(err)
	}
	for _, e := range Pool(products, fits, nil, nil) {
		fmt.Printf("%s: own %.2f, used %.2f (%s)\n", e.SKU, e.Own, e.Elasticity, e.Confidence())
	}
	// Output:
	// CRISPS: own -2.00, used -1.98 (high)
	// NUTS: own -1.42, used -1.44 (high)
}

// Recommend picks the ladder price with the most profit within the rules.
func ExampleRecommend() {
	rules := DefaultRules() // .49/.99 ladder, at most 10% per run
	items := []Item{
		{SKU: "A", Location: "*", Price: 5.49, Units: 100, Cost: 2, Elasticity: Elasticity{Elasticity: -2.5, StdError: 0.1},
			Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()},
		{SKU: "B", Location: "*", Price: 2.49, Units: 100, Cost: 1, Elasticity: Elasticity{Elasticity: -1.5, StdError: 0.1},
			Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()},
	}
	for _, r := range Recommend(items, &rules) {
		fmt.Printf("%s: %.2f -> %.2f (%s), margin %.0f -> %.0f\n", r.SKU, r.Current, r.New, r.Bound, r.MarginCurrent, r.MarginNew)
	}
	// Output:
	// A: 5.49 -> 4.99 (max_change), margin 349 -> 380
	// B: 2.49 -> 2.49 (max_change), margin 149 -> 149
}

// PlanMarkdown schedules prices that never rise to clear a stock by its
// exit at the best revenue plus salvage.
func ExamplePlanMarkdown() {
	it := MarkdownItem{SKU: "SWIM", Regular: 29.99, Current: 29.99, Stock: 700, Salvage: 3,
		Demand: []float64{120, 110, 95, 85, 70, 60}, Elasticity: -2.2}
	plan, err := PlanMarkdown(it, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(plan.Prices)
	fmt.Printf("revenue %.0f, %.0f units left\n", plan.Revenue, plan.Leftover)
	// Output:
	// [26.99 26.99 26.99 26.99 26.99 23.99]
	// revenue 18609, 0 units left
}
