package assortment

import (
	"fmt"
	"math/rand/v2"
	"testing"
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
