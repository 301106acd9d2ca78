package pipeline

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/replenish"
)

// NetworkFrom joins supply data and forecasts into items. Forecasts
// start the day after each series' last sale; the plan starts the day
// after the stock positions, so each forecast is shifted to that day.
// Where a lane needs more days than the forecast has (lead time, review
// and shelf life), its last week repeats, weekdays kept. Daily standard
// deviations come from the widest interval of quantiles the forecast
// carries (the lowest and the highest).
func NetworkFrom(sup *datasets.Supply, res *forecast.Result, target replenish.Target) *replenish.Network {
	type key struct{ sku, loc string }
	start := sup.AsOf + 1
	h := res.Horizon
	days := h
	for _, l := range sup.Lanes {
		days = max(days, int(math.Ceil(l.LeadTime+4*l.LeadTimeSD))+l.Review+1, int(math.Ceil(l.LeadTime))+sup.Products[l.SKU].ShelfLife)
	}
	source := func(t int) int {
		if t < h {
			return max(t, 0)
		}
		week := min(7, h)
		return h - week + (t-h)%week
	}
	mean, variance := map[key][]float64{}, map[key][]float64{}
	for i, k := range res.Keys {
		kk := key{k.SKU, k.Location}
		if mean[kk] == nil {
			mean[kk], variance[kk] = make([]float64, days), make([]float64, days)
		}
		offset := int(start - res.Starts[i])
		for t := range days {
			src := source(t + offset)
			mean[kk][t] += res.Mean[i*h+src]
			variance[kk][t] += res.Variance(i, src)
		}
	}
	positions := map[key]datasets.StockPosition{}
	for _, p := range sup.Positions {
		positions[key{p.SKU, p.Location}] = p
	}
	net := &replenish.Network{AsOf: sup.AsOf}
	laned := map[key]bool{}
	item := func(kk key) *replenish.Item {
		pos := positions[kk]
		prod := sup.Products[kk.sku]
		it := &replenish.Item{SKU: kk.sku, Location: kk.loc, Target: target, ShelfLife: prod.ShelfLife,
			Position: replenish.Position{OnHand: pos.OnHand, OnOrder: pos.OnOrder, InTransit: pos.InTransit, Backorders: pos.Backorders, Reserved: pos.Reserved}}
		if m := mean[kk]; m != nil {
			it.Mean = m
			it.SD = make([]float64, len(m))
			for t, v := range variance[kk] {
				it.SD[t] = math.Sqrt(v)
			}
		}
		return it
	}
	for _, l := range sup.Lanes {
		kk := key{l.SKU, l.To}
		if laned[kk] {
			continue // a second source for the same SKU and location: the first (sorted) is used
		}
		laned[kk] = true
		it := item(kk)
		prod := sup.Products[l.SKU]
		multiple := l.Multiple
		if multiple <= 1 && prod.PackSize > 1 {
			multiple = prod.PackSize
		}
		cost := prod.UnitCost
		if l.HasUnitCost {
			cost = l.UnitCost
		}
		it.Lane = replenish.Lane{From: l.From, Transfer: sup.Locations[l.From].Type == "dc", LeadTime: l.LeadTime, LeadTimeSD: l.LeadTimeSD,
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

// SetTargets classifies the items (ABC by forecast value, XYZ by forecast
// variability) and sets each one's target: a per-SKU override (for the
// location, then for every location), else its class's, else --target.
func SetTargets(net *replenish.Network, tt replenish.TargetType, classes replenish.ClassTargets, overrides map[[2]string]float64) {
	replenish.Classify(net.Items)
	for _, it := range net.Items {
		if v, ok := overrides[[2]string{it.SKU, it.Location}]; ok {
			it.Target = replenish.Target{Level: v, Type: tt}
		} else if v, ok := overrides[[2]string{it.SKU, ""}]; ok {
			it.Target = replenish.Target{Level: v, Type: tt}
		} else if v, ok := classes.Level(it.Class); ok {
			it.Target = replenish.Target{Level: v, Type: tt}
		}
	}
}

// ReplenishConfig is the replenish section of planner.yaml. Zero values
// mean the defaults in DefaultReplenishConfig.
type ReplenishConfig struct {
	Policy     string  `yaml:"policy,omitempty" json:"policy,omitempty"`
	Target     float64 `yaml:"target,omitempty" json:"target,omitempty"`
	TargetType string  `yaml:"target_type,omitempty" json:"target_type,omitempty"`
	// ClassTargets are levels per ABC / XYZ class, such as A=0.98,B=0.95.
	ClassTargets string `yaml:"class_targets,omitempty" json:"class_targets,omitempty"`
	// Format of the orders file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultReplenishConfig returns the replenish settings of an empty
// section.
func DefaultReplenishConfig() ReplenishConfig {
	return ReplenishConfig{Policy: "order-up-to", Target: 0.95, TargetType: "fill", Format: "csv"}
}

func (c *ReplenishConfig) resolve() error {
	d := DefaultReplenishConfig()
	if c.Policy == "" {
		c.Policy = d.Policy
	}
	if c.Target == 0 {
		c.Target = d.Target
	}
	if c.TargetType == "" {
		c.TargetType = d.TargetType
	}
	if c.Format == "" {
		c.Format = d.Format
	}
	if _, err := PolicyNamed(c.Policy); err != nil {
		return fmt.Errorf("replenish.policy: %w", err)
	}
	if !(c.Target > 0 && c.Target < 1) {
		return fmt.Errorf("replenish.target must be between 0 and 1 (got %v)", c.Target)
	}
	if _, err := replenish.ParseTargetType(c.TargetType); err != nil {
		return fmt.Errorf("replenish.target_type: %w", err)
	}
	if _, err := replenish.ParseClassTargets(c.ClassTargets); err != nil {
		return fmt.Errorf("replenish.class_targets: %w", err)
	}
	return checkPlanFormat("replenish", c.Format)
}

// checkPlanFormat accepts the formats plan files are written in.
func checkPlanFormat(section, format string) error {
	switch format {
	case "csv", "parquet", "json", "jsonl":
		return nil
	}
	return fmt.Errorf("%s.format %q is not csv, parquet, json or jsonl", section, format)
}

// PolicyNamed returns the replenishment policy of a name: order-up-to (or
// auto), base-stock, reorder-point or min-max.
func PolicyNamed(name string) (replenish.Policy, error) {
	switch name {
	case "order-up-to", "auto":
		return replenish.OrderUpTo{}, nil
	case "base-stock":
		return replenish.BaseStock{}, nil
	case "reorder-point":
		return replenish.ReorderPoint{}, nil
	case "min-max":
		return replenish.MinMax{}, nil
	}
	return nil, fmt.Errorf("%q is not order-up-to, base-stock, reorder-point or min-max", name)
}

// ReplenishStage plans the day's purchase and transfer orders from the
// forecast stage's forecasts, the latest stock positions and the sourcing
// rules, and writes orders.csv (or .parquet, .json, .jsonl). Exception
// lines (an item that sells without a sourcing rule, an MOQ far above
// demand) count as the run's exceptions. Without sourcing rules or stock
// positions there is nothing to plan and the stage says so.
type ReplenishStage struct{}

// Name implements Stage.
func (ReplenishStage) Name() string { return "replenish" }

// Run implements Stage.
func (ReplenishStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	rc := r.Config.Replenish
	sup, err := r.Store.Supply(ctx)
	if err != nil {
		return StageReport{}, err
	}
	if len(sup.Lanes) == 0 || sup.AsOf == 0 {
		return StageReport{Summary: "skipped: no sourcing rules or stock positions loaded"}, nil
	}
	if r.forecasts == nil {
		return StageReport{}, fmt.Errorf("replenish plans from the forecast stage's forecasts: run it too")
	}
	tt, _ := replenish.ParseTargetType(rc.TargetType)
	classes, _ := replenish.ParseClassTargets(rc.ClassTargets)
	policy, _ := PolicyNamed(rc.Policy)
	net := NetworkFrom(sup, r.forecasts, replenish.Target{Level: rc.Target, Type: tt})
	SetTargets(net, tt, classes, nil)
	lines := replenish.PlanNetwork(net, policy)
	r.orders = lines
	name := "orders." + rc.Format
	if err := export.WriteOrders(filepath.Join(r.Dir, name), lines); err != nil {
		return StageReport{}, err
	}
	if err := r.record(name); err != nil {
		return StageReport{}, err
	}
	var orders, exceptions int
	var units float64
	rep := StageReport{}
	for _, l := range lines {
		if l.Qty > 0 {
			orders++
			units += l.Qty
		}
		if l.Exception != "" {
			exceptions++
			if exceptions <= 20 {
				rep.Notes = append(rep.Notes, fmt.Sprintf("replenish: %s at %s: %s", l.SKU, l.To, l.Exception))
			}
		}
	}
	rep.Rows = map[string]int64{"items": int64(len(net.Items)), name: int64(orders)}
	rep.Exceptions = exceptions
	rep.Summary = fmt.Sprintf("%d orders, %.0f units for %s; %d exceptions", orders, units, sup.AsOf, exceptions)
	return rep, nil
}
