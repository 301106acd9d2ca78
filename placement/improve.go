package placement

import "math"

// improve lowers the cost of a plan that fits the capacities by moves
// that keep it fitting: one SKU at a time, with the others' stock fixed,
// a stream moved to another node that reaches it or to lost, or all of a
// node's streams moved to another node, while the SKU's cost falls.
func (s *solver) improve(decs []Decision) []Decision {
	use := s.usage(decs)
	room := make([]float64, len(use))
	for pass := 0; pass < 10; pass++ {
		better := false
		for i := range decs {
			d := decs[i]
			for n := range room {
				room[n] = s.cap[n]*(1+1e-12) - use[n] + d.Load[n]
			}
			next, ok := s.improveOne(i, d, room, false)
			if !ok {
				continue
			}
			for n := range use {
				use[n] += next.Load[n] - d.Load[n]
			}
			decs[i] = next
			better = true
		}
		if !better {
			break
		}
	}
	return decs
}

// improveOne moves SKU i's streams while its cost falls and its targets
// fit room; ok is false when no move helps. Deep also tries a stream moved
// onto a node while another stream there is given up, to make room.
func (s *solver) improveOne(i int, d Decision, room []float64, deep bool) (Decision, bool) {
	k := &s.skus[i]
	fits := func(c Decision) bool {
		for n, l := range c.Load {
			if l > room[n] {
				return false
			}
		}
		return true
	}
	best, improved := d, false
	assign := make([]int, len(d.Assign))
	nn := len(s.net.Nodes)
	mean := make([]float64, nn)
	vari := make([]float64, nn)
	for changed := true; changed; {
		changed = false
		// One stream to another node or to lost, priced by the change it
		// makes: its delivery or lost sales, and the two nodes' holding.
		for n := range mean {
			mean[n], vari[n] = 0, 0
		}
		for j, a := range best.Assign {
			if a >= 0 {
				mean[a] += k.Streams[j].Mean
				vari[a] += k.Streams[j].Variance
			}
		}
		copy(assign, best.Assign)
		moved := false
		for j, st := range k.Streams {
			if st.Mean == 0 && st.Variance == 0 {
				continue
			}
			from := assign[j]
			out := s.pol.Days * st.Mean * k.LostSale
			if from >= 0 {
				out = s.deliv[i][j][reachIndex(s.reach[i][j], from)] + s.nodeCost(i, from, mean[from], vari[from], false) -
					s.nodeCost(i, from, mean[from]-st.Mean, vari[from]-st.Variance, false)
			}
			bestTo, bestDelta := from, -1e-9
			if from >= 0 {
				if d := s.pol.Days*st.Mean*k.LostSale - out; d < bestDelta {
					bestTo, bestDelta = -1, d
				}
			}
			for r, to := range s.reach[i][j] {
				if to == from || s.target(i, mean[to]+st.Mean, vari[to]+st.Variance)*s.weight(i, to) > room[to] {
					continue
				}
				d := s.deliv[i][j][r] + s.nodeCost(i, to, mean[to]+st.Mean, vari[to]+st.Variance, false) -
					s.nodeCost(i, to, mean[to], vari[to], false) - out
				if d < bestDelta {
					bestTo, bestDelta = to, d
				}
			}
			if bestTo == from {
				continue
			}
			if from >= 0 {
				mean[from] = math.Max(0, mean[from]-st.Mean)
				vari[from] = math.Max(0, vari[from]-st.Variance)
			}
			if bestTo >= 0 {
				mean[bestTo] += st.Mean
				vari[bestTo] += st.Variance
			}
			assign[j] = bestTo
			moved = true
		}
		if moved {
			if c := s.decision(i, assign); c.Cost.Total() < best.Cost.Total()-1e-9 && fits(c) {
				best, improved, changed = c, true, true
			}
		}
		if deep && len(k.Streams) <= pairStreams {
			for j := range k.Streams {
				for _, to := range s.reach[i][j] {
					if to == best.Assign[j] {
						continue
					}
					for j2, a := range best.Assign {
						if j2 == j || a != to {
							continue
						}
						copy(assign, best.Assign)
						assign[j], assign[j2] = to, -1
						c := s.decision(i, assign)
						if c.Cost.Total() < best.Cost.Total()-1e-9 && fits(c) {
							best, improved, changed = c, true, true
						}
					}
				}
			}
		}
		// A node's streams to another node (or lost where it cannot reach).
		for from := range s.net.Nodes {
			if best.Target[from] == 0 {
				continue
			}
			for to := -1; to < len(s.net.Nodes); to++ {
				if to == from {
					continue
				}
				copy(assign, best.Assign)
				for j, a := range assign {
					if a != from {
						continue
					}
					assign[j] = -1
					if to >= 0 && reachIndex(s.reach[i][j], to) >= 0 {
						assign[j] = to
					}
				}
				c := s.decision(i, assign)
				if c.Cost.Total() < best.Cost.Total()-1e-9 && fits(c) {
					best, improved, changed = c, true, true
				}
			}
		}
	}
	return best, improved
}

// exchangeLimit is the most SKUs exchange pairs up: with many SKUs each
// is a small part of a node's capacity, the capacity prices alone come
// close, and pairs would cost the square of their number.
const exchangeLimit = 64

// pairStreams is the most streams a SKU has for moves of two of them at
// once to be tried.
const pairStreams = 16

// exchange moves capacity between two SKUs: one SKU takes another
// assignment (a stream or a node's streams moved, as improveOne tries,
// whatever it costs), and the other uses the room that frees, where the
// two together cost less.
func (s *solver) exchange(decs []Decision) []Decision {
	if len(decs) > exchangeLimit {
		return decs
	}
	use := s.usage(decs)
	room := make([]float64, len(use))
	for pass := 0; pass < 10; pass++ {
		better := false
		// One SKU takes what it would with the whole capacity, and the
		// others make room for it.
		for k := range decs {
			for _, alt := range s.insertions(k, decs[k]) {
				trial := cloneDecisions(decs)
				trial[k] = alt
				trial = s.improve(s.repair(trial, s.usage(trial), k))
				if s.total(trial) < s.total(decs)-1e-9 && s.fits(trial) {
					decs = trial
					use = s.usage(decs)
					better = true
				}
			}
		}
		for i := range decs {
			for _, alt := range s.alternatives(i, decs[i]) {
				if !s.fitsWith(use, decs[i], alt) {
					continue
				}
				for k := range decs {
					if k == i {
						continue
					}
					for n := range room {
						room[n] = s.cap[n]*(1+1e-12) - use[n] + decs[i].Load[n] - alt.Load[n] + decs[k].Load[n]
					}
					next, ok := s.bestWithin(k, decs[k], room)
					if !ok || alt.Cost.Total()+next.Cost.Total() >= decs[i].Cost.Total()+decs[k].Cost.Total()-1e-9 {
						continue
					}
					for n := range use {
						use[n] += alt.Load[n] - decs[i].Load[n] + next.Load[n] - decs[k].Load[n]
					}
					decs[i], decs[k] = alt, next
					better = true
					break
				}
			}
		}
		if !better {
			break
		}
	}
	return decs
}

// insertions are the assignments SKU k would take with every node's
// whole capacity to itself: its best without capacity prices, and the
// local optima reached from where it is and from serving nothing.
func (s *solver) insertions(k int, d Decision) []Decision {
	var out []Decision
	if alt, ok := s.bestWithin(k, d, s.cap); ok {
		out = append(out, alt)
	}
	none := make([]int, len(d.Assign))
	for j := range none {
		none[j] = -1
	}
	if alt, ok := s.improveOne(k, s.decision(k, none), s.cap, true); ok {
		out = append(out, alt)
	}
	saved := s.lambda
	s.lambda = make([]float64, len(saved))
	out = append(out, s.solve(k, newWork(len(s.net.Nodes))))
	s.lambda = saved
	for _, alt := range s.alternatives(k, d) {
		if alt.Cost.Total() < d.Cost.Total() {
			out = append(out, alt)
		}
	}
	return out
}

// enumerateLimit is the most assignments of one SKU's streams that
// bestWithin tries one by one.
const enumerateLimit = 4096

// bestWithin is SKU k's cheapest assignment whose targets fit room: every
// assignment of its streams (to a node that reaches each, or lost) when
// there are at most enumerateLimit, otherwise the moves of improveOne
// from d. ok is false when nothing beats d.
func (s *solver) bestWithin(k int, d Decision, room []float64) (Decision, bool) {
	best, ok := d, false
	tried := s.assignments(k, func(assign []int) {
		c := s.decision(k, assign)
		if c.Cost.Total() >= best.Cost.Total()-1e-9 {
			return
		}
		for m, l := range c.Load {
			if l > room[m] {
				return
			}
		}
		best, ok = c, true
	})
	if !tried {
		return s.improveOne(k, d, room, true)
	}
	return best, ok
}

// assignments calls fn with every assignment of SKU i's streams (each to
// a node that reaches it, or -1: lost) when there are at most
// enumerateLimit of them; it reports false, calling fn never, when there
// are more. fn must not keep the slice.
func (s *solver) assignments(i int, fn func(assign []int)) bool {
	n := 1
	for j := range s.skus[i].Streams {
		n *= len(s.reach[i][j]) + 1
		if n > enumerateLimit {
			return false
		}
	}
	assign := make([]int, len(s.skus[i].Streams))
	var walk func(j int)
	walk = func(j int) {
		if j == len(assign) {
			fn(assign)
			return
		}
		assign[j] = -1
		walk(j + 1)
		for _, m := range s.reach[i][j] {
			assign[j] = m
			walk(j + 1)
		}
	}
	walk(0)
	return true
}

// fits reports whether the plan fits every capacity.
func (s *solver) fits(decs []Decision) bool {
	for n, u := range s.usage(decs) {
		if u > s.cap[n]*(1+1e-12) {
			return false
		}
	}
	return true
}

// fitsWith reports whether the plan fits the capacities with SKU's
// decision d replaced by alt.
func (s *solver) fitsWith(use []float64, d, alt Decision) bool {
	for n := range use {
		if use[n]-d.Load[n]+alt.Load[n] > s.cap[n]*(1+1e-12) {
			return false
		}
	}
	return true
}

// alternatives are the assignments one move away from SKU i's: a stream
// to another node or lost, or all of a node's streams to another.
func (s *solver) alternatives(i int, d Decision) []Decision {
	k := &s.skus[i]
	var out []Decision
	assign := make([]int, len(d.Assign))
	for j, st := range k.Streams {
		if st.Mean == 0 && st.Variance == 0 {
			continue
		}
		for _, to := range append([]int{-1}, s.reach[i][j]...) {
			if to != d.Assign[j] {
				copy(assign, d.Assign)
				assign[j] = to
				out = append(out, s.decision(i, assign))
			}
		}
	}
	for from := range s.net.Nodes {
		if d.Target[from] == 0 {
			continue
		}
		for to := -1; to < len(s.net.Nodes); to++ {
			if to == from {
				continue
			}
			copy(assign, d.Assign)
			for j, a := range assign {
				if a == from {
					assign[j] = -1
					if to >= 0 && reachIndex(s.reach[i][j], to) >= 0 {
						assign[j] = to
					}
				}
			}
			out = append(out, s.decision(i, assign))
		}
	}
	// Two streams moved at once: one to another node, one lost (for SKUs
	// of few streams: their number squared).
	for j := range k.Streams {
		if len(k.Streams) > pairStreams {
			break
		}
		for _, to := range s.reach[i][j] {
			if to == d.Assign[j] {
				continue
			}
			for j2 := range k.Streams {
				if j2 == j || d.Assign[j2] < 0 {
					continue
				}
				copy(assign, d.Assign)
				assign[j], assign[j2] = to, -1
				out = append(out, s.decision(i, assign))
			}
		}
	}
	return out
}
