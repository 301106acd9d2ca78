package placement

import (
	"cmp"
	"fmt"
	"slices"
)

// poolLimit is the most plans of the SKUs' pooled decisions together
// (their numbers multiplied) that choose searches; above it the pool is
// not used.
const poolLimit = 2_000_000

// pool keeps, per SKU, the distinct decisions the search met: its best at
// each step's capacity prices, and the repaired and improved ones. A plan
// made of one of each that fits the capacities may beat every plan the
// steps made, because the steps move all SKUs at once.
type pool struct {
	seen [][]Decision
	keys []map[string]bool
}

// newPool returns a pool for the SKUs, or nil (which keeps nothing) when
// they are more than exchangeLimit: their plans together would be too
// many to search.
func newPool(skus int) *pool {
	if skus > exchangeLimit {
		return nil
	}
	p := &pool{seen: make([][]Decision, skus), keys: make([]map[string]bool, skus)}
	for i := range p.keys {
		p.keys[i] = map[string]bool{}
	}
	return p
}

func (p *pool) add(decs []Decision) {
	if p == nil {
		return
	}
	for i, d := range decs {
		k := fmt.Sprint(d.Assign)
		if !p.keys[i][k] {
			p.keys[i][k] = true
			p.seen[i] = append(p.seen[i], d.clone())
		}
	}
}

// widen adds to the pool every decision one move from those in it (a
// stream moved, a node's streams moved, two streams at once), when the
// pool is small enough for choose to search it after.
func (p *pool) widen(s *solver) {
	if p == nil {
		return
	}
	size := 1.0
	for _, opts := range p.seen {
		size *= float64(len(opts))
	}
	if size > poolLimit {
		return
	}
	for i := range p.seen {
		for _, d := range slices.Clone(p.seen[i]) {
			for _, alt := range s.alternatives(i, d) {
				k := fmt.Sprint(alt.Assign)
				if !p.keys[i][k] {
					p.keys[i][k] = true
					p.seen[i] = append(p.seen[i], alt)
				}
			}
		}
	}
}

// choose finds the cheapest plan of one pooled decision per SKU that fits
// the capacities, by depth-first search with the SKUs' cheapest options as
// the bound; ok is false when the pool is too large to search or no plan
// beats best.
func (s *solver) choose(p *pool, best float64) ([]Decision, bool) {
	if p == nil {
		return nil, false
	}
	size := 1.0
	for _, opts := range p.seen {
		size *= float64(len(opts))
		if size > poolLimit {
			return nil, false
		}
	}
	n := len(p.seen)
	opts := make([][]Decision, n)
	rest := make([]float64, n+1) // cheapest cost of SKUs i.. on
	for i := n - 1; i >= 0; i-- {
		opts[i] = slices.Clone(p.seen[i])
		slices.SortStableFunc(opts[i], func(a, b Decision) int { return cmp.Compare(a.Cost.Total(), b.Cost.Total()) })
		rest[i] = rest[i+1] + opts[i][0].Cost.Total()
	}
	use := make([]float64, len(s.net.Nodes))
	pick := make([]int, n)
	var found []int
	limit := best - 1e-9
	var walk func(i int, cost float64)
	walk = func(i int, cost float64) {
		if cost+rest[i] >= limit {
			return
		}
		if i == n {
			limit, found = cost, slices.Clone(pick)
			return
		}
		for o, d := range opts[i] {
			fits := true
			for m, l := range d.Load {
				if use[m]+l > s.cap[m]*(1+1e-12) {
					fits = false
					break
				}
			}
			if !fits {
				continue
			}
			for m, l := range d.Load {
				use[m] += l
			}
			pick[i] = o
			walk(i+1, cost+d.Cost.Total())
			for m, l := range d.Load {
				use[m] -= l
			}
		}
	}
	walk(0, 0)
	if found == nil {
		return nil, false
	}
	out := make([]Decision, n)
	for i, o := range found {
		out[i] = opts[i][o]
	}
	return out, true
}
