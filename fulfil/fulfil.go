package fulfil

import (
	"fmt"
	"math"
)

// Candidate is one location that serves a zone's orders, in rank order,
// and the most of the orders it takes (0 to 1).
type Candidate struct {
	Location string
	MaxShare float64
}

// Check says what makes the candidates unusable.
func Check(cands []Candidate) error {
	for _, c := range cands {
		if !(c.MaxShare > 0 && c.MaxShare <= 1) {
			return fmt.Errorf("candidate %s: max_share %v must be above 0 and at most 1", c.Location, c.MaxShare)
		}
	}
	return nil
}

// Split is the share of a zone's orders each candidate plans for: in
// rank order, each takes at most its MaxShare of what the candidates
// before it left. Uncovered is the share the last leaves, which no rule
// routes.
func Split(cands []Candidate) (shares []float64, uncovered float64) {
	shares = make([]float64, len(cands))
	left := 1.0
	for i, c := range cands {
		shares[i] = math.Min(left, c.MaxShare)
		left -= shares[i]
	}
	return shares, math.Max(0, left)
}

// Day is what the candidates did with one day's orders.
type Day struct {
	// Served are the units each candidate served; FellThrough the units
	// offered to each that came from a candidate before it that could
	// not fill them.
	Served, FellThrough []float64
	// Lost are the units no candidate could fill (the last's leftover,
	// and the share no rule covers).
	Lost float64
}

// Serve replays one day's orders of a zone against the candidates' stock
// (in the candidates' order; it is reduced by what they serve): each is
// offered its share of the orders (Split) and what the candidates before
// it could not fill.
func Serve(orders float64, cands []Candidate, stock []float64) Day {
	shares, uncovered := Split(cands)
	d := Day{Served: make([]float64, len(cands)), FellThrough: make([]float64, len(cands)), Lost: orders * uncovered}
	carried := 0.0
	for i := range cands {
		d.FellThrough[i] = carried
		offered := orders*shares[i] + carried
		take := math.Min(offered, math.Max(0, stock[i]))
		d.Served[i] = take
		stock[i] -= take
		carried = offered - take
	}
	d.Lost += carried
	return d
}
