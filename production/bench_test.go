package production

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkPlanFactories plans 3,000 products over 52 weeks in 10
// factories (300 products each, capacity half as much again as the mean
// load), every lot sizer as a start and the cheapest plan kept.
func BenchmarkPlanFactories(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	factories := make([]*Factory, 10)
	for k := range factories {
		factories[k] = randomFactory(rng, 300, 52, 1.5)
	}
	b.ReportAllocs()
	for b.Loop() {
		setups := 0
		for _, f := range factories {
			plan, _, err := PlanFactoryBest(f)
			if err != nil {
				b.Fatal(err)
			}
			setups += plan.Cost.Setups
		}
		b.ReportMetric(float64(setups), "setups")
	}
}
