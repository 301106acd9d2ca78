package pricing

import (
	"context"
	"fmt"
	"iter"
	"math"
	"sort"
	"strings"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// Settings are the knobs of price and markdown recommendations.
type Settings struct {
	Estimate EstimateOptions
	Pool     PoolOptions
	// Pools, when set, are the priors to shrink towards instead of those
	// the products at hand would give (a run spread over shards).
	Pools *Pools
	// Rules without an objective mean DefaultRules; Markdown
	// without discounts, DefaultMarkdownRules on the rules' ladder.
	Rules    Rules
	Markdown MarkdownRules
	// HorizonDays is the span the expected units, revenue and margin of a
	// recommendation cover; 0 means 28.
	HorizonDays int
	// ExitWeeks: a product whose end date falls within this many weeks of
	// the plan date gets a markdown plan to its end; 0 means 13.
	ExitWeeks int
	// OverstockWeeks: a product holding more than this many weeks of
	// demand at its regular price gets a markdown plan over that many
	// weeks; 0 means 26, negative turns overstock markdowns off.
	OverstockWeeks float64
	// SalvageRate values what an ending product has left at its end, as a
	// share of its unit cost (0: worthless). What a continuing product has
	// left after an overstock markdown keeps its unit cost.
	SalvageRate float64
	// ReleaseHistory lets Price empty the history's series as it copies
	// them, halving the memory a large retailer needs; the caller must not
	// use the history afterwards.
	ReleaseHistory bool
}

func (s Settings) withDefaults() Settings {
	if s.HorizonDays <= 0 {
		s.HorizonDays = 28
	}
	if s.ExitWeeks <= 0 {
		s.ExitWeeks = 13
	}
	if s.OverstockWeeks == 0 {
		s.OverstockWeeks = 26
	}
	if s.Rules.Objective == "" {
		s.Rules = DefaultRules()
	}
	if s.Markdown.Discounts == nil {
		d := DefaultMarkdownRules()
		d.Ladder = s.Rules.Ladder
		s.Markdown = d
	}
	return s
}

// Input is what pricing reads: the price history, the product
// master and, for markdowns, the units in stock per SKU (every location).
type Input struct {
	History  *series.PriceHistory
	Products map[string]supply.PricingTerms
	Stock    map[string]float64
}

// Result holds the elasticities (in SKU order, with each product's
// own fit) and the price lines (by SKU and location).
type Result struct {
	Elasticities []Elasticity
	Fits         []Fit
	// Pools are the priors the elasticities were shrunk towards.
	Pools Pools
	Lines []Line
	// PlanDate is the first day after the history: when new prices apply.
	PlanDate   series.Date
	Exceptions []string
	Notes      []string
}

// NoHistoryError says there were no sales with a price to estimate from.
type NoHistoryError struct {
	// Rows is how many sales rows there were, none of them priced above
	// 0; 0 when there were no sales rows either.
	Rows int64
}

func (e *NoHistoryError) Error() string {
	if e.Rows > 0 {
		return fmt.Sprintf("none of the %d sales rows has a price paid above 0; pricing needs the price column", e.Rows)
	}
	return "no sales with prices to estimate from"
}

// Price estimates every product's price response and recommends its
// prices: a markdown for products ending soon or overstocked, an everyday
// price for the others. Products are priced chain-wide (location *) when
// every location charges the same regular price, per location otherwise.
func Price(ctx context.Context, in *Input, settings *Settings) (*Result, error) {
	return PriceParts(ctx, func(yield func(*series.PriceHistory, error) bool) { yield(in.History, nil) }, in, settings)
}

// PriceParts is Price on a price history given in parts of whole SKUs, in
// SKU order, that share its Freq, Start, End and row counts (in.History
// is not read): each part's products are fitted and their observations
// dropped before the next part is read, so a retailer of any size is
// priced in the memory of one part, with the result Price gives on the
// whole history.
func PriceParts(ctx context.Context, parts iter.Seq2[*series.PriceHistory, error], in *Input, settings *Settings) (*Result, error) {
	s := Settings{}
	if settings != nil {
		s = *settings
	}
	s = s.withDefaults()
	var h *series.PriceHistory // the parts' shared fields
	var products []Product
	var fits []Fit
	for part, err := range parts {
		if err != nil {
			return nil, err
		}
		if part == nil {
			continue
		}
		if h == nil {
			head := *part
			head.Series = nil
			h = &head
		}
		if len(part.Series) == 0 {
			continue
		}
		ps := GroupHistory(part, in.Products, s.ReleaseHistory)
		fs, err := Estimate(ctx, Calendar{Freq: part.Freq, Start: part.Start}, ps, &s.Estimate)
		if err != nil {
			return nil, err
		}
		// Pooling and pricing read a product's fit, group and
		// locations, not its observations.
		for i := range ps {
			ps[i].Obs = nil
		}
		products = append(products, ps...)
		fits = append(fits, fs...)
	}
	if h == nil || len(products) == 0 {
		e := &NoHistoryError{}
		if h != nil && h.Unpriced+h.ZeroPrice == h.Rows {
			e.Rows = h.Rows
		}
		return nil, e
	}
	res := &Result{PlanDate: h.End + 1}
	if h.Unpriced > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d sales rows without a price were left out of the estimates", h.Unpriced))
	}
	if h.ZeroPrice > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d sales rows with a price of 0 (units given away) were left out of the estimates", h.ZeroPrice))
	}
	res.Fits = fits
	if s.Pools == nil {
		learned := LearnPools(products, fits, &s.Pool)
		s.Pools = &learned
	}
	res.Pools = *s.Pools
	res.Elasticities = Pool(products, fits, s.Pools, &s.Pool)
	planPeriod := h.Freq.Between(h.Start, res.PlanDate)
	horizon := max(1, s.HorizonDays/h.Freq.Days())
	noCost := 0
	var items []Item
	var itemProduct []int
	for i := range products {
		p, f, e := &products[i], &fits[i], res.Elasticities[i]
		m, ok := in.Products[p.SKU]
		if !ok {
			m = supply.PricingTerms{SKU: p.SKU, UnitCost: math.NaN(), Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()}
		}
		if math.IsNaN(m.UnitCost) {
			noCost++
		}
		if f.Err != nil {
			res.Exceptions = append(res.Exceptions, fmt.Sprintf("%s: %v; its price stays", p.SKU, f.Err))
			continue
		}
		// Markdown: ending soon, or more stock than OverstockWeeks sell.
		if line, ok := markdownLine(p, f, e, m, in.Stock, res.PlanDate, planPeriod, &s); ok {
			res.Lines = append(res.Lines, line)
			continue
		}
		for _, zone := range priceZones(p, f) {
			it := Item{SKU: p.SKU, Location: zone.location, Price: zone.price, Cost: m.UnitCost, Elasticity: e,
				Family: m.PriceFamily, Size: m.Size, MinPrice: m.MinPrice, MaxPrice: m.MaxPrice}
			for _, l := range zone.locations {
				for t := planPeriod; t < planPeriod+horizon; t++ {
					it.Units += f.Baseline(l, t, zone.price)
				}
			}
			items = append(items, it)
			itemProduct = append(itemProduct, i)
		}
	}
	if noCost > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d products have no unit cost: no margin rule, revenue maximised for them", noCost))
	}
	stuck := 0
	for k, rec := range Recommend(items, &s.Rules) {
		line := Line{Recommendation: rec, Kind: KindEveryday, Effective: res.PlanDate, UnitCost: items[k].Cost, Days: horizon * h.Freq.Days()}
		line.Reason = everydayReason(&line)
		res.Lines = append(res.Lines, line)
		if rec.Bound == BoundMaxChange && rec.New == rec.Current {
			stuck++
		}
	}
	if stuck > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d prices could not move: the next ladder price towards their best is more than the maximum change away "+
			"(a finer ladder of endings, or a larger maximum change, lets them)", stuck))
	}
	sort.SliceStable(res.Lines, func(a, b int) bool {
		x, y := &res.Lines[a], &res.Lines[b]
		if x.SKU != y.SKU {
			return x.SKU < y.SKU
		}
		return x.Location < y.Location
	})
	return res, nil
}

// GroupHistory turns the price series (ordered by SKU and location) into
// products, grouped for pooling by department (else category). With
// release, each series' observations are dropped once copied, so the
// history and the products are not held in full at once.
func GroupHistory(h *series.PriceHistory, master map[string]supply.PricingTerms, release bool) []Product {
	var out []Product
	for i := range h.Series {
		ps := &h.Series[i]
		if len(out) == 0 || out[len(out)-1].SKU != ps.SKU {
			m := master[ps.SKU]
			group := m.Department
			if group == "" {
				group = m.Category
			}
			n := 0
			for j := i; j < len(h.Series) && h.Series[j].SKU == ps.SKU; j++ {
				n += len(h.Series[j].Obs)
			}
			out = append(out, Product{SKU: ps.SKU, Group: group, Obs: make([]Observation, 0, n)})
		}
		p := &out[len(out)-1]
		l := len(p.Locations)
		p.Locations = append(p.Locations, ps.Location)
		for _, o := range ps.Obs {
			p.Obs = append(p.Obs, Observation{Location: l, Period: o.Period, Units: o.Units, Paid: o.Paid, Regular: o.Regular,
				Promo: o.Promo, Feature: o.Feature, Display: o.Display, Event: o.Event})
		}
		if release {
			ps.Obs = nil
		}
	}
	return out
}

// zone is a set of a product's locations that charge one regular price.
type zone struct {
	location  string // * when it is every location
	price     float64
	locations []int
}

// priceZones splits a product's locations by their latest regular price:
// one zone (*) when they all agree, one per location otherwise.
func priceZones(p *Product, f *Fit) []zone {
	all := zone{location: "*", price: f.RegularPrice(0)}
	same := true
	for l := range p.Locations {
		all.locations = append(all.locations, l)
		if math.Abs(f.RegularPrice(l)-all.price) > 0.005 {
			same = false
		}
	}
	if same {
		return []zone{all}
	}
	out := make([]zone, len(p.Locations))
	for l, name := range p.Locations {
		out[l] = zone{location: name, price: f.RegularPrice(l), locations: []int{l}}
	}
	return out
}

// markdownLine plans a markdown for a product ending within ExitWeeks or
// holding more than OverstockWeeks of demand, priced chain-wide from its
// highest current regular price.
func markdownLine(p *Product, f *Fit, e Elasticity, m supply.PricingTerms, stock map[string]float64,
	plan series.Date, planPeriod int, s *Settings) (Line, bool) {
	units, ok := stock[p.SKU]
	if !ok || units <= 0 || !(e.Elasticity < 0) {
		return Line{}, false
	}
	// Prices never go back up: a markdown taken in an earlier run (a shelf
	// price below the regular one) is where this run starts from.
	var regular, current float64
	for l := range p.Locations {
		regular = math.Max(regular, f.RegularPrice(l))
		current = math.Max(current, f.ShelfPrice(l))
	}
	current = math.Min(current, regular)
	weekly := func(weeks int) []float64 {
		out := make([]float64, weeks)
		per := 7 / f.PeriodDays()
		for w := range out {
			for k := 0; k < per; k++ {
				for l := range p.Locations {
					out[w] += f.Baseline(l, planPeriod+w*per+k, regular)
				}
			}
		}
		return out
	}
	var demand []float64
	var salvage float64
	var why string
	cost := m.UnitCost
	if math.IsNaN(cost) {
		cost = 0
	}
	ending := m.EndDate != 0 && m.EndDate >= plan && int(m.EndDate-plan) < 7*s.ExitWeeks
	switch {
	case ending:
		demand = weekly(int(m.EndDate-plan)/7 + 1)
		salvage = s.SalvageRate * cost
		why = fmt.Sprintf("ends %s with %.0f units in stock", m.EndDate, units)
	case s.OverstockWeeks > 0:
		weeks := int(math.Ceil(s.OverstockWeeks))
		demand = weekly(weeks)
		var total float64
		for _, d := range demand {
			total += d
		}
		if units <= total {
			return Line{}, false
		}
		// A continuing product keeps what is left at its replacement cost.
		salvage = cost
		why = fmt.Sprintf("%.0f units in stock, %.1f weeks of demand at the regular price", units, units/(total/float64(weeks)))
	default:
		return Line{}, false
	}
	item := MarkdownItem{SKU: p.SKU, Location: "*", Regular: regular, Current: current, Stock: units, Salvage: salvage,
		Demand: demand, Elasticity: e.Elasticity, Dispersion: f.Dispersion}
	plan0, err := PlanMarkdown(item, &s.Markdown)
	if err != nil {
		return Line{}, false
	}
	hold := FixedPrice(item, current)
	rec := Recommendation{SKU: p.SKU, Location: "*", Current: current, New: plan0.Prices[0],
		UnitsCurrent: sum(hold.Units), UnitsNew: sum(plan0.Units), RevenueCurrent: hold.Revenue, RevenueNew: plan0.Revenue,
		MarginCurrent: math.NaN(), MarginNew: math.NaN(),
		Elasticity: e.Elasticity, StdError: e.StdError, Confidence: e.Confidence(), Method: e.Method, Bound: BoundOptimum}
	if !math.IsNaN(m.UnitCost) {
		rec.MarginCurrent = hold.Revenue - m.UnitCost*sum(hold.Units)
		rec.MarginNew = plan0.Revenue - m.UnitCost*sum(plan0.Units)
	}
	if e.Flag != "" {
		rec.Notes = append(rec.Notes, "elasticity: "+strings.ReplaceAll(e.Flag, ";", ", ")+" ("+e.Method+" estimate used)")
	}
	line := Line{Recommendation: rec, Kind: KindMarkdown, Effective: plan, UnitCost: m.UnitCost, Days: 7 * len(demand),
		Markdown: &plan0, Stock: units, Regular: regular}
	steps := 0
	for t := 1; t < len(plan0.Prices); t++ {
		if plan0.Prices[t] < plan0.Prices[t-1] {
			steps++
		}
	}
	line.Reason = fmt.Sprintf("%s: %d markdown steps over %d weeks, %.0f left (revenue plus salvage %.2f vs %.2f at today's price)",
		why, steps, len(demand), plan0.Leftover, plan0.Objective, hold.Objective)
	line.Reason += notes(rec.Notes)
	return line, true
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

func notes(n []string) string {
	if len(n) == 0 {
		return ""
	}
	return "; " + strings.Join(n, "; ")
}

// everydayReason says in a sentence why the price moved or stayed.
func everydayReason(l *Line) string {
	r := &l.Recommendation
	var b strings.Builder
	switch r.Bound {
	case BoundNoEstimate:
		b.WriteString("no trusted elasticity: price unchanged")
	case BoundInvalidItem:
		b.WriteString("price unchanged")
	case BoundNoChange:
		fmt.Fprintf(&b, "the current price is best (elasticity %.2f ± %.2f)", r.Elasticity, r.StdError)
	case BoundMaxChange, BoundMinMargin, BoundMinPrice, BoundMaxPrice, BoundFamily:
		if r.New == r.Current {
			fmt.Fprintf(&b, "price kept: the next ladder price towards the best one is beyond %s (elasticity %.2f ± %.2f)", r.Bound, r.Elasticity, r.StdError)
			break
		}
		fallthrough
	default:
		what, before, after := "profit", r.MarginCurrent, r.MarginNew
		if math.IsNaN(before) {
			what, before, after = "revenue", r.RevenueCurrent, r.RevenueNew
		}
		fmt.Fprintf(&b, "%s %+.2f over %d days at %.2f (elasticity %.2f ± %.2f)", what, after-before, l.Days, r.New, r.Elasticity, r.StdError)
		if r.Bound != BoundOptimum {
			fmt.Fprintf(&b, "; held by %s", r.Bound)
		}
	}
	b.WriteString(notes(r.Notes))
	return b.String()
}
