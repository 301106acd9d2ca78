package allocation

import (
	"container/heap"
	"math"
	"slices"

	"github.com/planner-engine/planner/dist"
)

// Marginal gives each next pack to the store where it adds the most
// expected sales (times the store's Value) per unit, first up to every
// store's presentation minimum, then up to its need.
type Marginal struct{}

// Name is "marginal".
func (Marginal) Name() string { return "marginal" }

// Allocate splits the problem's stock.
func (m Marginal) Allocate(p *Problem) (*Allocation, error) {
	stores, supply, err := prepare(p)
	if err != nil {
		return nil, err
	}
	qty := make([]float64, len(stores))
	left := supply
	walks := make([]levelWalk, len(stores))
	for i := range stores {
		walks[i] = levelWalk{s: &stores[i]}
		walks[i].w = stores[i].walk
	}
	for _, limit := range []func(*store) float64{
		func(s *store) float64 { return s.minGap },
		func(s *store) float64 { return s.need },
	} {
		h := gainHeap{stores: stores}
		for i := range stores {
			if qty[i]+stores[i].pack <= limit(&stores[i])+1e-9 {
				h.items = append(h.items, gainItem{i, walks[i].nextGain(qty[i])})
			}
		}
		heap.Init(&h)
		for h.Len() > 0 {
			top := &h.items[0]
			i := top.store
			s := &stores[i]
			if s.pack > left+1e-9 {
				heap.Pop(&h)
				continue
			}
			qty[i] += s.pack
			left -= s.pack
			walks[i].moveTo(qty[i])
			if qty[i]+s.pack > limit(s)+1e-9 {
				heap.Pop(&h)
				continue
			}
			top.gain = walks[i].nextGain(qty[i])
			heap.Fix(&h, 0)
		}
	}
	return finish(p, m.Name(), stores, qty, supply), nil
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
// allocation does not depend on anything but the input.
type gainHeap struct {
	items  []gainItem
	stores []store
}

func (h *gainHeap) Len() int { return len(h.items) }
func (h *gainHeap) Less(a, b int) bool {
	x, y := h.items[a], h.items[b]
	if x.gain != y.gain {
		return x.gain > y.gain
	}
	if px, py := h.stores[x.store].Priority, h.stores[y.store].Priority; px != py {
		return px < py
	}
	return x.store < y.store
}
func (h *gainHeap) Swap(a, b int) { h.items[a], h.items[b] = h.items[b], h.items[a] }
func (h *gainHeap) Push(x any)    { h.items = append(h.items, x.(gainItem)) }
func (h *gainHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
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
	return finish(p, f.Name(), stores, qty, supply), nil
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
			x := math.Min(math.Max(theta*s.target-s.OnHand-qty[i], 0), s.need-qty[i])
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
	return finish(p, e.Name(), stores, qty, supply), nil
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
		packs := math.Floor(math.Min(s.need-qty[i], left)/s.pack + 1e-9)
		if packs > 0 {
			qty[i] += packs * s.pack
			left -= packs * s.pack
		}
	}
	return finish(p, o.Name(), stores, qty, supply), nil
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
		packs := math.Floor(math.Min(s.minGap, left)/s.pack + 1e-9)
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
		packs = math.Min(packs, math.Floor(left/s.pack+1e-9))
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
