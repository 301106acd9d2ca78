package assortment

import (
	"fmt"
	"math"
	"strconv"
)

// Change is what a line does to today's range.
type Change string

// Changes against today's range.
const (
	Add  Change = "add"
	Drop Change = "drop"
	Keep Change = "keep"
	Out  Change = "out" // not carried today and not added
)

// Line is one product's decision at one store.
type Line struct {
	SKU     string
	Carry   bool
	Facings int
	// Units are the units it is expected to sell when carried (its own
	// demand and what transfers to it); Margin the margin on them less
	// its cost of being carried. Both 0 when not carried.
	Units, Margin float64
	// Transferred is the part of Units that comes from the products not
	// carried.
	Transferred float64
	Change      Change
	Reason      string
}

// Lines are the plan's decisions, one per product, in the problem's
// order, each with its reason: a must-carry, what a product earns, or
// what its leaving costs and where its customers go.
func (p *Problem) Lines(pl Plan) []Line {
	out := make([]Line, len(p.Products))
	st := newState(p, newIndex(p), pl.Carry)
	for i := range p.Products {
		q := &p.Products[i]
		l := Line{SKU: q.SKU, Carry: pl.Carry[i]}
		switch {
		case l.Carry && q.Current:
			l.Change = Keep
		case l.Carry:
			l.Change = Add
		case q.Current:
			l.Change = Drop
		default:
			l.Change = Out
		}
		if l.Carry {
			l.Facings = q.facings()
			l.Units = pl.Units[i]
			l.Transferred = max(0, pl.Units[i]-q.Demand)
			l.Margin = pl.Units[i]*q.Margin - q.Cost
		}
		l.Reason = p.reason(pl, st, i)
		out[i] = l
	}
	return out
}

// reason says why product i is in the range or not; st is the range,
// which prices carrying a product left out.
func (p *Problem) reason(pl Plan, st *state, i int) string {
	q := &p.Products[i]
	if pl.Carry[i] {
		if q.MustCarry {
			return "must carry"
		}
		transferred := pl.Units[i] - q.Demand
		if transferred > 1e-9 {
			return fmt.Sprintf("earns %s on %s units (%s from products not carried) on %s of shelf",
				num(pl.Units[i]*q.Margin-q.Cost), num(pl.Units[i]), num(transferred), num(q.space()))
		}
		return fmt.Sprintf("earns %s on %s units on %s of shelf", num(pl.Units[i]*q.Margin-q.Cost), num(pl.Units[i]), num(q.space()))
	}
	// What carrying it instead would do, the rest unchanged.
	gain := st.gainOf(i)
	kept := q.Demand * q.Transfer
	if len(p.Substitutes) == 0 || !anyCarried(p.Substitutes[i], pl.Carry) {
		kept = 0
	}
	switch {
	case gain <= 0:
		return fmt.Sprintf("carrying it would earn %s less: %s of its %s units go to its substitutes on the shelf",
			num(-gain), num(kept), num(q.Demand))
	case st.space+q.space() > p.Space+1e-9:
		return fmt.Sprintf("no room: it would earn %s more, but its %s of shelf earns more in the range as it is",
			num(gain), num(q.space()))
	case !st.okAfter(i):
		return fmt.Sprintf("it would earn %s more, but the review's limit of %d changes is spent", num(gain), p.MaxChanges)
	default:
		return fmt.Sprintf("it would earn %s more; the search found no range with it that earns more", num(gain))
	}
}

func anyCarried(subs []Substitute, carry []bool) bool {
	for _, s := range subs {
		if carry[s.Index] && s.Weight > 0 {
			return true
		}
	}
	return false
}

func num(x float64) string {
	if math.Abs(x-math.Round(x)) < 1e-9 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}
