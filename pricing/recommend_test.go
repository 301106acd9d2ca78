package pricing

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func trusted(e float64) Elasticity {
	return Elasticity{Elasticity: e, StdError: 0.1, Method: MethodShrunk}
}

func item(sku string, price, cost, e float64) Item {
	return Item{SKU: sku, Location: "*", Price: price, Units: 100, Cost: cost, Elasticity: trusted(e),
		Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()}
}

func TestLadder(t *testing.T) {
	l := DefaultLadder()
	assert.Equal(t, []float64{2.49, 2.99, 3.49}, l.Prices(2.2, 3.6))
	assert.Equal(t, 2.99, l.Below(3.2))
	assert.Equal(t, 0.0, l.Below(0.3))
	cents, err := ParseLadder("any")
	require.NoError(t, err)
	assert.Equal(t, []float64{1.01, 1.02, 1.03}, cents.Prices(1.005, 1.03))
	_, err = ParseLadder("0.99,1.5")
	assert.ErrorContains(t, err, "1.5")
}

// With wide limits the choice is the ladder price nearest the profit
// optimum of a constant-elasticity curve, cost x e / (1 + e).
func TestRecommendFindsTheProfitOptimum(t *testing.T) {
	rules := DefaultRules()
	rules.MaxChange = 0.9
	it := item("A", 3.99, 2, -2) // optimum 4.00
	rec := Recommend([]Item{it}, &rules)[0]
	assert.Equal(t, 3.99, rec.New)
	assert.Equal(t, BoundNoChange, rec.Bound)

	it = item("B", 2.99, 2, -3) // optimum 3.00: 2.99 is the best ladder price
	rec = Recommend([]Item{it}, &rules)[0]
	assert.Equal(t, 2.99, rec.New)

	it = item("C", 5.99, 2, -2) // optimum 4.00; 3.99 the best ladder price
	rec = Recommend([]Item{it}, &rules)[0]
	assert.Equal(t, 3.99, rec.New)
	assert.Equal(t, BoundOptimum, rec.Bound)
	assert.InDelta(t, 100*math.Pow(3.99/5.99, -2), rec.UnitsNew, 1e-9)
	assert.InDelta(t, rec.UnitsNew*3.99, rec.RevenueNew, 1e-9)
	assert.InDelta(t, rec.UnitsNew*1.99, rec.MarginNew, 1e-9)
	assert.Greater(t, rec.MarginNew, rec.MarginCurrent)
}

func TestRecommendGuardrails(t *testing.T) {
	rules := DefaultRules() // 10% per run
	// Inelastic: profit keeps rising with the price; the move stops at +10%.
	rec := Recommend([]Item{item("A", 5.49, 2, -0.6)}, &rules)[0]
	assert.Equal(t, 5.99, rec.New)
	assert.Equal(t, BoundMaxChange, rec.Bound)

	// A maximum price below that.
	it := item("B", 5.49, 2, -0.6)
	it.MaxPrice = 5.9
	rec = Recommend([]Item{it}, &rules)[0]
	assert.Equal(t, 5.49, rec.New)
	assert.Equal(t, BoundMaxPrice, rec.Bound)

	// Very elastic: profit wants a price near cost, the margin floor stops it.
	rules.MinMargin = 0.3
	rules.MaxChange = 0.5
	it = item("C", 3.99, 2.5, -8) // optimum 2.86; floor 3.57
	rec = Recommend([]Item{it}, &rules)[0]
	assert.Equal(t, 3.99, rec.New, "3.49 is below the 30% margin floor")
	assert.Equal(t, BoundMinMargin, rec.Bound)
	assert.GreaterOrEqual(t, (rec.New-2.5)/rec.New, 0.3)
}

func TestRecommendWithoutCostMaximisesRevenue(t *testing.T) {
	rules := DefaultRules()
	rec := Recommend([]Item{item("A", 5.49, math.NaN(), -2)}, &rules)[0]
	// Revenue falls with the price when demand is elastic.
	assert.Equal(t, 4.99, rec.New)
	assert.True(t, math.IsNaN(rec.MarginNew))
	assert.Contains(t, rec.Notes[0], "no unit cost")
}

func TestRecommendWithoutEstimateKeepsThePrice(t *testing.T) {
	it := item("A", 4.99, 2, -2)
	it.Elasticity = Elasticity{Elasticity: math.NaN(), StdError: math.NaN(), Method: MethodNone, Flag: FlagNoHistory + ";" + FlagNoEstimate}
	rec := Recommend([]Item{it}, nil)[0]
	assert.Equal(t, 4.99, rec.New)
	assert.Equal(t, BoundNoEstimate, rec.Bound)
	assert.Equal(t, "none", rec.Confidence)
}

// A family of two flavours of a small pack and one large pack: the
// flavours share a price, and the large pack costs more than the small but
// less per unit of content, even though each product alone would price
// otherwise.
func TestRecommendPriceFamily(t *testing.T) {
	rules := DefaultRules()
	rules.MaxChange = 0.5
	small1 := item("S1", 2.99, 1.2, -2.5) // alone: optimum 2.00
	small2 := item("S2", 2.99, 1.2, -1.6) // alone: optimum 3.20
	large := item("L", 4.99, 3, -1.3)     // alone: optimum 13, capped at +50%
	for _, it := range []*Item{&small1, &small2, &large} {
		it.Family = "crisps"
	}
	small1.Size, small2.Size, large.Size = 150, 150, 300
	together := Recommend([]Item{small1, small2, large}, &Rules{Objective: Profit, MaxChange: 0.5, Ladder: DefaultLadder()})
	small1.Family, small2.Family, large.Family = "", "", ""
	free := Recommend([]Item{small1, small2, large}, &rules)
	assert.NotEqual(t, free[0].New, free[1].New, "alone, the flavours price apart")
	assert.Greater(t, free[2].New/300, free[0].New/150, "alone, the large pack is dearer per unit")

	assert.Equal(t, together[0].New, together[1].New, "flavours share a price")
	assert.GreaterOrEqual(t, together[2].New, together[0].New, "the large pack costs at least the small one")
	assert.LessOrEqual(t, together[2].New/300, together[0].New/150, "and no more per unit of content")
	assert.Equal(t, BoundFamily, together[2].Bound)

	// The family optimum is the best of every consistent assignment.
	cands := func(it Item) []float64 { return candidates(&it, &rules) }
	small1.Family, small2.Family, large.Family = "crisps", "crisps", "crisps"
	bestV := math.Inf(-1)
	for _, ps := range cands(small1) {
		for _, pl := range cands(large) {
			if pl < ps || pl/300 > ps/150 {
				continue
			}
			v := value(&small1, ps, -2.5, Profit) + value(&small2, ps, -1.6, Profit) + value(&large, pl, -1.3, Profit)
			bestV = math.Max(bestV, v)
		}
	}
	got := value(&small1, together[0].New, -2.5, Profit) + value(&small2, together[1].New, -1.6, Profit) + value(&large, together[2].New, -1.3, Profit)
	assert.InDelta(t, bestV, got, 1e-9)
}

func TestPoolShrinksAndReplaces(t *testing.T) {
	nan := math.NaN()
	products := make([]Product, 7)
	fits := []Fit{
		{SKU: "a", Elasticity: -2.0, StdError: 0.1, NObs: 100},
		{SKU: "b", Elasticity: -1.6, StdError: 0.2, NObs: 100},
		{SKU: "c", Elasticity: -2.4, StdError: 0.3, NObs: 100},
		{SKU: "d", Elasticity: 0.4, StdError: 0.3, NObs: 100}, // wrong sign
		{SKU: "e", Elasticity: -5, StdError: 2.5, NObs: 100},  // imprecise
		{SKU: "f", Elasticity: nan, StdError: nan, NObs: 100}, // flat price
		{SKU: "g", Elasticity: -1.9, StdError: 0.2, NObs: 4},  // too few
	}
	for i := range products {
		products[i].Group = "dept"
	}
	out := Pool(products, fits, nil, nil)
	for _, e := range out[:3] {
		assert.Equal(t, MethodShrunk, e.Method, e.SKU)
		assert.Empty(t, e.Flag)
		assert.LessOrEqual(t, e.StdError, e.OwnStdError)
	}
	// Shrinkage pulls the noisy extreme most.
	assert.Less(t, math.Abs(out[2].Elasticity-out[2].Own), 0.5)
	assert.Greater(t, math.Abs(out[2].Elasticity-out[2].Own), math.Abs(out[0].Elasticity-out[0].Own))
	flags := []string{FlagWrongSign, FlagImprecise, FlagNoPriceVariation, FlagFewObservations}
	for k, e := range out[3:] {
		assert.Equal(t, flags[k], e.Flag, e.SKU)
		assert.Equal(t, MethodGroup, e.Method, e.SKU)
		assert.Less(t, e.Elasticity, -1.0, "%s gets the group's estimate", e.SKU)
		assert.Greater(t, e.StdError, 0.1)
	}
	// The pool counts the wrong-signed estimate too, so it is less elastic
	// than the three good ones together.
	good := randomEffects([]float64{-2.0, -1.6, -2.4}, []float64{0.1, 0.2, 0.3}, 0.1)
	assert.Greater(t, out[5].Elasticity, good.mean)
}

func TestRandomEffects(t *testing.T) {
	// Identical estimates: no spread beyond the floor; the mean is theirs.
	p := randomEffects([]float64{-2, -2, -2}, []float64{0.1, 0.1, 0.1}, 0.1)
	assert.InDelta(t, -2, p.mean, 1e-12)
	assert.InDelta(t, 0.01, p.tau2, 1e-12)
	// Spread far beyond the errors: tau² near the sample variance.
	p = randomEffects([]float64{-1, -2, -3, -4}, []float64{0.01, 0.01, 0.01, 0.01}, 0.1)
	assert.InDelta(t, 5.0/3, p.tau2, 0.01)
	assert.InDelta(t, -2.5, p.mean, 1e-9)
}

func TestPoolsTravelAsJSON(t *testing.T) {
	in := Pools{All: Prior{Mean: math.NaN(), N: 0}, Groups: map[string]Prior{"Dairy": {Mean: -1.5, StdErr: 0.2, Tau2: 0.09, N: 4}}}
	raw, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"all":{"mean":null,"std_err":0,"tau2":0,"n":0},"groups":{"Dairy":{"mean":-1.5,"std_err":0.2,"tau2":0.09,"n":4}}}`, string(raw))
	var out Pools
	require.NoError(t, json.Unmarshal(raw, &out))
	assert.True(t, math.IsNaN(out.All.Mean))
	assert.Equal(t, in.Groups, out.Groups)
}
