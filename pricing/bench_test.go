package pricing

import (
	"context"
	"fmt"
	"math"
	"testing"
)

// BenchmarkEstimateAndPrice estimates and prices n products, each sold at
// two locations for two years of weeks (the scale of the target:
// 30,000 products within a minute).
func BenchmarkEstimateAndPrice(b *testing.B) {
	for _, n := range []int{100, 10_000, 30_000} {
		b.Run(fmt.Sprintf("products=%d", n), func(b *testing.B) {
			products := make([]Product, n)
			for i := range products {
				products[i] = simProduct(uint64(i), fmt.Sprint("P", i), -1-2*float64(i%7)/7, 2, 104, 6)
				products[i].Group = fmt.Sprint("G", i%40)
			}
			rules := DefaultRules()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				fits, err := Estimate(context.Background(), weekly, products, nil)
				if err != nil {
					b.Fatal(err)
				}
				est := Pool(products, fits, nil, nil)
				items := make([]Item, len(products))
				for i := range items {
					items[i] = Item{SKU: products[i].SKU, Location: "*", Price: fits[i].RegularPrice(0), Cost: 1.5, Elasticity: est[i],
						Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()}
					for l := range products[i].Locations {
						for t := 104; t < 108; t++ {
							items[i].Units += fits[i].Baseline(l, t, items[i].Price)
						}
					}
				}
				Recommend(items, &rules)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/product")
		})
	}
}
