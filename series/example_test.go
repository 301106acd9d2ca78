package series_test

import (
	"fmt"
	"math"

	"github.com/planner-engine/planner/series"
)

func ExamplePanel() {
	p := series.Panel{Freq: series.Weekly}
	p.Append(series.Key{SKU: "COFFEE-1KG", Location: "S01", Channel: "store"},
		series.MustParseDate("2024-01-01"), []float64{12, 0, 9})
	p.Append(series.Key{SKU: "TEA-50", Location: "S01", Channel: "online"},
		series.MustParseDate("2024-01-08"), []float64{3, 4})
	for i := 0; i < p.Len(); i++ {
		fmt.Println(p.Keys[i], p.Starts[i], "to", p.End(i), p.Series(i))
	}
	// Output:
	// COFFEE-1KG@S01/store 2024-01-01 to 2024-01-15 [12 0 9]
	// TEA-50@S01/online 2024-01-08 to 2024-01-15 [3 4]
}

func ExampleFreq_PeriodStart() {
	d := series.MustParseDate("2024-05-17") // a Friday
	for _, f := range []series.Freq{series.Daily, series.Weekly, series.Monthly} {
		fmt.Println(f, f.PeriodStart(d))
	}
	// Output:
	// D 2024-05-17
	// W 2024-05-13
	// M 2024-05-01
}

// The spread of a forecast period, from its outermost quantiles: p10 and
// p90 of 10 and 30 are a normal's with a standard deviation of 7.8.
func ExampleForecasts_Variance() {
	f := &series.Forecasts{Horizon: 1, Quantiles: []float64{0.1, 0.9}, Mean: []float64{20}, Q: []float64{10, 30}}
	fmt.Printf("%.1f\n", math.Sqrt(f.Variance(0, 0)))
	// Output:
	// 7.8
}

// A store closed on the third day sold nothing: the demand history models
// see fills that day from the days around it.
func ExamplePanel_Filled() {
	p := series.Panel{Freq: series.Monthly} // no weekly season to adjust for
	p.Append(series.Key{SKU: "SOAP", Location: "S01"}, series.MustParseDate("2024-01-01"), []float64{10, 12, 0, 14, 12})
	p.Unobserved = []bool{false, false, true, false, false}
	fmt.Println(p.Series(0), "->", p.Filled(0))
	// Output:
	// [10 12 0 14 12] -> [10 12 12 14 12]
}

// A day a store was closed is filled from the days around it, seasonally
// adjusted: here the weekday with the highest sales was closed in the
// third week.
func ExampleFillUnobserved() {
	week := []float64{10, 10, 10, 10, 20, 10, 10}
	var y []float64
	for w := 0; w < 3; w++ {
		y = append(y, week...)
	}
	unobserved := make([]bool, len(y))
	y[18], unobserved[18] = 0, true // the third Friday: closed
	fmt.Printf("%.1f\n", series.FillUnobserved(y, unobserved, 7)[18])
	// Output:
	// 20.0
}

// A store selling about 300 a day sold nothing on a holiday (day 3) and on
// its Sundays: the zeros are closures, filled from the days around them,
// except the Sundays, which it closes by habit and which stay zero ahead.
func ExampleClosedZeros() {
	start := series.MustParseDate("2025-01-06") // a Monday
	y := make([]float64, 70)
	for t := range y {
		if t%7 != 6 {
			y[t] = 300
		}
	}
	y[3] = 0
	p := series.Panel{Freq: series.Daily}
	p.Append(series.Key{SKU: "ALL", Location: "S01"}, start, y)
	fmt.Println("busy:", series.IsBusy(y), "holiday a closure:", series.ClosedZeros(y)[3])
	fmt.Println("filled:", p.Filled(0)[:7])
	fmt.Println("closed in the next week, steps:", p.ClosedSteps(0, start+70, 7))
	// Output:
	// busy: true holiday a closure: true
	// filled: [300 300 300 300 300 300 0]
	// closed in the next week, steps: [6]
}
