package replenish

import (
	"fmt"
	"math"
)

// A Policy sets an item's reorder point and order-up-to level at a review.
type Policy interface {
	// Name is how --policy and the order's policy column name it.
	Name() string
	Levels(it *Item) (Levels, error)
}

// OrderUpTo is periodic review (R, S): every review orders the inventory
// position up to S, set from the forecast over lead time + review period
// for the item's target.
type OrderUpTo struct{}

// Name implements Policy.
func (OrderUpTo) Name() string { return "order-up-to" }

// Levels implements Policy.
func (OrderUpTo) Levels(it *Item) (Levels, error) { return it.orderUpTo() }

// BaseStock orders up to a base-stock level every day: (R, S) with a
// review period of one day, whatever the lane says.
type BaseStock struct{}

// Name implements Policy.
func (BaseStock) Name() string { return "base-stock" }

// Levels implements Policy.
func (BaseStock) Levels(it *Item) (Levels, error) {
	daily := *it
	daily.Lane.Review = 1
	return daily.orderUpTo()
}

// ReorderPoint is (s, Q): when the inventory position falls below s, order
// whole batches of Q until it is at s or above. s covers demand over the
// lead time (checked at every review, so the review period too) for the
// target; Q is the mean demand of a review period when zero, and at least
// the lane's MOQ.
type ReorderPoint struct{ Q float64 }

// Name implements Policy.
func (ReorderPoint) Name() string { return "reorder-point" }

// Levels implements Policy.
func (p ReorderPoint) Levels(it *Item) (Levels, error) {
	lv, q, err := reorderPoint(it, p.Q)
	lv.OrderUpTo, lv.Batch = lv.ReorderPoint+q, q
	return lv, err
}

// MinMax is (s, S): when the inventory position falls below s, order up to
// S = s + Q, with s and Q as in ReorderPoint.
type MinMax struct{ Q float64 }

// Name implements Policy.
func (MinMax) Name() string { return "min-max" }

// Levels implements Policy.
func (p MinMax) Levels(it *Item) (Levels, error) {
	lv, q, err := reorderPoint(it, p.Q)
	lv.OrderUpTo = lv.ReorderPoint + q
	return lv, err
}

// reorderPoint returns the levels of a reorder-point policy and its batch.
// With a fill-rate target, s is the smallest level whose expected shortage
// per cycle, E[(X - s)+] - E[(X - s - Q)+], is at most (1 - target) Q
// (Silver, Pyke & Thomas, ch. 6), X the demand over lead time + review.
func reorderPoint(it *Item, q float64) (Levels, float64, error) {
	x, err := it.interval(it.protection(), true)
	if err != nil {
		return Levels{}, 0, err
	}
	if q <= 0 {
		q = math.Max(1, math.Round(it.reviewDemand()))
	}
	q = math.Max(q, it.Lane.MOQ)
	var s float64
	if it.Target.Type == FillRate {
		shifted := func(s float64) float64 { return x.Shortage(s) - x.Shortage(s+q) }
		s = x.LevelFor(shifted, (1-it.Target.Level)*q)
	} else {
		s = x.Quantile(it.Target.Level)
	}
	return Levels{ReorderPoint: s, SafetyStock: s - x.Mean, Demand: x.Mean}, q, nil
}

// ERPMinMax is the reorder rule ERPs define (Odoo's minimum / maximum
// quantity, ERPNext's reorder level): when the inventory position falls
// below Min, order up to Max. With Min and Max zero they come from average
// demand, as such rules are usually set: Min covers the lead time plus
// SafetyDays of average demand, Max adds a review period. Average is the
// mean daily demand (of recent history, for the baseline); zero means the
// forecast's mean.
type ERPMinMax struct {
	Min, Max   float64
	SafetyDays float64
	Average    float64
}

// Name implements Policy.
func (ERPMinMax) Name() string { return "erp-min-max" }

// Levels implements Policy.
func (p ERPMinMax) Levels(it *Item) (Levels, error) {
	lo, hi := p.Min, p.Max
	if lo == 0 && hi == 0 {
		avg := p.average(it)
		lo = avg * (it.Lane.LeadTime + p.SafetyDays)
		hi = lo + avg*float64(it.Lane.Review)
	}
	if hi < lo {
		return Levels{}, fmt.Errorf("%s at %s: maximum %v is below minimum %v", it.SKU, it.Location, hi, lo)
	}
	return Levels{ReorderPoint: lo, OrderUpTo: hi, Demand: p.average(it) * float64(it.protection())}, nil
}

func (p ERPMinMax) average(it *Item) float64 {
	if p.Average > 0 {
		return p.Average
	}
	return meanOf(it.Mean)
}

// Cover orders up to a fixed number of days of average demand at every
// review: the weeks-of-cover rule of thumb. Average is as in ERPMinMax.
type Cover struct {
	Days    float64
	Average float64
}

// Name implements Policy.
func (Cover) Name() string { return "cover" }

// Levels implements Policy.
func (p Cover) Levels(it *Item) (Levels, error) {
	avg := p.Average
	if avg <= 0 {
		avg = meanOf(it.Mean)
	}
	s := avg * p.Days
	return Levels{ReorderPoint: s, OrderUpTo: s, Demand: avg * float64(it.protection())}, nil
}

func meanOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// WithTarget runs a policy with its own service target, whatever the
// item's: for comparing targets in one simulation.
type WithTarget struct {
	Policy Policy
	Target Target
}

// Name implements Policy.
func (p WithTarget) Name() string { return fmt.Sprintf("%s %s", p.Policy.Name(), p.Target) }

// Levels implements Policy.
func (p WithTarget) Levels(it *Item) (Levels, error) {
	own := *it
	own.Target = p.Target
	return p.Policy.Levels(&own)
}
