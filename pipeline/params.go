package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/forecast/uplift"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// ParamsName is the network's parameters file planner split writes beside
// the shards' inputs.
const ParamsName = "params.json"

// NetworkParams are what the plans learn across the whole network rather
// than from each SKU alone: the forecast's panel-level parameters, the
// value cuts of the ABC classes, and the priors of the price
// elasticities. A run spread over shards learns them once on all the data
// (planner split) and every shard plans with them, so that each SKU's plan
// is the same whichever shard it falls in.
type NetworkParams struct {
	forecast.PanelParams
	// Classes are the ABC cuts of replenishment (replenish.CutsOf).
	Classes *replenish.ClassCuts `json:"classes,omitempty"`
	// PricePools are the elasticities' priors; nil when the run does not
	// price.
	PricePools *pricing.Pools `json:"price_pools,omitempty"`
	// HistoryEnd is the network's last day of sales (YYYY-MM-DD): the
	// plans start the day after it, even in a shard whose own SKUs all
	// stopped selling before it, as they would in the whole run.
	HistoryEnd string `json:"history_end,omitempty"`
	// Peaks are the calendar peaks' effects per event type and category,
	// learned on the forecast's sample (each shard adds its own products'
	// deviations); nil without peaks.
	Peaks *uplift.Model `json:"peaks,omitempty"`
}

// historyEnd is the network's last day of sales when the source carries
// the network's parameters, else 0 (the source's own).
func historyEnd(src Source) series.Date {
	p := networkParams(src)
	if p == nil || p.HistoryEnd == "" {
		return 0
	}
	d, err := series.ParseDate(p.HistoryEnd)
	if err != nil {
		return 0 // ReadNetworkParams checked it
	}
	return d
}

// paramsSource is a source whose network-wide parameters were learned on
// more than it holds.
type paramsSource struct {
	Source
	params *NetworkParams
}

// networkParams are the parameters the source carries, or nil when the
// plans learn them from the source itself.
func networkParams(src Source) *NetworkParams {
	if s, ok := src.(*paramsSource); ok {
		return s.params
	}
	return nil
}

// SourceFor is the source the plans of cfg read: src itself, or src with
// the network's parameters of cfg.Params (a shard of a run).
func SourceFor(src Source, cfg *config.Config) (Source, error) {
	if cfg.Params == "" {
		return src, nil
	}
	p, err := ReadNetworkParams(cfg.Params)
	if err != nil {
		return nil, err
	}
	return &paramsSource{Source: src, params: p}, nil
}

// ReadNetworkParams reads a parameters file (planner split's params.json),
// refusing fields it does not know.
func ReadNetworkParams(path string) (*NetworkParams, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, &InputError{fmt.Errorf("params: %s cannot be read; it is the params.json planner split writes", path)}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p NetworkParams
	if err := dec.Decode(&p); err != nil {
		return nil, &InputError{fmt.Errorf("params: %s is not a parameters file (the params.json planner split writes)", path)}
	}
	if _, err := series.ParseDate(p.HistoryEnd); p.HistoryEnd != "" && err != nil {
		return nil, &InputError{fmt.Errorf("params: %s: history_end %q is not a date (YYYY-MM-DD)", path, p.HistoryEnd)}
	}
	return &p, nil
}

// LearnNetworkParams learns on all of the source what the plans of cfg
// learn across the network: the last day of sales, the forecast's
// parameters on a sample of the series (LearnForecastParams), the ABC
// cuts from the recent sales, and, when the run prices, the elasticities'
// priors from every product.
func LearnNetworkParams(ctx context.Context, src Source, cfg *config.Config) (*NetworkParams, error) {
	p := &NetworkParams{}
	end, err := src.SalesEnd(ctx)
	if err != nil {
		return nil, err
	}
	if end != 0 {
		p.HistoryEnd = end.String()
	}
	fp, peaks, err := LearnForecastParams(ctx, src, cfg.Forecast)
	if err != nil {
		return nil, err
	}
	if fp != nil {
		p.PanelParams = *fp
	}
	p.Peaks = peaks
	cuts, err := classCuts(ctx, src)
	if err != nil {
		return nil, err
	}
	p.Classes = &cuts
	if cfg.Price != nil {
		if p.PricePools, err = learnPricePools(ctx, src, *cfg.Price, pricePoolPart); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// classCuts are the ABC cuts: the network's, or the source's own recent
// sales'.
func classCuts(ctx context.Context, src Source) (replenish.ClassCuts, error) {
	if p := networkParams(src); p != nil && p.Classes != nil {
		return *p.Classes, nil
	}
	values, err := src.SeriesValues(ctx, replenish.ClassDays)
	if err != nil {
		return replenish.ClassCuts{}, err
	}
	return replenish.CutsOf(values), nil
}

// LearnForecastParams learns the forecast's panel-level parameters on a
// sample of the source's series (forecast.ParamsSample of them, read
// chunk by chunk), with the forecast section's settings: the pre-pass of
// a run spread over shards. A whole run learns them on the same sample
// (Forecast), both through learnOnSample. With peaks in the calendar, it
// learns their effects on the sample first (learnPeaks) and the
// parameters on the sample with the peaks' windows left out, as the
// whole run does.
func LearnForecastParams(ctx context.Context, src Source, cfg config.Forecast) (*forecast.PanelParams, *uplift.Model, error) {
	if err := cfg.Check(config.Key("forecast")); err != nil {
		return nil, nil, err
	}
	opts, err := panelOptions(ctx, src, cfg)
	if err != nil || opts.Freq == 0 {
		return nil, nil, err
	}
	opts.Sample = forecast.ParamsSample
	sample, err := src.ReadPanel(ctx, opts)
	if err != nil || sample.Len() == 0 {
		return nil, nil, err
	}
	model, err := forecast.ParseModels(cfg.Models)
	if err != nil {
		return nil, nil, err
	}
	cal, err := readPeakCalendar(ctx, src, cfg)
	if err != nil {
		return nil, nil, err
	}
	var peaks *uplift.Model
	if cal != nil {
		if peaks, err = learnPeaks(ctx, src, sample, cal); err != nil {
			return nil, nil, err
		}
		peaks.Mask(sample, cal.occ, cal.labels)
	}
	params, _, err := learnOnSample(ctx, sample, model, cfg)
	return params, peaks, err
}

// learnOnSample decides the drivers and learns the panel-level parameters
// on a sample of the series: what split writes and what a whole run of
// more than forecast.ParamsSample series forecasts with, which must be
// the same.
func learnOnSample(ctx context.Context, sample *series.Panel, model forecast.Model, cfg config.Forecast) (*forecast.PanelParams, forecast.DriverUse, error) {
	learner, use, err := forecast.WithDrivers(model, sample, cfg.Drivers)
	if err != nil {
		return nil, use, err
	}
	params, err := forecast.LearnParams(ctx, sample, forecast.Options{Horizon: cfg.Horizon, Quantiles: cfg.Quantiles, Model: learner, Window: cfg.Window})
	if err != nil {
		return nil, use, err
	}
	params.Drivers = &use.Decision
	return params, use, nil
}

// panelOptions are how the forecast reads its series: at the section's
// frequency (the data's own when unset; 0 without sales), cut to its
// window, with drivers unless they are off.
func panelOptions(ctx context.Context, src Source, cfg config.Forecast) (datasets.PanelOptions, error) {
	freq := cfg.Period()
	if freq == 0 {
		var err error
		if freq, err = src.Frequency(ctx); err != nil || freq == 0 {
			return datasets.PanelOptions{}, err
		}
	}
	window := cfg.Window
	if window == 0 {
		window = forecast.DefaultWindow(freq)
	}
	return datasets.PanelOptions{Freq: freq, TrimLeadingZeros: true, MaxPeriods: max(window, 0),
		Drivers: cfg.Drivers != "off", Horizon: cfg.Horizon, End: historyEnd(src)}, nil
}
