package assortment

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Product is one product a store may carry in the category.
type Product struct {
	SKU string
	// Demand is the units the product would sell over the period at the
	// store when carried, from customers who choose it first.
	Demand float64
	// Margin is what one unit sold earns; Cost the fixed cost of carrying
	// the product over the period.
	Margin, Cost float64
	// Width is the shelf one facing takes; MinFacings the facings the
	// product needs at least (1 when 0).
	Width      float64
	MinFacings int
	// Tier is the product's price tier, for the minimum range per tier.
	Tier string
	// Transfer is the share of the product's demand that moves to its
	// substitutes on the shelf when it is not carried (0 to 1).
	Transfer float64
	// MustCarry keeps the product in the range; Current says the store
	// carries it today.
	MustCarry, Current bool
}

// facings is the facings the product takes.
func (p *Product) facings() int { return max(1, p.MinFacings) }

// space is the shelf the product takes.
func (p *Product) space() float64 { return float64(p.facings()) * p.Width }

// Substitute is one product a customer turns to, with its attraction
// among the substitutes.
type Substitute struct {
	Index  int
	Weight float64
}

// Problem is one store's category.
type Problem struct {
	Products []Product
	// Substitutes are, per product, the products its customers turn to
	// when it is not carried, with their weights.
	Substitutes [][]Substitute
	// Space is the shelf, in the unit of the products' widths.
	Space float64
	// MaxChanges is the most products added or dropped against today's
	// range; negative means no limit. Where today's range does not fit
	// the shelf, the drops that make it fit are made beyond the limit.
	MaxChanges int
	// MinPerTier is the fewest products carried in a price tier.
	MinPerTier map[string]int
}

// Plan is a store's range in the category.
type Plan struct {
	Carry []bool
	// Units are the units each carried product is expected to sell, its
	// own demand and what transfers to it; 0 for the others.
	Units []float64
	// Value is the margin on the units less the carried products' costs.
	Value float64
	// Space is the shelf the range takes.
	Space float64
}

// Check says what makes the problem unsolvable, naming the product.
func (p *Problem) Check() error {
	if len(p.Substitutes) != 0 && len(p.Substitutes) != len(p.Products) {
		return errors.New("the substitutes must have one list per product")
	}
	if !(p.Space >= 0) {
		return fmt.Errorf("the shelf's space is %v; it must be 0 or more", p.Space)
	}
	var must float64
	for i := range p.Products {
		q := &p.Products[i]
		switch {
		case !(q.Width > 0):
			return fmt.Errorf("product %s: facing width %v must be more than 0", q.SKU, q.Width)
		case q.MinFacings < 0:
			return fmt.Errorf("product %s: minimum facings %d must not be negative", q.SKU, q.MinFacings)
		case !(q.Demand >= 0) || math.IsInf(q.Demand, 0):
			return fmt.Errorf("product %s: demand %v must be 0 or more", q.SKU, q.Demand)
		case !(q.Transfer >= 0 && q.Transfer <= 1):
			return fmt.Errorf("product %s: transfer share %v must be from 0 to 1", q.SKU, q.Transfer)
		case q.space() > p.Space+1e-9:
			return &FitError{SKU: q.SKU, Need: q.space(), Space: p.Space}
		}
		if q.MustCarry {
			must += q.space()
		}
	}
	if must > p.Space+1e-9 {
		return fmt.Errorf("the must-carry products take %v of the shelf's %v", must, p.Space)
	}
	for i, subs := range p.Substitutes {
		for _, s := range subs {
			if s.Index < 0 || s.Index >= len(p.Products) || s.Index == i || !(s.Weight >= 0) {
				return fmt.Errorf("product %s: a substitute is not another product of the category with a weight of 0 or more", p.Products[i].SKU)
			}
		}
	}
	return nil
}

// FitError is a product whose minimum facings are wider than the shelf.
type FitError struct {
	SKU         string
	Need, Space float64
}

func (e *FitError) Error() string {
	return fmt.Sprintf("product %s: its minimum facings take %v, more than the shelf's %v", e.SKU, e.Need, e.Space)
}

// Evaluate prices a range: each product not carried sends its transfer
// share to the carried substitutes in proportion to their weights (to
// none, and it walks away, when none of them is carried).
func (p *Problem) Evaluate(carry []bool) Plan {
	pl := Plan{Carry: append([]bool(nil), carry...), Units: make([]float64, len(p.Products))}
	for i := range p.Products {
		if carry[i] {
			pl.Units[i] += p.Products[i].Demand
			pl.Space += p.Products[i].space()
			continue
		}
		if len(p.Substitutes) == 0 {
			continue
		}
		var w float64
		for _, s := range p.Substitutes[i] {
			if carry[s.Index] {
				w += s.Weight
			}
		}
		if w <= 0 {
			continue
		}
		moved := p.Products[i].Demand * p.Products[i].Transfer
		for _, s := range p.Substitutes[i] {
			if carry[s.Index] {
				pl.Units[s.Index] += moved * s.Weight / w
			}
		}
	}
	for i := range p.Products {
		if carry[i] {
			pl.Value += pl.Units[i]*p.Products[i].Margin - p.Products[i].Cost
		}
	}
	return pl
}

// feasible reports whether a range keeps the must-carry products, fits
// the shelf and changes at most MaxChanges products; tiers are checked by
// tiersMet.
func (p *Problem) feasible(carry []bool) bool {
	var space float64
	changes := 0
	for i := range p.Products {
		q := &p.Products[i]
		if q.MustCarry && !carry[i] {
			return false
		}
		if carry[i] {
			space += q.space()
		}
		if carry[i] != q.Current {
			changes++
		}
	}
	return space <= p.Space+1e-9 && (p.MaxChanges < 0 || changes <= p.MaxChanges)
}

// tiersMet reports whether every tier has its minimum range.
func (p *Problem) tiersMet(carry []bool) bool {
	if len(p.MinPerTier) == 0 {
		return true
	}
	n := map[string]int{}
	for i := range p.Products {
		if carry[i] {
			n[p.Products[i].Tier]++
		}
	}
	for t, want := range p.MinPerTier {
		if n[t] < want {
			return false
		}
	}
	return true
}

// Choose picks the store's range: the must-carry products, then the
// products that add the most value per unit of shelf while one does, then
// swaps and drops while they pay, within the shelf, the changes allowed
// and the tiers' minimum ranges.
func Choose(p *Problem) (Plan, error) {
	if err := p.Check(); err != nil {
		return Plan{}, err
	}
	n := len(p.Products)
	carry := make([]bool, n)
	for i := range p.Products {
		carry[i] = p.Products[i].MustCarry
	}
	// With a limit on changes, start from today's range (trimmed to the
	// shelf by dropping the least valuable first), so the changes are
	// spent where they pay.
	if p.MaxChanges >= 0 {
		for i := range p.Products {
			carry[i] = carry[i] || p.Products[i].Current
		}
		for !p.fits(carry) {
			if !p.dropWorst(carry) {
				return Plan{}, errors.New("today's range does not fit the shelf, and no product can be dropped")
			}
		}
	}
	p.fillTiers(carry)
	// Two greedy fills, by value per unit of shelf and by value alone (a
	// knapsack's two classic orders), and, under a limit on changes, none
	// (which leaves the changes to the search's swaps), each improved by
	// the local search; the best range wins.
	ix := newIndex(p)
	starts := []int{byRate, byValue}
	if p.MaxChanges >= 0 {
		starts = append(starts, noFill)
	}
	var best Plan
	for k, fill := range starts {
		c := append([]bool(nil), carry...)
		if fill != noFill {
			p.fill(ix, c, fill == byRate)
		}
		pl := p.search(ix, c)
		if k == 0 || pl.Value > best.Value+1e-9 {
			best = pl
		}
	}
	if !p.tiersMet(best.Carry) {
		return best, fmt.Errorf("no range that fits the shelf carries the minimum range of every price tier")
	}
	return best, nil
}

// The starts of Choose's searches.
const (
	byRate = iota
	byValue
	noFill
)

// fill adds, while one pays, the product that adds the most value per
// unit of shelf (byRate) or the most value.
func (p *Problem) fill(ix *index, carry []bool, byRate bool) {
	st := newState(p, ix, carry)
	gain := make([]float64, len(p.Products))
	for i := range p.Products {
		gain[i] = st.gainOf(i)
	}
	for {
		add, addScore := -1, 0.0
		for i := range p.Products {
			q := &p.Products[i]
			if st.carry[i] || gain[i] <= 1e-9 || st.space+q.space() > p.Space+1e-9 ||
				(p.MaxChanges >= 0 && st.changes+changeOf(q) > p.MaxChanges) {
				continue
			}
			score := gain[i]
			if byRate {
				score /= q.space()
			}
			if score > addScore {
				add, addScore = i, score
			}
		}
		if add < 0 {
			copy(carry, st.carry)
			return
		}
		st.toggle(add)
		st.repriceAround(add, gain)
	}
}

// changeOf is what adding a product not carried does to the count of
// changes against today's range.
func changeOf(q *Product) int {
	if q.Current {
		return -1
	}
	return 1
}

// search improves a range by moves that keep every rule, while one
// pays: adding a product, dropping one, swapping one for one, and one
// for two, two for one and dropping two among the most promising
// products (candidateLimit, tripleLimit). Under a limit on changes it
// takes the best move each time, since the first move found could spend
// a change on a small gain; without one, the best single move while one
// pays, and the larger moves only when none does, which reaches the same
// kind of range in a fraction of the moves priced. Moves are priced
// incrementally (state).
func (p *Problem) search(ix *index, carry []bool) Plan {
	n := len(p.Products)
	st := newState(p, ix, carry)
	gain := make([]float64, n)
	reprice := func() {
		for i := range p.Products {
			gain[i] = st.gainOf(i)
		}
	}
	reprice()
	// single makes a single move. Each move must raise the value, which
	// is what ends the search: a move that did not (its kept gain worn
	// by rounding) is undone, and every gain priced afresh.
	single := func(i int) {
		before := st.value
		st.toggle(i)
		if st.value <= before {
			st.toggle(i)
			st = newState(p, ix, st.carry)
			reprice()
			return
		}
		st.repriceAround(i, gain)
	}
	// nearA and nearB mark the products near the first and second
	// products of a larger move (state.near).
	nearA, nearB := make([]int, n), make([]int, n)
	stampA, stampB := 0, 0
	for {
		var move []int
		bestValue := st.value + 1e-9
		consider := func(ids ...int) {
			if st.value > bestValue && st.ok() {
				bestValue, move = st.value, append([]int(nil), ids...)
			}
		}
		var in, out []int
		for i := range p.Products {
			switch {
			case st.carry[i] && !p.Products[i].MustCarry:
				out = append(out, i)
			case !st.carry[i]:
				in = append(in, i)
			}
		}
		// Single moves, all of them, from the gains kept up to date; the
		// gains also rank the candidates for the larger moves.
		for _, a := range in {
			if st.value+gain[a] > bestValue && st.okAfter(a) {
				bestValue, move = st.value+gain[a], []int{a}
			}
		}
		for _, a := range out {
			if st.value+gain[a] > bestValue && st.okAfter(a) {
				bestValue, move = st.value+gain[a], []int{a}
			}
		}
		if move != nil && p.MaxChanges < 0 {
			single(move[0])
			continue
		}
		// A larger move toggles its products one by one; the last product
		// is priced by its gain where it is near none of the others.
		last := func(c int, ids ...int) {
			if nearA[c] == stampA || nearB[c] == stampB {
				st.toggle(c)
				consider(append(ids, c)...)
				st.toggle(c)
			} else if st.value+gain[c] > bestValue && st.okAfter(c) {
				bestValue, move = st.value+gain[c], append(append([]int(nil), ids...), c)
			}
		}
		swapIn, swapOut := mostPromising(in, gain, candidateLimit), mostPromising(out, gain, candidateLimit)
		stampB++ // a swap has no second product near which to price
		for _, a := range swapOut {
			stampA++
			st.near(a, nearA, stampA, nil)
			st.toggle(a)
			for _, b := range swapIn {
				last(b, a)
			}
			st.toggle(a)
		}
		// Moves of three products, among fewer candidates still: one
		// for two, two for one and, with no third, dropping two; without
		// a limit on changes, only when no swap pays.
		limit := tripleLimit
		if move != nil && p.MaxChanges < 0 {
			limit = 0
		}
		tripleIn, tripleOut := mostPromising(in, gain, limit), mostPromising(out, gain, limit)
		for _, a := range tripleOut {
			stampA++
			st.near(a, nearA, stampA, nil)
			st.toggle(a)
			for bi, b := range tripleIn {
				stampB++
				st.near(b, nearB, stampB, nil)
				st.toggle(b)
				for _, c := range tripleIn[bi+1:] {
					last(c, a, b)
				}
				st.toggle(b)
			}
			st.toggle(a)
		}
		for ai, a := range tripleOut {
			stampA++
			st.near(a, nearA, stampA, nil)
			st.toggle(a)
			for _, b := range tripleOut[ai+1:] {
				stampB++ // a new mark, on nothing yet: b is the pair's last
				last(b, a)
				st.near(b, nearB, stampB, nil)
				st.toggle(b)
				for _, c := range tripleIn {
					last(c, a, b)
				}
				st.toggle(b)
			}
			st.toggle(a)
		}
		if move == nil {
			return p.Evaluate(st.carry)
		}
		if len(move) == 1 {
			single(move[0])
			continue
		}
		for _, i := range move {
			st.toggle(i)
		}
		// Price afresh after each larger move, so that rounding never
		// builds up.
		st = newState(p, ix, st.carry)
		reprice()
	}
}

// candidateLimit is how many products the search's swaps try on each
// side, the most promising by their single moves; tripleLimit the same
// for moves of three products (one for two, two for one) and drops of
// two. A category of fewer products tries them all. (Variables so that a
// test can compare with every move.)
var candidateLimit, tripleLimit = 40, 16

// mostPromising is the limit products of ids whose single move gains
// most (or loses least), in that order.
func mostPromising(ids []int, gain []float64, limit int) []int {
	out := append([]int(nil), ids...)
	sort.SliceStable(out, func(a, b int) bool { return gain[out[a]] > gain[out[b]] })
	return out[:min(len(out), limit)]
}

func (p *Problem) fits(carry []bool) bool {
	var space float64
	for i := range p.Products {
		if carry[i] {
			space += p.Products[i].space()
		}
	}
	return space <= p.Space+1e-9
}

// dropWorst drops the carried product (not a must-carry) whose leaving
// costs least; false when there is none.
func (p *Problem) dropWorst(carry []bool) bool {
	worst, worstValue := -1, math.Inf(-1)
	for i := range p.Products {
		if !carry[i] || p.Products[i].MustCarry {
			continue
		}
		carry[i] = false
		if v := p.Evaluate(carry).Value; v > worstValue {
			worst, worstValue = i, v
		}
		carry[i] = true
	}
	if worst < 0 {
		return false
	}
	carry[worst] = false
	return true
}

// fillTiers adds, for each tier short of its minimum, the tier's
// narrowest products until it has it, while they fit.
func (p *Problem) fillTiers(carry []bool) {
	tiers := make([]string, 0, len(p.MinPerTier))
	for t := range p.MinPerTier {
		tiers = append(tiers, t)
	}
	sort.Strings(tiers)
	for _, t := range tiers {
		var idx []int
		have := 0
		for i := range p.Products {
			if p.Products[i].Tier != t {
				continue
			}
			if carry[i] {
				have++
			} else {
				idx = append(idx, i)
			}
		}
		// The narrowest first: the fewest products on the least shelf is
		// what leaves room for the rest; the search then trades them up.
		sort.SliceStable(idx, func(a, b int) bool {
			qa, qb := &p.Products[idx[a]], &p.Products[idx[b]]
			if qa.space() != qb.space() {
				return qa.space() < qb.space()
			}
			return qa.Demand > qb.Demand
		})
		for _, i := range idx {
			if have >= p.MinPerTier[t] {
				break
			}
			carry[i] = true
			if p.feasible(carry) {
				have++
			} else {
				carry[i] = false
			}
		}
	}
}
