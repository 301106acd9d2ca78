package allocation

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// benchProblems fills problems for SKUs from..from+len(dst) of a retailer
// whose store-SKU weekly demand is lognormal around a median, deterministic
// in the SKU's number, with the DC holding 70% of the stores' need.
func benchProblems(dst []Problem, from, stores int, median float64) {
	for k := range dst {
		rng := rand.New(rand.NewPCG(uint64(from+k), 99))
		p := &dst[k]
		p.SKU, p.DC, p.Service = fmt.Sprint("SKU", from+k), "DC", 0.95
		if cap(p.Stores) < stores {
			p.Stores = make([]Store, stores)
		}
		p.Stores = p.Stores[:stores]
		expected := 0.0
		for i := range p.Stores {
			m := median * math.Exp(0.8*rng.NormFloat64())
			p.Stores[i] = Store{Location: storeNames[i], Mean: m, Variance: m * (1 + 2*rng.Float64()),
				OnHand: math.Floor(0.5 * m * rng.Float64()), Pack: 1}
			expected += m*1.3 + 1 - p.Stores[i].OnHand
		}
		p.Available = math.Round(0.7 * math.Max(0, expected))
	}
}

var storeNames = func() []string {
	s := make([]string, 1000)
	for i := range s {
		s[i] = fmt.Sprintf("S%04d", i)
	}
	return s
}()

// BenchmarkAllocate allocates every SKU's DC stock over its stores with
// the marginal method on all cores: 3,049 SKUs over 10 stores (M5's
// products and stores) and 50,000 SKUs over 1,000 stores, the latter in
// chunks of 500 SKUs so that memory stays flat. Drawing the problems is
// left out of the time.
func BenchmarkAllocate(b *testing.B) {
	for _, c := range []struct {
		skus, stores int
		median       float64
	}{{3049, 10, 20}, {50_000, 1000, 2}} {
		b.Run(fmt.Sprintf("%dx%d", c.skus, c.stores), func(b *testing.B) {
			chunk := make([]Problem, min(500, c.skus))
			b.ReportAllocs()
			for b.Loop() {
				units := 0.0
				for from := 0; from < c.skus; from += len(chunk) {
					n := min(len(chunk), c.skus-from)
					// Drawing the synthetic retailer is not allocation.
					b.StopTimer()
					benchProblems(chunk[:n], from, c.stores, c.median)
					b.StartTimer()
					out, err := AllocateAll(context.Background(), chunk[:n], Marginal{}, 0)
					if err != nil {
						b.Fatal(err)
					}
					for i := range out {
						units += out[i].Allocated
					}
				}
				b.ReportMetric(units, "units")
			}
		})
	}
}
