package atp

import (
	"fmt"
	"testing"
)

// BenchmarkPlan promises an M5-sized retailer's stock (3,049 SKUs at 10
// stores) to three channels: store, app and instant delivery.
func BenchmarkPlan(b *testing.B) {
	channels := []Channel{{Name: "store", LostSale: 1, Reserve: 1}, {Name: "app", LostSale: 0.5, MaxShare: 0.4}, {Name: "instant", LostSale: 0.7}}
	var positions []Position
	for s := range 3049 {
		for st := range 10 {
			level := 0.2 + float64((s*7+st*13)%50)/5
			positions = append(positions, Position{SKU: fmt.Sprintf("SKU%05d", s), Location: fmt.Sprintf("S%02d", st), Stock: float64((s + st) % 40),
				Demand: []Demand{{level, 1.5 * level}, {level / 3, level / 2}, {level / 4, level / 3}}})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Plan(positions, channels); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(positions)), "positions")
}
