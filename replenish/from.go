package replenish

import (
	"fmt"
	"math"
	"sort"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// NetworkFrom joins the network's snapshot and daily forecasts into the
// night's items: one per sourcing lane (the first, sorted, where a SKU
// and location have several), and one without a lane for every location
// that has forecasts but no lane, which plans into an exception line.
//
// Forecasts start the day after each series' last sale; the plan starts
// the day after the stock positions, so each forecast is shifted to that
// day. Where a lane needs more days than the forecast has (lead time with
// its spread, review and shelf life), its last week repeats, weekdays
// kept. Channels of a location are added: they sell from one stock. Daily
// standard deviations come from the widest interval of quantiles the
// forecast carries (series.Forecasts.Variance).
func NetworkFrom(snap *supply.Snapshot, fc *series.Forecasts, target Target) *Network {
	type key struct{ sku, loc string }
	start := snap.AsOf + 1
	h := fc.Horizon
	// Each SKU's days are its own lanes' need, so that its items are the
	// same whichever other SKUs are planned with it.
	days := map[string]int{}
	for _, l := range snap.Lanes {
		days[l.SKU] = max(h, days[l.SKU], int(math.Ceil(l.LeadTime+4*l.LeadTimeSD))+l.Review+1, int(math.Ceil(l.LeadTime))+snap.Products[l.SKU].ShelfLife)
	}
	source := func(t int) int {
		if t < h {
			return max(t, 0)
		}
		week := min(7, h)
		return h - week + (t-h)%week
	}
	mean, variance := map[key][]float64{}, map[key][]float64{}
	channels := map[key][]series.ChannelUnits{}
	for i, k := range fc.Keys {
		kk := key{k.SKU, k.Location}
		n := max(h, days[k.SKU])
		if mean[kk] == nil {
			mean[kk], variance[kk] = make([]float64, n), make([]float64, n)
		}
		offset := int(start - fc.Starts[i])
		units := 0.0
		for t := range n {
			src := source(t + offset)
			mean[kk][t] += fc.Mean[i*h+src]
			variance[kk][t] += fc.Variance(i, src)
			units += fc.Mean[i*h+src]
		}
		channels[kk] = series.AddChannel(channels[kk], k.Channel, units)
	}
	positions := map[key]supply.StockPosition{}
	for _, p := range snap.Positions {
		positions[key{p.SKU, p.Location}] = p
	}
	net := &Network{AsOf: snap.AsOf}
	laned := map[key]bool{}
	item := func(kk key) *Item {
		pos := positions[kk]
		prod := snap.Products[kk.sku]
		it := &Item{SKU: kk.sku, Location: kk.loc, Target: target, ShelfLife: prod.ShelfLife,
			Position: Position{OnHand: pos.OnHand, OnOrder: pos.OnOrder, InTransit: pos.InTransit, Backorders: pos.Backorders, Reserved: pos.Reserved}}
		if m := mean[kk]; m != nil {
			it.Mean, it.Channels = m, channels[kk]
			it.SD = make([]float64, len(m))
			for t, v := range variance[kk] {
				it.SD[t] = math.Sqrt(v)
			}
		}
		return it
	}
	for _, l := range snap.Lanes {
		kk := key{l.SKU, l.To}
		if laned[kk] {
			continue // a second source for the same SKU and location: the first (sorted) is used
		}
		laned[kk] = true
		it := item(kk)
		prod := snap.Products[l.SKU]
		multiple := l.Multiple
		if multiple <= 1 && prod.PackSize > 1 {
			multiple = prod.PackSize
		}
		cost := prod.UnitCost
		if l.HasUnitCost {
			cost = l.UnitCost
		}
		it.Lane = Lane{From: l.From, Transfer: snap.Locations[l.From].Type == "dc", LeadTime: l.LeadTime, LeadTimeSD: l.LeadTimeSD,
			Review: l.Review, MOQ: l.MOQ, Multiple: multiple, OrderDays: l.OrderDays, UnitCost: cost}
		net.Items = append(net.Items, it)
	}
	// Locations that sell but have no sourcing rule: say so.
	var orphans []key
	for kk := range mean {
		if !laned[kk] {
			orphans = append(orphans, kk)
		}
	}
	sort.Slice(orphans, func(a, b int) bool {
		if orphans[a].sku != orphans[b].sku {
			return orphans[a].sku < orphans[b].sku
		}
		return orphans[a].loc < orphans[b].loc
	})
	for _, kk := range orphans {
		net.Items = append(net.Items, item(kk))
	}
	return net
}

// TargetOverride is a service level set for one SKU, at one location or
// ("") at every location.
type TargetOverride struct {
	SKU, Location string
	Level         float64
}

// SetTargets classifies the items (ABC by forecast value against the
// cuts, XYZ by forecast variability) and sets each one's target: an override for the SKU at the
// location, then for the SKU at every location, else its class's level,
// else the target it has.
func SetTargets(items []*Item, cuts ClassCuts, tt TargetType, classes ClassTargets, overrides []TargetOverride) {
	Classify(items, cuts)
	byKey := make(map[[2]string]float64, len(overrides))
	for _, o := range overrides {
		byKey[[2]string{o.SKU, o.Location}] = o.Level
	}
	for _, it := range items {
		if v, ok := byKey[[2]string{it.SKU, it.Location}]; ok {
			it.Target = Target{Level: v, Type: tt}
		} else if v, ok := byKey[[2]string{it.SKU, ""}]; ok {
			it.Target = Target{Level: v, Type: tt}
		} else if v, ok := classes.Level(it.Class); ok {
			it.Target = Target{Level: v, Type: tt}
		}
	}
}

// PolicyNames are the policies PolicyNamed knows, as --policy and
// planner.yaml spell them.
var PolicyNames = []string{"auto", "order-up-to", "base-stock", "reorder-point", "min-max"}

// PolicyNamed returns the policy of a name: order-up-to, base-stock,
// reorder-point, min-max (minmax too), or auto: base-stock when every
// review is daily (review 1), order-up-to otherwise (review 0: not known).
func PolicyNamed(name string, review int) (Policy, error) {
	switch name {
	case "auto":
		if review == 1 {
			return BaseStock{}, nil
		}
		return OrderUpTo{}, nil
	case "order-up-to":
		return OrderUpTo{}, nil
	case "base-stock":
		return BaseStock{}, nil
	case "reorder-point":
		return ReorderPoint{}, nil
	case "min-max", "minmax":
		return MinMax{}, nil
	}
	return nil, fmt.Errorf("%q is not auto, order-up-to, base-stock, reorder-point or min-max", name)
}
