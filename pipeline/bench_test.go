package pipeline

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/planner-engine/planner/datasets/datasetstest"
	"github.com/planner-engine/planner/internal/benchutil"
	"github.com/planner-engine/planner/pipeline/config"
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
