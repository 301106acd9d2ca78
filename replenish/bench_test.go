package replenish

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/internal/benchutil"
	"github.com/planner-engine/planner/series"
)

// m5Network is an M5-sized network: 3,049 SKUs in 10 stores served by 3
// DCs (30,490 store rows and 9,147 DC rows), 56 days of forecasts.
func m5Network() *Network {
	const skus, stores, dcs, days = 3049, 10, 3, 56
	target := Target{0.95, FillRate}
	n := &Network{AsOf: series.MustParseDate("2016-05-22")}
	for s := 0; s < skus; s++ {
		sku := fmt.Sprintf("SKU%05d", s)
		for d := 0; d < dcs; d++ {
			n.Items = append(n.Items, &Item{SKU: sku, Location: fmt.Sprintf("DC%d", d), Target: target,
				Position: Position{OnHand: float64(50 + s%200), OnOrder: float64(s % 40)},
				Lane:     Lane{From: "SUPPLIER", LeadTime: 10, LeadTimeSD: 2, Review: 7, MOQ: 24, Multiple: 12, UnitCost: 1 + float64(s%9)}})
		}
		for st := 0; st < stores; st++ {
			mean, sd := make([]float64, days), make([]float64, days)
			level := 0.2 + float64((s*7+st*13)%50)/5
			for t := range mean {
				mean[t] = level * (1 + 0.3*math.Sin(2*math.Pi*float64(t)/7))
				sd[t] = math.Sqrt(mean[t]) * 1.3
			}
			n.Items = append(n.Items, &Item{SKU: sku, Location: fmt.Sprintf("S%02d", st), Target: target,
				Position: Position{OnHand: float64((s + st) % 15), InTransit: float64(st % 3)},
				Lane:     Lane{From: fmt.Sprintf("DC%d", st%dcs), Transfer: true, LeadTime: 2, LeadTimeSD: 0.5, Review: 7, Multiple: 6},
				Mean:     mean, SD: sd})
		}
	}
	return n
}

// BenchmarkPlanNetwork plans an M5-sized retailer's orders from given
// forecasts: both echelons, every constraint, every reason.
func BenchmarkPlanNetwork(b *testing.B) {
	n := m5Network()
	b.ReportAllocs()
	b.ResetTimer()
	var lines []Line
	for i := 0; i < b.N; i++ {
		lines = PlanNetwork(n, OrderUpTo{})
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

// BenchmarkSimulateStoreItemDemand replays the last 180 days of the 500
// Store Item Demand series (lead time 7 days, weekly review, 95% fill
// rate) with the auto forecast, beside the tuned baselines: what planner
// simulate does after reading the file.
func BenchmarkSimulateStoreItemDemand(b *testing.B) {
	path := benchutil.SharedData(b, "store-item-demand/train.csv.gz")
	ctx := context.Background()
	s, err := datasets.Open(ctx, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	m, _ := files.ParseMapping("qty=sales,location=store,sku=item")
	if _, err := s.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": path}, Map: m}); err != nil {
		b.Fatal(err)
	}
	p, err := s.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily, TrimLeadingZeros: true})
	if err != nil {
		b.Fatal(err)
	}
	opts := SimOptions{Holdout: 180, LeadTime: 7, Review: 7, Target: Target{0.95, FillRate},
		Forecaster: func() Forecaster { return &forecast.Updater{Freq: series.Daily, Refit: 91} }}
	b.ResetTimer()
	var c *Comparison
	for i := 0; i < b.N; i++ {
		if c, err = Compare(ctx, p, func(float64) Policy { return OrderUpTo{} }, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*c.Policy.FillRate, "fill%")
	b.ReportMetric(c.Policy.AvgInventoryUnits, "avg-units")
	b.ReportMetric(c.Cover.AvgInventoryUnits, "cover-avg-units")
	b.ReportMetric(100*(1-c.Policy.AvgInventoryUnits/c.Cover.AvgInventoryUnits), "%less-than-cover")
}
