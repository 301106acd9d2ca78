package placement

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// line is a network of a central DC and a forward node near zone 0: the
// DC reaches every zone in a day at 1 a unit; the forward node reaches
// zone 0 in an hour at 0.2 and nothing else.
func line() *Network {
	nan := math.NaN()
	return &Network{
		Nodes:    []Node{{Name: "DC"}, {Name: "FWD"}},
		Zones:    []string{"Z0", "Z1", "Z2"},
		Channels: []Channel{{Name: "online", PromiseHours: 48}, {Name: "instant", PromiseHours: 1}},
		Hours:    [][]float64{{24, 24, 24}, {1, nan, nan}},
		Cost:     [][]float64{{1, 1, 1}, {0.2, nan, nan}},
	}
}

var policy = Policy{Days: 28, CoverDays: 7, Service: 0.95, HoldingRate: 0.25}

func TestASlowErraticMoverStaysCentralAndAFastOneGoesForward(t *testing.T) {
	net := line()
	// Both sell online in every zone; the fast one sells 40 a day in zone
	// 0, the slow one 0.2 with a variance five times its mean.
	fast := SKU{SKU: "FAST", UnitCost: 5, LostSale: 4, Streams: []Stream{
		{Zone: 0, Channel: 0, Mean: 40, Variance: 50}, {Zone: 1, Channel: 0, Mean: 5, Variance: 6}, {Zone: 2, Channel: 0, Mean: 5, Variance: 6}}}
	slow := SKU{SKU: "SLOW", UnitCost: 200, LostSale: 80, Streams: []Stream{
		{Zone: 0, Channel: 0, Mean: 0.2, Variance: 1}, {Zone: 1, Channel: 0, Mean: 0.2, Variance: 1}, {Zone: 2, Channel: 0, Mean: 0.2, Variance: 1}}}
	p, err := Place(net, []SKU{fast, slow}, policy)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 0, 0}, p.Decisions[0].Assign, "the fast mover's zone 0 is served from the forward node")
	assert.Equal(t, []int{0, 0, 0}, p.Decisions[1].Assign, "the slow mover is pooled in the DC")
	lines := p.Lines(net, []SKU{fast, slow})
	require.Len(t, lines, 4)
	assert.True(t, lines[1].Hold)
	assert.Equal(t, []string{"Z0"}, lines[1].Zones)
	assert.Contains(t, lines[1].Reason, "forward")
	assert.False(t, lines[3].Hold)
	assert.Equal(t, "not held: served from DC", lines[3].Reason)
	assert.Contains(t, lines[2].Reason, "central")
	assert.Equal(t, []string{"Z0", "Z1", "Z2"}, lines[2].Zones)
	assert.InDelta(t, 24, lines[2].Hours, 1e-9)
}

func TestInstantDemandIsServedOnlyWithinItsPromise(t *testing.T) {
	net := line()
	k := SKU{SKU: "A", UnitCost: 2, LostSale: 3, Streams: []Stream{
		{Zone: 0, Channel: 1, Mean: 3, Variance: 4}, {Zone: 1, Channel: 1, Mean: 3, Variance: 4}, {Zone: 1, Channel: 0, Mean: 2, Variance: 3}}}
	p, err := Place(net, []SKU{k}, policy)
	require.NoError(t, err)
	assert.Equal(t, []int{1, -1, 0}, p.Decisions[0].Assign, "zone 1's instant orders reach no node within an hour")
	require.Len(t, p.Unreachable, 1)
	u := p.Unreachable[0]
	assert.Equal(t, [2]int{1, 1}, [2]int{u.Zone, u.Channel})
	assert.Equal(t, 1, u.SKUs)
	assert.InDelta(t, 3, u.Units, 1e-12)
	assert.InDelta(t, 28*3*3, u.Lost, 1e-9)
	assert.Contains(t, p.Lines(net, []SKU{k})[1].Reason, "the only node holding it within the instant promise (1 h) of zone Z0")
}

func TestTheCostIsDeliveryHoldingAndLostSales(t *testing.T) {
	net := line()
	k := SKU{SKU: "A", UnitCost: 10, LostSale: 3, Streams: []Stream{
		{Zone: 1, Channel: 0, Mean: 2, Variance: 3}, {Zone: 2, Channel: 0, Mean: 1, Variance: 1}, {Zone: 1, Channel: 1, Mean: 1, Variance: 1}}}
	p, err := Place(net, []SKU{k}, policy)
	require.NoError(t, err)
	d := p.Decisions[0]
	require.Equal(t, []int{0, 0, -1}, d.Assign)
	z := 1.6448536269514722
	h := 10 * 0.25 * 28 / 365.0
	assert.InDelta(t, 28*3*1.0, d.Cost.Delivery, 1e-9)
	assert.InDelta(t, 28*1*3.0, d.Cost.Lost, 1e-9)
	assert.InDelta(t, h*(3*7/2.0+z*math.Sqrt(7*4)), d.Cost.Holding, 1e-6)
	assert.InDelta(t, 3*7+z*math.Sqrt(7*4), d.Target[0], 1e-6)
	assert.Equal(t, 0.0, d.Target[1])
}

// TestPlacementIsWithinTwoPercentOfTheOptimum compares the plan with the
// optimum found by enumerating every assignment of every SKU's streams,
// on small networks whose capacities bind.
func TestPlacementIsWithinTwoPercentOfTheOptimum(t *testing.T) {
	var gaps []float64
	binding := 0
	for seed := uint64(1); seed <= 200; seed++ {
		net, skus := smallInstance(seed)
		p, err := Place(net, skus, policy)
		require.NoError(t, err)
		for n := range net.Nodes {
			require.LessOrEqual(t, p.Usage[n], net.Nodes[n].Capacity*(1+1e-9), "seed %d: node %s over capacity", seed, net.Nodes[n].Name)
		}
		opt, loose := optimum(net, skus)
		if opt < loose-1e-6 {
			t.Fatalf("seed %d: the optimum under capacity %v is below the one without %v", seed, opt, loose)
		}
		if loose < opt-1e-6 {
			binding++
		}
		gap := p.Cost.Total()/opt - 1
		require.GreaterOrEqual(t, gap, -1e-9, "seed %d: cheaper than the optimum", seed)
		assert.LessOrEqual(t, gap, 0.02, "seed %d: %.2f%% above the optimum", seed, 100*gap)
		gaps = append(gaps, gap)
	}
	assert.GreaterOrEqual(t, binding, 50, "the capacities bind in at least a quarter of the instances")
	slices.Sort(gaps)
	assert.LessOrEqual(t, gaps[len(gaps)-1], 0.02, "every plan within 2% of the optimum")
	assert.LessOrEqual(t, mean(gaps), 0.001, "the mean gap")
	t.Logf("gap to the optimum over %d instances (%d with binding capacity): mean %.3f%%, max %.2f%%",
		len(gaps), binding, 100*mean(gaps), 100*gaps[len(gaps)-1])
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// smallInstance is 3 nodes, 3 zones, two channels (one with a tight
// promise) and 3 SKUs of 3 streams each, with capacities set below what
// the SKUs would hold unconstrained in some instances.
func smallInstance(seed uint64) (*Network, []SKU) {
	rng := rand.New(rand.NewPCG(seed, 7))
	net := &Network{Zones: []string{"Z0", "Z1", "Z2"},
		Channels: []Channel{{Name: "online", PromiseHours: 48}, {Name: "instant", PromiseHours: 2}}}
	for n := 0; n < 3; n++ {
		net.Nodes = append(net.Nodes, Node{Name: string(rune('A' + n)), Handling: 0.1 * rng.Float64()})
		hours := make([]float64, 3)
		cost := make([]float64, 3)
		for z := range hours {
			hours[z] = []float64{1, 12, 30}[rng.IntN(3)]
			cost[z] = 0.2 + 1.5*rng.Float64()
			if rng.Float64() < 0.15 {
				hours[z], cost[z] = math.NaN(), math.NaN()
			}
		}
		net.Hours = append(net.Hours, hours)
		net.Cost = append(net.Cost, cost)
	}
	var skus []SKU
	for i := 0; i < 3; i++ {
		k := SKU{SKU: string(rune('P' + i)), UnitCost: 2 + 30*rng.Float64(), LostSale: 1 + 6*rng.Float64()}
		for j := 0; j < 3; j++ {
			m := math.Exp(rng.NormFloat64()*1.2 + 0.5)
			k.Streams = append(k.Streams, Stream{Zone: rng.IntN(3), Channel: rng.IntN(2), Mean: m, Variance: m * (1 + 4*rng.Float64())})
		}
		skus = append(skus, k)
	}
	// Capacity: a share of the stock the unconstrained plan would hold.
	free, _ := Place(net, skus, policy)
	for n := range net.Nodes {
		share := []float64{0.5, 0.8, 1.5}[rng.IntN(3)]
		net.Nodes[n].Capacity = math.Max(1, share*free.Usage[n])
	}
	return net, skus
}

// optimum enumerates every assignment of every SKU's streams (a node that
// reaches it, or lost) and returns the cheapest total that fits the
// capacities, and the cheapest without them.
func optimum(net *Network, skus []SKU) (float64, float64) {
	s := newSolver(net, skus, policy)
	options := make([][]Decision, len(skus))
	for i := range skus {
		choices := make([][]int, len(skus[i].Streams))
		for j := range choices {
			choices[j] = append([]int{-1}, s.reach[i][j]...)
		}
		assign := make([]int, len(choices))
		var walk func(j int)
		walk = func(j int) {
			if j == len(choices) {
				options[i] = append(options[i], s.decision(i, assign))
				return
			}
			for _, n := range choices[j] {
				assign[j] = n
				walk(j + 1)
			}
		}
		walk(0)
	}
	loose := 0.0
	for i := range options {
		best := math.Inf(1)
		for _, d := range options[i] {
			best = math.Min(best, d.Cost.Total())
		}
		loose += best
	}
	best := math.Inf(1)
	use := make([]float64, len(net.Nodes))
	var walk func(i int, cost float64)
	walk = func(i int, cost float64) {
		if cost >= best {
			return
		}
		if i == len(skus) {
			best = cost
			return
		}
		for _, d := range options[i] {
			fits := true
			for n, t := range d.Target {
				if use[n]+t > net.Nodes[n].Capacity*(1+1e-12) {
					fits = false
					break
				}
			}
			if !fits {
				continue
			}
			for n, t := range d.Target {
				use[n] += t
			}
			walk(i+1, cost+d.Cost.Total())
			for n, t := range d.Target {
				use[n] -= t
			}
		}
	}
	walk(0, 0)
	return best, loose
}

func TestEveryNodeStaysWithinItsCapacity(t *testing.T) {
	net, skus := benchInstance(200, 20, 6)
	free, err := Place(net, skus, policy)
	require.NoError(t, err)
	for n := range net.Nodes {
		net.Nodes[n].Capacity = 0.6 * free.Usage[n]
	}
	p, err := Place(net, skus, policy)
	require.NoError(t, err)
	for n := range net.Nodes {
		assert.LessOrEqual(t, p.Usage[n], net.Nodes[n].Capacity*(1+1e-9), "node %s", net.Nodes[n].Name)
	}
	assert.Greater(t, p.Cost.Total(), free.Cost.Total(), "less room costs more")
}

func TestBadSettingsAreRefused(t *testing.T) {
	net := line()
	for _, c := range []struct {
		pol  Policy
		want string
	}{
		{Policy{Days: 0, CoverDays: 7, Service: 0.9}, "horizon is 0 days"},
		{Policy{Days: 28, CoverDays: -1, Service: 0.9}, "cover is -1 days"},
		{Policy{Days: 28, CoverDays: 7, Service: 1}, "service level is 1"},
		{Policy{Days: 28, CoverDays: 7, Service: 0.9, HoldingRate: -0.1}, "holding rate is -0.1"},
	} {
		_, err := Place(net, nil, c.pol)
		require.Error(t, err)
		assert.Contains(t, err.Error(), c.want)
	}
	_, err := Place(net, []SKU{{SKU: "A", Streams: []Stream{{Zone: 9, Mean: 1}}}}, policy)
	assert.ErrorContains(t, err, "SKU A: a stream names a zone or channel the network does not have")
	net.Nodes[0].Capacity = -1
	_, err = Place(net, nil, policy)
	assert.ErrorContains(t, err, "node DC: capacity -1")
}

func TestPlacementIsDeterministic(t *testing.T) {
	net, skus := benchInstance(300, 10, 5)
	a, err := Place(net, skus, policy)
	require.NoError(t, err)
	b, err := Place(net, skus, policy)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint(a.Lines(net, skus)), fmt.Sprint(b.Lines(net, skus)))
	assert.Equal(t, a.Cost, b.Cost)
}

func TestEvaluatePricesAGivenPlacement(t *testing.T) {
	net := line()
	k := SKU{SKU: "A", UnitCost: 10, LostSale: 3, Streams: []Stream{
		{Zone: 0, Channel: 0, Mean: 2, Variance: 3}, {Zone: 0, Channel: 1, Mean: 1, Variance: 1}, {Zone: 2, Channel: 0, Mean: 1, Variance: 1}}}
	every, err := Evaluate(net, []SKU{k}, policy, func(int, int) bool { return true })
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 0}, every.Decisions[0].Assign, "the cheaper lane of the nodes holding it")
	central, err := Evaluate(net, []SKU{k}, policy, func(_, n int) bool { return n == 0 })
	require.NoError(t, err)
	assert.Equal(t, []int{0, -1, 0}, central.Decisions[0].Assign, "instant orders are lost without the forward node")
	assert.InDelta(t, 28*1*3.0, central.Cost.Lost, 1e-9)
	p, err := Place(net, []SKU{k}, policy)
	require.NoError(t, err)
	assert.LessOrEqual(t, p.Cost.Total(), every.Cost.Total()+1e-9)
	assert.LessOrEqual(t, p.Cost.Total(), central.Cost.Total()+1e-9)
}

func TestAMinimumStockKeepsASlowMoverInFewerNodes(t *testing.T) {
	net := &Network{Nodes: []Node{{Name: "DC1"}, {Name: "DC2"}}, Zones: []string{"Z1", "Z2"},
		Channels: []Channel{{Name: "online", PromiseHours: 48}},
		Hours:    [][]float64{{24, 36}, {36, 24}}, Cost: [][]float64{{0.1, 1}, {1, 0.1}}}
	k := SKU{SKU: "SLOW", UnitCost: 20, LostSale: 10, Streams: []Stream{{Zone: 0, Mean: 0.05, Variance: 0.06}, {Zone: 1, Mean: 0.05, Variance: 0.06}}}
	p, err := Place(net, []SKU{k}, policy)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1}, p.Decisions[0].Assign, "without a minimum, each zone from its near node")
	k.MinStock = 12 // a case of 12
	p, err = Place(net, []SKU{k}, policy)
	require.NoError(t, err)
	assert.Equal(t, p.Decisions[0].Assign[0], p.Decisions[0].Assign[1], "a case in one node serves both zones")
	held := p.Decisions[0].Assign[0]
	assert.Equal(t, 12.0, p.Decisions[0].Target[held])
	assert.InDelta(t, 20*0.25*28/365.0*(12-0.1*7/2), p.Decisions[0].Cost.Holding, 1e-9)
}

func TestAVolumeCapacityCountsEachUnitsVolume(t *testing.T) {
	net := line()
	net.Nodes[1].ByVolume, net.Nodes[1].Capacity = true, 30 // litres
	bulky := SKU{SKU: "BULKY", UnitCost: 5, LostSale: 4, UnitVolume: 3, Streams: []Stream{{Zone: 0, Channel: 0, Mean: 4, Variance: 5}}}
	small := SKU{SKU: "SMALL", UnitCost: 5, LostSale: 4, UnitVolume: 0.5, Streams: []Stream{{Zone: 0, Channel: 0, Mean: 4, Variance: 5}}}
	p, err := Place(net, []SKU{bulky, small}, policy)
	require.NoError(t, err)
	assert.LessOrEqual(t, p.Usage[1], 30.0+1e-9)
	for i, d := range p.Decisions {
		assert.InDelta(t, d.Target[1]*[]float64{3, 0.5}[i], d.Load[1], 1e-9)
	}
	assert.Equal(t, 1, p.Decisions[1].Assign[0], "the small one fits forward")
	assert.Equal(t, 0, p.Decisions[0].Assign[0], "the bulky one does not: 4 a day over 7 days is 84 litres")
	_, err = Place(net, []SKU{{SKU: "NOVOL", UnitCost: 1, LostSale: 1, Streams: []Stream{{Zone: 0, Mean: 1, Variance: 1}}}}, policy)
	assert.ErrorContains(t, err, "SKU NOVOL has no unit volume, and node FWD's capacity is a volume")
}
