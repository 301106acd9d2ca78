package pipeline

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/forecast/hierarchy"
	"github.com/planner-engine/planner/forecast/uplift"
	"github.com/planner-engine/planner/internal/progress"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
)

// ForecastResult is what the forecast stage makes: the forecasts of every
// series, the aggregates' when reconciling, and the history they were made
// from (the report draws its recent sales).
type ForecastResult struct {
	Forecasts  *forecast.Result
	Aggregates *forecast.Result
	History    *series.Panel
	// Overridden counts the series-days a planner's override set.
	Overridden int
	// Peaks is what the forecast learned of the calendar's peaks; nil
	// without peaks. PeakPeriods counts the series-periods ahead a peak's
	// window moved, PeakMasked the periods of history left out of the
	// models' fit as a peak's.
	Peaks                   *uplift.Model
	PeakPeriods, PeakMasked int
}

// Forecast forecasts every series of the source with the forecast
// section's settings: at the section's period (the sales' own when it
// names none), on the most recent Window periods (three years by
// default), with prices and promotions as drivers unless they are off,
// reconciled across the product and location hierarchies when asked,
// then with the planners' overrides applied (forecast.ApplyOverrides; the
// aggregates keep the statistical forecast).
func Forecast(ctx context.Context, src Source, cfg config.Forecast) (*ForecastResult, error) {
	if err := cfg.Check(config.Key("forecast")); err != nil {
		return nil, err
	}
	popts, err := panelOptions(ctx, src, cfg)
	if err != nil {
		return nil, err
	}
	if popts.Freq == 0 {
		return nil, skip("no sales to forecast")
	}
	prog := progress.From(ctx)
	task := prog.Start("read series", 0)
	p, err := src.ReadPanel(ctx, popts)
	if err != nil {
		task.Fail()
		return nil, err
	}
	task.Done(words.Commas(int64(p.Len())) + " series")
	if p.Len() == 0 {
		return nil, skip("no sales to forecast")
	}
	cal, err := readPeakCalendar(ctx, src, cfg)
	if err != nil {
		return nil, err
	}
	var peaks *uplift.Model
	masked := 0
	if cal != nil {
		task = prog.Start("forecast: learn the peaks", 0)
		if peaks, err = peakModel(ctx, src, p, cal); err != nil {
			task.Fail()
			return nil, err
		}
		masked = peaks.Mask(p, cal.occ, cal.labels)
		task.Done(words.Plural(len(peaks.Past), "past peak"))
	}
	model, err := forecast.ParseModels(cfg.Models)
	if err != nil {
		return nil, err
	}
	var params *forecast.PanelParams
	if np := networkParams(src); np != nil {
		params = &np.PanelParams
	}
	var use forecast.DriverUse
	opts := forecast.Options{Horizon: cfg.Horizon, Quantiles: cfg.Quantiles, Window: cfg.Window, Params: params}
	switch {
	case params != nil && params.Drivers != nil:
		// The whole panel's decision, not this one's.
		use.Decision = *params.Drivers
		opts.Model, err = forecast.WithDriverDecision(model, p, *params.Drivers)
	case p.Len() > forecast.ParamsSample:
		// What is learned across series comes from the sample planner
		// split learns it on (LearnForecastParams), so that a run spread
		// over shards forecasts every series as this one does.
		task = prog.Start("forecast: learn the panel's parameters", 0)
		sample := p.Subset(series.SampleIndex(p.Len(), forecast.ParamsSample))
		if opts.Params, use, err = learnOnSample(ctx, sample, model, cfg); err != nil {
			task.Fail()
			return nil, err
		}
		task.Done("on a sample of " + words.Commas(int64(sample.Len())) + " series")
		opts.Model, err = forecast.WithDriverDecision(model, p, use.Decision)
	default:
		opts.Model, use, err = forecast.WithDrivers(model, p, cfg.Drivers)
	}
	if err != nil {
		return nil, err
	}
	task = prog.Start("forecast", p.Len())
	opts.Progress = func(done, _ int) { task.Set(done) }
	out := &ForecastResult{History: p, Peaks: peaks, PeakMasked: masked}
	if cfg.Reconcile != "none" {
		method, _ := hierarchy.ParseMethod(cfg.Reconcile)
		labels, err := src.HierarchyLabels(ctx)
		if err != nil {
			task.Fail()
			return nil, err
		}
		levels, tree := hierarchy.RetailLevels(p.Keys, labels.Category, labels.Department, labels.Region)
		st, err := hierarchy.NewStructure(p.Keys, levels, tree)
		if err != nil {
			task.Fail()
			return nil, err
		}
		rec, err := forecast.RunReconciled(ctx, p, st, method, opts)
		if err != nil {
			task.Fail()
			return nil, err
		}
		out.Forecasts, out.Aggregates = rec.Bottom, rec.Aggregates
	} else if out.Forecasts, err = forecast.Run(ctx, p, opts); err != nil {
		task.Fail()
		return nil, err
	}
	out.Forecasts.DriverUse = use
	if peaks != nil {
		out.PeakPeriods = peaks.Apply(&out.Forecasts.Forecasts, cal.occ, cal.labels)
	}
	task.Done(words.Commas(int64(out.Forecasts.Len())) + " series")
	overrides, err := src.Overrides(ctx)
	if err != nil {
		return nil, err
	}
	out.Overridden = forecast.ApplyOverrides(out.Forecasts, overrides)
	return out, nil
}

// ForecastFiles are the files the forecast stage writes; an empty name is
// not written.
type ForecastFiles struct {
	Forecasts  string // .csv or .parquet
	Aggregates string // the aggregates' forecasts, with reconciliation
	Models     string // which model forecast each series and why
	Uplift     string // what was learned of the peaks (with peaks)
}

// Write writes the forecasts' files, each atomically, and returns the
// rows written by file name.
func (r *ForecastResult) Write(files ForecastFiles) (map[string]int64, error) {
	rows := map[string]int64{}
	res := r.Forecasts
	if files.Forecasts != "" {
		if err := export.WriteForecasts(files.Forecasts, res); err != nil {
			return nil, err
		}
		rows[baseName(files.Forecasts)] = int64(res.Len() * res.Horizon)
	}
	if files.Aggregates != "" {
		if r.Aggregates == nil {
			return nil, fmt.Errorf("there are no aggregates' forecasts to write without reconciliation")
		}
		if err := export.WriteForecasts(files.Aggregates, r.Aggregates); err != nil {
			return nil, err
		}
		rows[baseName(files.Aggregates)] = int64(r.Aggregates.Len() * r.Aggregates.Horizon)
	}
	if files.Uplift != "" && r.Peaks != nil {
		if err := export.WriteUplift(files.Uplift, r.Peaks); err != nil {
			return nil, err
		}
		rows[baseName(files.Uplift)] = int64(3 * len(r.Peaks.Effects))
	}
	if files.Models != "" {
		if err := export.WriteModels(files.Models, res); err != nil {
			return nil, err
		}
		rows[baseName(files.Models)] = int64(res.Len())
	}
	return rows, nil
}

// Report says what the forecast did: series and horizon, the model
// families chosen with their counts (models.csv has each series'), and
// the series that fell back to a simpler model.
func (r *ForecastResult) Report() StageReport {
	res := r.Forecasts
	rep := StageReport{Rows: map[string]int64{"series": int64(res.Len())},
		Summary: fmt.Sprintf("%s series, %d %s ahead", words.Commas(int64(res.Len())), res.Horizon, periodsWord(res.Freq, res.Horizon))}
	if r.Overridden > 0 {
		rep.Summary += fmt.Sprintf("; %s overridden by planners", words.Plural(r.Overridden, "series-"+periodsWord(res.Freq, 1)))
	}
	for _, f := range modelFamilies(res.Model) {
		rep.Details = append(rep.Details, fmt.Sprintf("  %-22s %s series", f.Model, words.Commas(int64(f.Series))))
	}
	if h := r.History; h != nil {
		if censored, closed := availabilityCounts(h, res); censored > 0 || closed > 0 {
			rep.Details = append(rep.Details, fmt.Sprintf("  %s series with days of unobserved demand (closed, out of stock), fitted around them; %s ahead forecast zero (closed)",
				words.Commas(int64(censored)), words.Plural(closed, "series-day")))
		}
	}
	if n := len(res.DriverUse.LeftOut); n > 0 {
		is, it, keeps := "is", "it", "it keeps"
		if n > 1 {
			is, it, keeps = "are", "them", "they keep"
		}
		note := fmt.Sprintf("drivers left out: %s %s in the sales history, but nothing plans %s ahead and %s to no schedule (load the plan with --promotions or --prices, "+
			"or set --drivers on to forecast as if none were planned)", strings.Join(res.DriverUse.LeftOut, ", "), is, it, keeps)
		rep.Details = append(rep.Details, "  "+note)
		rep.Notes = append(rep.Notes, "forecast: "+note)
	}
	if r.Peaks != nil {
		types := map[string]bool{}
		for _, e := range r.Peaks.Effects {
			types[e.Type] = true
		}
		rep.Details = append(rep.Details, fmt.Sprintf("  peaks: %s learned from %s (uplift.csv); %s of history left out of the fit, %s ahead moved by a peak",
			words.Plural(len(types), "event type"), words.Plural(len(r.Peaks.Past), "past occurrence"),
			words.Plural(r.PeakMasked, "series-"+periodsWord(res.Freq, 1)), words.Plural(r.PeakPeriods, "series-"+periodsWord(res.Freq, 1))))
	}
	if len(res.DriverUse.Scheduled) > 0 {
		rep.Details = append(rep.Details, "  drivers nothing plans, carried on by their schedule: "+strings.Join(res.DriverUse.Scheduled, ", "))
	}
	if n := fallbacks(res); n > 0 {
		rep.Warnings = n
		note := words.Commas(int64(n)) + " series fell back to a simpler model (models.csv says why)"
		rep.Details = append(rep.Details, note)
		rep.Notes = append(rep.Notes, "forecast: "+note)
	}
	return rep
}

// availabilityCounts counts the series with unobserved periods in their
// history, and the forecast days set to zero because the series' location
// is closed.
func availabilityCounts(h *series.Panel, res *forecast.Result) (censored, closed int) {
	for i := 0; i < h.Len(); i++ {
		for _, u := range h.UnobservedOf(i) {
			if u {
				censored++
				break
			}
		}
		if i < res.Len() {
			closed += len(h.ClosedSteps(i, res.Starts[i], res.Horizon))
		}
	}
	return censored, closed
}

func fallbacks(res *forecast.Result) int {
	n := 0
	for _, note := range res.Note {
		if note != "" {
			n++
		}
	}
	return n
}

// ModelCount is how many series a model, or a family of models, forecast.
type ModelCount struct {
	Model  string `json:"model"`
	Series int    `json:"series"`
}

// maxFamilies is how many model families a report lists; the rest are
// counted together.
const maxFamilies = 12

// modelFamilies counts the models by family (the name before its
// parameters: ETS(A,N,A) is ETS), most used first.
func modelFamilies(models []string) []ModelCount {
	family := make([]string, len(models))
	for i, m := range models {
		if j := strings.IndexAny(m, "([{ "); j > 0 {
			m = m[:j]
		}
		family[i] = m
	}
	out := countModels(family)
	if len(out) > maxFamilies {
		rest := ModelCount{Model: fmt.Sprintf("%d other families", len(out)-maxFamilies+1)}
		for _, c := range out[maxFamilies-1:] {
			rest.Series += c.Series
		}
		out = append(out[:maxFamilies-1], rest)
	}
	return out
}

// countModels counts each distinct name, most used first.
func countModels(models []string) []ModelCount {
	counts := map[string]int{}
	for _, m := range models {
		counts[m]++
	}
	out := make([]ModelCount, 0, len(counts))
	for m, n := range counts {
		out = append(out, ModelCount{Model: m, Series: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Series != out[j].Series {
			return out[i].Series > out[j].Series
		}
		return out[i].Model < out[j].Model
	})
	return out
}

// ForecastSummary is planner forecast --json's object (docs/cli.md).
type ForecastSummary struct {
	Out       string       `json:"out"`
	Series    int          `json:"series"`
	Horizon   int          `json:"horizon"`
	Quantiles []string     `json:"quantiles"`
	Models    []ModelCount `json:"models"`
	Fallbacks int          `json:"fallbacks"`
	Seconds   float64      `json:"seconds"`
	// DriversLeftOut and DriversScheduled say which drivers nothing plans
	// were left out, and which were carried on by their schedule.
	DriversLeftOut   []string `json:"drivers_left_out,omitempty"`
	DriversScheduled []string `json:"drivers_scheduled,omitempty"`
}

// Summary is the forecast's --json object; the caller fills Out and
// Seconds.
func (r *ForecastResult) Summary() ForecastSummary {
	res := r.Forecasts
	s := ForecastSummary{Series: res.Len(), Horizon: res.Horizon, Fallbacks: fallbacks(res), Models: countModels(res.Model),
		DriversLeftOut: res.DriverUse.LeftOut, DriversScheduled: res.DriverUse.Scheduled}
	for _, q := range res.Quantiles {
		s.Quantiles = append(s.Quantiles, forecast.QuantileName(q))
	}
	return s
}

func periodsWord(f series.Freq, n int) string {
	w := map[series.Freq]string{series.Daily: "day", series.Weekly: "week", series.Monthly: "month"}[f]
	if n != 1 {
		w += "s"
	}
	return w
}

// Values are the forecasts' means and quantiles, what plans read.
func (r *ForecastResult) Values() *series.Forecasts { return &r.Forecasts.Forecasts }
