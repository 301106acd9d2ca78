package pipeline

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/series"
)

// PricingSettings are the knobs of price and markdown recommendations.
type PricingSettings struct {
	Estimate pricing.EstimateOptions
	Pool     pricing.PoolOptions
	// Rules without an objective mean pricing.DefaultRules; Markdown
	// without discounts, pricing.DefaultMarkdownRules on the rules' ladder.
	Rules    pricing.Rules
	Markdown pricing.MarkdownRules
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

func (s PricingSettings) withDefaults() PricingSettings {
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
		s.Rules = pricing.DefaultRules()
	}
	if s.Markdown.Discounts == nil {
		d := pricing.DefaultMarkdownRules()
		d.Ladder = s.Rules.Ladder
		s.Markdown = d
	}
	return s
}

// PricingInput is what pricing reads: the price history, the product
// master and, for markdowns, the units in stock per SKU (every location).
type PricingInput struct {
	History  *datasets.PriceHistory
	Products map[string]datasets.PricingProduct
	Stock    map[string]float64
}

// PricingResult holds the elasticities (in SKU order, with each product's
// own fit) and the price lines (by SKU and location).
type PricingResult struct {
	Elasticities []pricing.Elasticity
	Fits         []pricing.Fit
	Lines        []pricing.Line
	// PlanDate is the first day after the history: when new prices apply.
	PlanDate   series.Date
	Exceptions []string
	Notes      []string
}

// ReadPricingInput reads what Price needs from the database: the price
// history per period of freq (0: daily when the sales are daily, weekly
// otherwise), the product master, and the units each SKU has in stock or
// on the way across the network, less what is owed or promised.
func ReadPricingInput(ctx context.Context, store *datasets.Store, freq series.Freq) (*PricingInput, error) {
	if freq == 0 {
		sum, err := store.Inspect(ctx)
		if err != nil {
			return nil, err
		}
		freq = series.Weekly
		if sum.Frequency == series.Daily.String() {
			freq = series.Daily
		}
	}
	in := &PricingInput{Stock: map[string]float64{}}
	var err error
	if in.History, err = store.PriceHistory(ctx, freq); err != nil {
		return nil, err
	}
	if in.Products, err = store.PricingProducts(ctx); err != nil {
		return nil, err
	}
	sup, err := store.Supply(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range sup.Positions {
		in.Stock[p.SKU] += p.Inventory()
	}
	return in, nil
}

// Price estimates every product's price response and recommends its
// prices: a markdown for products ending soon or overstocked, an everyday
// price for the others. Products are priced chain-wide (location *) when
// every location charges the same regular price, per location otherwise.
func Price(ctx context.Context, in *PricingInput, settings *PricingSettings) (*PricingResult, error) {
	s := PricingSettings{}
	if settings != nil {
		s = *settings
	}
	s = s.withDefaults()
	h := in.History
	if h == nil || len(h.Series) == 0 {
		if h != nil && h.Rows > 0 && h.Unpriced+h.ZeroPrice == h.Rows {
			return nil, fmt.Errorf("pricing: none of the %d sales rows has a price paid above 0; price needs the price column", h.Rows)
		}
		return nil, fmt.Errorf("pricing: no sales with prices to estimate from")
	}
	res := &PricingResult{PlanDate: h.End + 1}
	if h.Unpriced > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d sales rows without a price were left out of the estimates", h.Unpriced))
	}
	if h.ZeroPrice > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d sales rows with a price of 0 (units given away) were left out of the estimates", h.ZeroPrice))
	}
	products := GroupHistory(h, in.Products, s.ReleaseHistory)
	cal := pricing.Calendar{Freq: h.Freq, Start: h.Start}
	fits, err := pricing.Estimate(ctx, cal, products, &s.Estimate)
	if err != nil {
		return nil, err
	}
	res.Fits = fits
	res.Elasticities = pricing.Pool(products, fits, &s.Pool)
	planPeriod := h.Freq.Between(h.Start, res.PlanDate)
	horizon := max(1, s.HorizonDays/h.Freq.Days())
	noCost := 0
	var items []pricing.Item
	var itemProduct []int
	for i := range products {
		p, f, e := &products[i], &fits[i], res.Elasticities[i]
		m, ok := in.Products[p.SKU]
		if !ok {
			m = datasets.PricingProduct{SKU: p.SKU, UnitCost: math.NaN(), Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()}
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
			it := pricing.Item{SKU: p.SKU, Location: zone.location, Price: zone.price, Cost: m.UnitCost, Elasticity: e,
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
	for k, rec := range pricing.Recommend(items, &s.Rules) {
		line := pricing.Line{Recommendation: rec, Kind: pricing.KindEveryday, Effective: res.PlanDate, UnitCost: items[k].Cost, Days: horizon * h.Freq.Days()}
		line.Reason = everydayReason(&line)
		res.Lines = append(res.Lines, line)
		if rec.Bound == pricing.BoundMaxChange && rec.New == rec.Current {
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
func GroupHistory(h *datasets.PriceHistory, master map[string]datasets.PricingProduct, release bool) []pricing.Product {
	var out []pricing.Product
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
			out = append(out, pricing.Product{SKU: ps.SKU, Group: group, Obs: make([]pricing.Observation, 0, n)})
		}
		p := &out[len(out)-1]
		l := len(p.Locations)
		p.Locations = append(p.Locations, ps.Location)
		for _, o := range ps.Obs {
			p.Obs = append(p.Obs, pricing.Observation{Location: l, Period: o.Period, Units: o.Units, Paid: o.Paid, Regular: o.Regular,
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
func priceZones(p *pricing.Product, f *pricing.Fit) []zone {
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
func markdownLine(p *pricing.Product, f *pricing.Fit, e pricing.Elasticity, m datasets.PricingProduct, stock map[string]float64,
	plan series.Date, planPeriod int, s *PricingSettings) (pricing.Line, bool) {
	units, ok := stock[p.SKU]
	if !ok || units <= 0 || !(e.Elasticity < 0) {
		return pricing.Line{}, false
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
			return pricing.Line{}, false
		}
		// A continuing product keeps what is left at its replacement cost.
		salvage = cost
		why = fmt.Sprintf("%.0f units in stock, %.1f weeks of demand at the regular price", units, units/(total/float64(weeks)))
	default:
		return pricing.Line{}, false
	}
	item := pricing.MarkdownItem{SKU: p.SKU, Location: "*", Regular: regular, Current: current, Stock: units, Salvage: salvage,
		Demand: demand, Elasticity: e.Elasticity, Dispersion: f.Dispersion}
	plan0, err := pricing.PlanMarkdown(item, &s.Markdown)
	if err != nil {
		return pricing.Line{}, false
	}
	hold := pricing.FixedPrice(item, current)
	rec := pricing.Recommendation{SKU: p.SKU, Location: "*", Current: current, New: plan0.Prices[0],
		UnitsCurrent: sum(hold.Units), UnitsNew: sum(plan0.Units), RevenueCurrent: hold.Revenue, RevenueNew: plan0.Revenue,
		MarginCurrent: math.NaN(), MarginNew: math.NaN(),
		Elasticity: e.Elasticity, StdError: e.StdError, Confidence: e.Confidence(), Method: e.Method, Bound: pricing.BoundOptimum}
	if !math.IsNaN(m.UnitCost) {
		rec.MarginCurrent = hold.Revenue - m.UnitCost*sum(hold.Units)
		rec.MarginNew = plan0.Revenue - m.UnitCost*sum(plan0.Units)
	}
	if e.Flag != "" {
		rec.Notes = append(rec.Notes, "elasticity: "+strings.ReplaceAll(e.Flag, ";", ", ")+" ("+e.Method+" estimate used)")
	}
	line := pricing.Line{Recommendation: rec, Kind: pricing.KindMarkdown, Effective: plan, UnitCost: m.UnitCost, Days: 7 * len(demand),
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
func everydayReason(l *pricing.Line) string {
	r := &l.Recommendation
	var b strings.Builder
	switch r.Bound {
	case pricing.BoundNoEstimate:
		b.WriteString("no trusted elasticity: price unchanged")
	case pricing.BoundInvalidItem:
		b.WriteString("price unchanged")
	case pricing.BoundNoChange:
		fmt.Fprintf(&b, "the current price is best (elasticity %.2f ± %.2f)", r.Elasticity, r.StdError)
	case pricing.BoundMaxChange, pricing.BoundMinMargin, pricing.BoundMinPrice, pricing.BoundMaxPrice, pricing.BoundFamily:
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
		if r.Bound != pricing.BoundOptimum {
			fmt.Fprintf(&b, "; held by %s", r.Bound)
		}
	}
	b.WriteString(notes(r.Notes))
	return b.String()
}
