package pipeline

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/production"
	"github.com/planner-engine/planner/series"
)

// ProduceConfig is the produce section of planner.yaml. Zero values mean
// the defaults in DefaultProduceConfig.
type ProduceConfig struct {
	// Weeks to plan; at most what the forecast horizon covers.
	Weeks int `yaml:"weeks,omitempty" json:"weeks,omitempty"`
	// Quantile of the forecast to plan for; 0 is the mean.
	Quantile    float64 `yaml:"quantile,omitempty" json:"quantile,omitempty"`
	SetupCost   float64 `yaml:"setup_cost,omitempty" json:"setup_cost,omitempty"`
	HoldingRate float64 `yaml:"holding_rate,omitempty" json:"holding_rate,omitempty"`
	// Method is auto, ww, silver-meal, lfl or fpq.
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Service sets the safety stock left out of the netting (see
	// ProductionSettings); 0 means 0.95, negative nets all stock.
	Service float64 `yaml:"service,omitempty" json:"service,omitempty"`
	// Frozen is how many first weeks are released already.
	Frozen int `yaml:"frozen,omitempty" json:"frozen,omitempty"`
	// Format of the production orders file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultProduceConfig returns the produce settings of an empty section.
func DefaultProduceConfig() ProduceConfig {
	return ProduceConfig{Weeks: 13, SetupCost: 100, HoldingRate: 0.25, Method: "auto", Format: "csv"}
}

func (c *ProduceConfig) resolve() error {
	d := DefaultProduceConfig()
	if c.Weeks == 0 {
		c.Weeks = d.Weeks
	}
	if c.SetupCost == 0 {
		c.SetupCost = d.SetupCost
	}
	if c.HoldingRate == 0 {
		c.HoldingRate = d.HoldingRate
	}
	if c.Method == "" {
		c.Method = d.Method
	}
	if c.Format == "" {
		c.Format = d.Format
	}
	if c.Method != "auto" {
		if _, err := production.LotSizerNamed(c.Method); err != nil {
			return fmt.Errorf("produce.method: %w (or auto)", err)
		}
	}
	switch {
	case c.Weeks < 1:
		return fmt.Errorf("produce.weeks must be at least 1 (got %d)", c.Weeks)
	case c.Quantile < 0 || c.Quantile >= 1:
		return fmt.Errorf("produce.quantile must be in [0, 1) (got %v)", c.Quantile)
	case c.Service >= 1:
		return fmt.Errorf("produce.service must be below 1 (got %v)", c.Service)
	case c.SetupCost < 0 || c.HoldingRate < 0 || c.Frozen < 0:
		return fmt.Errorf("produce.setup_cost, holding_rate and frozen must be 0 or more")
	}
	return checkPlanFormat("produce", c.Format)
}

// ProduceStage plans the factories' production from the forecast stage's
// forecasts, the pre-orders, the network's stock and the capacity table,
// as planner produce --db does, and writes production.csv and
// capacity_load.csv. It runs when planner.yaml has a produce section;
// shortfalls and late lots count as the run's exceptions.
type ProduceStage struct{}

// Name implements Stage.
func (ProduceStage) Name() string { return "produce" }

// Run implements Stage.
func (ProduceStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	pc := r.Config.Produce
	if pc == nil {
		return StageReport{Summary: "skipped: no produce section in the configuration"}, nil
	}
	if r.forecasts == nil {
		return StageReport{}, fmt.Errorf("produce plans from the forecast stage's forecasts: run it too")
	}
	sup, err := r.Store.Supply(ctx)
	if err != nil {
		return StageReport{}, err
	}
	caps, pre, err := r.Store.Production(ctx)
	if err != nil {
		return StageReport{}, err
	}
	rep := StageReport{}
	weeks := pc.Weeks
	if covered := r.forecasts.Horizon / 7; r.forecasts.Freq == series.Daily && covered < weeks {
		rep.Notes = append(rep.Notes, fmt.Sprintf("produce: the forecasts cover %d weeks, fewer than produce.weeks %d: planning %d", covered, pc.Weeks, max(1, covered)))
		weeks = max(1, covered)
	}
	prob, err := ProductionFromSupply(sup, caps, pre, r.forecasts, ProductionSettings{Weeks: weeks, Quantile: pc.Quantile, SetupCost: pc.SetupCost, HoldingRate: pc.HoldingRate, Service: pc.Service})
	if err != nil {
		return StageReport{Summary: "skipped: " + err.Error()}, nil
	}
	exceptions := append([]string(nil), prob.Exceptions...)
	var sizer production.LotSizer
	if pc.Method != "auto" {
		sizer, _ = production.LotSizerNamed(pc.Method)
	}
	for k := range prob.Factories {
		prob.Factories[k].Frozen = pc.Frozen
	}
	plans, err := production.PlanFactories(prob.Factories, sizer)
	if err != nil {
		return StageReport{}, err
	}
	lots := 0
	for k := range prob.Factories {
		f := &prob.Factories[k]
		lots += plans[k].Cost.Setups
		for _, s := range plans[k].Shortfalls {
			exceptions = append(exceptions, fmt.Sprintf("%s at %s: %g units due in the week of %s cannot be made in time", s.SKU, f.Name, s.Qty, prob.Periods[s.Period]))
		}
		for _, s := range plans[k].Late {
			exceptions = append(exceptions, fmt.Sprintf("%s at %s: %g units due in the week of %s are late: the lead time does not fit", s.SKU, f.Name, s.Qty, prob.Periods[s.Period]))
		}
	}
	r.production = &export.ProductionPlan{Periods: prob.Periods, Factories: prob.Factories, Plans: plans, Method: pc.Method}
	r.productionExceptions = exceptions
	name := "production." + pc.Format
	if err := export.WriteProduction(filepath.Join(r.Dir, name), prob.Periods, prob.Factories, plans, pc.Method); err != nil {
		return StageReport{}, err
	}
	if err := r.record(name); err != nil {
		return StageReport{}, err
	}
	if err := export.WriteCapacityLoad(filepath.Join(r.Dir, "capacity_load.csv"), prob.Periods, prob.Factories, plans); err != nil {
		return StageReport{}, err
	}
	if err := r.record("capacity_load.csv"); err != nil {
		return StageReport{}, err
	}
	for i, e := range exceptions {
		if i == 20 {
			break
		}
		rep.Notes = append(rep.Notes, "produce: "+e)
	}
	rep.Exceptions = len(exceptions)
	rep.Rows = map[string]int64{"factories": int64(len(prob.Factories)), name: int64(lots)}
	rep.Summary = fmt.Sprintf("%d production orders in %d factories over %d weeks; %d exceptions", lots, len(prob.Factories), weeks, len(exceptions))
	return rep, nil
}
