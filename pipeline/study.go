package pipeline

import (
	"context"
	"fmt"
	"strings"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/forecast/hierarchy"
	"github.com/planner-engine/planner/internal/progress"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// BacktestOptions say what Backtest measures: windows of Horizon periods
// at Windows rolling origins, for each of Models (comma-separated names).
type BacktestOptions struct {
	Horizon, Windows int
	Models           string
}

// DefaultBacktestOptions are planner backtest's defaults: three windows,
// the automatic choice beside the seasonal naive, ETS and theta. The
// horizon has none: it must be given.
func DefaultBacktestOptions() BacktestOptions {
	return BacktestOptions{Windows: 3, Models: "auto,snaive,ets,theta"}
}

// BacktestResult is the backtest's scores and the series it scored.
type BacktestResult struct {
	*forecast.BacktestResult
	Series int
	// DriverUse says which drivers were left out for want of a plan of
	// their future, or carried on by their schedule, as in the forecast.
	DriverUse forecast.DriverUse
}

// Backtest measures how accurate each model, and the automatic choice,
// would have been on the source's history: the forecast section says the
// period, window, drivers and reconciliation, as for Forecast. Scaled
// errors divide by the in-sample error from each series' first sale, as
// in the M5 competition, so the whole history is read.
func Backtest(ctx context.Context, src Source, cfg config.Forecast, opts BacktestOptions) (*BacktestResult, error) {
	if err := cfg.Check(config.Key("forecast")); err != nil {
		return nil, err
	}
	if opts.Horizon < 1 {
		return nil, fmt.Errorf("the horizon must be at least 1 period (got %d)", opts.Horizon)
	}
	if opts.Windows < 1 {
		return nil, fmt.Errorf("a backtest needs at least 1 window (got %d)", opts.Windows)
	}
	var models []forecast.Model
	for _, name := range strings.Split(opts.Models, ",") {
		if strings.TrimSpace(name) == "" {
			continue
		}
		m, err := forecast.ModelNamed(name)
		if err != nil {
			return nil, err
		}
		models = append(models, m)
	}
	if len(models) == 0 {
		return nil, fmt.Errorf("no model to backtest: name one or more, such as auto,snaive,ets")
	}
	p, err := readHistory(ctx, src, cfg, datasets.PanelOptions{Horizon: opts.Horizon})
	if err != nil {
		return nil, err
	}
	// One decision on the drivers for every model: WithDrivers leaves the
	// panel's drivers in place exactly when it wraps its model.
	var use forecast.DriverUse
	if p.Exog != nil {
		if models[0], use, err = forecast.WithDrivers(models[0], p, cfg.Drivers); err != nil {
			return nil, err
		}
		for i := 1; i < len(models) && p.Exog != nil; i++ {
			models[i] = forecast.Regression{Inner: models[i]}
		}
	}
	task := progress.From(ctx).Start("backtest", len(models)*opts.Windows)
	bo := forecast.BacktestOptions{Horizon: opts.Horizon, Windows: opts.Windows, Models: models,
		Window: cfg.Window, Progress: func(done, _ int) { task.Set(done) }}
	if cfg.Reconcile != "none" {
		bo.Method, _ = hierarchy.ParseMethod(cfg.Reconcile)
		labels, err := src.HierarchyLabels(ctx)
		if err != nil {
			return nil, err
		}
		bo.Hierarchy = func(keys []series.Key) (*hierarchy.Structure, error) {
			levels, tree := hierarchy.RetailLevels(keys, labels.Category, labels.Department, labels.Region)
			return hierarchy.NewStructure(keys, levels, tree)
		}
	}
	res, err := forecast.Backtest(ctx, p, bo)
	if err != nil {
		task.Fail()
		return nil, err
	}
	task.Done("")
	return &BacktestResult{BacktestResult: res, Series: p.Len(), DriverUse: use}, nil
}

// readHistory reads the sales at the forecast section's period (the
// sales' own when it names none), with drivers unless they are off; opts
// says the rest (the drivers' horizon, the most recent periods a series,
// the days a simulation replays).
func readHistory(ctx context.Context, src Source, cfg config.Forecast, opts datasets.PanelOptions) (*series.Panel, error) {
	freq := cfg.Period()
	if freq == 0 {
		var err error
		if freq, err = src.Frequency(ctx); err != nil {
			return nil, err
		}
		if freq == 0 {
			return nil, skip("no sales to read")
		}
	}
	task := progress.From(ctx).Start("read series", 0)
	opts.Freq, opts.TrimLeadingZeros, opts.Drivers = freq, true, cfg.Drivers != "off"
	p, err := src.ReadPanel(ctx, opts)
	if err != nil {
		task.Fail()
		return nil, err
	}
	task.Done(words.Commas(int64(p.Len())) + " series")
	if p.Len() == 0 {
		return nil, skip("no sales to read")
	}
	return p, nil
}

// SimulateOptions say how Simulate replays a policy (replenish.SimOptions
// has each setting's meaning): the holdout, lead time and review in days,
// the target, and the policy's name: auto, order-up-to, base-stock,
// reorder-point, min-max, or cover (CoverDays of recent average sales).
type SimulateOptions struct {
	Holdout              int
	LeadTime, LeadTimeSD float64
	Review               int
	Target               float64
	TargetType           string
	Policy               string
	CoverDays            float64
	Backorders           bool
	// Refit is the days between re-estimations of each series' model.
	Refit int
	// Drivers is as the forecast section's: auto uses the drivers the
	// sales carry when a plan (the promotions and prices tables) gave
	// them for the replayed days, or they keep to a schedule; on uses
	// all; off none.
	Drivers string
	Seed    uint64
}

// DefaultSimulateOptions are planner simulate's defaults: a weekly review
// to the replenish section's default target, the automatic policy, the
// cover rule at 14 days, models re-estimated every 91 days. The holdout
// and the lead time have none: they must be given.
func DefaultSimulateOptions() SimulateOptions {
	r := config.DefaultReplenish()
	return SimulateOptions{Review: 7, Target: r.Target, TargetType: r.TargetType, Policy: "auto", CoverDays: 14, Refit: 91, Seed: 1, Drivers: "auto"}
}

// Check checks the options, naming each setting as name(key) does (keys:
// holdout_days, lead_time, lead_time_sd, review, target, target_type,
// policy, cover_days, refit, drivers).
func (o *SimulateOptions) Check(name func(key string) string) error {
	switch {
	case o.Holdout < 1:
		return fmt.Errorf("%s must be at least 1 (got %d)", name("holdout_days"), o.Holdout)
	case !(o.LeadTime > 0 && o.LeadTime < 1e6):
		return fmt.Errorf("%s must be more than 0 days (got %v)", name("lead_time"), o.LeadTime)
	case !(o.LeadTimeSD >= 0 && o.LeadTimeSD < 1e6):
		return fmt.Errorf("%s must be 0 or more days (got %v)", name("lead_time_sd"), o.LeadTimeSD)
	case o.Review < 1:
		return fmt.Errorf("%s must be at least 1 day (got %d)", name("review"), o.Review)
	case !(o.Target > 0 && o.Target < 1):
		return fmt.Errorf("%s must be between 0 and 1 (got %v)", name("target"), o.Target)
	case o.Refit < 1:
		return fmt.Errorf("%s must be at least 1 day (got %d)", name("refit"), o.Refit)
	case o.Drivers != "auto" && o.Drivers != "on" && o.Drivers != "off":
		return fmt.Errorf("%s %q is not auto, on or off", name("drivers"), o.Drivers)
	}
	if _, err := replenish.ParseTargetType(o.TargetType); err != nil {
		return fmt.Errorf("%s %q is not fill or csl", name("target_type"), o.TargetType)
	}
	if o.Policy == "cover" {
		if !(o.CoverDays > 0 && o.CoverDays < 1e6) {
			return fmt.Errorf("%s must be more than 0 (got %v)", name("cover_days"), o.CoverDays)
		}
		return nil
	}
	if _, err := replenish.PolicyNamed(o.Policy, o.Review); err != nil {
		return fmt.Errorf("%s %q is not auto, order-up-to, base-stock, reorder-point, min-max or cover", name("policy"), o.Policy)
	}
	return nil
}

// SimResult is what one policy achieved in a simulation.
type SimResult = replenish.SimResult

// Score is one model's accuracy in a backtest.
type Score = forecast.Score

// WriteBacktest writes a backtest's scores per series and model (CSV).
func WriteBacktest(path string, r *BacktestResult) error {
	return export.WriteBacktest(path, r.BacktestResult)
}

// SimulateResult is the policy's replay beside the tuned baselines.
type SimulateResult struct {
	*replenish.Comparison
	Series int
	// DriverUse says which drivers nothing planned for the replayed days
	// were left out, or carried on by their schedule, as in the forecast.
	DriverUse forecast.DriverUse
}

// Simulate replays the policy over the last Holdout days of the source's
// daily sales: at each review it forecasts from the sales up to that day
// and orders with the policy; beside it, a weeks-of-cover rule and an ERP
// min / max, each tuned to the policy's fill rate with the least stock.
func Simulate(ctx context.Context, src Source, o SimulateOptions) (*SimulateResult, error) {
	if err := o.Check(func(key string) string { return key }); err != nil {
		return nil, err
	}
	tt, _ := replenish.ParseTargetType(o.TargetType)
	main := func(float64) replenish.Policy { p, _ := replenish.PolicyNamed(o.Policy, o.Review); return p }
	if o.Policy == "cover" {
		main = func(avg float64) replenish.Policy { return replenish.Cover{Days: o.CoverDays, Average: avg} }
	}
	opts := replenish.SimOptions{Holdout: o.Holdout, LeadTime: o.LeadTime, LeadTimeSD: o.LeadTimeSD, Review: o.Review,
		Target: replenish.Target{Level: o.Target, Type: tt}, Backorders: o.Backorders, Seed: o.Seed}
	// The drivers' plan marks are read as on the day before the holdout:
	// a promotion plan reaching into it was known ahead of it.
	p, err := readHistory(ctx, src, config.Forecast{Freq: "D", Drivers: o.Drivers}, datasets.PanelOptions{Horizon: opts.Horizon(), Replay: o.Holdout})
	if err != nil {
		return nil, err
	}
	model, use, err := forecast.WithDrivers(forecast.Auto{}, p, o.Drivers)
	if err != nil {
		return nil, err
	}
	task := progress.From(ctx).Start("simulate", p.Len())
	opts.Forecaster = func() replenish.Forecaster {
		return &forecast.Updater{Model: model, Freq: series.Daily, Refit: o.Refit}
	}
	opts.Progress = func(done, _ int) { task.Set(done) }
	c, err := replenish.Compare(ctx, p, main, opts)
	if err != nil {
		task.Fail()
		return nil, err
	}
	task.Done("")
	return &SimulateResult{Comparison: c, Series: p.Len(), DriverUse: use}, nil
}
