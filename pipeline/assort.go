package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/planner-engine/planner/assortment"
	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
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
// store's size. The products of a subcategory (the department where the
// master gives none) substitute for each other, the 12 nearest in price
// in proportion to their demand, and transfer a share of their demand
// when not carried: estimated from the last year's days each could not
// be bought while its subcategory sold (assortment.EstimateShares), and
// drawn toward the section's share as far as the estimate is uncertain
// (Transfer.Shrunk); the section's where those days are too few. A product earns its unit price less its
// unit cost (40% of its price when the master gives no cost), and costs
// the section's carry_cost to carry. Today's range is what the store
// sells. A shelf that cannot be planned is a note, and the others are
// planned. Without shelves there is nothing to plan (a *SkipError).
func Assort(ctx context.Context, src Source, fc *series.Forecasts, cfg config.Assort) (*AssortResult, error) {
	if err := cfg.Check(config.Key("assort")); err != nil {
		return nil, err
	}
	ranges, err := src.Ranges(ctx)
	if err != nil {
		return nil, err
	}
	if len(ranges.Shelves) == 0 {
		return nil, skip("no shelves are loaded: load each store's shelf space per category (--shelves)")
	}
	terms, err := src.PricingTerms(ctx)
	if err != nil {
		return nil, err
	}
	// Transfer shares from the last year's days each product was out.
	history, err := src.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily, MaxPeriods: 365})
	if err != nil {
		return nil, err
	}
	group := map[string]string{}
	for sku, t := range terms {
		group[sku] = t.Department
		if sub := ranges.Facings[sku].Subcategory; sub != "" {
			group[sku] = t.Department + "\x00" + sub
		}
	}
	transfers := assortment.EstimateShares(history, group, func(k series.Key) bool { return channelOf(k) == "store" })
	// Demand by store and product over the horizon.
	stores := map[string]bool{}
	for _, sh := range ranges.Shelves {
		stores[sh.Location] = true
	}
	storeList := slices.Sorted(maps.Keys(stores))
	skus := slices.Sorted(maps.Keys(terms))
	skuIndex := map[string]int{}
	for j, s := range skus {
		skuIndex[s] = j
	}
	storeIndex := map[string]int{}
	for i, s := range storeList {
		storeIndex[s] = i
	}
	demand := make([][]float64, len(storeList))
	for i := range demand {
		demand[i] = make([]float64, len(skus))
		for j := range demand[i] {
			demand[i][j] = math.NaN()
		}
	}
	h := min(cfg.HorizonDays, fc.Horizon)
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
		if math.IsNaN(demand[s][j]) {
			demand[s][j] = 0
		}
		demand[s][j] += m
	}
	// Stores clustered by their mix of categories; what a product would
	// sell where it is not carried, from its cluster.
	categories := map[string]bool{}
	for _, t := range terms {
		categories[t.Category] = true
	}
	catList := slices.Sorted(maps.Keys(categories))
	catIndex := map[string]int{}
	for c, name := range catList {
		catIndex[name] = c
	}
	profiles := make([][]float64, len(storeList))
	size := make([]float64, len(storeList))
	for s := range storeList {
		profiles[s] = make([]float64, len(catList))
		for j, sku := range skus {
			if d := demand[s][j]; !math.IsNaN(d) {
				profiles[s][catIndex[terms[sku].Category]] += d
				size[s] += d
			}
		}
		if size[s] > 0 {
			for c := range profiles[s] {
				profiles[s][c] /= size[s]
			}
		}
	}
	clusters, _, err := assortment.Cluster(profiles, cfg.Clusters, 1)
	if err != nil {
		return nil, err
	}
	filled := assortment.LikeStores(demand, size, clusters)
	// The products of each category, and their department's demand for
	// the substitution weights.
	byCategory := map[string][]int{}
	network := make([]float64, len(skus))
	for j, sku := range skus {
		byCategory[terms[sku].Category] = append(byCategory[terms[sku].Category], j)
		for s := range storeList {
			if d := filled[s][j]; !math.IsNaN(d) {
				network[j] += d
			}
		}
	}
	must := func(store, sku string) bool {
		return slices.Contains(ranges.MustCarry[store], sku) || slices.Contains(ranges.MustCarry[AllStores], sku)
	}
	// Each shelf is planned on its own, on every core.
	type job struct {
		shelf supply.Shelf
		index int
	}
	res := &AssortResult{Day: fc.First(), Ranges: make([]export.StoreRange, len(ranges.Shelves))}
	for _, tr := range transfers {
		if !tr.Default {
			res.Estimated++
		}
	}
	notes := make([]string, len(ranges.Shelves))
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for jb := range jobs {
				sh := jb.shelf
				s := storeIndex[sh.Location]
				members := byCategory[sh.Category]
				p := &assortment.Problem{Space: sh.Space, MaxChanges: sh.MaxChanges, Substitutes: make([][]assortment.Substitute, len(members))}
				for _, j := range members {
					t, f := terms[skus[j]], ranges.Facings[skus[j]]
					d := filled[s][j]
					if math.IsNaN(d) {
						d = 0 // no store of its cluster sells it
					}
					share := cfg.Transfer
					if tr, ok := transfers[skus[j]]; ok {
						share = tr.Shrunk(cfg.Transfer)
					}
					p.Products = append(p.Products, assortment.Product{SKU: skus[j], Demand: d, Margin: unitMargin(t), Cost: cfg.CarryCost,
						Width: facingWidth(f), MinFacings: f.MinFacings, Tier: f.Tier, Transfer: share,
						MustCarry: must(sh.Location, skus[j]), Current: !math.IsNaN(demand[s][j])})
				}
				for a, j := range members {
					p.Substitutes[a] = nearestInPrice(a, members, func(k int) bool { return group[skus[k]] == group[skus[j]] && network[k] > 0 },
						func(k int) float64 { return terms[skus[k]].UnitPrice }, network)
				}
				plan, err := assortment.Choose(p)
				if err != nil {
					notes[jb.index] = fmt.Sprintf("%s, %s: %s", sh.Location, sh.Category, describeAssortError(err))
					continue
				}
				res.Ranges[jb.index] = export.StoreRange{Store: sh.Location, Category: sh.Category, Lines: p.Lines(plan)}
			}
		}()
	}
	for i, sh := range ranges.Shelves {
		jobs <- job{shelf: sh, index: i}
	}
	close(jobs)
	wg.Wait()
	kept := res.Ranges[:0]
	for i, r := range res.Ranges {
		if notes[i] != "" {
			res.Notes = append(res.Notes, notes[i])
			continue
		}
		kept = append(kept, r)
	}
	res.Ranges = kept
	return res, nil
}

// substitutesPerProduct is how many products of its subcategory a
// product's shoppers turn to when it is missing: those nearest in price,
// which in a small subcategory is all of them, and in a large one (a
// department without subcategories) keeps both the model and the search
// to the products a shopper would take instead.
const substitutesPerProduct = 12

// nearestInPrice is the substitutes of members[a]: the
// substitutesPerProduct other members that substitute accepts nearest in
// price (ties by position), weighted by their demand across the stores.
func nearestInPrice(a int, members []int, substitute func(int) bool, price func(int) float64, weight []float64) []assortment.Substitute {
	type cand struct {
		index int
		gap   float64
	}
	var cands []cand
	for b, k := range members {
		if b != a && substitute(k) {
			gap := math.Abs(price(k) - price(members[a]))
			if math.IsNaN(gap) {
				gap = math.Inf(1)
			}
			cands = append(cands, cand{b, gap})
		}
	}
	if len(cands) > substitutesPerProduct {
		slices.SortStableFunc(cands, func(x, y cand) int { return cmp.Compare(x.gap, y.gap) })
		cands = cands[:substitutesPerProduct]
	}
	out := make([]assortment.Substitute, len(cands))
	for i, c := range cands {
		out[i] = assortment.Substitute{Index: c.index, Weight: weight[members[c.index]]}
	}
	return out
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
		Note:    "Per store, over its categories: the products the range adds and drops against today's, and the margin the range is expected to earn over the horizon, after the demand that moves to substitutes.",
		Header:  []string{"Store", "Categories", "Added", "Dropped", "Carried", "Expected margin"},
		Numeric: []bool{false, true, true, true, true, true}}
	type sum struct {
		cats, adds, drops, carried int
		margin                     float64
	}
	by := map[string]*sum{}
	for _, sr := range r.Ranges {
		s := by[sr.Store]
		if s == nil {
			s = &sum{}
			by[sr.Store] = s
		}
		s.cats++
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
			strconv.FormatFloat(math.Round(s.margin*100)/100, 'f', 2, 64)})
	}
	t.Note += fmt.Sprintf(" %d products' transfer shares were estimated from the days they were out of stock; the others took the section's.", r.Estimated)
	if len(r.Notes) > 0 {
		t.Note += fmt.Sprintf(" %d shelves could not be planned (exceptions).", len(r.Notes))
	}
	return t
}
