package assortment

// index is what every range of a problem is priced with, built once per
// Choose: who substitutes for whom, seen from the substitute, and the
// products' tiers as numbers.
type index struct {
	rev    [][]Substitute // per product, the products it substitutes for, with its weight there
	tierOf []int          // per product, its tier's number
	want   []int          // per tier number, the fewest products carried
}

func newIndex(p *Problem) *index {
	n := len(p.Products)
	ix := &index{rev: make([][]Substitute, n), tierOf: make([]int, n)}
	for j, subs := range p.Substitutes {
		for _, sub := range subs {
			ix.rev[sub.Index] = append(ix.rev[sub.Index], Substitute{Index: j, Weight: sub.Weight})
		}
	}
	number := map[string]int{}
	for i := range p.Products {
		t, ok := number[p.Products[i].Tier]
		if !ok {
			t = len(number)
			number[p.Products[i].Tier] = t
			ix.want = append(ix.want, p.MinPerTier[p.Products[i].Tier])
		}
		ix.tierOf[i] = t
	}
	return ix
}

// state is a range being searched, with what prices a move in time
// proportional to the products it touches rather than to the category:
// for each product not carried, the weights of its carried substitutes
// (W) and their margins weighted so (A), whose ratio is what a unit of
// its transferred demand earns.
type state struct {
	p       *Problem
	ix      *index
	carry   []bool
	a, w    []float64
	subs    []int // per product, its substitutes carried
	value   float64
	space   float64
	changes int
	missing int   // must-carry products not carried
	tiers   []int // products carried per tier number
	// seen and stamp mark the products repriceAround has repriced.
	seen  []int
	stamp int
}

func newState(p *Problem, ix *index, carry []bool) *state {
	n := len(p.Products)
	s := &state{p: p, ix: ix, carry: make([]bool, n), a: make([]float64, n), w: make([]float64, n), subs: make([]int, n),
		tiers: make([]int, len(ix.want))}
	for i := range p.Products {
		q := &p.Products[i]
		if q.MustCarry {
			s.missing++
		}
		if q.Current {
			s.changes++ // not carried yet: a change until it is
		}
		s.value += s.transferValue(i)
	}
	for i, c := range carry {
		if c {
			s.toggle(i)
		}
	}
	return s
}

// transferValue is what product j's transferred demand earns on its
// carried substitutes while j is not carried.
func (s *state) transferValue(j int) float64 {
	if s.carry[j] || s.w[j] <= 0 {
		return 0
	}
	q := &s.p.Products[j]
	return q.Demand * q.Transfer * s.a[j] / s.w[j]
}

// toggle carries product i if it is not carried, and drops it if it is,
// updating the range's value and its counts.
func (s *state) toggle(i int) {
	q := &s.p.Products[i]
	rev := s.ix.rev[i]
	own := q.Demand*q.Margin - q.Cost
	// i's own transfer while out, and its substitutes' view of it.
	s.value -= s.transferValue(i)
	for _, r := range rev {
		s.value -= s.transferValue(r.Index)
	}
	sign := 1.0
	if s.carry[i] {
		sign = -1
	}
	s.carry[i] = !s.carry[i]
	for _, r := range rev {
		s.a[r.Index] += sign * r.Weight * q.Margin
		s.w[r.Index] += sign * r.Weight
		s.subs[r.Index] += int(sign)
		// With none carried, both sums are none exactly: what adding and
		// taking away left of them is rounding, whose ratio is noise.
		if s.subs[r.Index] == 0 {
			s.a[r.Index], s.w[r.Index] = 0, 0
		}
	}
	s.value += s.transferValue(i)
	for _, r := range rev {
		s.value += s.transferValue(r.Index)
	}
	s.value += sign * own
	s.space += sign * q.space()
	if q.MustCarry {
		s.missing -= int(sign)
	}
	if s.carry[i] == q.Current {
		s.changes--
	} else {
		s.changes++
	}
	s.tiers[s.ix.tierOf[i]] += int(sign)
}

// ok reports whether the range keeps every rule.
func (s *state) ok() bool {
	if s.missing > 0 || s.space > s.p.Space+1e-9 || (s.p.MaxChanges >= 0 && s.changes > s.p.MaxChanges) {
		return false
	}
	for t, want := range s.ix.want {
		if s.tiers[t] < want {
			return false
		}
	}
	return true
}

// gainOf is what toggling product i adds to the range's value.
func (s *state) gainOf(i int) float64 {
	before := s.value
	s.toggle(i)
	g := s.value - before
	s.toggle(i)
	return g
}

// okAfter reports whether the range would keep every rule with product i
// toggled.
func (s *state) okAfter(i int) bool {
	q := &s.p.Products[i]
	sign := 1
	if s.carry[i] {
		sign = -1
	}
	missing, changes := s.missing, s.changes
	if q.MustCarry {
		missing -= sign
	}
	if !s.carry[i] == q.Current {
		changes--
	} else {
		changes++
	}
	if missing > 0 || s.space+float64(sign)*q.space() > s.p.Space+1e-9 || (s.p.MaxChanges >= 0 && changes > s.p.MaxChanges) {
		return false
	}
	for t, want := range s.ix.want {
		n := s.tiers[t]
		if t == s.ix.tierOf[i] {
			n += sign
		}
		if n < want {
			return false
		}
	}
	return true
}

// repriceAround updates gain, each product's single move's gain, after
// product i was toggled: only the products near i (near) can have
// changed, which in a category of many small groups of substitutes is a
// small share of them.
func (s *state) repriceAround(i int, gain []float64) {
	s.stamp++
	if s.seen == nil {
		s.seen = make([]int, len(s.carry))
	}
	s.near(i, s.seen, s.stamp, func(k int) { gain[k] = s.gainOf(k) })
}

// near marks with stamp, and passes to each (when not nil), the products
// whose single move's gain changes when product i is toggled: i itself,
// the products it substitutes for and that substitute for it, and the
// other substitutes of the products it substitutes for. A product not
// near i gains the same whether i is carried or not, so a move of both
// gains the sum of their gains.
func (s *state) near(i int, mark []int, stamp int, each func(int)) {
	visit := func(k int) {
		if mark[k] != stamp {
			mark[k] = stamp
			if each != nil {
				each(k)
			}
		}
	}
	visit(i)
	if len(s.p.Substitutes) == 0 {
		return
	}
	for _, sub := range s.p.Substitutes[i] {
		visit(sub.Index)
	}
	for _, r := range s.ix.rev[i] {
		visit(r.Index)
		for _, sub := range s.p.Substitutes[r.Index] {
			visit(sub.Index)
		}
	}
}
