package uplift_test

import (
	"fmt"

	"github.com/planner-engine/planner/forecast/uplift"
	"github.com/planner-engine/planner/series"
)

// Two years of a product's daily sales, 10 a day, 30 on each 11 November
// and less around it; the next 11 November's forecast follows.
func Example() {
	start := series.MustParseDate("2023-01-02")
	var past []series.Occurrence
	for _, y := range []int{2023, 2024} {
		d := series.DateFromYMD(y, 11, 11)
		past = append(past, series.Occurrence{Type: "singles_day", First: d, Last: d, Region: "*"})
	}
	y := make([]float64, 730)
	for t := range y {
		y[t] = 10
		for _, o := range past {
			switch gap := int(start + series.Date(t) - o.First); {
			case gap == 0:
				y[t] = 30
			case gap > 0 && gap <= 7:
				y[t] = 8
			}
		}
	}
	p := &series.Panel{Freq: series.Daily}
	p.Append(series.Key{SKU: "TEE", Location: "S1", Channel: "store"}, start, y)
	labels := uplift.Labels{Category: map[string]string{"TEE": "Apparel"}}
	m := uplift.Estimate(p, past, labels, uplift.Options{})
	e, _ := m.Effect("singles_day", "Apparel")
	fmt.Printf("learned from %d peaks: x%.2f on the day, x%.2f the week after\n", e.Occurrences, e.Lifts[uplift.During].Mult, e.Lifts[uplift.After].Mult)

	next := series.DateFromYMD(2025, 11, 11)
	f := &series.Forecasts{Freq: series.Daily, Horizon: 3, Keys: p.Keys, Starts: []series.Date{next - 1}, Mean: []float64{10, 10, 10}}
	m.Apply(f, []series.Occurrence{{Type: "singles_day", First: next, Last: next, Region: "*"}}, labels)
	fmt.Printf("forecast around the next: %.1f %.1f %.1f\n", f.Mean[0], f.Mean[1], f.Mean[2])
	// Output:
	// learned from 2 peaks: x3.00 on the day, x0.80 the week after
	// forecast around the next: 10.0 30.0 8.0
}
