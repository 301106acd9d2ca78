package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/forecast/uplift"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/peak"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/production"
	"github.com/planner-engine/planner/report"
	"github.com/planner-engine/planner/series"
)

// NextPeak returns the peak the section plans: the one it names (its
// event type and first day), or the calendar's next peak whose first day
// falls within its WeeksAhead weeks from start (the first day planned);
// nil when there is none.
func NextPeak(ctx context.Context, src Source, start series.Date, cfg config.Peak) (*series.Occurrence, error) {
	events, err := src.Events(ctx)
	if err != nil {
		return nil, err
	}
	occ := series.Occurrences(events, series.PeakKind)
	if cfg.Event != "" {
		typ := series.EventType(cfg.Event)
		date, err := series.ParseDate(cfg.Date)
		if err != nil {
			return nil, &InputError{Err: fmt.Errorf("peak.date %q is not a date as YYYY-MM-DD", cfg.Date)}
		}
		for _, o := range occ {
			if o.Type == typ && o.First == date {
				return &o, nil
			}
		}
		// A peak the calendar does not hold yet: one day, everywhere.
		return &series.Occurrence{Type: typ, First: date, Last: date, Region: "*"}, nil
	}
	for _, o := range occ {
		if o.First >= start && o.First < start+series.Date(7*cfg.WeeksAhead) {
			return &o, nil
		}
	}
	return nil, nil
}

// peakForecastDays returns the days of daily forecasts from start a peak
// plan needs: through the peak's first week.
func peakForecastDays(start series.Date, o *series.Occurrence) int {
	return int(o.First+6-start) + 1
}

// PeakHorizon returns the forecast horizon the nightly run needs for the
// peak section's next peak: fc's own, or more when a peak planned from the
// history's end needs more days (and then the peak).
func PeakHorizon(ctx context.Context, src Source, fc config.Forecast, cfg *config.Peak) (int, *series.Occurrence, error) {
	if cfg == nil {
		return fc.Horizon, nil, nil
	}
	end := historyEnd(src)
	if end == 0 {
		var err error
		if end, err = src.SalesEnd(ctx); err != nil || end == 0 {
			return fc.Horizon, nil, err
		}
	}
	o, err := NextPeak(ctx, src, end+1, *cfg)
	if err != nil || o == nil {
		return fc.Horizon, nil, err
	}
	freq := fc.Period()
	if freq == 0 {
		if freq, err = src.Frequency(ctx); err != nil {
			return fc.Horizon, nil, err
		}
	}
	if freq != series.Daily {
		return fc.Horizon, o, nil // Peak says why it needs days
	}
	return max(fc.Horizon, peakForecastDays(end+1, o)), o, nil
}

// PeakProblem builds the peak's plan problem from the network and the
// forecasts (with the peaks' uplift): each store's daily demand up to the
// peak and its demand over the peak's week, stock positions, DCs' and
// stores' capacities and factories' capacity by day, and each product's
// source, lead time, cost and price.
func PeakProblem(ctx context.Context, src Source, fc *series.Forecasts, o series.Occurrence, cfg config.Peak) (*peak.Problem, error) {
	if fc.Freq != series.Daily {
		return nil, fmt.Errorf("a peak is planned from daily forecasts, and these are %s: forecast by day (forecast.freq D, or --freq D)", freqWord(fc.Freq))
	}
	start := fc.First()
	if o.First <= start {
		return nil, skip("the %s peak of %s starts on or before the plan's first day %s", o.Type, o.First, start)
	}
	days := peakForecastDays(start, &o)
	if end := fc.Freq.Add(start, fc.Horizon) - 1; end < o.First+6 {
		return nil, fmt.Errorf("the forecasts end %s, before the %s peak's first week ends (%s): forecast at least %d days (forecast.horizon, or --horizon)",
			end, o.Type, o.First+6, days)
	}
	snap, err := src.Supply(ctx)
	if err != nil {
		return nil, err
	}
	caps, _, err := src.Production(ctx)
	if err != nil {
		return nil, err
	}
	terms, err := src.PricingTerms(ctx)
	if err != nil {
		return nil, err
	}
	p := &peak.Problem{Start: start, First: o.First, Last: o.Last, Service: cfg.Service}
	// DCs, and the stores they serve.
	dcs := map[string]bool{}
	for name, l := range snap.Locations {
		if l.Type == "dc" {
			dcs[name] = true
			p.DCs = append(p.DCs, peak.DC{Name: name, Throughput: l.Throughput})
		}
	}
	slices.SortFunc(p.DCs, func(a, b peak.DC) int { return cmp.Compare(a.Name, b.Name) })
	lead := map[string]float64{} // a store's longest lane from its DC
	source := map[string]int{}   // a product's lane into a DC
	for i, l := range snap.Lanes {
		if to, ok := snap.Locations[l.To]; ok && dcs[to.DC] && dcs[l.From] {
			lead[l.To] = math.Max(lead[l.To], l.LeadTime)
		}
		if dcs[l.To] && !dcs[l.From] {
			if _, ok := source[l.SKU]; !ok {
				source[l.SKU] = i
			}
		}
	}
	// Lines: each SKU and store's forecasts over its channels.
	type place struct{ sku, loc string }
	lines := map[place]*peak.Line{}
	var order []place
	for i, k := range fc.Keys {
		l, ok := snap.Locations[k.Location]
		if !ok || !dcs[l.DC] || l.Type == "dc" {
			continue
		}
		pl := place{k.SKU, k.Location}
		line := lines[pl]
		if line == nil {
			line = &peak.Line{SKU: k.SKU, Store: k.Location, Daily: make([]float64, int(o.First-start))}
			lines[pl] = line
			order = append(order, pl)
		}
		off := int(fc.Starts[i] - start)
		for t := 0; t < fc.Horizon; t++ {
			d := off + t
			switch {
			case d < len(line.Daily):
				line.Daily[d] += fc.Mean[i*fc.Horizon+t]
			case d < days:
				line.EventMean += fc.Mean[i*fc.Horizon+t]
				line.EventVar += fc.Variance(i, t)
			}
		}
	}
	slices.SortFunc(order, func(a, b place) int { return cmp.Or(cmp.Compare(a.sku, b.sku), cmp.Compare(a.loc, b.loc)) })
	stock := map[place]float64{}
	for _, sp := range snap.Positions {
		stock[place{sp.SKU, sp.Location}] += sp.Inventory()
		if dcs[sp.Location] {
			p.DCStock = append(p.DCStock, peak.DCStock{SKU: sp.SKU, DC: sp.Location, Qty: sp.Inventory()})
		}
	}
	stores := map[string]bool{}
	items := map[string]bool{}
	for _, pl := range order {
		line := lines[pl]
		line.Stock = stock[pl]
		p.Lines = append(p.Lines, *line)
		if !stores[pl.loc] {
			stores[pl.loc] = true
			l := snap.Locations[pl.loc]
			p.Stores = append(p.Stores, peak.Store{Name: pl.loc, DC: l.DC, Capacity: l.Capacity, LeadDays: lead[pl.loc]})
		}
		if !items[pl.sku] {
			items[pl.sku] = true
			it := peak.Item{SKU: pl.sku, UnitCost: snap.Products[pl.sku].UnitCost}
			if t, ok := terms[pl.sku]; ok && !math.IsNaN(t.UnitPrice) {
				it.Price = t.UnitPrice
			}
			if i, ok := source[pl.sku]; ok {
				l := snap.Lanes[i]
				it.Source, it.LeadDays = l.From, l.LeadTime
				it.Factory = snap.Locations[l.From].Type == "factory"
			}
			p.Items = append(p.Items, it)
		}
	}
	slices.SortFunc(p.Stores, func(a, b peak.Store) int { return cmp.Compare(a.Name, b.Name) })
	// Factories' capacity by day.
	daily := map[string][]float64{}
	for _, c := range caps {
		if daily[c.Factory] == nil {
			daily[c.Factory] = make([]float64, days)
		}
		n := float64(c.End - c.Start + 1)
		for d := max(c.Start, start); d <= c.End && d < start+series.Date(days); d++ {
			daily[c.Factory][d-start] += c.Capacity / n
		}
	}
	for _, it := range p.Items {
		if it.Factory && daily[it.Source] == nil {
			daily[it.Source] = make([]float64, days) // no capacity given: none
		}
	}
	for _, name := range slices.Sorted(maps.Keys(daily)) {
		p.Factories = append(p.Factories, peak.Factory{Name: name, Daily: daily[name]})
	}
	return p, nil
}

// PeakResult is the peak plan, beside the plan nightly replenishment
// alone would make, with the markdowns its leftovers call for and the
// returns expected after it.
type PeakResult struct {
	Event      series.Occurrence
	Problem    *peak.Problem
	Plan       *peak.Result
	NoPreBuild *peak.Result
	Markdowns  []PeakMarkdown
	Returns    []PeakReturn
	Notes      []string
}

// PeakMarkdown is a markdown for a product's expected leftover at a store
// after the peak: the price to mark it to now, and the units expected
// left at the markdown's end.
type PeakMarkdown struct {
	SKU, Store                   string
	Leftover                     float64
	Regular, Price               float64
	LeftAtExit, WeeklyUsualUnits float64
}

// PeakReturn is the units of a product expected back at a store in the
// fortnight after the peak: its expected sales over the peak's days times
// its category's return rate for the event (uplift.csv).
type PeakReturn struct {
	SKU, Store string
	Units      float64
	Rate       float64
}

// Peak plans the peak problem: the pre-build plan (production through
// the production package's capacitated lot sizer), the same peak as
// nightly replenishment alone would meet it, the markdowns for the
// leftovers (pricing.PlanMarkdown over the section's weeks after the
// peak) and the expected returns (by the return rates in peaks, when
// known).
func Peak(ctx context.Context, src Source, prob *peak.Problem, o series.Occurrence, peaks *uplift.Model, cfg config.Peak) (*PeakResult, error) {
	if err := cfg.Check(config.Key("peak")); err != nil {
		return nil, err
	}
	cost, price := map[string]float64{}, map[string]float64{}
	for _, it := range prob.Items {
		cost[it.SKU], price[it.SKU] = it.UnitCost, it.Price
	}
	d := config.DefaultProduce()
	produce := func(factory string, capacity []float64, due map[string][]float64) (map[string][]float64, map[string][]float64, error) {
		f := production.Factory{Name: factory, Capacity: capacity}
		skus := slices.Sorted(maps.Keys(due))
		for _, sku := range skus {
			f.Products = append(f.Products, production.Product{SKU: sku, Demand: due[sku],
				Costs: production.Costs{Setup: d.SetupCost, Holding: math.Max(cost[sku], 0.01) * d.HoldingRate / 52}})
		}
		plan, _, err := production.PlanFactoryBest(&f)
		if err != nil {
			return nil, nil, err
		}
		made, short := map[string][]float64{}, map[string][]float64{}
		for i, sku := range skus {
			made[sku] = plan.Lots[i]
		}
		for _, s := range append(plan.Shortfalls, plan.Late...) {
			if short[s.SKU] == nil {
				short[s.SKU] = make([]float64, len(capacity))
			}
			short[s.SKU][s.Period] += s.Qty
		}
		return made, short, nil
	}
	out := &PeakResult{Event: o, Problem: prob}
	var err error
	if out.Plan, err = peak.Plan(prob, peak.Options{Produce: produce}); err != nil {
		return nil, &InputError{Err: err}
	}
	if out.NoPreBuild, err = peak.Plan(prob, peak.Options{Produce: produce, NoPreBuild: true}); err != nil {
		return nil, &InputError{Err: err}
	}
	// After the peak: markdowns for the leftovers, and the returns.
	labels, err := src.HierarchyLabels(ctx)
	if err != nil {
		return nil, err
	}
	for i, r := range out.Plan.Ready {
		line := prob.Lines[i]
		var usual float64
		for _, x := range line.Daily {
			usual += x
		}
		weekly := 7 * usual / math.Max(1, float64(len(line.Daily)))
		if peaks != nil {
			if e, ok := peaks.Effect(o.Type, labels.Category[r.SKU]); ok && e.Returns && r.Mean > 0 {
				// The expected sales: what is ready less what is expected left.
				sold := r.Stock + r.Arriving - r.Leftover
				if units := sold * e.ReturnRate; units >= 0.5 {
					out.Returns = append(out.Returns, PeakReturn{SKU: r.SKU, Store: r.Store, Units: math.Round(units*10) / 10, Rate: e.ReturnRate})
				}
			}
		}
		// What usual sales clear at the regular price within half the
		// markdown's weeks needs no markdown.
		if r.Leftover < math.Max(1, weekly*float64(cfg.MarkdownWeeks)/2) || price[r.SKU] <= 0 {
			continue
		}
		demand := make([]float64, cfg.MarkdownWeeks)
		for w := range demand {
			demand[w] = weekly
		}
		md, err := pricing.PlanMarkdown(pricing.MarkdownItem{SKU: r.SKU, Location: r.Store, Regular: price[r.SKU], Current: price[r.SKU],
			Stock: math.Round(r.Leftover), Demand: demand, Elasticity: peakElasticity, Dispersion: 1}, &markdownRules)
		if err != nil {
			return nil, err
		}
		if md.Prices[0] < price[r.SKU] {
			out.Markdowns = append(out.Markdowns, PeakMarkdown{SKU: r.SKU, Store: r.Store, Leftover: math.Round(r.Leftover), Regular: price[r.SKU],
				Price: md.Prices[0], LeftAtExit: math.Round(md.Leftover*10) / 10, WeeklyUsualUnits: math.Round(weekly*10) / 10})
		}
	}
	if len(prob.Lines) == 0 {
		out.Notes = append(out.Notes, "no store sells anything the forecasts hold: nothing to plan")
	}
	return out, nil
}

// markdownRules are the leftovers' markdown steps, on a coarser stock grid
// than the price stage's (a leftover is a few weeks of sales).
var markdownRules = func() pricing.MarkdownRules {
	r := pricing.DefaultMarkdownRules()
	r.Grid = 60
	return r
}()

// peakElasticity is the price elasticity the leftovers' markdowns are
// planned with: a typical value for discretionary retail goods (the
// pricing stage's estimates are per product and run apart).
const peakElasticity = -2.0

// Served returns the share of demand a plan's readiness serves: the units
// each store's stock ready for the peak covers of demand (by SKU and
// store), over the demand.
func Served(r *peak.Result, demand map[[2]string]float64) float64 {
	var served, total float64
	ready := map[[2]string]float64{}
	for _, x := range r.Ready {
		ready[[2]string{x.SKU, x.Store}] = x.Stock + x.Arriving
	}
	for k, d := range demand {
		total += d
		served += math.Min(d, ready[k])
	}
	if total == 0 {
		return 1
	}
	return served / total
}

// Report says what the peak plan does: the peak, the stores' readiness
// against nightly replenishment's alone, the shortfalls, the markdowns
// and the returns.
func (r *PeakResult) Report() StageReport {
	sum := r.Summary()
	pct := func(x float64) string {
		if sum.Target == 0 {
			return "100%"
		}
		return fmt.Sprintf("%.1f%%", 100*x/sum.Target)
	}
	rep := StageReport{Rows: map[string]int64{"lines": int64(sum.Lines)},
		Summary: fmt.Sprintf("%s on %s: stores ready for %s of its week's demand at the service level (nightly replenishment alone: %s); %s short",
			sum.EventType, sum.Date, pct(sum.Ready), pct(sum.NightlyOnly), words.Plural(int(math.Round(sum.Short)), "unit"))}
	rep.Details = append(rep.Details, fmt.Sprintf("  %s made ahead, %s moved to stores over %s, %s markdowns after it, %s expected back",
		words.Plural(int(sum.Made), "unit"), words.Commas(int64(sum.Moved)), words.Plural(sum.Weeks, "week"),
		words.Commas(int64(sum.Markdowns)), words.Plural(int(math.Round(sum.Returns)), "unit")))
	causes := map[string]float64{}
	for _, s := range r.Plan.Shortfalls {
		causes[s.Cause] += s.Qty
	}
	for _, c := range slices.Sorted(maps.Keys(causes)) {
		rep.Details = append(rep.Details, fmt.Sprintf("  short for %s: %s", c, words.Plural(int(math.Round(causes[c])), "unit")))
	}
	if len(r.Plan.Shortfalls) > 0 {
		rep.Warnings = len(r.Plan.Shortfalls)
		rep.Notes = append(rep.Notes, fmt.Sprintf("peak: %s cannot be ready for %s (peak/shortfalls.csv)", words.Plural(len(r.Plan.Shortfalls), "store line"), r.Event.Type))
	}
	for _, n := range r.Notes {
		rep.Notes = append(rep.Notes, "peak: "+n)
	}
	return rep
}

func sumReturns(rs []PeakReturn) float64 {
	var s float64
	for _, r := range rs {
		s += r.Units
	}
	return s
}

// PlanPeak plans the peak the section picks (NextPeak from the forecasts'
// first day) from the forecasts (routed to the locations that serve them)
// and the forecast's model of the peaks (nil when it learned none: no
// returns are then expected): the peak stage and planner peak. Without a
// peak to plan, it is a *SkipError.
func PlanPeak(ctx context.Context, src Source, fc *series.Forecasts, peaks *uplift.Model, cfg config.Peak) (*PeakResult, error) {
	if err := cfg.Check(config.Key("peak")); err != nil {
		return nil, err
	}
	o, err := NextPeak(ctx, src, fc.First(), cfg)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, skip("no peak (an event of kind peak) starts within %s of %s", words.Plural(cfg.WeeksAhead, "week"), fc.First())
	}
	prob, err := PeakProblem(ctx, src, fc, *o, cfg)
	if err != nil {
		return nil, err
	}
	return Peak(ctx, src, prob, *o, peaks, cfg)
}

// PeakName is the peak plan's folder in a run.
const PeakName = "peak"

// plan is the plan as export writes it, with the forecast's quantiles.
func (r *PeakResult) plan(quantiles []float64) *export.PeakPlan {
	after := map[[2]string]*export.PeakAfter{}
	var keys [][2]string
	get := func(sku, store string) *export.PeakAfter {
		k := [2]string{sku, store}
		if after[k] == nil {
			after[k] = &export.PeakAfter{SKU: sku, Store: store}
			keys = append(keys, k)
		}
		return after[k]
	}
	for _, m := range r.Markdowns {
		a := get(m.SKU, m.Store)
		a.Leftover, a.Regular, a.Markdown, a.LeftAtExit = m.Leftover, m.Regular, m.Price, m.LeftAtExit
	}
	for _, x := range r.Returns {
		get(x.SKU, x.Store).Returns = x.Units
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	pp := &export.PeakPlan{EventType: r.Event.Type, Event: r.Event, Problem: r.Problem, Plan: r.Plan, Baseline: r.NoPreBuild, Quantiles: quantiles}
	for _, k := range keys {
		pp.After = append(pp.After, *after[k])
	}
	return pp
}

// Write writes the peak folder dir (export.WritePeak) and returns the
// rows written by file name.
func (r *PeakResult) Write(dir string, quantiles []float64) (map[string]int64, error) {
	pp := r.plan(quantiles)
	if err := export.WritePeak(dir, pp); err != nil {
		return nil, err
	}
	return map[string]int64{
		"peak/forecast.csv":   int64(len(r.Plan.Ready)),
		"peak/capacity.csv":   int64(len(r.Plan.Loads) + len(r.NoPreBuild.Loads)),
		"peak/prebuild.csv":   int64(len(r.Plan.Lots) + len(r.Plan.Receipts) + len(r.Plan.Transfers)),
		"peak/shortfalls.csv": int64(len(r.Plan.Shortfalls)),
		"peak/after.csv":      int64(len(pp.After)),
	}, nil
}

// PeakSummary is the peak plan's --json object; the caller fills Out and
// Seconds.
type PeakSummary struct {
	EventType string  `json:"event_type"`
	Date      string  `json:"date"`
	Weeks     int     `json:"weeks"`
	Lines     int     `json:"lines"`
	Target    float64 `json:"target_units"`
	// Ready is the units of the targets the stores will hold when the
	// peak starts; NightlyOnly the same with nightly replenishment alone.
	Ready       float64 `json:"ready_units"`
	NightlyOnly float64 `json:"nightly_only_units"`
	Made        float64 `json:"made_ahead_units"`
	Moved       float64 `json:"moved_units"`
	Short       float64 `json:"short_units"`
	Shortfalls  int     `json:"shortfalls"`
	Markdowns   int     `json:"markdowns"`
	Returns     float64 `json:"expected_returns"`
	Out         string  `json:"out,omitempty"`
	Seconds     float64 `json:"seconds"`
}

// Summary sums the plan up for --json.
func (r *PeakResult) Summary() PeakSummary {
	s := PeakSummary{EventType: r.Event.Type, Date: r.Event.First.String(), Weeks: len(r.Plan.Buckets) - 1, Lines: len(r.Plan.Ready),
		Shortfalls: len(r.Plan.Shortfalls), Markdowns: len(r.Markdowns), Returns: math.Round(sumReturns(r.Returns)*10) / 10}
	for i, x := range r.Plan.Ready {
		s.Target += x.Target
		s.Ready += math.Min(x.Target, x.Stock+x.Arriving)
		y := r.NoPreBuild.Ready[i]
		s.NightlyOnly += math.Min(y.Target, y.Stock+y.Arriving)
	}
	for _, l := range r.Plan.Lots {
		s.Made += l.Qty
	}
	for _, t := range r.Plan.Transfers {
		s.Moved += t.Qty
	}
	for _, x := range r.Plan.Shortfalls {
		s.Short += x.Qty
	}
	return s
}

// UpstreamPeak forecasts the source as the nightly run does for the
// peak the section picks (the horizon through its first week: PeakHorizon)
// and routes the forecasts to the locations that serve them
// (UpstreamDemand): what planner peak plans from.
func UpstreamPeak(ctx context.Context, src Source, fc config.Forecast, place *config.Place, assort *config.Assort, cfg config.Peak) (*series.Forecasts, *uplift.Model, error) {
	horizon, _, err := PeakHorizon(ctx, src, fc, &cfg)
	if err != nil {
		return nil, nil, err
	}
	fc.Horizon = horizon
	res, err := Forecast(ctx, src, fc)
	if err != nil {
		return nil, nil, err
	}
	demand, err := UpstreamDemand(ctx, src, res.Values(), place, assort)
	if err != nil {
		return nil, nil, err
	}
	return demand, res.Peaks, nil
}

// tables are the report's Peak section: each factory's and DC's load
// against its capacity week by week, with the plan and with nightly
// replenishment alone, and what cannot be ready.
func (r *PeakResult) tables() []report.Table {
	weeks := len(r.Plan.Buckets)
	head := []string{"Place", "Kind"}
	numeric := []bool{false, false}
	for b := 0; b < weeks; b++ {
		label := fmt.Sprintf("%d wk before", weeks-1-b)
		if r.Plan.Buckets[b].Event {
			label = "Peak week"
		}
		head = append(head, label+" ("+r.Plan.Buckets[b].First.String()[5:]+")")
		numeric = append(numeric, true)
	}
	load := report.Table{Title: fmt.Sprintf("Peak: %s on %s, capacity week by week (peak/capacity.csv)", r.Event.Type, r.Event.First),
		Note: "Each factory's production and each DC's receipts and shipments as a share of its capacity, week by week to the peak's: the usual " +
			"flow with the peak plan's (pre-built and pre-positioned), then with nightly replenishment alone (the peak's stock moved in the week before it). " +
			"Above 100% only where the usual flow alone is.",
		Header: head, Numeric: numeric}
	for _, p := range []struct {
		name string
		res  *peak.Result
	}{{"", r.Plan}, {" (nightly only)", r.NoPreBuild}} {
		rows := map[[2]string][]string{}
		var keys [][2]string
		for _, l := range p.res.Loads {
			if l.Kind == "store" || l.Unlimited {
				continue
			}
			k := [2]string{l.Place, l.Kind + p.name}
			if rows[k] == nil {
				rows[k] = make([]string, weeks)
				keys = append(keys, k)
			}
			if l.Capacity > 0 {
				rows[k][l.Bucket] = fmt.Sprintf("%.0f%%", 100*(l.Usual+l.Peak)/l.Capacity)
			}
		}
		for _, k := range keys {
			load.Rows = append(load.Rows, append([]string{k[0], k[1]}, rows[k]...))
		}
	}
	sum := r.Summary()
	ready := report.Table{Title: "Peak: readiness and after (peak/forecast.csv, peak/shortfalls.csv, peak/after.csv)",
		Note: fmt.Sprintf("Stores ready for %s of %s units (the peak week's demand at the service level) with the plan, %s with nightly replenishment alone. "+
			"%s markdowns for the expected leftovers; %s units expected back in the fortnight after. The largest shortfalls:",
			report.Number(sum.Ready), report.Number(sum.Target), report.Number(sum.NightlyOnly), report.Number(float64(sum.Markdowns)), report.Number(sum.Returns)),
		Header: []string{"SKU", "Store", "Units short", "Why"}, Numeric: []bool{false, false, true, false}}
	short := slices.Clone(r.Plan.Shortfalls)
	slices.SortStableFunc(short, func(a, b peak.Shortfall) int { return cmp.Compare(b.Qty, a.Qty) })
	for i, s := range short {
		if i == 20 {
			break
		}
		ready.Rows = append(ready.Rows, []string{s.SKU, s.Store, report.Number(s.Qty), s.Cause})
	}
	return []report.Table{load, ready}
}
