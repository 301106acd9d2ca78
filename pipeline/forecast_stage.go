package pipeline

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/forecast/hierarchy"
	"github.com/planner-engine/planner/series"
)

// ForecastConfig is the forecast section of planner.yaml. Zero values mean
// the defaults in DefaultForecastConfig.
type ForecastConfig struct {
	Horizon   int       `yaml:"horizon" json:"horizon"`
	Freq      string    `yaml:"freq,omitempty" json:"freq,omitempty"`
	Quantiles []float64 `yaml:"quantiles,omitempty" json:"quantiles,omitempty"`
	Models    string    `yaml:"models,omitempty" json:"models,omitempty"`
	Window    int       `yaml:"window,omitempty" json:"window,omitempty"`
	Drivers   string    `yaml:"drivers,omitempty" json:"drivers,omitempty"`
	Reconcile string    `yaml:"reconcile,omitempty" json:"reconcile,omitempty"`
	// Format of the forecasts file: csv or parquet.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultForecastConfig returns the forecast settings of an empty section.
func DefaultForecastConfig() ForecastConfig {
	return ForecastConfig{Horizon: 28, Quantiles: forecast.DefaultQuantiles, Models: "auto", Drivers: "auto", Reconcile: "none", Format: "csv"}
}

func (f *ForecastConfig) resolve() error {
	d := DefaultForecastConfig()
	if f.Horizon == 0 {
		f.Horizon = d.Horizon
	}
	if f.Quantiles == nil {
		f.Quantiles = d.Quantiles
	}
	if f.Models == "" {
		f.Models = d.Models
	}
	if f.Drivers == "" {
		f.Drivers = d.Drivers
	}
	if f.Reconcile == "" {
		f.Reconcile = d.Reconcile
	}
	if f.Format == "" {
		f.Format = d.Format
	}
	if f.Horizon < 1 {
		return fmt.Errorf("forecast.horizon must be at least 1 (got %d)", f.Horizon)
	}
	if f.Freq != "" {
		if _, err := series.ParseFreq(f.Freq); err != nil {
			return fmt.Errorf("forecast.freq: %w", err)
		}
	}
	for i, q := range f.Quantiles {
		if !(q > 0 && q < 1) {
			return fmt.Errorf("forecast.quantiles: %v is not strictly between 0 and 1", q)
		}
		if i > 0 && q <= f.Quantiles[i-1] {
			return fmt.Errorf("forecast.quantiles must be sorted and distinct")
		}
	}
	if _, err := forecast.ParseModels(f.Models); err != nil {
		return fmt.Errorf("forecast.models: %w", err)
	}
	if f.Reconcile != "none" {
		if _, err := hierarchy.ParseMethod(f.Reconcile); err != nil {
			return fmt.Errorf("forecast.reconcile: %w", err)
		}
	}
	switch f.Drivers {
	case "auto", "on", "off":
	default:
		return fmt.Errorf("forecast.drivers %q is not auto, on or off", f.Drivers)
	}
	if f.Format != "csv" && f.Format != "parquet" {
		return fmt.Errorf("forecast.format %q is not csv or parquet", f.Format)
	}
	return nil
}

// ForecastStage forecasts every series in the database and writes
// forecasts.csv (or .parquet) into the run folder, in the columns of planner
// forecast (docs/cli.md), with forecasts_aggregates too when reconciling.
type ForecastStage struct{}

// Name implements Stage.
func (ForecastStage) Name() string { return "forecast" }

// Run implements Stage.
func (ForecastStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	fc := r.Config.Forecast
	var freq series.Freq
	if fc.Freq != "" {
		freq, _ = series.ParseFreq(fc.Freq)
	} else {
		sum, err := r.Store.Inspect(ctx)
		if err != nil {
			return StageReport{}, err
		}
		if sum.Frequency == "" {
			return StageReport{}, fmt.Errorf("no sales to forecast")
		}
		freq, _ = series.ParseFreq(sum.Frequency)
	}
	window := fc.Window
	if window == 0 {
		window = forecast.DefaultWindow(freq)
	}
	p, err := r.Store.ReadPanel(ctx, datasets.PanelOptions{Freq: freq, TrimLeadingZeros: true, MaxPeriods: max(window, 0),
		Drivers: fc.Drivers != "off", Horizon: fc.Horizon})
	if err != nil {
		return StageReport{}, err
	}
	model, _ := forecast.ParseModels(fc.Models)
	if model, err = forecast.WithDrivers(model, p, fc.Drivers); err != nil {
		return StageReport{}, err
	}
	task := r.Progress.Start("      series", p.Len())
	opts := forecast.Options{Horizon: fc.Horizon, Quantiles: fc.Quantiles, Model: model, Window: fc.Window,
		Progress: func(done, _ int) { task.Set(done) }}
	var res, agg *forecast.Result
	if fc.Reconcile != "none" {
		method, _ := hierarchy.ParseMethod(fc.Reconcile)
		labels, err := r.Store.HierarchyLabels(ctx)
		if err != nil {
			return StageReport{}, err
		}
		levels, tree := hierarchy.RetailLevels(p.Keys, labels.Category, labels.Department, labels.Region)
		st, err := hierarchy.NewStructure(p.Keys, levels, tree)
		if err != nil {
			return StageReport{}, err
		}
		rec, err := forecast.RunReconciled(ctx, p, st, method, opts)
		if err != nil {
			return StageReport{}, err
		}
		res, agg = rec.Bottom, rec.Aggregates
	} else if res, err = forecast.Run(ctx, p, opts); err != nil {
		return StageReport{}, err
	}
	task.Done("")
	r.forecasts, r.history = res, p
	name := "forecasts." + fc.Format
	if err := r.writeForecasts(name, res); err != nil {
		return StageReport{}, err
	}
	if err := export.WriteModels(filepath.Join(r.Dir, "models.csv"), res); err != nil {
		return StageReport{}, err
	}
	if err := r.record("models.csv"); err != nil {
		return StageReport{}, err
	}
	rows := map[string]int64{"series": int64(res.Len()), name: int64(res.Len() * res.Horizon), "models.csv": int64(res.Len())}
	if agg != nil {
		aggName := "forecasts_aggregates." + fc.Format
		if err := r.writeForecasts(aggName, agg); err != nil {
			return StageReport{}, err
		}
		rows[aggName] = int64(agg.Len() * agg.Horizon)
	}
	fallbacks := 0
	for _, n := range res.Note {
		if n != "" {
			fallbacks++
		}
	}
	rep := StageReport{Rows: rows, Summary: fmt.Sprintf("%d series, %d periods ahead", res.Len(), res.Horizon)}
	if fallbacks > 0 {
		rep.Warnings = fallbacks
		rep.Notes = append(rep.Notes, fmt.Sprintf("forecast: %d series fell back to a simpler model", fallbacks))
	}
	return rep, nil
}

// writeForecasts writes a forecasts file into the run folder, atomically,
// and records it in the manifest.
func (r *Run) writeForecasts(name string, res *forecast.Result) error {
	if err := export.WriteForecasts(filepath.Join(r.Dir, name), res); err != nil {
		return err
	}
	return r.record(name)
}
