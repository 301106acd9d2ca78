package synth_test

import (
	"context"
	"testing"

	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/internal/benchutil"
)

// BenchmarkGenerateM5Sized writes an M5-sized retailer: 10 stores x 3,049
// SKUs x 1,941 days through the store channel (30,490 series, 59 million
// sales and truth rows), with every master and truth file.
func BenchmarkGenerateM5Sized(b *testing.B) {
	for _, format := range []string{"csv", "parquet"} {
		b.Run(format, func(b *testing.B) {
			benchutil.ResetPeakRSS()
			var rows int64
			for i := 0; i < b.N; i++ {
				res, err := synth.Generate(context.Background(), b.TempDir(), synth.Config{
					Stores: 10, SKUs: 3049, Days: 1941, Horizon: 28, Channels: []string{synth.ChannelStore}, Format: format,
				}, nil)
				if err != nil {
					b.Fatal(err)
				}
				rows = res.Rows["sales"] + res.Rows["truth_demand"]
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(benchutil.PeakRSSMB(), "peak-RSS-MB")
		})
	}
}
