package replenish

import (
	"context"
	"testing"

	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/internal/benchutil"
	"github.com/planner-engine/planner/series"
)

// BenchmarkSimulateStoreItemDemand replays the last 180 days of the 500
// Store Item Demand series (lead time 7 days, weekly review, 95% fill
// rate) with the auto forecast, beside the tuned baselines: what planner
// simulate does after reading the file (read here in memory).
func BenchmarkSimulateStoreItemDemand(b *testing.B) {
	p := benchutil.StoreItemDemand(b)
	ctx := context.Background()
	opts := SimOptions{Holdout: 180, LeadTime: 7, Review: 7, Target: Target{0.95, FillRate},
		Forecaster: func() Forecaster { return &forecast.Updater{Freq: series.Daily, Refit: 91} }}
	b.ResetTimer()
	var c *Comparison
	var err error
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
