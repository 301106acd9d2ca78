package replenish

import (
	"math"

	"github.com/planner-engine/planner/dist"
)

// Health is what a location's stock today says about the days ahead,
// before any order placed today arrives.
type Health struct {
	// DailyDemand is the forecast's mean daily demand.
	DailyDemand float64
	// Excess is the stock on hand beyond the demand of the overstock
	// horizon; Expiring, for a perishable item, the stock on hand beyond
	// what sells within its shelf life (first in, first out).
	Excess, Expiring float64
	// Short is the demand expected to go unmet over the lead time from the
	// stock on hand and in transit, and Fill the share of that demand it
	// meets (1 without demand).
	Short, Fill float64
}

// StockHealth judges an item's stock on hand against its forecast: the
// excess over overstockDays of mean demand, the units its shelf life will
// not let it sell, and the expected shortage before an order placed
// today can arrive (stock on hand and in transit against the demand over
// the lead time, its spread from the daily standard deviations).
func StockHealth(it *Item, overstockDays float64) Health {
	var h Health
	if len(it.Mean) == 0 {
		return h
	}
	total := 0.0
	for _, m := range it.Mean {
		total += m
	}
	h.DailyDemand = total / float64(len(it.Mean))
	onHand := math.Max(0, it.Position.OnHand-it.Position.Reserved)
	h.Excess = math.Max(0, onHand-h.DailyDemand*overstockDays)
	if it.ShelfLife > 0 {
		h.Expiring = math.Max(0, onHand-h.DailyDemand*float64(it.ShelfLife))
	}
	days := min(len(it.Mean), max(1, int(math.Ceil(it.Lane.LeadTime))))
	var mean, variance float64
	for t := 0; t < days; t++ {
		mean += it.Mean[t]
		variance += it.SD[t] * it.SD[t]
	}
	h.Fill = 1
	available := onHand + it.Position.InTransit - it.Position.Backorders
	if mean > 0 {
		if d, err := dist.NewDemand(mean, variance); err == nil {
			h.Short = d.Shortage(available)
			h.Fill = 1 - h.Short/mean
		}
	}
	return h
}
