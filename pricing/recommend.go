package pricing

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Item is one product (at one price zone) to price.
type Item struct {
	SKU, Location string
	// Price is the current regular price; Units the expected units sold at
	// it over the planning horizon, without promotions.
	Price, Units float64
	// Cost is the unit cost; NaN when unknown (no margin rule then, and
	// revenue is maximised).
	Cost       float64
	Elasticity Elasticity
	// Family and Size tie products priced together (see Rules); Size NaN
	// when not given.
	Family string
	Size   float64
	// MinPrice and MaxPrice bound the price; NaN when not given.
	MinPrice, MaxPrice float64
}

// Objectives.
const (
	Profit  = "profit"
	Revenue = "revenue"
)

// Rules are the guardrails of everyday pricing. The zero value means
// DefaultRules.
type Rules struct {
	// Objective is Profit or Revenue.
	Objective string
	// MinMargin is the least (price - cost) / price a new price may have.
	MinMargin float64
	// MaxChange is the largest move up or down per run, as a fraction of
	// the current price.
	MaxChange float64
	Ladder    Ladder
}

// DefaultRules maximise profit, moving prices at most 10% per run along
// the .49/.99 ladder, with no margin floor.
func DefaultRules() Rules {
	return Rules{Objective: Profit, MaxChange: 0.10, Ladder: DefaultLadder()}
}

// Bounds say what stopped a price short of its unconstrained best.
const (
	BoundOptimum     = "optimum"      // the best ladder price; nothing binds
	BoundMaxChange   = "max_change"   // the largest move allowed per run
	BoundMinMargin   = "min_margin"   // the margin floor
	BoundMinPrice    = "min_price"    // the product's lowest allowed price
	BoundMaxPrice    = "max_price"    // the product's highest allowed price
	BoundFamily      = "family"       // a price family's same-price or pack-size rule
	BoundNoChange    = "no_change"    // no ladder price beats the current one
	BoundNoEstimate  = "no_estimate"  // no trusted elasticity: the price stays
	BoundNoFeasible  = "no_feasible"  // the rules leave no price; the price stays
	BoundInvalidItem = "invalid_item" // the current price or volume is unusable
)

// Recommendation is one item's price with its expected effect.
type Recommendation struct {
	SKU, Location              string
	Current, New               float64
	UnitsCurrent, UnitsNew     float64
	RevenueCurrent, RevenueNew float64
	// MarginCurrent and MarginNew are gross margins in money (NaN without
	// a cost).
	MarginCurrent, MarginNew float64
	Elasticity, StdError     float64
	Confidence, Method       string
	Bound                    string
	// Notes explain what a user should know (no cost, estimate flags).
	Notes []string
}

// units returns the expected units at price p for an item whose expected
// units at its current price are it.Units (constant elasticity).
func (it *Item) units(p, e float64) float64 {
	return it.Units * math.Pow(p/it.Price, e)
}

// value is the objective at price p.
func value(it *Item, p, e float64, objective string) float64 {
	q := it.units(p, e)
	if objective == Profit && !math.IsNaN(it.Cost) {
		return (p - it.Cost) * q
	}
	return p * q
}

// limits returns the rules' lowest and highest price for an item, and
// which rule sets each.
func limits(it *Item, r *Rules) (lo, hi float64, loBy, hiBy string) {
	lo, loBy = it.Price*(1-r.MaxChange), BoundMaxChange
	hi, hiBy = it.Price*(1+r.MaxChange), BoundMaxChange
	if !math.IsNaN(it.MinPrice) && it.MinPrice > lo {
		lo, loBy = it.MinPrice, BoundMinPrice
	}
	if !math.IsNaN(it.MaxPrice) && it.MaxPrice < hi {
		hi, hiBy = it.MaxPrice, BoundMaxPrice
	}
	if !math.IsNaN(it.Cost) && r.MinMargin > 0 && r.MinMargin < 1 {
		if floor := it.Cost / (1 - r.MinMargin); floor > lo {
			lo, loBy = floor, BoundMinMargin
		}
	}
	return lo, hi, loBy, hiBy
}

// candidates are the ladder prices an item may take, plus its current
// price when the rules allow it (keeping a price off the ladder is not a
// change).
func candidates(it *Item, r *Rules) []float64 {
	lo, hi, _, _ := limits(it, r)
	c := r.Ladder.Prices(lo, hi)
	if it.Price >= lo-1e-9 && it.Price <= hi+1e-9 {
		i := sort.SearchFloat64s(c, it.Price)
		if i == len(c) || math.Abs(c[i]-it.Price) > 1e-9 {
			c = append(c, 0)
			copy(c[i+1:], c[i:])
			c[i] = it.Price
		}
	}
	return c
}

// Recommend prices every item: the ladder price within the rules that
// maximises the objective under the item's constant-elasticity demand
// curve, with the members of a price family (per location) chosen together
// so the same size has the same price and a larger size costs at least as
// much and no more per unit of content. Results are in the order of items.
func Recommend(items []Item, rules *Rules) []Recommendation {
	r := DefaultRules()
	if rules != nil {
		r = *rules
		if r.Objective == "" {
			r.Objective = Profit
		}
	}
	out := make([]Recommendation, len(items))
	choice := make([]float64, len(items))
	for i := range items {
		choice[i] = best(&items[i], &r)
	}
	families := map[string][]int{}
	var keys []string
	for i := range items {
		if it := &items[i]; it.Family != "" && usable(it) {
			k := it.Location + "\x00" + it.Family
			if families[k] == nil {
				keys = append(keys, k)
			}
			families[k] = append(families[k], i)
		}
	}
	familyBound := make([]bool, len(items))
	infeasible := make([]bool, len(items))
	for _, k := range keys {
		members := families[k]
		if len(members) < 2 {
			continue
		}
		prices, ok := priceFamily(items, members, &r)
		for j, i := range members {
			if !ok {
				infeasible[i] = true
				continue
			}
			if math.Abs(prices[j]-choice[i]) > 1e-9 {
				familyBound[i] = true
			}
			choice[i] = prices[j]
		}
	}
	for i := range items {
		out[i] = describe(&items[i], choice[i], &r, familyBound[i])
		if infeasible[i] {
			out[i].Notes = append(out[i].Notes, "family rules cannot all hold within the price limits: priced alone")
		}
	}
	return out
}

func usable(it *Item) bool {
	return it.Price > 0 && it.Units >= 0 && !math.IsNaN(it.Elasticity.Elasticity)
}

// best is an item's own best price.
func best(it *Item, r *Rules) float64 {
	if !usable(it) {
		return it.Price
	}
	c := candidates(it, r)
	if len(c) == 0 {
		return it.Price
	}
	e := it.Elasticity.Elasticity
	top, topV := it.Price, math.Inf(-1)
	if it.Price >= c[0]-1e-9 && it.Price <= c[len(c)-1]+1e-9 {
		topV = value(it, it.Price, e, r.Objective)
	}
	for _, p := range c {
		// Ties keep the current price, then the smaller move.
		if v := value(it, p, e, r.Objective); v > topV+1e-12*math.Abs(topV) {
			top, topV = p, v
		}
	}
	return top
}

// priceFamily chooses the prices of a family's members together by
// dynamic programming over its sizes, smallest first: a state is the
// price of the current size, and a step to the next size keeps the total
// price from falling and the price per unit of content from rising.
// Members of one size share a price. ok is false when no prices satisfy
// every rule.
func priceFamily(items []Item, members []int, r *Rules) (prices []float64, ok bool) {
	type size struct {
		size  float64
		items []int
		cands []float64
	}
	bySize := map[float64]*size{}
	var sizes []*size
	for _, i := range members {
		s := items[i].Size
		if math.IsNaN(s) || s <= 0 {
			s = 0 // no size: one price for all such members
		}
		if bySize[s] == nil {
			bySize[s] = &size{size: s}
			sizes = append(sizes, bySize[s])
		}
		bySize[s].items = append(bySize[s].items, i)
	}
	sort.Slice(sizes, func(a, b int) bool { return sizes[a].size < sizes[b].size })
	for _, s := range sizes {
		// Prices every member of the size may take.
		count := map[float64]int{}
		for _, i := range s.items {
			for _, p := range candidates(&items[i], r) {
				count[p]++
			}
		}
		for p, n := range count {
			if n == len(s.items) {
				s.cands = append(s.cands, p)
			}
		}
		sort.Float64s(s.cands)
		if len(s.cands) == 0 {
			return nil, false
		}
	}
	gain := func(s *size, p float64) float64 {
		var v float64
		for _, i := range s.items {
			v += value(&items[i], p, items[i].Elasticity.Elasticity, r.Objective)
		}
		return v
	}
	allowed := func(a *size, pa float64, b *size, pb float64) bool {
		if pb < pa-1e-9 {
			return false
		}
		if a.size > 0 && b.size > 0 && pb/b.size > pa/a.size+1e-12 {
			return false
		}
		return true
	}
	val := make([][]float64, len(sizes))
	from := make([][]int, len(sizes))
	for g, s := range sizes {
		val[g] = make([]float64, len(s.cands))
		from[g] = make([]int, len(s.cands))
		for j, p := range s.cands {
			here := gain(s, p)
			if g == 0 {
				val[g][j] = here
				continue
			}
			bestPrev, arg := math.Inf(-1), -1
			for k, pp := range sizes[g-1].cands {
				if val[g-1][k] > bestPrev && allowed(sizes[g-1], pp, s, p) {
					bestPrev, arg = val[g-1][k], k
				}
			}
			val[g][j], from[g][j] = bestPrev+here, arg
		}
	}
	last := len(sizes) - 1
	arg, top := -1, math.Inf(-1)
	for j, v := range val[last] {
		if v > top {
			arg, top = j, v
		}
	}
	if arg < 0 || math.IsInf(top, -1) {
		return nil, false
	}
	chosen := map[int]float64{}
	for g := last; g >= 0; g-- {
		for _, i := range sizes[g].items {
			chosen[i] = sizes[g].cands[arg]
		}
		arg = from[g][arg]
	}
	prices = make([]float64, len(members))
	for j, i := range members {
		prices[j] = chosen[i]
	}
	return prices, true
}

// describe fills a recommendation: expected effect and the rule that bound
// the price.
func describe(it *Item, p float64, r *Rules, family bool) Recommendation {
	e := it.Elasticity
	rec := Recommendation{SKU: it.SKU, Location: it.Location, Current: it.Price, New: p,
		Elasticity: e.Elasticity, StdError: e.StdError, Confidence: e.Confidence(), Method: e.Method,
		MarginCurrent: math.NaN(), MarginNew: math.NaN()}
	if e.Flag != "" {
		rec.Notes = append(rec.Notes, "elasticity: "+strings.ReplaceAll(e.Flag, ";", ", ")+" ("+e.Method+" estimate used)")
	}
	if math.IsNaN(it.Cost) {
		rec.Notes = append(rec.Notes, "no unit cost: no margin rule, revenue maximised")
	}
	if !(it.Price > 0) || it.Units < 0 || math.IsNaN(it.Units) {
		rec.Bound, rec.New = BoundInvalidItem, it.Price
		rec.Notes = append(rec.Notes, fmt.Sprintf("current price %g or expected units %g unusable", it.Price, it.Units))
		return rec
	}
	rec.UnitsCurrent, rec.RevenueCurrent = it.Units, it.Units*it.Price
	if !math.IsNaN(it.Cost) {
		rec.MarginCurrent = (it.Price - it.Cost) * it.Units
	}
	if math.IsNaN(e.Elasticity) {
		rec.Bound, rec.New = BoundNoEstimate, it.Price
		rec.UnitsNew, rec.RevenueNew, rec.MarginNew = rec.UnitsCurrent, rec.RevenueCurrent, rec.MarginCurrent
		return rec
	}
	rec.UnitsNew = it.units(p, e.Elasticity)
	rec.RevenueNew = p * rec.UnitsNew
	if !math.IsNaN(it.Cost) {
		rec.MarginNew = (p - it.Cost) * rec.UnitsNew
	}
	rec.Bound = bindingRule(it, p, r, family)
	return rec
}

// bindingRule names the rule that kept p from the item's unconstrained
// best price: the best ladder price over a wide range, ignoring the rules.
func bindingRule(it *Item, p float64, r *Rules, family bool) string {
	lo, hi, loBy, hiBy := limits(it, r)
	if lo > hi {
		return BoundNoFeasible
	}
	if family {
		return BoundFamily
	}
	wide := *r
	wide.MaxChange, wide.MinMargin = 0.9, 0
	free := *it
	free.MinPrice, free.MaxPrice = math.NaN(), math.NaN()
	ideal := best(&free, &wide)
	step := it.Price * 0.005
	switch {
	case math.Abs(ideal-p) <= 1e-9:
		if math.Abs(p-it.Price) <= 1e-9 {
			return BoundNoChange
		}
		return BoundOptimum
	case ideal > p && hi-p <= math.Max(step, ladderGap(r, p)):
		return hiBy
	case ideal < p && p-lo <= math.Max(step, ladderGap(r, p)):
		return loBy
	}
	return BoundOptimum
}

// ladderGap is the distance from p to the next ladder price above it.
func ladderGap(r *Rules, p float64) float64 {
	c := r.Ladder.Prices(p+0.001, p*2+1)
	if len(c) == 0 {
		return 0.01
	}
	return c[0] - p
}
