package forecast

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/planner-engine/planner/series"
)

// BenchmarkRunPerSeries forecasts panels of 100 to 1,000,000 short daily
// series (28 to 56 days, horizon 7) with every worker, with the auto model
// and with the seasonal naive (whose cost is the machinery's: panel,
// workers, quantiles): the cost per series should stay flat as the panel
// grows.
func BenchmarkRunPerSeries(b *testing.B) {
	for _, m := range []Model{Auto{}, SeasonalNaive{}} {
		for _, n := range []int{100, 10_000, 100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/series=%d", m.Name(), n), func(b *testing.B) {
				p := randomPanel(n, 56, 1)
				opts := Options{Horizon: 7, Model: m}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := Run(context.Background(), p, opts); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/series")
			})
		}
	}
}

// BenchmarkFit fits each model once to a three-year daily series with a
// weekly season on one core: the figure to set beside R's seconds per fit.
func BenchmarkFit(b *testing.B) {
	y := make([]float64, 1095)
	for t := range y {
		y[t] = math.Round(20 * (1 + 0.3*math.Sin(2*math.Pi*float64(t)/7)) * (1 + 0.1*math.Sin(float64(t*t%97))))
	}
	// As the forecast describes it: counts, busy (a median of 20 a day), so
	// auto compares ARIMA too.
	info := infoOf(y, series.Daily, 28)
	for _, m := range []Model{SeasonalNaive{}, ETS{}, ARIMA{}, Theta{}, Croston{}, MultiSeasonal{}, Auto{}} {
		b.Run(m.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := m.Fit(y, info); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFitWeekly fits each model once to three years of weekly sales
// of a product in a store (a yearly season too long for ETS, a drifting
// level, promotion spikes): the figure to set beside R's seconds per fit
// on dunnhumby's weekly series.
func BenchmarkFitWeekly(b *testing.B) {
	y := make([]float64, 156)
	level := 12.0
	for t := range y {
		level *= 1 + 0.03*math.Sin(float64(t*t%89))
		v := level * (1 + 0.2*math.Sin(2*math.Pi*float64(t)/52)) * (1 + 0.35*math.Sin(float64(t*t%61)))
		if t%11 == 3 {
			v *= 1.8
		}
		y[t] = math.Max(1, math.Round(v))
	}
	info := &SeriesInfo{Freq: series.Weekly, Period: 52, Horizon: 13, Count: true}
	mean, sd := make([]float64, 13), make([]float64, 13)
	for _, m := range []Model{ETS{}, ARIMA{}, Theta{}} {
		b.Run(m.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				fit, err := m.Fit(y, info)
				if err != nil {
					b.Fatal(err)
				}
				fit.Predict(mean, sd)
			}
		})
	}
}

// BenchmarkRunPerSeriesWithDrivers is BenchmarkRunPerSeries with demand
// drivers (price and promotion, as the nightly forecast reads them) and
// the auto model under them, on 3,000 to 300,000 series of 56 days: the
// cost and the allocations per series should stay flat.
func BenchmarkRunPerSeriesWithDrivers(b *testing.B) {
	for _, n := range []int{3_000, 30_000, 300_000} {
		b.Run(fmt.Sprintf("series=%d", n), func(b *testing.B) {
			p := &series.Panel{Freq: series.Daily}
			var hist []float32
			for i := 0; i < n; i++ {
				y, x := driverSeries(uint64(i), 56, 1.5, -1.5)
				p.Append(series.Key{SKU: fmt.Sprint(i)}, series.MustParseDate("2024-01-01"), y)
				for _, v := range x {
					hist = append(hist, float32(v))
				}
			}
			p.Exog = &series.Exog{Names: []string{"log_price", "promo", "feature", "display"}, Hist: hist, Horizon: 7, Future: make([]float64, n*7*4)}
			model, _, err := WithDrivers(Auto{}, p, "auto")
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Run(context.Background(), p, Options{Horizon: 7, Model: model}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/series")
		})
	}
}
