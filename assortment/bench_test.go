package assortment

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/planner-engine/planner/internal/benchutil"
)

// benchCategory is a category of n products in subcategories of 20 whose
// products substitute for each other, with a shelf for about half of
// them.
func benchCategory(n int) *Problem {
	rng := rand.New(rand.NewPCG(uint64(n), 5))
	p := &Problem{MaxChanges: -1}
	var total float64
	for i := 0; i < n; i++ {
		q := Product{SKU: fmt.Sprintf("P%04d", i), Demand: 60 * rng.Float64() * rng.Float64(), Margin: 0.5 + 2*rng.Float64(),
			Cost: 3 + 8*rng.Float64(), Width: 0.5 + rng.Float64(), MinFacings: 1 + rng.IntN(3), Transfer: 0.8 * rng.Float64()}
		total += q.space()
		p.Products = append(p.Products, q)
	}
	p.Space = total / 2
	p.Substitutes = make([][]Substitute, n)
	for i := range p.Substitutes {
		for j := i / 20 * 20; j < min(n, i/20*20+20); j++ {
			if j != i {
				p.Substitutes[i] = append(p.Substitutes[i], Substitute{Index: j, Weight: p.Products[j].Demand})
			}
		}
	}
	return p
}

// BenchmarkChoose chooses one store's range in categories of 40, 100
// and 760 products (760: an M5-sized range's category).
func BenchmarkChoose(b *testing.B) {
	for _, n := range []int{40, 100, 760} {
		p := benchCategory(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Choose(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPlanChain chooses every store's range in every category of a
// chain (Chain.Plan: the stores clustered by sales mix, the demand of
// products not carried filled from like stores, each shelf chosen on
// every core): an M5-sized chain of 3,049 products in 4 categories at 10
// stores, and 50,000 products at 1,000 stores in categories of 200 and
// of 760 (the M5's size). Substitutes are subcategories of 8.
func BenchmarkPlanChain(b *testing.B) {
	for _, size := range []struct{ stores, products, perCategory int }{{10, 3049, 763}, {1000, 50_000, 200}, {1000, 50_000, 760}} {
		b.Run(fmt.Sprintf("stores=%d/products=%d/per-category=%d", size.stores, size.products, size.perCategory), func(b *testing.B) {
			c := chainOf(size.stores, size.products, size.perCategory)
			benchutil.ResetPeakRSS()
			for b.Loop() {
				if _, err := c.Plan(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(benchutil.PeakRSSMB(), "peak-RSS-MB")
		})
	}
}
