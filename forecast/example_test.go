package forecast_test

import (
	"context"
	"fmt"

	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/series"
)

// weekly returns weeks of a daily series, from a Monday, that sells 10 on
// weekdays and 30 at the weekend.
func weekly(weeks int) []float64 {
	y := make([]float64, 0, 7*weeks)
	for w := 0; w < weeks; w++ {
		y = append(y, 10, 10, 10, 10, 10, 30, 30)
	}
	return y
}

// Forecast one series a week ahead with the seasonal naive model and read
// the mean and median of each day.
func ExampleRun() {
	p := &series.Panel{Freq: series.Daily}
	p.Append(series.Key{SKU: "tea", Location: "store-1"}, series.MustParseDate("2026-01-05"), weekly(8))

	res, err := forecast.Run(context.Background(), p, forecast.Options{
		Horizon:   7,
		Quantiles: []float64{0.5},
		Model:     forecast.SeasonalNaive{},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Model[0], res.Starts[0])
	for t, mean := range res.Series(0) {
		fmt.Printf("%.0f/%.0f ", mean, res.Quantile(0, t, 0))
	}
	fmt.Println()
	// Output:
	// SNaive(7) 2026-03-02
	// 10/10 10/10 10/10 10/10 10/10 30/30 30/30
}

// Score two models on the last three weeks of a series: the seasonal naive
// repeats the pattern exactly; the naive carries Sunday's 30 into the
// weekdays, so it misses by 20 on five days of seven and over-forecasts
// (bias is the error's sum over the actuals' sum).
func ExampleBacktest() {
	p := &series.Panel{Freq: series.Daily}
	p.Append(series.Key{SKU: "tea", Location: "store-1"}, series.MustParseDate("2026-01-05"), weekly(10))

	res, err := forecast.Backtest(context.Background(), p, forecast.BacktestOptions{
		Horizon: 7,
		Windows: 3,
		Models:  []forecast.Model{forecast.SeasonalNaive{}, forecast.Naive{}},
	})
	if err != nil {
		panic(err)
	}
	for _, s := range res.Overall {
		fmt.Printf("%s: MAE %.2f, bias %.2f\n", s.Model, s.MAE, s.Bias)
	}
	// Output:
	// snaive: MAE 0.00, bias 0.00
	// naive: MAE 14.29, bias 0.91
}

// Route a series by its demand pattern (Syntetos & Boylan): a sale every
// fourth day of nearly the same size is intermittent.
func ExampleClassify() {
	y := []float64{0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 5}
	class, adi, cv2 := forecast.Classify(y)
	fmt.Printf("%s (ADI %.1f, CV² %.3f)\n", class, adi, cv2)
	// Output:
	// intermittent (ADI 4.0, CV² 0.016)
}

// A promotion flag in the sales history that no plan carries ahead is not
// assumed away: it keeps to a fortnightly schedule, so the forecast
// carries it on by that schedule, and says so.
func ExampleWithDrivers() {
	p := &series.Panel{Freq: series.Daily}
	x := &series.Exog{Names: []string{"promo"}, Horizon: 7, Future: make([]float64, 7), Unplanned: []bool{true}}
	y := make([]float64, 364)
	for t := range y {
		promo := float32(0)
		if t%14 < 5 { // Monday to Friday, every other week
			promo = 1
		}
		y[t] = 100 + 50*float64(promo)
		x.Hist = append(x.Hist, promo)
	}
	p.Append(series.Key{SKU: "ALL", Location: "S01"}, series.MustParseDate("2024-01-01"), y)
	p.Exog = x
	model, use, err := forecast.WithDrivers(forecast.ETS{}, p, "auto")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, future := p.Drivers(0)
	fmt.Println(model.Name(), use.Scheduled, future)
	// Output:
	// reg_ets [promo every 14 days] [1 1 1 1 1 0 0]
}
