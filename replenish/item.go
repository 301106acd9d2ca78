package replenish

import (
	"fmt"
	"math"

	"github.com/planner-engine/planner/series"
)

// Position is the stock of one SKU at one location. One pool serves every
// channel: units reserved for online or instant-delivery orders are spoken
// for, like backorders.
type Position struct {
	OnHand, OnOrder, InTransit, Backorders, Reserved float64
}

// Inventory returns the inventory position: on hand + on order + in
// transit - backorders - reserved.
func (p Position) Inventory() float64 {
	return p.OnHand + p.OnOrder + p.InTransit - p.Backorders - p.Reserved
}

// Lane is how a location is replenished from its source.
type Lane struct {
	// From is the supplier, factory or DC that ships.
	From string
	// Transfer says the source is one of the retailer's own DCs (a
	// transfer order), not a supplier or factory (a purchase order).
	Transfer bool
	// LeadTime and LeadTimeSD are the mean and standard deviation of the
	// days from order to receipt; LeadTime must be positive.
	LeadTime, LeadTimeSD float64
	// Review is the days between order opportunities (1 for daily).
	Review int
	// MOQ is the smallest order in units; Multiple rounds every order up
	// to a whole number of units of it (case or pack size).
	MOQ, Multiple float64
	// OrderDays[d] says orders can be placed on weekday d (time.Weekday);
	// all false means any day.
	OrderDays [7]bool
	UnitCost  float64
}

// TargetType says how a service target is measured.
type TargetType int

const (
	// CycleService is the probability of no stock-out in a replenishment
	// cycle (type 1 service).
	CycleService TargetType = iota
	// FillRate is the share of demand met from stock (type 2 service).
	FillRate
)

func (t TargetType) String() string {
	if t == FillRate {
		return "fill"
	}
	return "csl"
}

// ParseTargetType reads "csl" or "fill".
func ParseTargetType(s string) (TargetType, error) {
	switch s {
	case "csl":
		return CycleService, nil
	case "fill":
		return FillRate, nil
	}
	return 0, fmt.Errorf("unknown target type %q (want csl or fill)", s)
}

// Target is a service target such as a 95% fill rate.
type Target struct {
	Level float64
	Type  TargetType
}

func (t Target) String() string {
	return fmt.Sprintf("%g%% %s", 100*t.Level, map[TargetType]string{CycleService: "cycle service", FillRate: "fill rate"}[t.Type])
}

// Item is one SKU at one location to plan: its stock, its source, its
// target and its demand forecast.
type Item struct {
	SKU, Location string
	Position      Position
	Lane          Lane
	Target        Target
	// MaxStock caps the inventory position after an order (shelf or
	// storage capacity); 0 means no cap.
	MaxStock float64
	// ShelfLife is the days a unit can be sold after receipt; 0 means it
	// does not perish.
	ShelfLife int
	// Class is the item's ABC / XYZ class, such as AX (see Classify).
	Class string
	// Mean and SD are the forecast of daily demand from tomorrow on: the
	// mean and standard deviation of each day (SD from the forecast's
	// quantiles, see dist.SDFromQuantiles). They must cover at least the lead
	// time and the review period.
	Mean, SD []float64
	// Channels split the demand among the sales channels it comes from
	// (every channel sells from the location's one stock; a DC's are its
	// locations'), sorted by channel: each channel's mean units over the
	// item's days.
	Channels []series.ChannelUnits
}

// Check says what makes the item unplannable, naming the field.
func (it *Item) Check() error {
	name := it.SKU + " at " + it.Location
	switch {
	case it.Lane.From == "":
		return fmt.Errorf("%s: no sourcing rule (nothing says where it is replenished from)", name)
	case !(it.Lane.LeadTime > 0):
		return fmt.Errorf("%s: lead_time_days is %v; it must be more than 0", name, it.Lane.LeadTime)
	case it.Lane.LeadTimeSD < 0:
		return fmt.Errorf("%s: lead_time_sd_days is %v; it must be 0 or more", name, it.Lane.LeadTimeSD)
	case it.Lane.Review < 1:
		return fmt.Errorf("%s: review_days is %d; it must be at least 1", name, it.Lane.Review)
	case it.Lane.MOQ < 0 || it.Lane.Multiple < 0:
		return fmt.Errorf("%s: moq %v and order_multiple %v must not be negative", name, it.Lane.MOQ, it.Lane.Multiple)
	case it.Position.OnHand < 0:
		return fmt.Errorf("%s: on_hand is %v; stock on hand cannot be negative", name, it.Position.OnHand)
	case it.Target.Level <= 0 || it.Target.Level >= 1:
		return fmt.Errorf("%s: service target %v must be between 0 and 1", name, it.Target.Level)
	case len(it.Mean) < it.protection() || len(it.SD) != len(it.Mean):
		return fmt.Errorf("%s: the forecast covers %d days; the lead time and review need %d", name, len(it.Mean), it.protection())
	}
	for t, m := range it.Mean {
		if math.IsNaN(m) || m < 0 || math.IsNaN(it.SD[t]) || it.SD[t] < 0 {
			return fmt.Errorf("%s: forecast day %d has mean %v and sd %v; both must be numbers >= 0", name, t+1, m, it.SD[t])
		}
	}
	return nil
}

// protection is the days an order must cover: until the order after it
// arrives (lead time + review period), rounded up.
func (it *Item) protection() int {
	return int(math.Ceil(it.Lane.LeadTime)) + it.Lane.Review
}
