package pricing

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

// endOfSeason is a seasonal line with 8 weeks left: demand fading as the
// season ends, and more stock than the regular price would sell.
func endOfSeason() MarkdownItem {
	return MarkdownItem{SKU: "SWIM", Location: "*", Regular: 29.99, Current: 29.99, Stock: 900, Salvage: 3,
		Demand: []float64{120, 110, 95, 85, 70, 60, 45, 35}, Elasticity: -2.2}
}

// The dynamic programme must find the best non-increasing schedule: check
// it against every schedule on a small case.
func TestPlanMarkdownMatchesEnumeration(t *testing.T) {
	it := endOfSeason()
	it.Demand = it.Demand[:5]
	rules := DefaultMarkdownRules()
	rules.Grid = 2000
	plan, err := PlanMarkdown(it, &rules)
	require.NoError(t, err)
	lv := rules.levels(&it)
	best := math.Inf(-1)
	seq := make([]int, len(it.Demand))
	var walk func(t, from int)
	walk = func(t, from int) {
		if t == len(seq) {
			prices := make([]float64, len(seq))
			for i, l := range seq {
				prices[i] = lv[l]
			}
			best = math.Max(best, evaluate(it, prices))
			return
		}
		for l := from; l < len(lv); l++ {
			seq[t] = l
			walk(t+1, l)
		}
	}
	walk(0, 0)
	assert.InEpsilon(t, best, plan.Objective, 0.002, "plan %v", plan.Prices)
	assert.InDelta(t, evaluate(it, plan.Prices), plan.Objective, 1e-6)
	for i := 1; i < len(plan.Prices); i++ {
		assert.LessOrEqual(t, plan.Prices[i], plan.Prices[i-1], "prices never rise")
	}
}

// evaluate is the fluid outcome of a price schedule.
func evaluate(it MarkdownItem, prices []float64) float64 {
	s, v := it.Stock, 0.0
	for t, p := range prices {
		sold := math.Min(it.Demand[t]*math.Pow(p/it.Regular, it.Elasticity), s)
		s -= sold
		v += p * sold
	}
	return v + s*it.Salvage
}

// The must-show: replayed against random demand, re-planning every week
// from the stock actually left, the markdown plan earns at least what the
// best single fixed discount earns on the same demand draws.
func TestMarkdownBeatsBestFixedDiscount(t *testing.T) {
	it := endOfSeason()
	it.Dispersion = 1 + 80.0/4 // gamma-Poisson with shape 4 around a mean near 80
	rules := DefaultMarkdownRules()
	const runs = 300
	simulate := func(policy func(week int, stock, current float64) float64, seed uint64) float64 {
		rng := rand.New(rand.NewPCG(seed, 5))
		stock, current, total := it.Stock, it.Current, 0.0
		for week := range it.Demand {
			p := policy(week, stock, current)
			current = p
			// Negative-binomial demand (gamma-Poisson, shape 4) around the mean.
			mean := it.Demand[week] * math.Pow(p/it.Regular, it.Elasticity)
			lambda := distuv.Gamma{Alpha: 4, Beta: 4 / mean, Src: rng}.Rand()
			sold := math.Min(distuv.Poisson{Lambda: lambda, Src: rng}.Rand(), stock)
			stock -= sold
			total += p * sold
		}
		return total + stock*it.Salvage
	}
	dynamic := func(week int, stock, current float64) float64 {
		now := it
		now.Stock, now.Current, now.Demand = stock, current, it.Demand[week:]
		plan, err := PlanMarkdown(now, &rules)
		require.NoError(t, err)
		return plan.Prices[0]
	}
	var dyn float64
	for r := 0; r < runs; r++ {
		dyn += simulate(dynamic, uint64(r))
	}
	dyn /= runs
	bestFixed, bestD := math.Inf(-1), 0.0
	for _, d := range append([]float64{0}, rules.Discounts...) {
		price := it.Regular * (1 - d)
		if d > 0 {
			price = rules.Ladder.Below(price)
		}
		var v float64
		for r := 0; r < runs; r++ {
			v += simulate(func(int, float64, float64) float64 { return price }, uint64(r))
		}
		if v /= runs; v > bestFixed {
			bestFixed, bestD = v, d
		}
	}
	t.Logf("dynamic markdown %.0f, best fixed discount (%.0f%% off) %.0f", dyn, 100*bestD, bestFixed)
	assert.GreaterOrEqual(t, dyn, bestFixed)
}

func TestPlanMarkdownRejectsBadItems(t *testing.T) {
	it := endOfSeason()
	it.Current = 0
	_, err := PlanMarkdown(it, nil)
	assert.ErrorContains(t, err, "positive")
	it = endOfSeason()
	it.Elasticity = 0.3
	_, err = PlanMarkdown(it, nil)
	assert.ErrorContains(t, err, "negative elasticity")
	it = endOfSeason()
	it.Demand = nil
	_, err = PlanMarkdown(it, nil)
	assert.ErrorContains(t, err, "no periods")
}

// An item already marked down never goes back up, and nothing to sell
// means no markdown.
func TestPlanMarkdownStartsFromTheCurrentPrice(t *testing.T) {
	it := endOfSeason()
	it.Current = 19.99
	plan, err := PlanMarkdown(it, nil)
	require.NoError(t, err)
	for _, p := range plan.Prices {
		assert.LessOrEqual(t, p, 19.99)
	}
	it = endOfSeason()
	it.Stock = 100
	plan, err = PlanMarkdown(it, nil)
	require.NoError(t, err)
	assert.Equal(t, 29.99, plan.Prices[0], "little stock: sell at the regular price")
}
