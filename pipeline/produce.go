package pipeline

import (
	"context"
	"fmt"
	"math"

	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/production"
	"github.com/planner-engine/planner/series"
)

// ProductionProblem builds the factories' problem from the source's
// network, capacity and pre-orders with daily forecasts: each SKU a
// factory supplies is made for its network's demand week by week
// (production.ProblemFromSnapshot). The plan covers the produce
// section's weeks, or as many whole weeks as the forecasts cover when
// they cover fewer (the notes say so). Without a sourcing rule from a
// factory there is nothing to produce (a *SkipError).
func ProductionProblem(ctx context.Context, src Source, fc *series.Forecasts, cfg config.Produce) (*production.Problem, []string, error) {
	if err := cfg.Check(config.Key("produce")); err != nil {
		return nil, nil, err
	}
	snap, err := src.Supply(ctx)
	if err != nil {
		return nil, nil, err
	}
	caps, pre, err := src.Production(ctx)
	if err != nil {
		return nil, nil, err
	}
	var notes []string
	weeks := cfg.Weeks
	if covered := fc.Horizon * fc.Freq.Days() / 7; covered < weeks {
		weeks = max(1, covered)
		notes = append(notes, fmt.Sprintf("the forecasts cover %d weeks, fewer than the %d weeks asked for: planning %d (forecast.horizon, or --horizon, sets how far they reach)",
			covered, cfg.Weeks, weeks))
	}
	prob, err := production.ProblemFromSnapshot(snap, caps, pre, fc, cfg.Settings(weeks))
	if err != nil {
		return nil, nil, &SkipError{Reason: err.Error()}
	}
	return prob, notes, nil
}

// ProductionFiles name production's inputs given as tables instead of the
// database: demand due, capacity and costs (docs/cli.md has their
// columns).
type ProductionFiles struct {
	Demand, Capacity, Costs string
}

// ProductionProblemFromFiles reads the factories' problem from tables.
func ProductionProblemFromFiles(f ProductionFiles) (*production.Problem, error) {
	var in production.Input
	var err error
	if in.Demand, err = files.ReadProductionDemand(f.Demand); err != nil {
		return nil, err
	}
	if in.Capacity, err = files.ReadFactoryCapacity(f.Capacity); err != nil {
		return nil, err
	}
	if in.Costs, err = files.ReadProductionCosts(f.Costs); err != nil {
		return nil, err
	}
	prob, err := production.ProblemFromTables(&in)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	return prob, nil
}

// ProduceResult is the factories' production plan.
type ProduceResult struct {
	Method     string
	Problem    *production.Problem
	Plans      []*production.FactoryPlan
	Exceptions []string
	Notes      []string
}

// Produce plans every factory's lots within its capacity, with the
// produce section's lot sizing (auto: every sizer as a start, the
// cheapest plan kept) and frozen weeks. Demand no period can make in time
// is a shortfall, demand made after it is due is late: both are
// exceptions, as are the problem's own.
func Produce(ctx context.Context, prob *production.Problem, cfg config.Produce) (*ProduceResult, error) {
	if err := cfg.Check(config.Key("produce")); err != nil {
		return nil, err
	}
	sizer, _ := cfg.Sizer()
	for k := range prob.Factories {
		prob.Factories[k].Frozen = cfg.Frozen
	}
	plans, err := production.PlanFactories(prob.Factories, sizer)
	if err != nil {
		return nil, err
	}
	out := &ProduceResult{Method: cfg.Method, Problem: prob, Plans: plans, Exceptions: append([]string(nil), prob.Exceptions...)}
	for k := range prob.Factories {
		f := &prob.Factories[k]
		for _, s := range plans[k].Shortfalls {
			out.Exceptions = append(out.Exceptions, fmt.Sprintf("%s at %s: %s units due in %s cannot be made in time: no capacity left",
				s.SKU, f.Name, units(s.Qty), periodLabel(prob.Periods[s.Period])))
		}
		for _, s := range plans[k].Late {
			out.Exceptions = append(out.Exceptions, fmt.Sprintf("%s at %s: %s units due in %s are late: the lead time does not fit",
				s.SKU, f.Name, units(s.Qty), periodLabel(prob.Periods[s.Period])))
		}
	}
	return out, nil
}

// ProduceFiles are the files the produce stage writes; an empty name is
// not written.
type ProduceFiles struct {
	Orders string // the production orders (.csv, .parquet, .json or .jsonl)
	Load   string // the capacity load per factory and period
}

// Write writes the plan's files and returns their rows by name.
func (r *ProduceResult) Write(f ProduceFiles) (map[string]int64, error) {
	rows := map[string]int64{}
	p := r.Problem
	if f.Orders != "" {
		if err := export.WriteProduction(f.Orders, p.Periods, p.Factories, r.Plans, r.Method); err != nil {
			return nil, err
		}
		rows[baseName(f.Orders)] = int64(r.Summary().Setups)
	}
	if f.Load != "" {
		if err := export.WriteCapacityLoad(f.Load, p.Periods, p.Factories, r.Plans); err != nil {
			return nil, err
		}
		rows[baseName(f.Load)] = int64(len(p.Factories) * len(p.Periods))
	}
	return rows, nil
}

// ProduceSummary is planner produce --json's object (docs/cli.md).
type ProduceSummary struct {
	Method         string  `json:"method"`
	Factories      int     `json:"factories"`
	Products       int     `json:"products"`
	Periods        int     `json:"periods"`
	TotalCost      float64 `json:"total_cost"`
	SetupCost      float64 `json:"setup_cost"`
	HoldingCost    float64 `json:"holding_cost"`
	Setups         int     `json:"setups"`
	ShortfallUnits float64 `json:"shortfall_units"`
	LateUnits      float64 `json:"late_units"`
	// LotForLotCost and LotForLotSetup price making each period's demand
	// in that period, the baseline.
	LotForLotCost  float64  `json:"lot_for_lot_cost"`
	LotForLotSetup int      `json:"lot_for_lot_setups"`
	Exceptions     []string `json:"exceptions"`
	Notes          []string `json:"notes"`
	Seconds        float64  `json:"seconds"`
	Out            string   `json:"out,omitempty"`
}

// Summary is the plan's --json object; the caller fills Out and Seconds.
func (r *ProduceResult) Summary() ProduceSummary {
	p := r.Problem
	s := ProduceSummary{Method: r.Method, Factories: len(p.Factories), Periods: len(p.Periods),
		Exceptions: append([]string{}, r.Exceptions...), Notes: append([]string{}, r.Notes...)}
	for k := range p.Factories {
		f, plan := &p.Factories[k], r.Plans[k]
		s.Products += len(f.Products)
		s.TotalCost += plan.Cost.All
		s.SetupCost += plan.Cost.Setup
		s.HoldingCost += plan.Cost.Holding
		s.Setups += plan.Cost.Setups
		for _, sh := range plan.Shortfalls {
			s.ShortfallUnits += sh.Qty
		}
		for _, l := range plan.Late {
			s.LateUnits += l.Qty
		}
		for _, prod := range f.Products {
			lfl := production.CostOf(prod.Demand, prod.Demand, prod.Costs)
			s.LotForLotCost += lfl.All
			s.LotForLotSetup += lfl.Setups
		}
	}
	for _, v := range []*float64{&s.TotalCost, &s.SetupCost, &s.HoldingCost, &s.ShortfallUnits, &s.LateUnits, &s.LotForLotCost} {
		*v = round2(*v)
	}
	return s
}

// Report says what the factories make, at what cost against making each
// period's demand in its period, and the exceptions.
func (r *ProduceResult) Report() StageReport {
	s := r.Summary()
	rep := StageReport{Rows: map[string]int64{"factories": int64(s.Factories)},
		Summary: fmt.Sprintf("%s production orders for %d products in %d factories over %d periods (%s): cost %.2f (setups %.2f, holding %.2f); lot-for-lot would cost %.2f",
			words.Commas(int64(s.Setups)), s.Products, s.Factories, s.Periods, s.Method, s.TotalCost, s.SetupCost, s.HoldingCost, s.LotForLotCost)}
	for _, n := range r.Notes {
		rep.Details = append(rep.Details, "note: "+n)
		rep.Notes = append(rep.Notes, "produce: "+n)
	}
	rep.listExceptions(r.Exceptions)
	return rep
}

// units formats a quantity of units: whole numbers without decimals.
func units(v float64) string {
	return fmt.Sprint(math.Round(v*100) / 100)
}

// periodLabel names a plan period in a sentence: the week of a date, or
// a numbered period.
func periodLabel(p string) string {
	if _, err := series.ParseDate(p); err == nil {
		return "the week of " + p
	}
	return "period " + p
}

// ProductionSources say where produce, run on its own, takes its problem
// from: the tables when Tables names them, else the database's network,
// with forecasts read from Forecasts or made by the forecast stage as the
// nightly run makes them.
type ProductionSources struct {
	DB, Forecasts string
	Tables        ProductionFiles
}

// Problem builds the factories' problem from the sources, with the notes
// a plan from the network may carry; cfg's forecast and produce sections
// apply.
func (s ProductionSources) Problem(ctx context.Context, cfg *config.Config) (*production.Problem, []string, error) {
	if s.Tables != (ProductionFiles{}) {
		prob, err := ProductionProblemFromFiles(s.Tables)
		return prob, nil, err
	}
	src, err := OpenDatabase(ctx, s.DB, ", or give --demand, --capacity and --costs")
	if err != nil {
		return nil, nil, err
	}
	defer src.Close()
	fc, err := UpstreamForecasts(ctx, src, s.Forecasts, cfg.Forecast)
	if err != nil {
		return nil, nil, err
	}
	return ProductionProblem(ctx, src, fc, *cfg.Produce)
}
