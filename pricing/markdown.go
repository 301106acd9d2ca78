package pricing

import (
	"fmt"
	"math"
	"sort"

	"github.com/planner-engine/planner/dist"
)

// MarkdownItem is a stock to clear by an exit date.
type MarkdownItem struct {
	SKU, Location string
	// Regular is the regular price; Current the price today (below Regular
	// when already marked down: prices never go back up).
	Regular, Current float64
	// Stock is the units to sell; Salvage what each unit left at the exit
	// is worth (a clearance buyer, a return to the supplier; 0 when
	// nothing).
	Stock, Salvage float64
	// Demand holds the expected units of each period until the exit at the
	// regular price; its length is the number of periods left.
	Demand     []float64
	Elasticity float64
	// Dispersion is the variance-to-mean ratio of a period's demand: 1 for
	// Poisson, more for lumpier demand. The plan then counts on the
	// expected sales E[min(demand, stock)] rather than on selling every
	// unit demanded, so it does not bet on selling out exactly. 0 plans on
	// the mean demand alone.
	Dispersion float64
}

// MarkdownRules are the discounts a markdown may use. The zero value means
// DefaultMarkdownRules.
type MarkdownRules struct {
	// Discounts are the allowed steps off the regular price, such as 0.2
	// for 20% off; each is rounded down to the ladder.
	Discounts []float64
	Ladder    Ladder
	// Grid is how many stock levels the dynamic programme keeps; 0 means
	// 200.
	Grid int
}

// DefaultMarkdownRules step by 10% to 70% off on the .49/.99 ladder.
func DefaultMarkdownRules() MarkdownRules {
	return MarkdownRules{Discounts: []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7}, Ladder: DefaultLadder()}
}

// MarkdownPlan is a schedule of prices, one per period, never rising.
type MarkdownPlan struct {
	Prices    []float64
	Units     []float64 // expected units sold per period
	StockEnd  []float64 // expected stock at the end of each period
	Revenue   float64   // expected sales revenue
	Leftover  float64   // expected units left at the exit
	Salvage   float64   // their salvage value
	Objective float64   // Revenue + Salvage
}

// levels returns the prices a markdown may use, highest first: the current
// price and each discount off the regular price below it, on the ladder.
func (r *MarkdownRules) levels(it *MarkdownItem) []float64 {
	out := []float64{it.Current}
	for _, d := range r.Discounts {
		p := it.Regular * (1 - d)
		if below := r.Ladder.Below(p); below > 0 {
			p = below
		}
		p = round2(p)
		if p > 0 && p < it.Current-1e-9 {
			out = append(out, p)
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(out)))
	uniq := out[:1]
	for _, p := range out[1:] {
		if p < uniq[len(uniq)-1]-1e-9 {
			uniq = append(uniq, p)
		}
	}
	return uniq
}

// PlanMarkdown schedules the prices that maximise expected revenue plus the
// salvage value of what is left at the exit, with prices that never rise.
// It solves a stochastic dynamic programme over the period, the price step
// and the stock left (on a grid, values interpolated between levels), with
// each period's demand at each price drawn from a count distribution of
// the item's dispersion (Dispersion 0: the deterministic, fluid version).
// The schedule returned follows the expected sales; rerun every period
// from the stock actually left, the plan re-plans as sales come in (the
// markdown problem of Gallego & van Ryzin, "Optimal dynamic pricing of
// inventories with stochastic demand over finite horizons", Management
// Science 1994, on a discrete price ladder).
func PlanMarkdown(it MarkdownItem, rules *MarkdownRules) (MarkdownPlan, error) {
	r := DefaultMarkdownRules()
	if rules != nil {
		r = *rules
	}
	if r.Grid <= 0 {
		r.Grid = 200
	}
	switch {
	case !(it.Regular > 0) || !(it.Current > 0):
		return MarkdownPlan{}, fmt.Errorf("%s: prices must be positive (regular %g, current %g)", it.SKU, it.Regular, it.Current)
	case it.Stock < 0 || math.IsNaN(it.Stock):
		return MarkdownPlan{}, fmt.Errorf("%s: stock %g is negative", it.SKU, it.Stock)
	case !(it.Elasticity < 0):
		return MarkdownPlan{}, fmt.Errorf("%s: a markdown needs a negative elasticity, not %g", it.SKU, it.Elasticity)
	case len(it.Demand) == 0:
		return MarkdownPlan{}, fmt.Errorf("%s: no periods left before the exit", it.SKU)
	}
	lv := r.levels(&it)
	T, L, G := len(it.Demand), len(lv), r.Grid
	step := it.Stock / float64(G)
	if step <= 0 {
		step = 1
	}
	response := make([]float64, L)
	for l, p := range lv {
		response[l] = math.Pow(p/it.Regular, it.Elasticity)
	}
	demand := func(t, l int) float64 { return it.Demand[t] * response[l] }
	// next[l][g]: best value from period t+1 on with price step l in force
	// and g grid steps of stock.
	next := make([][]float64, L)
	cur := make([][]float64, L)
	for l := range next {
		next[l], cur[l] = make([]float64, G+1), make([]float64, G+1)
		for g := range next[l] {
			next[l][g] = it.Salvage * float64(g) * step
		}
	}
	choice := make([][][]int32, T)
	interp := func(v []float64, s float64) float64 {
		x := s / step
		g := int(x)
		if g >= G {
			return v[G]
		}
		w := x - float64(g)
		return v[g]*(1-w) + v[g+1]*w
	}
	// Demand of each period and price step as equally likely points (its
	// quantiles at the middles of Q equal slices): the programme then
	// maximises the expected value, and prices only falling has the cost it
	// has under uncertainty (a good week cannot be answered by a rise).
	// Without a dispersion the one point is the mean.
	Q := 1
	if it.Dispersion > 0 {
		Q = 16
	}
	probs := make([]float64, Q)
	for q := range probs {
		probs[q] = (float64(q) + 0.5) / float64(Q)
	}
	points := make([][][]float64, T)
	for t := range points {
		points[t] = make([][]float64, L)
		for m := range points[t] {
			pts := make([]float64, Q)
			if mean := demand(t, m); Q == 1 {
				pts[0] = mean
			} else {
				dist.CountQuantiles(mean, it.Dispersion*mean, probs, pts)
			}
			points[t][m] = pts
		}
	}
	// expectedSales is E[min(demand, s)] in period t at price step m.
	expectedSales := func(t, m int, s float64) float64 {
		var v float64
		for _, d := range points[t][m] {
			v += min(d, s)
		}
		return v / float64(Q)
	}
	w := make([]float64, L)
	for t := T - 1; t >= 0; t-- {
		choice[t] = make([][]int32, L)
		for l := range choice[t] {
			choice[t][l] = make([]int32, G+1)
		}
		for g := 0; g <= G; g++ {
			s := float64(g) * step
			// The value of each price step does not depend on the step in
			// force, only which steps are allowed: best of the steps at or
			// below it, from the cheapest up.
			for m := 0; m < L; m++ {
				var v float64
				for _, d := range points[t][m] {
					sold := min(d, s)
					v += lv[m]*sold + interp(next[m], s-sold)
				}
				w[m] = v / float64(Q)
			}
			top, arg := math.Inf(-1), L-1
			for l := L - 1; l >= 0; l-- {
				if w[l] > top+1e-12 {
					top, arg = w[l], l
				}
				cur[l][g], choice[t][l][g] = top, int32(arg)
			}
		}
		next, cur = cur, next
	}
	// Forward: follow the choices from the actual stock.
	plan := MarkdownPlan{Prices: make([]float64, T), Units: make([]float64, T), StockEnd: make([]float64, T)}
	s, l := it.Stock, 0
	for t := 0; t < T; t++ {
		g := int(math.Round(s / step))
		l = int(choice[t][l][min(g, G)])
		sold := expectedSales(t, l, s)
		s -= sold
		plan.Prices[t], plan.Units[t], plan.StockEnd[t] = lv[l], sold, s
		plan.Revenue += lv[l] * sold
	}
	plan.Leftover, plan.Salvage = s, s*it.Salvage
	plan.Objective = plan.Revenue + plan.Salvage
	return plan, nil
}

// FixedPrice returns the outcome of holding one price until the exit (the
// baseline a markdown plan must beat), on the mean demand.
func FixedPrice(it MarkdownItem, price float64) MarkdownPlan {
	T := len(it.Demand)
	plan := MarkdownPlan{Prices: make([]float64, T), Units: make([]float64, T), StockEnd: make([]float64, T)}
	s := it.Stock
	for t := 0; t < T; t++ {
		sold := math.Min(it.Demand[t]*math.Pow(price/it.Regular, it.Elasticity), s)
		s -= sold
		plan.Prices[t], plan.Units[t], plan.StockEnd[t] = price, sold, s
		plan.Revenue += price * sold
	}
	plan.Leftover, plan.Salvage = s, s*it.Salvage
	plan.Objective = plan.Revenue + plan.Salvage
	return plan
}
