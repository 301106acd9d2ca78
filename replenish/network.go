package replenish

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/planner-engine/planner/series"
)

// Network is one night's replenishment problem: every SKU at every
// location that is replenished, with its stock, lane, target and forecast.
// Locations served by a DC (stores, online fulfilment points) order from
// it; DCs order from suppliers or factories.
type Network struct {
	// AsOf is the day the positions were taken; orders are placed on it.
	AsOf  series.Date
	Items []*Item
	// Ration splits a DC's stock among the transfers its locations
	// ordered when it holds less than they asked for. Nil leaves such
	// transfers whole and flags them.
	Ration Rationer
}

// A Claim is one location's transfer order on a DC that is short: what it
// ordered, in packs of Pack, its stock after its open orders, and the
// mean and variance of its demand over its protection interval (lead time
// plus review).
type Claim struct {
	Location          string
	Qty, Pack, OnHand float64
	Mean, Variance    float64
}

// A Rationer splits the units a DC can ship among the claims on it: it
// returns each claim's units, at most what it ordered, in whole packs.
// The nightly plan rations by expected sales (allocation's marginal
// rule, wired in by the pipeline), so that replenish needs no other
// planning package.
type Rationer func(sku, dc string, available float64, claims []Claim) ([]float64, error)

// PlanNetwork plans the whole network with the policy for the day after
// the positions, echelon by echelon: first the locations that order from a
// DC, then each DC, whose demand is the demand of the locations it serves
// (their forecasts added day by day, variances too) plus any of its own,
// and whose stock is first spoken for by the transfers just planned out of
// it. An item that cannot be planned (no lane, negative stock, no lead
// time) gets a line with no quantity and the problem as its exception, so
// one bad row never stops the plan or goes unnoticed. Lines come back
// sorted by type, source, SKU and destination.
func PlanNetwork(n *Network, policy Policy) []Line {
	weekday := n.AsOf.Weekday()
	isDC := map[string]bool{}
	for _, it := range n.Items {
		if it.Lane.Transfer {
			isDC[it.Lane.From] = true
		}
	}
	var lines []Line
	// Transfers planned out of each DC per SKU, and the served demand.
	type key struct{ sku, loc string }
	outflow := map[key]float64{}
	served := map[key][]*Item{}
	transfers := map[key][]int{} // lines of the transfers out of a DC
	for _, it := range n.Items {
		if isDC[it.Location] {
			continue
		}
		line := planOne(it, policy, weekday, n.AsOf)
		lines = append(lines, line)
		if it.Lane.Transfer {
			k := key{it.SKU, it.Lane.From}
			served[k] = append(served[k], it)
			transfers[k] = append(transfers[k], len(lines)-1)
		}
	}
	for _, it := range n.Items {
		if !isDC[it.Location] {
			continue
		}
		k := key{it.SKU, it.Location}
		rationTransfers(it, served[k], lines, transfers[k], n.Ration)
		for _, j := range transfers[k] {
			outflow[k] += lines[j].Qty
		}
	}
	for _, it := range n.Items {
		if !isDC[it.Location] {
			continue
		}
		k := key{it.SKU, it.Location}
		dc := *it
		dc.Mean, dc.SD = addDemand(it, served[k])
		for _, s := range served[k] {
			dc.Channels = series.AddChannelUnits(dc.Channels, s.Channels)
		}
		dc.Position.Reserved += outflow[k]
		lines = append(lines, planOne(&dc, policy, weekday, n.AsOf))
	}
	sort.SliceStable(lines, func(a, b int) bool {
		la, lb := &lines[a], &lines[b]
		if la.Transfer != lb.Transfer {
			return la.Transfer // transfers first: what stores get tomorrow
		}
		if la.From != lb.From {
			return la.From < lb.From
		}
		if la.SKU != lb.SKU {
			return la.SKU < lb.SKU
		}
		return la.To < lb.To
	})
	return lines
}

// rationTransfers cuts the transfers out of a DC to the stock it can ship
// today (on hand less backorders and reserved; what is in transit is not
// there yet) when its locations ordered more. The rationer says where the
// units go, never more than a location ordered, and every cut line says so
// as an exception; without a rationer the lines stay whole and flagged.
func rationTransfers(dc *Item, stores []*Item, lines []Line, idx []int, ration Rationer) {
	ordered := 0.0
	for _, j := range idx {
		ordered += lines[j].Qty
	}
	avail := math.Max(0, dc.Position.OnHand-dc.Position.Backorders-dc.Position.Reserved)
	if ordered <= avail+1e-9 {
		return
	}
	var claims []Claim
	var cut []int // lines with an order, in the claims' order
	for k, j := range idx {
		it := stores[k]
		if lines[j].Qty <= 0 {
			continue
		}
		var mean, variance float64
		if d, err := it.interval(it.protection(), true); err == nil {
			mean, variance = d.Mean, d.Variance
		}
		claims = append(claims, Claim{Location: it.Location, Qty: lines[j].Qty, Pack: math.Max(1, it.Lane.Multiple),
			OnHand: math.Max(0, lines[j].Levels.Inventory), Mean: mean, Variance: variance})
		cut = append(cut, j)
	}
	var given []float64
	err := fmt.Errorf("no rule to ration by")
	if ration != nil {
		given, err = ration(dc.SKU, dc.Location, avail, claims)
		if err == nil && len(given) != len(claims) {
			err = fmt.Errorf("the rationing gave %d quantities for %d orders", len(given), len(claims))
		}
	}
	if err != nil {
		// The items were checked when they were planned: say so on the
		// lines rather than lose the cut.
		for _, j := range cut {
			lines[j].Exception = fmt.Sprintf("DC stock short (%s holds %s of %s units) and not rationed: %v", lines[j].From, fmtUnits(avail), fmtUnits(ordered), err)
		}
		return
	}
	for k, j := range cut {
		l := &lines[j]
		if given[k] >= l.Qty {
			continue
		}
		l.Reason += fmt.Sprintf("; cut from %s to %s: %s can ship %s of the %s units its locations ordered", fmtUnits(l.Qty), fmtUnits(given[k]),
			l.From, fmtUnits(avail), fmtUnits(ordered))
		l.Exception = fmt.Sprintf("DC stock short: %s holds %s of the %s units ordered from it", l.From, fmtUnits(avail), fmtUnits(ordered))
		l.Cut = l.Qty - given[k]
		l.Qty = given[k]
	}
}

func fmtUnits(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// planOne plans an item, turning a refusal into an exception line.
func planOne(it *Item, policy Policy, weekday time.Weekday, asOf series.Date) Line {
	var line Line
	var err error
	if len(it.Mean) == 0 {
		line = Line{SKU: it.SKU, From: it.Lane.From, To: it.Location, Transfer: it.Lane.Transfer, Policy: policy.Name(),
			Reason: "no demand forecast here: nothing to order"}
	} else {
		line, err = Plan(it, policy, weekday)
	}
	if err != nil {
		line = Line{SKU: it.SKU, From: it.Lane.From, To: it.Location, Transfer: it.Lane.Transfer, Policy: policy.Name(),
			Reason: "not planned", Exception: err.Error()}
	}
	line.OrderDate = asOf
	line.Channels = it.Channels
	if line.Qty > 0 {
		line.ReceiptDate = asOf.AddDays(int(math.Ceil(it.Lane.LeadTime)))
	}
	line.ID = orderID(asOf, line.Type(), line.SKU, line.From, line.To)
	return line
}

// addDemand returns the DC's daily demand: its own forecast (if any) plus
// those of the locations it serves, means and variances added.
func addDemand(dc *Item, served []*Item) (mean, sd []float64) {
	days := len(dc.Mean)
	for _, s := range served {
		days = max(days, len(s.Mean))
	}
	mean, variance := make([]float64, days), make([]float64, days)
	for _, it := range append([]*Item{dc}, served...) {
		for t := range it.Mean {
			mean[t] += it.Mean[t]
			variance[t] += it.SD[t] * it.SD[t]
		}
	}
	sd = variance
	for t := range sd {
		sd[t] = math.Sqrt(variance[t])
	}
	return mean, sd
}

// orderID names an order line so that planning the same day again gives
// the same id (ERPs use it to recognise a line they already have): PO- or
// TO- and the first 12 hex digits of a SHA-256 of the day, SKU and lane.
func orderID(asOf series.Date, typ, sku, from, to string) string {
	h := sha256.Sum256([]byte(asOf.String() + "\x00" + typ + "\x00" + sku + "\x00" + from + "\x00" + to))
	prefix := "PO-"
	if typ == "transfer" {
		prefix = "TO-"
	}
	return prefix + hex.EncodeToString(h[:6])
}
