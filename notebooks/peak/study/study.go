// Package study measures the peak planning on the synthetic retailer
// against the truth that made its sales: the uplifts the forecast learns
// from past peaks beside the true ones, the forecast of the next peak
// (its error and interval coverage on the peak's days apart from the
// usual days, with and without learning the peaks), and the peak plan's
// service of the peak's true demand under tight capacity beside the
// nightly replenishment's alone. The peak notebook and its test run it.
package study

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/forecast/uplift"
	"github.com/planner-engine/planner/peak"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
)

// Effect is a learned effect beside its truth.
type Effect struct {
	Type, Category  string
	Past            int
	Truth, Estimate float64
	Low, High       float64 // the central 80% of a new occurrence's uplift
}

// Scores are a forecast's errors on a set of series-days: the weighted
// absolute percentage error of the mean and the share of the sales inside
// the outermost quantiles' interval.
type Scores struct {
	Days     int
	WAPE     float64
	Coverage float64
}

// Backtest is the forecast of a held-out peak's horizon, scored apart on
// the peak's own days, the rest of its window (the dips) and the usual
// days, with the peaks learned and without.
type Backtest struct {
	Event                       string
	Date                        series.Date
	Nominal                     float64 // the interval's nominal coverage
	PeakDays, Window, Usual     Scores
	PeakDaysOff, WindowOff, Off Scores // forecast.peaks off
	Effects                     []Effect
}

// Retailer is the synthetic retailer of the study: peaks on, history up
// to the days before the event's date in year, with horizon days ahead.
func Retailer(base synth.Config, event string, date series.Date, daysBefore, horizon int) synth.Config {
	cfg := base
	cfg.Peaks = true
	if cfg.Start == 0 {
		cfg.Start = synth.DefaultConfig().Start
	}
	cfg.Days = int(date-series.Date(daysBefore)-cfg.Start) + 1
	cfg.Horizon = horizon
	return cfg
}

// RunBacktest generates retailer into dir (its history ending before the
// peak of type event on date), forecasts its horizon with fc with the
// peaks learned and without, and scores both against the horizon's true
// sales.
func RunBacktest(ctx context.Context, dir string, retailer synth.Config, event string, date series.Date, fc config.Forecast) (*Backtest, error) {
	store, gen, err := LoadRetailer(ctx, dir, retailer)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	fc.Horizon = retailer.Horizon
	fc.Peaks = "auto"
	on, err := pipeline.Forecast(ctx, store, fc)
	if err != nil {
		return nil, err
	}
	if on.Peaks == nil {
		return nil, fmt.Errorf("the forecast learned no peaks")
	}
	fc.Peaks = "off"
	off, err := pipeline.Forecast(ctx, store, fc)
	if err != nil {
		return nil, err
	}
	last, err := series.ParseDate(gen.LastDate)
	if err != nil {
		return nil, err
	}
	sales, err := synth.ReadFutureSales(filepath.Join(dir, "truth", "future_sales.csv"), last+1, retailer.Horizon)
	if err != nil {
		return nil, err
	}
	out := &Backtest{Event: event, Date: date}
	f := &on.Forecasts.Forecasts
	out.Nominal = f.Quantiles[len(f.Quantiles)-1] - f.Quantiles[0]
	w := on.Peaks.Window
	kind := func(d series.Date) int { // 0 the peak's days, 1 the dips, 2 usual
		switch {
		case d == date:
			return 0
		case d >= date-series.Date(w.Pre) && d <= date+series.Date(w.Post):
			return 1
		}
		return 2
	}
	out.PeakDays, out.Window, out.Usual = score(f, sales, kind)
	out.PeakDaysOff, out.WindowOff, out.Off = score(&off.Forecasts.Forecasts, sales, kind)

	truth, err := synth.ReadTruthEvents(filepath.Join(dir, "truth", "events.csv"))
	if err != nil {
		return nil, err
	}
	for _, t := range truth {
		e, ok := on.Peaks.Effect(t.Type, t.Category)
		if !ok {
			continue
		}
		lo, hi := e.Lifts[uplift.During].Interval(0.8)
		out.Effects = append(out.Effects, Effect{Type: t.Type, Category: t.Category, Past: e.Occurrences, Truth: t.Uplift,
			Estimate: e.Lifts[uplift.During].Mult, Low: lo, High: hi})
	}
	slices.SortFunc(out.Effects, func(a, b Effect) int {
		if a.Type != b.Type {
			if a.Type < b.Type {
				return -1
			}
			return 1
		}
		if a.Category < b.Category {
			return -1
		}
		if a.Category > b.Category {
			return 1
		}
		return 0
	})
	return out, nil
}

// score scores the forecasts' daily steps against the sales by the kind
// of day.
func score(f *series.Forecasts, sales map[series.Key][]float64, kind func(series.Date) int) (peak, window, usual Scores) {
	var abs, tot, in [3]float64
	var n [3]int
	nq := len(f.Quantiles)
	for i, k := range f.Keys {
		y, ok := sales[k]
		if !ok {
			continue
		}
		for t := 0; t < f.Horizon && t < len(y); t++ {
			d := f.Freq.Add(f.Starts[i], t)
			c := kind(d)
			m := f.Mean[i*f.Horizon+t]
			abs[c] += math.Abs(y[t] - m)
			tot[c] += y[t]
			if lo, hi := f.Quantile(i, t, 0), f.Quantile(i, t, nq-1); y[t] >= lo && y[t] <= hi {
				in[c]++
			}
			n[c]++
		}
	}
	var out [3]Scores
	for c := range out {
		out[c] = Scores{Days: n[c], WAPE: abs[c] / math.Max(tot[c], 1), Coverage: in[c] / math.Max(float64(n[c]), 1)}
	}
	return out[0], out[1], out[2]
}

// PlanStudy is the peak plan on the synthetic retailer with its DCs and
// factories cut to Tightness times their busiest usual week: the share of
// the peak week's true demand the stores' stock ready for it serves,
// beside nightly replenishment's alone, and every week a place's load
// went past its capacity (none, for a plan that keeps to them).
type PlanStudy struct {
	Event                    series.Occurrence
	Tightness                float64
	Served, ServedNoPreBuild float64
	Result                   *pipeline.PeakResult
	Exceeded                 []string
}

// LoadRetailer generates retailer into dir and loads it into a new
// in-memory database; the caller closes it.
func LoadRetailer(ctx context.Context, dir string, retailer synth.Config) (*datasets.Store, *synth.Result, error) {
	gen, err := synth.Generate(ctx, dir, retailer, nil)
	if err != nil {
		return nil, nil, err
	}
	store, err := datasets.Open(ctx, "", nil)
	if err != nil {
		return nil, nil, err
	}
	if _, err := store.Load(ctx, datasets.LoadOptions{Files: gen.Inputs()}); err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, gen, nil
}

// RunPlan generates retailer into dir, forecasts it (with the peaks
// learned) up to the peak pc names, cuts every DC's throughput and every
// factory's capacity to tightness times the busiest usual week's, and
// plans the peak as the peak stage does; then scores the stores'
// readiness on the peak week's true demand.
func RunPlan(ctx context.Context, dir string, retailer synth.Config, fc config.Forecast, pc config.Peak, tightness float64) (*PlanStudy, error) {
	store, gen, err := LoadRetailer(ctx, dir, retailer)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	horizon, o, err := pipeline.PeakHorizon(ctx, store, fc, &pc)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, fmt.Errorf("no peak to plan")
	}
	fc.Horizon = horizon
	res, err := pipeline.Forecast(ctx, store, fc)
	if err != nil {
		return nil, err
	}
	prob, err := pipeline.PeakProblem(ctx, store, &res.Forecasts.Forecasts, *o, pc)
	if err != nil {
		return nil, err
	}
	Tighten(prob, tightness)
	out, err := pipeline.Peak(ctx, store, prob, *o, res.Peaks, pc)
	if err != nil {
		return nil, err
	}
	last, err := series.ParseDate(gen.LastDate)
	if err != nil {
		return nil, err
	}
	days := int(o.First+7-last) - 1
	sales, err := synth.ReadFutureSales(filepath.Join(dir, "truth", "future_sales.csv"), last+1, days)
	if err != nil {
		return nil, err
	}
	demand := map[[2]string]float64{}
	for k, y := range sales {
		for d := o.First; d < o.First+7; d++ {
			demand[[2]string{k.SKU, k.Location}] += y[int(d-last-1)]
		}
	}
	st := &PlanStudy{Event: *o, Tightness: tightness, Result: out,
		Served: pipeline.Served(out.Plan, demand), ServedNoPreBuild: pipeline.Served(out.NoPreBuild, demand)}
	for _, r := range []*peak.Result{out.Plan, out.NoPreBuild} {
		for _, l := range r.Loads {
			if !l.Unlimited && l.Peak > math.Max(0, l.Capacity-l.Usual)+1e-6 {
				st.Exceeded = append(st.Exceeded, fmt.Sprintf("%s %s in week %d: %.0f usual + %.0f peak > %.0f", l.Kind, l.Place, l.Bucket, l.Usual, l.Peak, l.Capacity))
			}
		}
	}
	return st, nil
}

// Tighten sets every DC's throughput and every factory's capacity to
// tightness times the usual flow of its busiest week before the peak (a
// network with little room beyond its usual weeks), and keeps each store's
// capacity.
func Tighten(p *peak.Problem, tightness float64) {
	days := int(p.First - p.Start)
	dcOf := map[string]string{}
	for _, s := range p.Stores {
		dcOf[s.Name] = s.DC
	}
	factoryOf := map[string]string{}
	for _, it := range p.Items {
		if it.Factory {
			factoryOf[it.SKU] = it.Source
		}
	}
	dcDaily, facDaily := map[string][]float64{}, map[string][]float64{}
	add := func(m map[string][]float64, k string, x []float64) {
		if m[k] == nil {
			m[k] = make([]float64, days)
		}
		for t := range x {
			m[k][t] += x[t]
		}
	}
	for _, l := range p.Lines {
		add(dcDaily, dcOf[l.Store], l.Daily)
		if f, ok := factoryOf[l.SKU]; ok {
			add(facDaily, f, l.Daily)
		}
	}
	busiest := func(x []float64) float64 {
		var best float64
		for lo := 0; lo+7 <= len(x); lo++ {
			var s float64
			for t := lo; t < lo+7; t++ {
				s += x[t]
			}
			best = math.Max(best, s/7)
		}
		return best
	}
	for i := range p.DCs {
		p.DCs[i].Throughput = math.Ceil(tightness * busiest(dcDaily[p.DCs[i].Name]))
	}
	for i := range p.Factories {
		c := math.Ceil(tightness * busiest(facDaily[p.Factories[i].Name]))
		for t := range p.Factories[i].Daily {
			p.Factories[i].Daily[t] = c
		}
	}
}
