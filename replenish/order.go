package replenish

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/planner-engine/planner/series"
)

// Line is the decision for one item at one review: an order (Qty > 0) or
// none, with the reason either way.
type Line struct {
	// ID is stable across reruns of the same day's plan (see PlanNetwork).
	ID            string
	SKU, From, To string
	// Transfer is true for a transfer order from a DC, false for a
	// purchase order.
	Transfer bool
	Qty      float64
	// Multiple is the lane's order multiple (at least 1): an edited
	// quantity must be a whole number of it.
	Multiple float64
	// Cut is what a short DC took off the line: the units it ordered
	// less the units it gets (Qty). A line cut to nothing stays, with
	// Qty 0, so that the exception it raises points at a line.
	Cut      float64
	UnitCost float64
	Policy   string
	Levels   Levels
	// Reason says why the line orders what it does, in the planner's words:
	// "inventory position 12 < reorder point 30: order up to 58".
	Reason string
	// Exception flags a line a planner should look at (an order far above
	// demand, a constraint that cannot be met); empty when there is none.
	Exception string
	// Class is the item's ABC / XYZ class and Target the service target
	// the order was planned for.
	Class  string
	Target Target
	// OrderDate is the day the order is placed; ReceiptDate the day it is
	// expected (order date + lead time), zero without an order.
	OrderDate, ReceiptDate series.Date
	// Channels split the receiving location's demand by sales channel
	// (Item.Channels).
	Channels []series.ChannelUnits
}

// Type is "transfer" or "purchase".
func (l *Line) Type() string {
	if l.Transfer {
		return "transfer"
	}
	return "purchase"
}

// moqWarnDays is how many days of demand an MOQ may cover before the
// order is flagged.
const moqWarnDays = 90

// Plan decides the item's order at a review on the given weekday with the
// policy, then applies the lane's and the item's constraints in order:
// order days, minimum order, multiples, storage capacity and shelf life.
// Each constraint that changes the quantity says so in the reason.
func Plan(it *Item, p Policy, weekday time.Weekday) (Line, error) {
	line := Line{SKU: it.SKU, From: it.Lane.From, To: it.Location, Transfer: it.Lane.Transfer, UnitCost: it.Lane.UnitCost, Policy: p.Name(),
		Class: it.Class, Target: it.Target, Multiple: math.Max(1, it.Lane.Multiple)}
	if err := it.Check(); err != nil {
		return line, err
	}
	if !canOrder(it.Lane.OrderDays, weekday) {
		line.Reason = "not an order day (" + weekday.String()[:3] + ")"
		return line, nil
	}
	lv, err := p.Levels(it)
	if err != nil {
		return line, err
	}
	ip := it.Position.Inventory()
	lv.Inventory = ip
	line.Levels = lv
	if ip >= lv.ReorderPoint {
		line.Reason = fmt.Sprintf("inventory position %s >= reorder point %s", num(ip), num(lv.ReorderPoint))
		return line, nil
	}
	var qty float64
	var why []string
	if lv.Batch > 0 {
		n := math.Max(1, math.Ceil((lv.ReorderPoint-ip)/lv.Batch))
		qty = n * lv.Batch
		why = append(why, fmt.Sprintf("inventory position %s < reorder point %s: %s batches of %s", num(ip), num(lv.ReorderPoint), num(n), num(lv.Batch)))
	} else {
		qty = math.Ceil(lv.OrderUpTo - ip - 1e-9)
		why = append(why, fmt.Sprintf("inventory position %s < order-up-to level %s", num(ip), num(lv.OrderUpTo)))
	}
	if qty <= 0 {
		line.Reason = why[0] + " by less than a unit"
		return line, nil
	}
	if m := it.Lane.MOQ; qty < m {
		qty = m
		why = append(why, "raised to the minimum order "+num(m))
	}
	if m := it.Lane.Multiple; m > 0 {
		if r := math.Ceil(qty/m-1e-9) * m; r != qty {
			qty = r
			why = append(why, "rounded up to a multiple of "+num(m))
		}
	}
	if cap := it.MaxStock; cap > 0 && ip+qty > cap {
		room := roundDown(cap-ip, it.Lane.Multiple)
		if room < it.Lane.MOQ || room <= 0 {
			line.Exception = fmt.Sprintf("capacity %s leaves room for %s units, less than the minimum order %s", num(cap), num(math.Max(0, cap-ip)), num(it.Lane.MOQ))
			qty = 0
		} else {
			qty = room
		}
		why = append(why, "capped by the capacity of "+num(cap))
	}
	if days := it.ShelfLife; days > 0 && qty > 0 {
		// Units received after the lead time expire ShelfLife days later:
		// order no more than the mean demand until then can sell.
		sellable := demandOver(it.Mean, int(math.Ceil(it.Lane.LeadTime))+days) - ip
		if limit := roundDown(sellable, it.Lane.Multiple); qty > limit {
			qty = math.Max(0, limit)
			why = append(why, fmt.Sprintf("cut to what sells within the %d-day shelf life", days))
			if qty < it.Lane.MOQ {
				line.Exception = fmt.Sprintf("the minimum order %s would not sell within the shelf life (about %s units would)", num(it.Lane.MOQ), num(math.Max(0, sellable)))
				qty = 0
			}
		}
	}
	if qty > 0 && line.Exception == "" {
		if d := demandOver(it.Mean, moqWarnDays); it.Lane.MOQ > d {
			line.Exception = fmt.Sprintf("minimum order %s is more than %d days of demand (%s)", num(it.Lane.MOQ), moqWarnDays, num(d))
		}
	}
	line.Qty = qty
	line.Reason = strings.Join(why, "; ")
	return line, nil
}

func canOrder(days [7]bool, d time.Weekday) bool {
	return days == [7]bool{} || days[d]
}

func roundDown(x, multiple float64) float64 {
	if multiple > 0 {
		return math.Floor(x/multiple+1e-9) * multiple
	}
	return math.Floor(x + 1e-9)
}

// sumTo returns the sum of the first n values (all when there are fewer).
func sumTo(xs []float64, n int) float64 {
	var s float64
	for _, x := range xs[:min(n, len(xs))] {
		s += x
	}
	return s
}

// demandOver returns the mean demand of the first days of a forecast;
// days past its end are taken at the mean of its last week.
func demandOver(mean []float64, days int) float64 {
	d := sumTo(mean, days)
	if extra := days - len(mean); extra > 0 && len(mean) > 0 {
		week := mean[max(0, len(mean)-7):]
		d += float64(extra) * sumTo(week, len(week)) / float64(len(week))
	}
	return d
}

// num prints a quantity the way a planner writes it: whole units without
// decimals, others with at most two.
func num(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return fmt.Sprintf("%.0f", x)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}
