package production

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkPlanFactories plans 3,000 products over 52 weeks in 10
// factories (300 products each, planned side by side), every lot sizer as
// a start and the cheapest plan kept: with capacity half as much again as the mean load
// (the uncapacitated plan mostly fits), and with 10% to spare, where
// capacity binds and the Lagrangian plans run too.
func BenchmarkPlanFactories(b *testing.B) {
	for _, slack := range []float64{1.5, 1.1} {
		b.Run(fmt.Sprintf("capacity=%.1fx", slack), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(11, 12))
			factories := make([]Factory, 10)
			for k := range factories {
				factories[k] = *randomFactory(rng, 300, 52, slack)
			}
			b.ReportAllocs()
			for b.Loop() {
				plans, err := PlanFactories(factories, nil)
				if err != nil {
					b.Fatal(err)
				}
				setups := 0
				for _, plan := range plans {
					setups += plan.Cost.Setups
				}
				b.ReportMetric(float64(setups), "setups")
			}
		})
	}
}
