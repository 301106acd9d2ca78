package assortment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chainOf is a chain of stores selling products in categories of
// perCategory, in subcategories of 8, each store carrying nine products
// in ten today, with a shelf per category for about two thirds of the
// category's products.
func chainOf(stores, products, perCategory int) *Chain {
	rng := rand.New(rand.NewPCG(uint64(stores), uint64(products)))
	c := &Chain{CarryCost: 4, Clusters: 4}
	for j := 0; j < products; j++ {
		cat := j / perCategory
		c.Products = append(c.Products, ChainProduct{SKU: fmt.Sprintf("P%06d", j), Category: fmt.Sprint("C", cat),
			Group: fmt.Sprint("C", cat, "-", j%perCategory/8), Price: math.Exp(rng.NormFloat64() * 0.5),
			Margin: 0.5 + rng.Float64(), Width: 1, MinFacings: 1 + rng.IntN(2), Transfer: 0.2 + 0.6*rng.Float64()})
	}
	base := make([]float64, products)
	for j := range base {
		base[j] = math.Exp(rng.NormFloat64() * 1.2)
	}
	for s := 0; s < stores; s++ {
		c.Stores = append(c.Stores, fmt.Sprintf("S%04d", s))
		size := 0.5 + rng.Float64()
		row := make([]float64, products)
		for j := range row {
			row[j] = 28 * size * base[j] * math.Exp(rng.NormFloat64()*0.3)
			if rng.IntN(10) == 0 {
				row[j] = math.NaN()
			}
		}
		c.Demand = append(c.Demand, row)
		for cat := 0; cat*perCategory < products; cat++ {
			n := min(perCategory, products-cat*perCategory)
			c.Shelves = append(c.Shelves, ChainShelf{Store: s, Category: fmt.Sprint("C", cat), Space: math.Round(float64(n) * 1.5 * 2 / 3), MaxChanges: -1})
		}
	}
	return c
}

func TestTheChainPlansEachShelfAsItsProblem(t *testing.T) {
	c := chainOf(12, 200, 50)
	c.MustCarryAll = []int{0}
	c.MustCarry = [][]int{{5}}
	problems, _, err := c.Problems()
	require.NoError(t, err)
	ranges, err := c.Plan()
	require.NoError(t, err)
	require.Len(t, ranges, len(c.Shelves))
	for i, p := range problems {
		plan, err := Choose(p)
		require.NoError(t, err)
		assert.Equal(t, p.Lines(plan), ranges[i].Lines, "shelf %d", i)
		today := make([]bool, len(p.Products))
		for a, q := range p.Products {
			today[a] = q.Current
		}
		assert.Equal(t, p.Evaluate(today).Value, ranges[i].Today)
	}
	// The must-carry products are carried; a product the store does not
	// sell today takes its cluster's demand, scaled to the store.
	assert.True(t, ranges[0].Lines[0].Carry && ranges[0].Lines[5].Carry && ranges[4].Lines[0].Carry)
	for i, p := range problems {
		s := c.Shelves[i].Store
		for a, q := range p.Products {
			j := a + 50*(i%4)
			assert.Equal(t, !math.IsNaN(c.Demand[s][j]), q.Current)
			assert.Greater(t, q.Demand, 0.0, "%s at %s", q.SKU, c.Stores[s])
			assert.LessOrEqual(t, len(p.Substitutes[a]), 7, "within its subcategory of 8")
		}
	}
}

// A product without a price has no margin to choose by: it stays where
// it is carried today, even when carrying it costs, and is added
// nowhere.
func TestAProductWithoutAPriceStaysAsItIs(t *testing.T) {
	c := chainOf(6, 40, 40)
	c.Products[3].Unpriced, c.Products[3].Margin = true, 0
	c.Demand[0][3], c.Demand[1][3] = math.NaN(), 5
	ranges, err := c.Plan()
	require.NoError(t, err)
	for i, r := range ranges {
		s := c.Shelves[i].Store
		l := r.Lines[3]
		if math.IsNaN(c.Demand[s][3]) {
			assert.Equal(t, Out, l.Change, "not added at %s", c.Stores[s])
		} else {
			assert.Equal(t, Keep, l.Change, "kept at %s", c.Stores[s])
		}
	}
	assert.Equal(t, Out, ranges[0].Lines[3].Change)
	assert.Equal(t, Keep, ranges[1].Lines[3].Change)
}
