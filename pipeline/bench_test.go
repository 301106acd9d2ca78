package pipeline

import (
	"context"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/datasetstest"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/internal/benchutil"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// BenchmarkForecastM5 is the nightly forecast stage on an M5-sized
// retailer: read its 30,490 daily series of 1,941 days from a database
// file and forecast 28 days with the default auto model, on the last three
// years of each series, with the process's peak memory; without drivers
// (drivers=off) and with them (drivers=auto, the default: the synthetic
// sales carry prices and promotions). The database is generated once into
// the benchmark cache.
func BenchmarkForecastM5(b *testing.B) {
	s := datasetstest.Store(b, "m5", datasetstest.M5)
	for _, drivers := range []string{"off", "auto"} {
		b.Run("drivers="+drivers, func(b *testing.B) {
			cfg := config.DefaultForecast()
			cfg.Drivers = drivers
			ctx := context.Background()
			benchutil.ResetPeakRSS()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := Forecast(ctx, s, cfg)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Forecasts.Len()), "series")
			}
			b.ReportMetric(benchutil.PeakRSSMB(), "peak-RSS-MB")
		})
	}
}

// m5Network is an M5-sized network: 3,049 SKUs in 10 stores served by 3
// DCs (30,490 store rows and 9,147 DC rows), 56 days of forecasts, the DCs
// short of some SKUs so that transfers are rationed.
func m5Network() *replenish.Network {
	const skus, stores, dcs, days = 3049, 10, 3, 56
	target := replenish.Target{Level: 0.95, Type: replenish.FillRate}
	n := &replenish.Network{AsOf: series.MustParseDate("2016-05-22"), Ration: rationByExpectedSales}
	for s := 0; s < skus; s++ {
		sku := fmt.Sprintf("SKU%05d", s)
		for d := 0; d < dcs; d++ {
			n.Items = append(n.Items, &replenish.Item{SKU: sku, Location: fmt.Sprintf("DC%d", d), Target: target,
				Position: replenish.Position{OnHand: float64(50 + s%200), OnOrder: float64(s % 40)},
				Lane:     replenish.Lane{From: "SUPPLIER", LeadTime: 10, LeadTimeSD: 2, Review: 7, MOQ: 24, Multiple: 12, UnitCost: 1 + float64(s%9)}})
		}
		for st := 0; st < stores; st++ {
			mean, sd := make([]float64, days), make([]float64, days)
			level := 0.2 + float64((s*7+st*13)%50)/5
			for t := range mean {
				mean[t] = level * (1 + 0.3*math.Sin(2*math.Pi*float64(t)/7))
				sd[t] = math.Sqrt(mean[t]) * 1.3
			}
			n.Items = append(n.Items, &replenish.Item{SKU: sku, Location: fmt.Sprintf("S%02d", st), Target: target,
				Position: replenish.Position{OnHand: float64((s + st) % 15), InTransit: float64(st % 3)},
				Lane:     replenish.Lane{From: fmt.Sprintf("DC%d", st%dcs), Transfer: true, LeadTime: 2, LeadTimeSD: 0.5, Review: 7, Multiple: 6},
				Mean:     mean, SD: sd})
		}
	}
	return n
}

// BenchmarkPlanNetwork plans an M5-sized retailer's orders from given
// forecasts, as the replenish stage does: both echelons, every
// constraint, every reason, short DCs' transfers rationed by expected
// sales.
func BenchmarkPlanNetwork(b *testing.B) {
	n := m5Network()
	b.ReportAllocs()
	b.ResetTimer()
	var lines []replenish.Line
	for i := 0; i < b.N; i++ {
		lines = replenish.PlanNetwork(n, replenish.OrderUpTo{})
	}
	orders := 0
	for _, l := range lines {
		if l.Qty > 0 {
			orders++
		}
	}
	b.ReportMetric(float64(len(n.Items)), "items")
	b.ReportMetric(float64(orders), "orders")
}

// BenchmarkPerSeries times the plans of a synthetic retailer one unit at a
// time, on one thread, and reports the median and 99th percentile of the
// CPU time each series costs in the forecast (one series, with the panel's
// parameters learned once, as a shard forecasts), replenishment (one SKU's
// network of DCs and stores, shared among its series) and pricing (one
// product's price-response fit, shared among its locations): the figures
// a run's size is extrapolated from. One thread does the work, so its
// wall time is its CPU time.
func BenchmarkPerSeries(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	res, err := synth.Generate(ctx, dir, synth.Config{Stores: 40, SKUs: 100, Days: 120, Horizon: 28,
		Channels: []string{"store"}, Format: "parquet", NoTruth: true, Seed: 7}, nil)
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(res.Files["config"])
	if err != nil {
		b.Fatal(err)
	}
	store, err := datasets.Open(ctx, filepath.Join(dir, "bench.duckdb"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Load(ctx, LoadOptions(&cfg.Inputs)); err != nil {
		b.Fatal(err)
	}
	report := func(b *testing.B, perSeries []time.Duration) {
		slices.Sort(perSeries)
		at := func(q float64) float64 {
			return float64(perSeries[int(math.Ceil(q*float64(len(perSeries))))-1]) / 1e6
		}
		b.ReportMetric(at(0.5), "ms-p50/series")
		b.ReportMetric(at(0.99), "ms-p99/series")
		b.ReportMetric(float64(len(perSeries)), "series")
	}
	fcfg := cfg.Forecast
	popts, err := panelOptions(ctx, store, fcfg)
	if err != nil {
		b.Fatal(err)
	}
	panel, err := store.ReadPanel(ctx, popts)
	if err != nil {
		b.Fatal(err)
	}
	model, err := forecast.ParseModels(fcfg.Models)
	if err != nil {
		b.Fatal(err)
	}
	params, use, err := learnOnSample(ctx, panel.Subset(series.SampleIndex(panel.Len(), forecast.ParamsSample)), model, fcfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("stage=forecast", func(b *testing.B) {
		for n := 0; n < b.N; n++ {
			times := make([]time.Duration, panel.Len())
			for i := range times {
				one := panel.Subset([]int{i})
				m, err := forecast.WithDriverDecision(model, one, use.Decision)
				if err != nil {
					b.Fatal(err)
				}
				began := time.Now()
				if _, err := forecast.Run(ctx, one, forecast.Options{Horizon: fcfg.Horizon, Quantiles: fcfg.Quantiles,
					Window: fcfg.Window, Params: params, Model: m, Workers: 1}); err != nil {
					b.Fatal(err)
				}
				times[i] = time.Since(began)
			}
			report(b, times)
		}
	})
	fc, err := Forecast(ctx, store, fcfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("stage=replenish", func(b *testing.B) {
		rep, err := Replenish(ctx, store, fc.Values(), cfg.Replenish)
		if err != nil {
			b.Fatal(err)
		}
		bySKU := map[string][]*replenish.Item{}
		for _, it := range rep.Network.Items {
			bySKU[it.SKU] = append(bySKU[it.SKU], it)
		}
		for n := 0; n < b.N; n++ {
			var times []time.Duration
			for _, sku := range slices.Sorted(maps.Keys(bySKU)) {
				items := bySKU[sku]
				net := &replenish.Network{AsOf: rep.Network.AsOf, Items: items, Ration: rep.Network.Ration}
				began := time.Now()
				replenish.PlanNetwork(net, replenish.OrderUpTo{})
				each := time.Since(began) / time.Duration(len(items))
				for range items {
					times = append(times, each)
				}
			}
			report(b, times)
		}
	})
	b.Run("stage=price", func(b *testing.B) {
		in, err := PricingInput(ctx, store, 0)
		if err != nil {
			b.Fatal(err)
		}
		products := pricing.GroupHistory(in.History, in.Products, false)
		cal := pricing.Calendar{Freq: in.History.Freq, Start: in.History.Start}
		for n := 0; n < b.N; n++ {
			var times []time.Duration
			for i := range products {
				began := time.Now()
				if _, err := pricing.Estimate(ctx, cal, products[i:i+1], &pricing.EstimateOptions{Workers: 1}); err != nil {
					b.Fatal(err)
				}
				each := time.Since(began) / time.Duration(len(products[i].Locations))
				for range products[i].Locations {
					times = append(times, each)
				}
			}
			report(b, times)
		}
	})
}

// BenchmarkAssortM5 is the assort stage on an M5-sized retailer (3,049
// SKUs in 10 stores, a shelf per store and category), given its
// forecasts: the shelves, masters and the last year of daily sales read
// from the database, the transfer shares estimated, and every store's
// range chosen. The forecasts are the seasonal naive's (the forecast
// stage has its own benchmark).
func BenchmarkAssortM5(b *testing.B) {
	s := datasetstest.StoreTables(b, "m5-ranges", datasetstest.M5, "sales", "products", "shelves", "must_carry")
	ctx := context.Background()
	fcfg := config.DefaultForecast()
	fcfg.Models = "snaive"
	res, err := Forecast(ctx, s, fcfg)
	if err != nil {
		b.Fatal(err)
	}
	cfg := config.DefaultAssort()
	benchutil.ResetPeakRSS()
	b.ResetTimer()
	for b.Loop() {
		ranges, err := Assort(ctx, s, &res.Forecasts.Forecasts, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(ranges.Ranges)), "ranges")
	}
	b.ReportMetric(benchutil.PeakRSSMB(), "peak-RSS-MB")
}
