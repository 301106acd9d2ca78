package placement

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// Node is a location that can hold stock and ship it to zones.
type Node struct {
	Name string
	// Capacity is the most target stock, over all SKUs, the node holds:
	// in units, or when ByVolume in the SKUs' volume; 0 or +Inf means no
	// limit.
	Capacity float64
	ByVolume bool
	// Handling is the cost of handling one unit the node ships.
	Handling float64
}

// Channel is a sales channel and the delivery time it promises.
type Channel struct {
	Name string
	// PromiseHours is the longest delivery time the channel promises; 0
	// means no promise, so any lane serves it.
	PromiseHours float64
}

// Network is the nodes, the zones, the channels and the lanes between
// nodes and zones.
type Network struct {
	Nodes    []Node
	Zones    []string
	Channels []Channel
	// Hours and Cost are each lane's delivery time and cost per unit,
	// indexed by node then zone; Hours is NaN where the node has no lane
	// to the zone.
	Hours, Cost [][]float64
}

// reaches reports whether node n serves channel c's orders from zone z
// within the channel's promise.
func (n *Network) reaches(node, zone, channel int) bool {
	h := n.Hours[node][zone]
	if math.IsNaN(h) {
		return false
	}
	p := n.Channels[channel].PromiseHours
	return p <= 0 || h <= p
}

// Stream is one SKU's daily demand from one zone through one channel.
type Stream struct {
	Zone, Channel  int
	Mean, Variance float64
}

// SKU is one product to place and its demand.
type SKU struct {
	SKU string
	// UnitCost is the value of a unit held, which holding is charged on.
	UnitCost float64
	// LostSale is the cost of a unit of demand not served.
	LostSale float64
	// MinStock is the least stock a node that holds the SKU keeps (such
	// as a case, or a shelf's presentation stock); 0 for none.
	MinStock float64
	// UnitVolume is the volume of one unit, which a node whose capacity
	// is a volume counts; it must be above 0 where such a node with a
	// limit reaches the SKU's demand.
	UnitVolume float64
	Streams    []Stream
}

// Policy sizes and costs the stock a node holds.
type Policy struct {
	// Days is the horizon over which the costs are summed.
	Days float64
	// CoverDays is the days of demand a node's stock covers between its
	// own deliveries (its lead time plus review period).
	CoverDays float64
	// Service is the chance a node's stock covers its demand over the
	// cover days (cycle service level), which sets the safety stock.
	Service float64
	// HoldingRate is the yearly cost of holding a unit, as a share of its
	// unit cost.
	HoldingRate float64
	// Iterations bounds the subgradient steps on the capacity prices; 0
	// means 24.
	Iterations int
}

// Check says what makes the policy unusable.
func (p Policy) Check() error {
	switch {
	case !(p.Days > 0):
		return fmt.Errorf("the placement horizon is %v days; it must be more than 0", p.Days)
	case !(p.CoverDays > 0):
		return fmt.Errorf("the cover is %v days; it must be more than 0", p.CoverDays)
	case !(p.Service > 0 && p.Service < 1):
		return fmt.Errorf("the service level is %v; it must be above 0 and below 1", p.Service)
	case !(p.HoldingRate >= 0):
		return fmt.Errorf("the holding rate is %v; it must be 0 or more", p.HoldingRate)
	}
	return nil
}

// Cost is a plan's cost over the policy's horizon.
type Cost struct {
	Holding, Delivery, Lost float64
}

// Total is the three costs summed.
func (c Cost) Total() float64 { return c.Holding + c.Delivery + c.Lost }

func (c *Cost) add(o Cost) {
	c.Holding += o.Holding
	c.Delivery += o.Delivery
	c.Lost += o.Lost
}

// Decision is where one SKU's stock lives.
type Decision struct {
	// Assign is, per stream, the node that serves it, or -1 when it is
	// lost (or has no demand).
	Assign []int
	// Target is the stock each node targets: the demand over the cover
	// days plus the safety stock; 0 where the node does not hold the SKU.
	Target []float64
	// Load is the capacity the target takes at each node: its units, or
	// at a node whose capacity is a volume, their volume.
	Load []float64
	Cost Cost
}

func (d Decision) clone() Decision {
	return Decision{Assign: slices.Clone(d.Assign), Target: slices.Clone(d.Target), Load: slices.Clone(d.Load), Cost: d.Cost}
}

// Held reports whether node n holds the SKU.
func (d *Decision) Held(n int) bool { return d.Target[n] > 0 }

// Plan is the placement of every SKU.
type Plan struct {
	// Decisions are in the order of the SKUs given.
	Decisions []Decision
	Cost      Cost
	// Usage is each node's target stock over all SKUs.
	Usage []float64
	// Unreachable are the zones and channels with demand that no node
	// reaches within the channel's promise.
	Unreachable []Unreachable
}

// Unreachable is the demand of one zone and channel that no node reaches
// within the channel's promise: it is lost whatever is placed.
type Unreachable struct {
	Zone, Channel int
	SKUs          int
	// Units is the daily demand; Lost its lost sales over the horizon.
	Units, Lost float64
}

// Place places every SKU on the network under the nodes' capacities.
func Place(net *Network, skus []SKU, pol Policy) (*Plan, error) {
	if err := pol.Check(); err != nil {
		return nil, err
	}
	if err := check(net, skus); err != nil {
		return nil, err
	}
	if pol.Iterations == 0 {
		pol.Iterations = 24
	}
	s := newSolver(net, skus, pol)
	return s.run(), nil
}

func check(net *Network, skus []SKU) error {
	nn, nz := len(net.Nodes), len(net.Zones)
	if len(net.Hours) != nn || len(net.Cost) != nn {
		return errors.New("the lanes must have one row per node")
	}
	for n := range net.Nodes {
		if len(net.Hours[n]) != nz || len(net.Cost[n]) != nz {
			return fmt.Errorf("node %s: the lanes must have one entry per zone", net.Nodes[n].Name)
		}
		if c := net.Nodes[n].Capacity; c < 0 || math.IsNaN(c) {
			return fmt.Errorf("node %s: capacity %v must be 0 (no limit) or more", net.Nodes[n].Name, c)
		}
	}
	for i := range skus {
		for _, st := range skus[i].Streams {
			if st.Zone < 0 || st.Zone >= nz || st.Channel < 0 || st.Channel >= len(net.Channels) {
				return fmt.Errorf("SKU %s: a stream names a zone or channel the network does not have", skus[i].SKU)
			}
			if !(st.Mean >= 0) || !(st.Variance >= 0) {
				return fmt.Errorf("SKU %s: demand mean %v and variance %v must be 0 or more", skus[i].SKU, st.Mean, st.Variance)
			}
			for n, node := range net.Nodes {
				if node.ByVolume && node.Capacity > 0 && !math.IsInf(node.Capacity, 1) && !(skus[i].UnitVolume > 0) && net.reaches(n, st.Zone, st.Channel) {
					return fmt.Errorf("SKU %s has no unit volume, and node %s's capacity is a volume", skus[i].SKU, node.Name)
				}
			}
		}
	}
	return nil
}

type solver struct {
	net    *Network
	skus   []SKU
	pol    Policy
	z      float64   // safety factor
	root   float64   // √cover
	hold   []float64 // per SKU: holding cost of a unit over the horizon
	cap    []float64 // per node; +Inf for none
	reach  [][][]int // per SKU, per stream: nodes that reach it within its promise
	deliv  [][][]float64
	lambda []float64
	// allowed, when set, limits the nodes a repair may move SKU i's
	// streams to.
	allowed func(i, n int) bool
}

func newSolver(net *Network, skus []SKU, pol Policy) *solver {
	s := &solver{net: net, skus: skus, pol: pol,
		z:    distuv.UnitNormal.Quantile(pol.Service),
		root: math.Sqrt(pol.CoverDays),
		hold: make([]float64, len(skus)), cap: make([]float64, len(net.Nodes)),
		reach: make([][][]int, len(skus)), deliv: make([][][]float64, len(skus)),
		lambda: make([]float64, len(net.Nodes))}
	for n, node := range net.Nodes {
		s.cap[n] = node.Capacity
		if s.cap[n] == 0 {
			s.cap[n] = math.Inf(1)
		}
	}
	for i := range skus {
		k := &skus[i]
		s.hold[i] = k.UnitCost * pol.HoldingRate * pol.Days / 365
		s.reach[i] = make([][]int, len(k.Streams))
		s.deliv[i] = make([][]float64, len(k.Streams))
		for j, st := range k.Streams {
			for n := range net.Nodes {
				if net.reaches(n, st.Zone, st.Channel) {
					s.reach[i][j] = append(s.reach[i][j], n)
					s.deliv[i][j] = append(s.deliv[i][j], pol.Days*st.Mean*(net.Cost[n][st.Zone]+net.Nodes[n].Handling))
				}
			}
		}
	}
	return s
}

// run prices the capacities by subgradient steps and keeps the cheapest
// plan that fits them.
func (s *solver) run() *Plan {
	decs := make([]Decision, len(s.skus))
	var best []Decision
	bestCost := math.Inf(1)
	scale := s.priceScale()
	seen := newPool(len(s.skus))
	for it := 0; it < s.pol.Iterations; it++ {
		s.solveAll(decs)
		seen.add(decs)
		usage := s.usage(decs)
		over := false
		for n := range usage {
			over = over || usage[n] > s.cap[n]*(1+1e-12)
		}
		cand := decs
		if over {
			// Repairing costs more than a step: every few steps, and on
			// the last.
			if it%repairEvery != repairEvery-1 && it != s.pol.Iterations-1 && best != nil {
				cand = nil
			} else {
				cand = s.repair(decs, usage, -1)
			}
		}
		if c := s.total(cand); cand != nil && c < bestCost-1e-9 {
			bestCost = c
			best = cloneDecisions(cand)
		}
		if !over && allZero(s.lambda) {
			break // the capacities do not bind
		}
		// A subgradient step on each node's price: up where the node is
		// over its capacity, down (to no less than 0) where it has room.
		step := scale / math.Sqrt(float64(it+1))
		moved := false
		for n := range s.lambda {
			if math.IsInf(s.cap[n], 1) {
				continue
			}
			g := (usage[n] - s.cap[n]) / s.cap[n]
			next := math.Max(0, s.lambda[n]+step*g)
			moved = moved || next != s.lambda[n]
			s.lambda[n] = next
		}
		if !moved {
			break
		}
	}
	if !allZero(s.lambda) {
		// The capacities bind: improve the best plan that fits them, and
		// when the SKUs' decisions met (and those one move from them) are
		// few enough, pick the best combination of them.
		best = s.exchange(s.improve(best))
		seen.add(best)
		seen.widen(s)
		if chosen, ok := s.choose(seen, s.total(best)); ok {
			best = s.exchange(s.improve(chosen))
		}
	}
	p := &Plan{Decisions: best, Usage: s.usage(best)}
	for i := range best {
		p.Cost.add(best[i].Cost)
	}
	p.Unreachable = s.unreachable()
	return p
}

// repairEvery is how many subgradient steps there are between repairs
// of the plan at the current prices.
const repairEvery = 4

// priceScale is the size of a first step on a capacity price: the median
// SKU's lost sales over the horizon per unit of stock covering a day.
func (s *solver) priceScale() float64 {
	var xs []float64
	for i := range s.skus {
		xs = append(xs, s.pol.Days*s.skus[i].LostSale/s.pol.CoverDays+s.hold[i])
	}
	if len(xs) == 0 {
		return 1
	}
	return math.Max(1e-9, median(xs))
}

func median(xs []float64) float64 {
	c := append([]float64(nil), xs...)
	slices.Sort(c)
	return c[len(c)/2]
}

func allZero(xs []float64) bool {
	for _, x := range xs {
		if x != 0 {
			return false
		}
	}
	return true
}

func cloneDecisions(ds []Decision) []Decision {
	out := make([]Decision, len(ds))
	for i, d := range ds {
		out[i] = d.clone()
	}
	return out
}

func (s *solver) usage(ds []Decision) []float64 {
	u := make([]float64, len(s.net.Nodes))
	for i := range ds {
		for n, l := range ds[i].Load {
			u[n] += l
		}
	}
	return u
}

func (s *solver) total(ds []Decision) float64 {
	var c float64
	for i := range ds {
		c += ds[i].Cost.Total()
	}
	return c
}

// solveAll solves every SKU at the current capacity prices, on as many
// workers as the machine has.
func (s *solver) solveAll(decs []Decision) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	next := make(chan int, 64)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws := newWork(len(s.net.Nodes))
			for i := range next {
				decs[i] = s.solve(i, ws)
			}
		}()
	}
	for i := range s.skus {
		next <- i
	}
	close(next)
	wg.Wait()
}

// work is one worker's scratch space.
type work struct {
	mean, vari []float64 // per node
	open       []bool
}

func newWork(nodes int) *work {
	return &work{mean: make([]float64, nodes), vari: make([]float64, nodes), open: make([]bool, nodes)}
}

// solve places one SKU at the current prices: nodes are opened greedily
// while that lowers the cost, then dropped where that does, with the
// streams reassigned by local search each time.
func (s *solver) solve(i int, ws *work) Decision {
	if d, ok := s.solveExactly(i); ok {
		return d
	}
	nn := len(s.net.Nodes)
	assign := make([]int, len(s.skus[i].Streams))
	bestAssign := make([]int, len(assign))
	for n := range ws.open {
		ws.open[n] = false
	}
	best := s.assign(i, ws, bestAssign, false)
	for {
		add, addCost := -1, best
		for n := 0; n < nn; n++ {
			if ws.open[n] {
				continue
			}
			ws.open[n] = true
			if c := s.assign(i, ws, assign, false); c < addCost-1e-9 {
				add, addCost = n, c
			}
			ws.open[n] = false
		}
		if add < 0 {
			break
		}
		ws.open[add] = true
		best = s.assign(i, ws, bestAssign, false)
	}
	for changed := true; changed; {
		changed = false
		for n := 0; n < nn; n++ {
			if !ws.open[n] {
				continue
			}
			ws.open[n] = false
			if c := s.assign(i, ws, assign, false); c < best-1e-9 {
				best = c
				copy(bestAssign, assign)
				changed = true
				continue
			}
			ws.open[n] = true
		}
	}
	// The streams of the nodes chosen, moved one by one while the pooling
	// makes that pay.
	if c := s.assign(i, ws, assign, true); c < best-1e-9 {
		copy(bestAssign, assign)
	}
	return s.decision(i, bestAssign)
}

// solveExactly places SKU i at the current prices by trying every
// assignment of its streams, when there are at most enumerateLimit; ok
// is false when there are more.
func (s *solver) solveExactly(i int) (Decision, bool) {
	var best Decision
	bestCost := math.Inf(1)
	ok := s.assignments(i, func(assign []int) {
		d := s.decision(i, assign)
		c := d.Cost.Total()
		for m, l := range d.Load {
			c += s.lambda[m] * l
		}
		if c < bestCost-1e-9 {
			best, bestCost = d, c
		}
	})
	return best, ok
}

// assign serves each of SKU i's streams from the open node that delivers
// it most cheaply (or loses it), then moves single streams while that
// lowers the cost with the pooling counted exactly; it returns the cost at
// the current prices.
func (s *solver) assign(i int, ws *work, assign []int, search bool) float64 {
	k := &s.skus[i]
	for n := range ws.mean {
		ws.mean[n], ws.vari[n] = 0, 0
	}
	lin := func(j, r int) float64 { // stream j's linear cost at its r-th reaching node
		n := s.reach[i][j][r]
		return s.deliv[i][j][r] + (s.hold[i]/2+s.lambda[n])*s.pol.CoverDays*k.Streams[j].Mean
	}
	for j, st := range k.Streams {
		assign[j] = -1
		if st.Mean == 0 && st.Variance == 0 {
			continue
		}
		best := s.pol.Days * st.Mean * k.LostSale
		for r, n := range s.reach[i][j] {
			if ws.open[n] {
				if c := lin(j, r); c < best {
					best, assign[j] = c, n
				}
			}
		}
		if n := assign[j]; n >= 0 {
			ws.mean[n] += st.Mean
			ws.vari[n] += st.Variance
		}
	}
	for pass := 0; search && pass < 4; pass++ {
		moved := false
		for j, st := range k.Streams {
			if st.Mean == 0 && st.Variance == 0 {
				continue
			}
			from := assign[j]
			// What taking the stream out of its node saves.
			out := s.pol.Days * st.Mean * k.LostSale
			if from >= 0 {
				out = s.deliv[i][j][reachIndex(s.reach[i][j], from)] +
					s.nodeCost(i, from, ws.mean[from], ws.vari[from], true) -
					s.nodeCost(i, from, ws.mean[from]-st.Mean, ws.vari[from]-st.Variance, true)
			}
			bestN, bestDelta := from, 0.0
			if from >= 0 {
				if d := s.pol.Days*st.Mean*k.LostSale - out; d < bestDelta-1e-9 {
					bestN, bestDelta = -1, d
				}
			}
			for r, n := range s.reach[i][j] {
				if !ws.open[n] || n == from {
					continue
				}
				d := s.deliv[i][j][r] + s.nodeCost(i, n, ws.mean[n]+st.Mean, ws.vari[n]+st.Variance, true) -
					s.nodeCost(i, n, ws.mean[n], ws.vari[n], true) - out
				if d < bestDelta-1e-9 {
					bestN, bestDelta = n, d
				}
			}
			if bestN != from {
				if from >= 0 {
					ws.mean[from] = math.Max(0, ws.mean[from]-st.Mean)
					ws.vari[from] = math.Max(0, ws.vari[from]-st.Variance)
				}
				if bestN >= 0 {
					ws.mean[bestN] += st.Mean
					ws.vari[bestN] += st.Variance
				}
				assign[j] = bestN
				moved = true
			}
		}
		if !moved {
			break
		}
	}
	var c float64
	for j, st := range k.Streams {
		switch n := assign[j]; {
		case n >= 0:
			c += s.deliv[i][j][reachIndex(s.reach[i][j], n)]
		default:
			c += s.pol.Days * st.Mean * k.LostSale
		}
	}
	for n := range ws.vari {
		c += s.nodeCost(i, n, ws.mean[n], ws.vari[n], true)
	}
	return c
}

// target is the stock a node targets for SKU i when it serves demand of
// daily mean and variance: the demand over the cover days plus the
// safety stock, and at least the SKU's minimum stock; 0 for no demand.
func (s *solver) target(i int, mean, vari float64) float64 {
	if mean <= 1e-12 && vari <= 1e-12 {
		return 0
	}
	return math.Max(mean*s.pol.CoverDays+s.z*s.root*math.Sqrt(math.Max(0, vari)), s.skus[i].MinStock)
}

// nodeCost is the cost of a node holding SKU i for demand of daily mean
// and variance: holding its average stock (the target less half the
// demand over the cover days), and, priced, its target at the node's
// capacity price.
func (s *solver) nodeCost(i, n int, mean, vari float64, priced bool) float64 {
	t := s.target(i, mean, vari)
	if t == 0 {
		return 0
	}
	c := s.hold[i] * (t - math.Max(0, mean)*s.pol.CoverDays/2)
	if priced {
		c += s.lambda[n] * t * s.weight(i, n)
	}
	return c
}

// weight is the capacity one unit of SKU i takes at node n: 1, or at a
// node whose capacity is a volume, the SKU's unit volume.
func (s *solver) weight(i, n int) float64 {
	if s.net.Nodes[n].ByVolume {
		return s.skus[i].UnitVolume
	}
	return 1
}

func reachIndex(nodes []int, n int) int {
	for r, m := range nodes {
		if m == n {
			return r
		}
	}
	return -1
}

// decision prices an assignment of SKU i's streams at its true cost (no
// capacity prices) and sizes each node's target stock.
func (s *solver) decision(i int, assign []int) Decision {
	k := &s.skus[i]
	nn := len(s.net.Nodes)
	d := Decision{Assign: append([]int(nil), assign...), Target: make([]float64, nn), Load: make([]float64, nn)}
	mean := make([]float64, nn)
	vari := make([]float64, nn)
	for j, st := range k.Streams {
		n := assign[j]
		if n < 0 {
			d.Cost.Lost += s.pol.Days * st.Mean * k.LostSale
			continue
		}
		d.Cost.Delivery += s.deliv[i][j][reachIndex(s.reach[i][j], n)]
		mean[n] += st.Mean
		vari[n] += st.Variance
	}
	for n := range mean {
		d.Target[n] = s.target(i, mean[n], vari[n])
		d.Load[n] = d.Target[n] * s.weight(i, n)
		d.Cost.Holding += s.nodeCost(i, n, mean[n], vari[n], false)
	}
	return d
}

// unreachable lists the zones and channels with demand that no node
// reaches within the promise.
func (s *solver) unreachable() []Unreachable {
	nz, nc := len(s.net.Zones), len(s.net.Channels)
	cells := make([]Unreachable, nz*nc)
	for i := range s.skus {
		k := &s.skus[i]
		for j, st := range k.Streams {
			if len(s.reach[i][j]) > 0 || st.Mean == 0 {
				continue
			}
			u := &cells[st.Zone*nc+st.Channel]
			u.Zone, u.Channel = st.Zone, st.Channel
			u.SKUs++
			u.Units += st.Mean
			u.Lost += s.pol.Days * st.Mean * k.LostSale
		}
	}
	var out []Unreachable
	for _, u := range cells {
		if u.SKUs > 0 {
			out = append(out, u)
		}
	}
	return out
}

// Evaluate prices another placement of the same SKUs: hold says whether
// node n holds SKU i, and each stream is served from the holding node
// that delivers it most cheaply within its promise, or lost. Where that
// needs more than a node's capacity, streams move to another node that
// holds the SKU, or are lost, as Place repairs its own plans. Studies
// compare placements with it (every SKU in every node, all in one central
// node).
func Evaluate(net *Network, skus []SKU, pol Policy, hold func(i, n int) bool) (*Plan, error) {
	if err := pol.Check(); err != nil {
		return nil, err
	}
	if err := check(net, skus); err != nil {
		return nil, err
	}
	s := newSolver(net, skus, pol)
	p := &Plan{Decisions: make([]Decision, len(skus))}
	for i := range skus {
		assign := make([]int, len(skus[i].Streams))
		for j := range assign {
			assign[j] = -1
			best := math.Inf(1)
			for r, n := range s.reach[i][j] {
				if hold(i, n) && s.deliv[i][j][r] < best {
					best, assign[j] = s.deliv[i][j][r], n
				}
			}
		}
		p.Decisions[i] = s.decision(i, assign)
	}
	s.allowed = hold
	if usage := s.usage(p.Decisions); !s.fits(p.Decisions) {
		p.Decisions = s.repair(p.Decisions, usage, -1)
	}
	for i := range p.Decisions {
		p.Cost.add(p.Decisions[i].Cost)
	}
	p.Usage = s.usage(p.Decisions)
	p.Unreachable = s.unreachable()
	return p, nil
}
