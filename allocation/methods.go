package allocation

import (
	"math"
	"slices"

	"github.com/planner-engine/planner/dist"
)

// Marginal gives each next pack to the store where it adds the most
// expected sales (times the store's Value) per unit, first up to every
// store's presentation minimum, then up to its need.
type Marginal struct {
	heapOnly bool // tests: hand out every pack through the heap
}

// Name is "marginal".
func (Marginal) Name() string { return "marginal" }

// Allocate splits the problem's stock.
func (m Marginal) Allocate(p *Problem) (*Allocation, error) {
	sc, stores, supply, err := prepareScratch(p)
	if err != nil {
		return nil, err
	}
	defer scratchPool.Put(sc)
	qty := make([]float64, len(stores))
	left := supply
	var walks []levelWalk
	var items []gainItem
	var sales []float64 // each store's expected sales, when the selection knows them
	for phase, limit := range []func(*store) float64{
		func(s *store) float64 { return s.minGap },
		func(s *store) float64 { return s.need },
	} {
		if phase == 0 && !anyMinimum(stores) {
			continue
		}
		if phase == 1 && !m.heapOnly && onePackSize(stores) {
			left = selectPacks(sc, stores, qty, left)
			sales = sc.sales[:len(stores)]
			break
		}
		if walks == nil {
			walks = make([]levelWalk, len(stores))
			items = make([]gainItem, 0, len(stores))
			for i := range stores {
				walks[i] = levelWalk{s: &stores[i], w: stores[i].walk}
			}
		}
		h := gainHeap{stores: stores, items: items[:0]}
		for i := range stores {
			if qty[i]+stores[i].pack <= limit(&stores[i])+1e-9 {
				h.items = append(h.items, gainItem{i, walks[i].nextGain(qty[i])})
			}
		}
		h.init()
		for len(h.items) > 0 && left > 0 {
			top := &h.items[0]
			i := top.store
			s := &stores[i]
			if s.pack > left+1e-9 {
				h.pop()
				continue
			}
			qty[i] += s.pack
			left -= s.pack
			walks[i].moveTo(qty[i])
			if qty[i]+s.pack > limit(s)+1e-9 {
				h.pop()
				continue
			}
			top.gain = walks[i].nextGain(qty[i])
			h.down(0)
		}
	}
	return finish(p, m.Name(), stores, qty, supply, sales), nil
}

// anyMinimum says whether a store lacks presentation stock.
func anyMinimum(stores []store) bool {
	for i := range stores {
		if stores[i].minGap > 0 {
			return true
		}
	}
	return false
}

// onePackSize says whether every store takes the same pack.
func onePackSize(stores []store) bool {
	for i := range stores {
		if stores[i].pack != stores[0].pack {
			return false
		}
	}
	return true
}

// packGain is one pack a store could receive: its gain per unit and its
// place in the store's sequence.
type packGain struct {
	gain     float64
	priority int32
	store    int32
	k        int32
}

// better orders packs as the greedy hands them out: higher gain, then
// higher priority, then the store listed first, then its earlier pack.
func (a *packGain) better(b *packGain) bool {
	if a.gain != b.gain {
		return a.gain > b.gain
	}
	if a.priority != b.priority {
		return a.priority < b.priority
	}
	if a.store != b.store {
		return a.store < b.store
	}
	return a.k < b.k
}

// selectPacks gives out the stock in one pass when every store takes the
// same pack: it lists every pack any store still needs with its gain, and
// picks the best floor(left / pack) of them (Hoare's selection, linear on
// average), which are the packs the greedy would hand out one by one. A
// store's gains fall pack by pack, and ties are ordered as the greedy
// orders them (priority, store, then the earlier pack), so the chosen
// packs are each store's first ones. It returns the stock left.
func selectPacks(sc *scratch, stores []store, qty []float64, left float64) float64 {
	if len(stores) == 0 {
		return left
	}
	pack := stores[0].pack
	count := 0
	for i := range stores {
		count += int(max(0, math.Floor((stores[i].need-qty[i])/pack+1e-9)))
	}
	if cap(sc.cands) < count {
		sc.cands = make([]packGain, 0, count)
	}
	cands := sc.cands[:0]
	if cap(sc.sales) < len(stores) {
		sc.sales = make([]float64, len(stores))
	}
	sales := sc.sales[:len(stores)]
	for i := range stores {
		s := &stores[i]
		if done := int(qty[i]); float64(done) == qty[i] && s.unitLen >= int(s.need) {
			// The units' gains were recorded on the way to the target:
			// add them up pack by pack.
			units := sc.units[s.unitOff : s.unitOff+s.unitLen]
			sales[i] = s.walk.Sales()
			for _, g := range units[:done] {
				sales[i] += g
			}
			p := int(pack)
			for k, j := int32(0), done; float64(j+p) <= s.need+1e-9; k, j = k+1, j+p {
				g := 0.0
				for _, u := range units[j : j+p] {
					g += u
				}
				cands = append(cands, packGain{s.value * g / pack, int32(s.Priority), int32(i), k})
			}
			continue
		}
		w := s.walk
		w.StepTo(int(math.Ceil(s.OnHand + qty[i] - 1e-9)))
		sales[i] = w.Sales()
		for k := int32(0); qty[i]+float64(k+1)*pack <= s.need+1e-9; k++ {
			g := s.value * w.StepTo(int(math.Ceil(s.OnHand+qty[i]+float64(k+1)*pack-1e-9))) / pack
			cands = append(cands, packGain{g, int32(s.Priority), int32(i), k})
		}
	}
	m := int(math.Floor(left/pack + 1e-9))
	if m < len(cands) {
		cands = bestPacks(sc, cands, m)
	}
	for _, c := range cands {
		qty[c.store] += pack
		left -= pack
		// Each pack's gain is per unit and valued: back to units sold.
		sales[c.store] += c.gain * pack / stores[c.store].value
	}
	return left
}

// bestPacks returns the m best packs (m < len(cands)), reusing cands'
// memory. The gains are first counted into buckets by value (one pass),
// which finds the bucket the m-th best falls in: every pack in a better
// bucket is in, and only that bucket's packs need selecting one against
// another (Hoare's selection, on the greedy's full order).
func bestPacks(sc *scratch, cands []packGain, m int) []packGain {
	const buckets = 1024
	top := 0.0
	for i := range cands {
		top = max(top, cands[i].gain)
	}
	if !(top > 0) {
		nthBest(cands, m)
		return cands[:m]
	}
	scale := (buckets - 1) / top
	bucket := func(g float64) int { return buckets - 1 - int(g*scale) } // 0 holds the best
	var counts [buckets]int
	for i := range cands {
		counts[bucket(cands[i].gain)]++
	}
	in, b := 0, 0
	for ; b < buckets && in+counts[b] < m; b++ {
		in += counts[b]
	}
	// The packs of better buckets move to the front (each is written at
	// or before where it was read); those of bucket b wait aside.
	edge := sc.ties[:0]
	n := 0
	for _, c := range cands {
		switch k := bucket(c.gain); {
		case k < b:
			cands[n] = c
			n++
		case k == b:
			edge = append(edge, c)
		}
	}
	nthBest(edge, m-in)
	sc.ties = edge[:0]
	return append(cands[:n], edge[:m-in]...)
}

// nthBest reorders xs so that its first n elements are the n best by
// packGain.better, a strict total order (Hoare's selection with a middle
// pivot).
func nthBest(xs []packGain, n int) {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		pivot := xs[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for xs[i].better(&pivot) {
				i++
			}
			for pivot.better(&xs[j]) {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		// xs[lo..j] are at least as good as the pivot, xs[i..hi] at most.
		switch {
		case n-1 <= j:
			hi = j
		case n-1 >= i:
			lo = i
		default:
			return
		}
	}
}

// levelWalk follows one store's expected sales as packs arrive.
type levelWalk struct {
	s *store
	w dist.Walk
}

// moveTo advances the walk to the store's stock after qty units.
func (l *levelWalk) moveTo(qty float64) {
	l.w.StepTo(int(math.Ceil(l.s.OnHand + qty - 1e-9)))
}

// nextGain is the value per unit of the store's next pack.
func (l *levelWalk) nextGain(qty float64) float64 {
	ahead := l.w
	gain := ahead.StepTo(int(math.Ceil(l.s.OnHand + qty + l.s.pack - 1e-9)))
	return l.s.value * gain / l.s.pack
}

type gainItem struct {
	store int
	gain  float64
}

// gainHeap orders stores by the gain of their next pack, highest first;
// ties go to the higher priority, then to the store listed first, so the
// allocation does not depend on anything but the input. It is written out
// rather than behind container/heap: the greedy spends its time here, a
// pop or a sift for every pack of every store.
type gainHeap struct {
	items  []gainItem
	stores []store
}

func (h *gainHeap) before(a, b int) bool {
	x, y := &h.items[a], &h.items[b]
	if x.gain != y.gain {
		return x.gain > y.gain
	}
	if px, py := h.stores[x.store].Priority, h.stores[y.store].Priority; px != py {
		return px < py
	}
	return x.store < y.store
}

func (h *gainHeap) init() {
	for i := len(h.items)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// down moves item i down to its place.
func (h *gainHeap) down(i int) {
	n := len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && h.before(r, l) {
			c = r
		}
		if !h.before(c, i) {
			return
		}
		h.items[i], h.items[c] = h.items[c], h.items[i]
		i = c
	}
}

// pop removes the first item.
func (h *gainHeap) pop() {
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items = h.items[:last]
	h.down(0)
}

// FairShare splits the stock in proportion to the stores' forecasts, no
// store getting more than it needs, after the presentation minimums.
type FairShare struct{}

// Name is "fair-share".
func (FairShare) Name() string { return "fair-share" }

// Allocate splits the problem's stock.
func (f FairShare) Allocate(p *Problem) (*Allocation, error) {
	stores, supply, err := prepare(p)
	if err != nil {
		return nil, err
	}
	qty, left := grantMinimums(stores, supply)
	want := make([]float64, len(stores))
	active := make([]bool, len(stores))
	room := 0.0
	for i := range stores {
		active[i] = stores[i].Mean > 0 && stores[i].need > qty[i]
		if active[i] {
			room += stores[i].need - qty[i]
		}
	}
	if left >= room {
		for i := range stores {
			if active[i] {
				want[i] = stores[i].need - qty[i]
			}
		}
	} else {
		// Shares of what is left in proportion to the forecast; a store
		// whose share passes its need gets its need and the rest is
		// shared again among the others.
		rest := left
		for {
			weight := 0.0
			for i := range stores {
				if active[i] {
					weight += stores[i].Mean
				}
			}
			if weight == 0 || rest <= 0 {
				break
			}
			capped := false
			for i := range stores {
				if active[i] && rest*stores[i].Mean/weight >= stores[i].need-qty[i] {
					want[i] = stores[i].need - qty[i]
					rest -= want[i]
					active[i] = false
					capped = true
				}
			}
			if !capped {
				for i := range stores {
					if active[i] {
						want[i] = rest * stores[i].Mean / weight
					}
				}
				break
			}
		}
	}
	roundToPacks(stores, qty, want, left)
	return finish(p, f.Name(), stores, qty, supply, nil), nil
}

// EqualCover brings every store to the same share of its target stock, as
// far as the stock goes, after the presentation minimums.
type EqualCover struct{}

// Name is "equal-cover".
func (EqualCover) Name() string { return "equal-cover" }

// Allocate splits the problem's stock.
func (e EqualCover) Allocate(p *Problem) (*Allocation, error) {
	stores, supply, err := prepare(p)
	if err != nil {
		return nil, err
	}
	qty, left := grantMinimums(stores, supply)
	fill := func(theta float64, dst []float64) float64 {
		total := 0.0
		for i := range stores {
			s := &stores[i]
			x := min(max(theta*s.target-s.OnHand-qty[i], 0), s.need-qty[i])
			if dst != nil {
				dst[i] = x
			}
			total += x
		}
		return total
	}
	// Bisect on the share of target stock every store reaches.
	lo, hi := 0.0, 1.0
	for fill(hi, nil) < left && hi < 1e6 {
		hi *= 2
	}
	for k := 0; k < 100 && hi-lo > 1e-12; k++ {
		if mid := (lo + hi) / 2; fill(mid, nil) <= left {
			lo = mid
		} else {
			hi = mid
		}
	}
	want := make([]float64, len(stores))
	fill(lo, want)
	roundToPacks(stores, qty, want, left)
	return finish(p, e.Name(), stores, qty, supply, nil), nil
}

// PriorityOrder fills stores' needs whole in priority order (lower
// Priority first, then the order listed) until the stock runs out.
type PriorityOrder struct{}

// Name is "priority".
func (PriorityOrder) Name() string { return "priority" }

// Allocate splits the problem's stock.
func (o PriorityOrder) Allocate(p *Problem) (*Allocation, error) {
	stores, supply, err := prepare(p)
	if err != nil {
		return nil, err
	}
	qty, left := grantMinimums(stores, supply)
	for _, i := range byPriority(stores) {
		s := &stores[i]
		packs := math.Floor(min(s.need-qty[i], left)/s.pack + 1e-9)
		if packs > 0 {
			qty[i] += packs * s.pack
			left -= packs * s.pack
		}
	}
	return finish(p, o.Name(), stores, qty, supply, nil), nil
}

// byPriority lists store indexes by priority, then as listed.
func byPriority(stores []store) []int {
	order := make([]int, len(stores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return stores[a].Priority - stores[b].Priority })
	return order
}

// grantMinimums gives stores their presentation minimum in priority order
// as far as the stock goes: the rule methods share it.
func grantMinimums(stores []store, supply float64) (qty []float64, left float64) {
	qty = make([]float64, len(stores))
	left = supply
	for _, i := range byPriority(stores) {
		s := &stores[i]
		packs := math.Floor(min(s.minGap, left)/s.pack + 1e-9)
		qty[i] = packs * s.pack
		left -= qty[i]
	}
	return qty, left
}

// roundToPacks adds want (fractional units) to qty in whole packs: each
// store first gets the packs its want covers whole, then what is left goes
// a pack at a time to the largest remainders (Hamilton's method), never
// past a store's need or the stock.
func roundToPacks(stores []store, qty, want []float64, left float64) {
	rem := make([]float64, len(stores))
	for i := range stores {
		s := &stores[i]
		packs := math.Floor(want[i]/s.pack + 1e-9)
		packs = min(packs, math.Floor(left/s.pack+1e-9))
		qty[i] += packs * s.pack
		left -= packs * s.pack
		rem[i] = want[i]/s.pack - math.Floor(want[i]/s.pack+1e-9)
	}
	order := byPriority(stores)
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rem[a] > rem[b]:
			return -1
		case rem[a] < rem[b]:
			return 1
		}
		return 0
	})
	for _, i := range order {
		s := &stores[i]
		if rem[i] <= 1e-9 || s.pack > left+1e-9 || qty[i]+s.pack > s.need+1e-9 {
			continue
		}
		qty[i] += s.pack
		left -= s.pack
	}
}
