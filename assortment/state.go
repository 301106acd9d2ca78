package assortment

// state is a range being searched, with what prices a move in time
// proportional to the products it touches rather than to the category:
// for each product not carried, the weights of its carried substitutes
// (W) and their margins weighted so (A), whose ratio is what a unit of
// its transferred demand earns.
type state struct {
	p       *Problem
	carry   []bool
	a, w    []float64
	rev     [][]Substitute // per product, the products it substitutes for, with its weight there
	value   float64
	space   float64
	changes int
	missing int // must-carry products not carried
	tiers   map[string]int
}

func newState(p *Problem, carry []bool) *state {
	n := len(p.Products)
	s := &state{p: p, carry: make([]bool, n), a: make([]float64, n), w: make([]float64, n),
		rev: make([][]Substitute, n), tiers: map[string]int{}}
	for j, subs := range p.Substitutes {
		for _, sub := range subs {
			s.rev[sub.Index] = append(s.rev[sub.Index], Substitute{Index: j, Weight: sub.Weight})
		}
	}
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
	own := q.Demand*q.Margin - q.Cost
	// i's own transfer while out, and its substitutes' view of it.
	s.value -= s.transferValue(i)
	for _, r := range s.rev[i] {
		s.value -= s.transferValue(r.Index)
	}
	sign := 1.0
	if s.carry[i] {
		sign = -1
	}
	s.carry[i] = !s.carry[i]
	for _, r := range s.rev[i] {
		s.a[r.Index] += sign * r.Weight * q.Margin
		s.w[r.Index] += sign * r.Weight
		if s.w[r.Index] < 1e-12 {
			s.a[r.Index], s.w[r.Index] = 0, 0
		}
	}
	s.value += s.transferValue(i)
	for _, r := range s.rev[i] {
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
	s.tiers[q.Tier] += int(sign)
}

// ok reports whether the range keeps every rule.
func (s *state) ok() bool {
	if s.missing > 0 || s.space > s.p.Space+1e-9 || (s.p.MaxChanges >= 0 && s.changes > s.p.MaxChanges) {
		return false
	}
	for t, want := range s.p.MinPerTier {
		if s.tiers[t] < want {
			return false
		}
	}
	return true
}
