package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/planner-engine/planner/assortment"
	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/report"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// AssortResult is each store's range per category, planned on Day.
type AssortResult struct {
	Day    series.Date
	Ranges []export.StoreRange
	// Notes are the shelves that could not be planned (a product wider
	// than the shelf, must-carry products that do not fit), one sentence
	// each.
	Notes []string
	// Estimated counts the products whose transfer share came from the
	// history; the others took the section's.
	Estimated int
}

// Assort chooses each store's range in each category it has a shelf for
// (assortment.Choose). A product's demand at a store is its forecast
// over the section's horizon, all channels added, where the store sells
// it; where it does not, what the stores of its cluster (stores grouped
// by their sales mix across categories) sell of it, scaled to the
// store's size (every store that sells it, where none of the cluster
// does). The products of a subcategory (the department where the
// master gives none) substitute for each other, the 12 nearest in price
// in proportion to their demand, and transfer a share of their demand
// when not carried: estimated from the periods of history
// (historyPeriods) each could not be bought while its subcategory sold
// (assortment.EstimateShares), and drawn toward the section's share as
// far as the estimate is uncertain (Transfer.Shrunk); the section's
// where those periods are too few. A
// product earns its unit price less its unit cost (40% of its price when
// the master gives no cost), and costs the section's carry_cost to
// carry. Today's range is what the store sells. A shelf that cannot be
// planned is a note, and the others are planned (assortment.Chain).
// Without shelves there is nothing to plan (a *SkipError).
func Assort(ctx context.Context, src Source, fc *series.Forecasts, cfg config.Assort) (*AssortResult, error) {
	chain, transfers, err := AssortChain(ctx, src, fc, cfg)
	if err != nil {
		return nil, err
	}
	estimated := 0
	for _, tr := range transfers {
		if !tr.Default {
			estimated++
		}
	}
	ranges, err := chain.Plan()
	if err != nil {
		return nil, err
	}
	res := &AssortResult{Day: fc.First(), Estimated: estimated}
	unpriced := 0
	for _, p := range chain.Products {
		if p.Unpriced {
			unpriced++
		}
	}
	if unpriced > 0 {
		verb := "have"
		if unpriced == 1 {
			verb = "has"
		}
		res.Notes = append(res.Notes, fmt.Sprintf("%s %s no unit_price in the products master, so no margin: each stays where it is carried today and is added nowhere",
			words.Plural(unpriced, "product"), verb))
	}
	for i, r := range ranges {
		sh := chain.Shelves[i]
		store := chain.Stores[sh.Store]
		if r.Err != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("%s, %s: %s", store, sh.Category, describeAssortError(r.Err)))
			continue
		}
		res.Ranges = append(res.Ranges, export.StoreRange{Store: store, Category: sh.Category, Lines: r.Lines, Today: r.Today})
	}
	return res, nil
}

// AssortChain gathers what Assort chooses from (assortment.Chain), with
// the transfer shares the history gave, by SKU, before they are drawn
// toward the section's.
func AssortChain(ctx context.Context, src Source, fc *series.Forecasts, cfg config.Assort) (*assortment.Chain, map[string]assortment.Transfer, error) {
	if err := cfg.Check(config.Key("assort")); err != nil {
		return nil, nil, err
	}
	ranges, err := src.Ranges(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(ranges.Shelves) == 0 {
		return nil, nil, skip("no shelves are loaded: load each store's shelf space per category (--shelves)")
	}
	terms, err := src.PricingTerms(ctx)
	if err != nil {
		return nil, nil, err
	}
	// Transfer shares from the periods each product was out, in the
	// forecasts' periods: the last year of days, or two of weeks.
	history, err := src.ReadPanel(ctx, datasets.PanelOptions{Freq: fc.Freq, MaxPeriods: historyPeriods(fc.Freq)})
	if err != nil {
		return nil, nil, err
	}
	group := map[string]string{}
	for sku, t := range terms {
		group[sku] = t.Department
		if sub := ranges.Facings[sku].Subcategory; sub != "" {
			group[sku] = t.Department + "\x00" + sub
		}
	}
	transfers := assortment.EstimateShares(history, group, func(k series.Key) bool { return channelOf(k) == "store" })
	chain := &assortment.Chain{CarryCost: cfg.CarryCost, Clusters: cfg.Clusters}
	storeIndex := map[string]int{}
	for _, sh := range ranges.Shelves {
		storeIndex[sh.Location] = -1
	}
	chain.Stores = slices.Sorted(maps.Keys(storeIndex))
	for i, s := range chain.Stores {
		storeIndex[s] = i
	}
	skus := slices.Sorted(maps.Keys(terms))
	skuIndex := map[string]int{}
	for j, sku := range skus {
		skuIndex[sku] = j
		t, f := terms[sku], ranges.Facings[sku]
		share := cfg.Transfer
		if tr, ok := transfers[sku]; ok {
			share = tr.Shrunk(cfg.Transfer)
		}
		chain.Products = append(chain.Products, assortment.ChainProduct{SKU: sku, Category: t.Category, Group: group[sku],
			Price: t.UnitPrice, Margin: unitMargin(t), Width: facingWidth(f), MinFacings: f.MinFacings, Tier: f.Tier, Transfer: share,
			Unpriced: !(t.UnitPrice > 0)})
	}
	// Demand by store and product over the horizon, all channels added.
	chain.Demand = make([][]float64, len(chain.Stores))
	for i := range chain.Demand {
		chain.Demand[i] = make([]float64, len(skus))
		for j := range chain.Demand[i] {
			chain.Demand[i][j] = math.NaN()
		}
	}
	h := horizonSteps(cfg.HorizonDays, fc)
	for i, k := range fc.Keys {
		s, ok := storeIndex[k.Location]
		j, known := skuIndex[k.SKU]
		if !ok || !known {
			continue
		}
		var m float64
		for t := 0; t < h; t++ {
			m += fc.Mean[i*fc.Horizon+t]
		}
		if math.IsNaN(chain.Demand[s][j]) {
			chain.Demand[s][j] = 0
		}
		chain.Demand[s][j] += m
	}
	chain.MustCarry = make([][]int, len(chain.Stores))
	for _, loc := range slices.Sorted(maps.Keys(ranges.MustCarry)) {
		for _, sku := range ranges.MustCarry[loc] {
			j, known := skuIndex[sku]
			if !known {
				continue
			}
			if loc == AllStores {
				chain.MustCarryAll = append(chain.MustCarryAll, j)
			} else if s, ok := storeIndex[loc]; ok {
				chain.MustCarry[s] = append(chain.MustCarry[s], j)
			}
		}
	}
	for _, sh := range ranges.Shelves {
		chain.Shelves = append(chain.Shelves, assortment.ChainShelf{Store: storeIndex[sh.Location], Category: sh.Category, Space: sh.Space, MaxChanges: sh.MaxChanges})
	}
	return chain, transfers, nil
}

// horizonSteps is how many of the forecasts' periods the days of a
// range's horizon take (whole periods, at least one).
func horizonSteps(days int, fc *series.Forecasts) int {
	per := fc.Freq.Days()
	return min(fc.Horizon, max(1, (days+per-1)/per))
}

// historyPeriods is how many periods of history the transfer shares are
// estimated on: a year of days (what daily sales hold of stock-outs
// enough for most products, at a bounded cost), or two years of weeks or
// months, whose stock-outs show only when they last a whole period.
func historyPeriods(f series.Freq) int {
	if f == series.Daily {
		return 365
	}
	return int(math.Round(2 * f.PeriodsPerYear()))
}

// AllStores is the must-carry table's wildcard store.
const AllStores = "*"

func unitMargin(t supply.PricingTerms) float64 {
	price, cost := t.UnitPrice, t.UnitCost
	switch {
	case price > 0 && cost >= 0:
		return price - cost
	case price > 0:
		return 0.4 * price
	}
	return 0
}

func facingWidth(f supply.Facing) float64 {
	if f.Width > 0 {
		return f.Width
	}
	return 1
}

func describeAssortError(err error) string {
	var fit *assortment.FitError
	if errors.As(err, &fit) {
		return fmt.Sprintf("%s's minimum facings take %v, more than the shelf's %v: the shelf is not planned", fit.SKU, fit.Need, fit.Space)
	}
	return err.Error() + ": the shelf is not planned"
}

// Write writes assortment.<format> and returns its rows by name.
func (r *AssortResult) Write(path string) (map[string]int64, error) {
	if err := export.WriteAssortment(path, r.Day, r.Ranges); err != nil {
		return nil, err
	}
	var n int64
	for _, sr := range r.Ranges {
		n += int64(len(sr.Lines))
	}
	return map[string]int64{baseName(path): n}, nil
}

// AssortSummary is planner assort --json's object (docs/cli.md).
type AssortSummary struct {
	Date string `json:"date"`
	// Ranges are the store-category ranges planned; Lines their rows.
	Ranges  int `json:"ranges"`
	Lines   int `json:"lines"`
	Added   int `json:"added"`
	Dropped int `json:"dropped"`
	// Exceptions are the shelves that could not be planned.
	Exceptions []string `json:"exceptions"`
	Seconds    float64  `json:"seconds"`
	Out        string   `json:"out,omitempty"`
}

// Summary is the ranges' --json object; the caller fills Out and
// Seconds.
func (r *AssortResult) Summary() AssortSummary {
	sum := AssortSummary{Date: r.Day.String(), Ranges: len(r.Ranges), Exceptions: append([]string{}, r.Notes...)}
	for _, sr := range r.Ranges {
		for _, l := range sr.Lines {
			sum.Lines++
			switch l.Change {
			case assortment.Add:
				sum.Added++
			case assortment.Drop:
				sum.Dropped++
			}
		}
	}
	return sum
}

// Report says how many ranges were planned and what they change.
func (r *AssortResult) Report() StageReport {
	sum := r.Summary()
	rep := StageReport{Rows: map[string]int64{"lines": int64(sum.Lines)},
		Summary: fmt.Sprintf("%d store ranges: %d products added, %d dropped", sum.Ranges, sum.Added, sum.Dropped)}
	rep.listExceptions(r.Notes)
	return rep
}

// table is the report's view of the ranges: per store, the products
// added and dropped and what the range is expected to earn.
func (r *AssortResult) table() report.Table {
	t := report.Table{Title: "Store ranges (assortment.csv)",
		Note: "Per store, over its categories: the products the range adds and drops against today's, the margin the range is expected to earn " +
			"over the horizon, after the demand that moves to substitutes, and what that changes against today's range on the same demand.",
		Header:  []string{"Store", "Categories", "Added", "Dropped", "Carried", "Expected margin", "Change in margin"},
		Numeric: []bool{false, true, true, true, true, true, true}}
	type sum struct {
		cats, adds, drops, carried int
		margin, today              float64
	}
	by := map[string]*sum{}
	for _, sr := range r.Ranges {
		s := by[sr.Store]
		if s == nil {
			s = &sum{}
			by[sr.Store] = s
		}
		s.cats++
		s.today += sr.Today
		for _, l := range sr.Lines {
			switch l.Change {
			case assortment.Add:
				s.adds++
			case assortment.Drop:
				s.drops++
			}
			if l.Carry {
				s.carried++
				s.margin += l.Margin
			}
		}
	}
	for _, store := range slices.Sorted(maps.Keys(by)) {
		s := by[store]
		t.Rows = append(t.Rows, []string{store, strconv.Itoa(s.cats), strconv.Itoa(s.adds), strconv.Itoa(s.drops), strconv.Itoa(s.carried),
			strconv.FormatFloat(math.Round(s.margin*100)/100, 'f', 2, 64), strconv.FormatFloat(math.Round((s.margin-s.today)*100)/100, 'f', 2, 64)})
	}
	t.Note += fmt.Sprintf(" %d products' transfer shares were estimated from the periods they could not be bought, and drawn toward the section's as far as uncertain; the others took the section's.", r.Estimated)
	if len(r.Notes) > 0 {
		t.Note += fmt.Sprintf(" %d shelves could not be planned (exceptions).", len(r.Notes))
	}
	return t
}

// Apply returns the forecasts the plans after the ranges are made on:
// at each store, a product the range drops sells none of its forecast
// (so that nothing more is ordered, and its stock on hand runs out), a
// product it keeps sells what transfers to it from the products dropped
// too (its series scaled by its expected units over its own demand),
// and a product it adds gets a series: the same product's walk-in
// forecast at the store that sells it closest to what the range expects
// of it, scaled to that (a like store's profile, quantiles and all), so
// that replenishment and allocation give it its opening stock. fc is
// not changed.
func (r *AssortResult) Apply(fc *series.Forecasts, horizonDays int) *series.Forecasts {
	type action struct {
		scale float64 // 0 for a drop
		add   float64 // the units expected of an added product over the horizon
	}
	acts := map[[2]string]action{}
	for _, sr := range r.Ranges {
		for i := range sr.Lines {
			l := &sr.Lines[i]
			key := [2]string{l.SKU, sr.Store}
			switch {
			case l.Change == assortment.Drop:
				acts[key] = action{}
			case l.Change == assortment.Add:
				acts[key] = action{add: l.Units - l.Transferred}
			case l.Carry && l.Transferred > 0 && l.Units > l.Transferred:
				acts[key] = action{scale: l.Units / (l.Units - l.Transferred)}
			}
		}
	}
	if len(acts) == 0 {
		return fc
	}
	h := horizonSteps(horizonDays, fc)
	nq := len(fc.Quantiles)
	total := func(i int) float64 {
		var s float64
		for _, v := range fc.Mean[i*fc.Horizon : i*fc.Horizon+h] {
			s += v
		}
		return s
	}
	// The walk-in series of each product, for the added products'
	// profiles.
	walkIn := map[string][]int{}
	for i, k := range fc.Keys {
		if channelOf(k) == "store" {
			walkIn[k.SKU] = append(walkIn[k.SKU], i)
		}
	}
	out := &series.Forecasts{Freq: fc.Freq, Horizon: fc.Horizon, Quantiles: fc.Quantiles}
	put := func(k series.Key, start series.Date, src int, scale float64) {
		out.Keys, out.Starts = append(out.Keys, k), append(out.Starts, start)
		for _, v := range fc.Mean[src*fc.Horizon : (src+1)*fc.Horizon] {
			out.Mean = append(out.Mean, v*scale)
		}
		for _, v := range fc.Q[src*fc.Horizon*nq : (src+1)*fc.Horizon*nq] {
			out.Q = append(out.Q, v*scale)
		}
	}
	present := map[[2]string]bool{}
	for i, k := range fc.Keys {
		key := [2]string{k.SKU, k.Location}
		present[key] = true
		a, ok := acts[key]
		switch {
		case !ok:
			put(k, fc.Starts[i], i, 1)
		case a.add > 0:
			put(k, fc.Starts[i], i, 1) // sold today after all: as forecast
		default:
			put(k, fc.Starts[i], i, a.scale)
		}
	}
	for _, key := range slices.SortedFunc(maps.Keys(acts), func(a, b [2]string) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	}) {
		a := acts[key]
		if a.add <= 0 || present[key] {
			continue
		}
		like, gap := -1, math.Inf(1)
		for _, i := range walkIn[key[0]] {
			if t := total(i); t > 0 && math.Abs(t-a.add) < gap {
				like, gap = i, math.Abs(t-a.add)
			}
		}
		if like < 0 {
			continue // no store sells it: nothing to take a profile from
		}
		put(series.Key{SKU: key[0], Location: key[1], Channel: fc.Keys[like].Channel}, fc.Starts[like], like, a.add/total(like))
	}
	sortForecasts(out)
	return out
}

// sortForecasts puts the series in key order (SKU, location, channel),
// the order every plan reads them in.
func sortForecasts(f *series.Forecasts) {
	order := make([]int, len(f.Keys))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return series.CompareKeys(f.Keys[a], f.Keys[b]) })
	if slices.IsSorted(order) {
		return
	}
	h, nq := f.Horizon, len(f.Quantiles)
	keys, starts := make([]series.Key, len(order)), make([]series.Date, len(order))
	mean, q := make([]float64, 0, len(f.Mean)), make([]float64, 0, len(f.Q))
	for n, i := range order {
		keys[n], starts[n] = f.Keys[i], f.Starts[i]
		mean = append(mean, f.Mean[i*h:(i+1)*h]...)
		q = append(q, f.Q[i*h*nq:(i+1)*h*nq]...)
	}
	f.Keys, f.Starts, f.Mean, f.Q = keys, starts, mean, q
}
