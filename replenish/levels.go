package replenish

import (
	"math"

	"github.com/planner-engine/planner/dist"
)

// interval returns the distribution of demand over the first days of the
// item's forecast, with the lead time's variability: the daily means and
// variances add up (days independent), and a lead time of L ± σ_L days
// adds D²·σ_L² (LeadTimeDemandSD) with D the mean daily demand.
func (it *Item) interval(days int, uncertainLead bool) (*dist.Demand, error) {
	days = min(days, len(it.Mean))
	var mean, variance float64
	for t := 0; t < days; t++ {
		mean += it.Mean[t]
		variance += it.SD[t] * it.SD[t]
	}
	if uncertainLead && days > 0 && it.Lane.LeadTimeSD > 0 {
		d := mean / float64(days)
		variance += d * d * it.Lane.LeadTimeSD * it.Lane.LeadTimeSD
	}
	return dist.NewDemand(mean, variance)
}

// Levels are what a policy decided for an item at one review.
type Levels struct {
	// Inventory is the inventory position before ordering.
	Inventory float64
	// ReorderPoint: order when the inventory position is below it (for
	// order-up-to policies, every review orders up to OrderUpTo).
	ReorderPoint float64
	// OrderUpTo is the level an order raises the inventory position to.
	OrderUpTo float64
	// SafetyStock is the part of the reorder level above mean demand over
	// the protection interval.
	SafetyStock float64
	// Demand is the mean demand over the protection interval.
	Demand float64
	// Batch, when positive, makes orders whole batches of this many units
	// (reorder-point policies) rather than the gap to OrderUpTo.
	Batch float64
}

// orderUpTo returns the smallest level S of the inventory position that
// meets the item's target when every review orders up to S (periodic
// review, Silver, Pyke & Thomas ch. 7):
//   - cycle service level: P(demand over lead time + review <= S) >= target;
//   - fill rate: expected units short per cycle, E[(X_{L+R} - S)+] -
//     E[(X_L - S)+], at most (1 - target) times the mean demand of a review
//     period (the exact form for periodic review, not just the first term).
func (it *Item) orderUpTo() (Levels, error) {
	lr, err := it.interval(it.protection(), true)
	if err != nil {
		return Levels{}, err
	}
	var s float64
	switch it.Target.Type {
	case FillRate:
		l, err := it.interval(int(math.Ceil(it.Lane.LeadTime)), true)
		if err != nil {
			return Levels{}, err
		}
		// The shortage difference falls as S grows (demand over L+R is the larger).
		short := func(s float64) float64 { return lr.Shortage(s) - l.Shortage(s) }
		s = lr.LevelFor(short, (1-it.Target.Level)*it.reviewDemand())
	default:
		s = lr.Quantile(it.Target.Level)
	}
	return Levels{OrderUpTo: s, ReorderPoint: s, SafetyStock: s - lr.Mean, Demand: lr.Mean}, nil
}

// reviewDemand is the mean demand over the review period that follows the
// lead time: what one order's cycle serves.
func (it *Item) reviewDemand() float64 {
	l := int(math.Ceil(it.Lane.LeadTime))
	var d float64
	for t := l; t < l+it.Lane.Review && t < len(it.Mean); t++ {
		d += it.Mean[t]
	}
	return d
}

// LeadTimeDemandSD is the standard deviation of demand over a random lead
// time when only moments are known: sqrt(L·σ_D² + D²·σ_L²), with L and σ_L
// the lead time's mean and standard deviation in periods and D and σ_D the
// mean and standard deviation of demand per period (independent periods,
// lead time independent of demand; Silver, Pyke & Thomas, "Inventory and
// Production Management in Supply Chains", 4th ed., section 6.10).
func LeadTimeDemandSD(leadTime, leadTimeSD, demand, demandSD float64) float64 {
	return math.Sqrt(leadTime*demandSD*demandSD + demand*demand*leadTimeSD*leadTimeSD)
}
