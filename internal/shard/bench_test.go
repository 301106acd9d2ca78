package shard

import (
	"fmt"
	"testing"
)

// BenchmarkBalance assigns 100,000 synthetic SKUs to 256 and to 1,024
// shards and reports the imbalance: the largest shard's SKUs over the
// mean. The hash's cost per SKU is the benchmark's time.
func BenchmarkBalance(b *testing.B) {
	skus := make([]string, 100000)
	for i := range skus {
		skus[i] = fmt.Sprintf("SKU%06d", i)
	}
	for _, n := range []int{256, 1024} {
		b.Run(fmt.Sprintf("shards=%d", n), func(b *testing.B) {
			counts := make([]int, n)
			for i := 0; i < b.N; i++ {
				clear(counts)
				for _, s := range skus {
					counts[Of(s, n)]++
				}
			}
			most := 0
			for _, c := range counts {
				most = max(most, c)
			}
			b.ReportMetric(float64(most)/(float64(len(skus))/float64(n)), "max/mean")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(skus)), "ns/sku")
		})
	}
}
