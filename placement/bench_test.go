package placement

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// benchInstance is a network of nodes, the first two central DCs that
// reach every zone in a day or two, the others forward warehouses that
// reach the zones near them within hours; SKUs sell online, in stores
// (replenished from the nodes) and by instant delivery in every zone, with
// demand spread over a thousandfold range.
func benchInstance(skus, zones, nodes int) (*Network, []SKU) {
	rng := rand.New(rand.NewPCG(uint64(skus), uint64(zones*100+nodes)))
	net := &Network{Channels: []Channel{{Name: "store", PromiseHours: 72}, {Name: "online", PromiseHours: 48}, {Name: "instant", PromiseHours: 1}}}
	for z := 0; z < zones; z++ {
		net.Zones = append(net.Zones, fmt.Sprintf("Z%02d", z+1))
	}
	nan := math.NaN()
	for n := 0; n < nodes; n++ {
		central := n < 2
		node := Node{Name: fmt.Sprintf("N%02d", n+1), Handling: 0.05 + 0.1*rng.Float64()}
		if !central {
			node.Handling += 0.1
		}
		hours := make([]float64, zones)
		cost := make([]float64, zones)
		for z := range hours {
			switch d := math.Abs(float64(z*nodes/zones - n)); {
			case central:
				hours[z], cost[z] = 24+24*rng.Float64(), 0.8+0.8*rng.Float64()
			case d == 0:
				hours[z], cost[z] = 0.75, 0.2+0.2*rng.Float64()
			case d <= 1:
				hours[z], cost[z] = 6, 0.4+0.3*rng.Float64()
			default:
				hours[z], cost[z] = nan, nan
			}
		}
		net.Nodes = append(net.Nodes, node)
		net.Hours = append(net.Hours, hours)
		net.Cost = append(net.Cost, cost)
	}
	out := make([]SKU, skus)
	for i := range out {
		k := SKU{SKU: fmt.Sprintf("SKU%05d", i+1), UnitCost: math.Exp(rng.NormFloat64()*0.8 + 1.5)}
		k.LostSale = 0.6 * k.UnitCost
		rate := math.Exp(rng.NormFloat64()*1.5 - 1)
		for z := 0; z < zones; z++ {
			for c := range net.Channels {
				m := rate * []float64{1, 0.3, 0.1}[c] * (0.5 + rng.Float64())
				k.Streams = append(k.Streams, Stream{Zone: z, Channel: c, Mean: m, Variance: m * (1 + 2*rng.Float64())})
			}
		}
		out[i] = k
	}
	return net, out
}

// BenchmarkPlace places 3,049 SKUs (the M5 range) on 12 nodes serving 50
// zones through 3 channels, with node capacities that bind.
func BenchmarkPlace(b *testing.B) {
	net, skus := benchInstance(3049, 50, 12)
	free, err := Place(net, skus, policy)
	if err != nil {
		b.Fatal(err)
	}
	for n := range net.Nodes {
		net.Nodes[n].Capacity = 0.7 * free.Usage[n]
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Place(net, skus, policy); err != nil {
			b.Fatal(err)
		}
	}
}
