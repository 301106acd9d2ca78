package placement

import (
	"cmp"
	"slices"
)

// repair moves streams off the nodes over their capacity until each fits:
// the moves that cost least per unit of stock they free go first, each to
// a node with room that reaches the stream within its promise, or to
// lost. SKU pinned (-1: none) is not moved. It returns the repaired plan;
// the one given is left as it was.
func (s *solver) repair(decs []Decision, usage []float64, pinned int) []Decision {
	out := cloneDecisions(decs)
	use := append([]float64(nil), usage...)
	for n := range use {
		if use[n] <= s.cap[n]*(1+1e-12) {
			continue
		}
		moves := s.movesOff(out, n, pinned)
		// With few moves, each is priced again after every one applied
		// (the SKU's pooling has changed); with many, in one pass.
		fresh := len(moves) <= freshMoves
		sortMoves(moves)
		done := map[[2]int]bool{} // streams already moved
		for q := 0; q < len(moves); q++ {
			m := moves[q]
			if use[n] <= s.cap[n]*(1+1e-12) {
				break
			}
			if done[[2]int{m.i, m.j}] || out[m.i].Assign[m.j] != n {
				continue
			}
			assign := append([]int(nil), out[m.i].Assign...)
			assign[m.j] = m.to
			next := s.decision(m.i, assign)
			if next.Target[n] >= out[m.i].Target[n] {
				continue
			}
			if m.to >= 0 && use[m.to]-out[m.i].Load[m.to]+next.Load[m.to] > s.cap[m.to]*(1+1e-12) {
				continue
			}
			for k := range use {
				use[k] += next.Load[k] - out[m.i].Load[k]
			}
			out[m.i] = next
			done[[2]int{m.i, m.j}] = true
			if fresh {
				moves, q = s.movesOff(out, n, pinned), -1
				sortMoves(moves)
			}
		}
	}
	return out
}

// freshMoves is the most moves off a node that are priced again after
// each one applied.
const freshMoves = 2000

func sortMoves(moves []move) {
	slices.SortFunc(moves, func(a, b move) int {
		return cmp.Or(cmp.Compare(a.ratio, b.ratio), cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j), cmp.Compare(a.to, b.to))
	})
}

// move takes stream j of SKU i from its node to node to (-1: lost), at
// ratio: cost added per unit of stock freed.
type move struct {
	i, j, to int
	ratio    float64
}

// movesOff lists every way to take one stream off node n, priced with
// the SKU's pooling counted.
func (s *solver) movesOff(decs []Decision, n, pinned int) []move {
	var moves []move
	nn := len(s.net.Nodes)
	mean := make([]float64, nn)
	vari := make([]float64, nn)
	for i := range decs {
		if decs[i].Target[n] == 0 || i == pinned {
			continue
		}
		k := &s.skus[i]
		for m := range mean {
			mean[m], vari[m] = 0, 0
		}
		for j, a := range decs[i].Assign {
			if a >= 0 {
				mean[a] += k.Streams[j].Mean
				vari[a] += k.Streams[j].Variance
			}
		}
		for j, a := range decs[i].Assign {
			if a != n {
				continue
			}
			st := k.Streams[j]
			freed := (s.target(i, mean[n], vari[n]) - s.target(i, mean[n]-st.Mean, vari[n]-st.Variance)) * s.weight(i, n)
			if freed <= 0 {
				continue
			}
			// Cost saved at n: its delivery and its share of the holding.
			saved := s.deliv[i][j][reachIndex(s.reach[i][j], n)] + s.nodeCost(i, n, mean[n], vari[n], false) -
				s.nodeCost(i, n, mean[n]-st.Mean, vari[n]-st.Variance, false)
			moves = append(moves, move{i: i, j: j, to: -1, ratio: (s.pol.Days*st.Mean*k.LostSale - saved) / freed})
			for r2, m := range s.reach[i][j] {
				if m == n || (s.allowed != nil && !s.allowed(i, m)) {
					continue
				}
				added := s.deliv[i][j][r2] + s.nodeCost(i, m, mean[m]+st.Mean, vari[m]+st.Variance, false) - s.nodeCost(i, m, mean[m], vari[m], false)
				moves = append(moves, move{i: i, j: j, to: m, ratio: (added - saved) / freed})
			}
		}
	}
	return moves
}
