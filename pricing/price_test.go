package pricing

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// weeklyHistory is two products over 104 weeks at two stores: A with
// promotions, B ending soon and, for its last 4 weeks, already marked
// down from 9.99 to 7.99 on the shelf.
func weeklyHistory() *series.PriceHistory {
	rng := rand.New(rand.NewPCG(1, 2))
	h := &series.PriceHistory{Freq: series.Weekly, Start: series.MustParseDate("2023-01-02"), Rows: 416}
	h.End = h.Freq.Add(h.Start, 104) - 1
	for _, sku := range []string{"A", "B"} {
		for _, loc := range []string{"S1", "S2"} {
			ps := series.PriceSeries{SKU: sku, Location: loc}
			for t := 0; t < 104; t++ {
				regular := 3.99
				if sku == "B" {
					regular = 9.99
				}
				paid, promo := regular, 0.0
				if t%8 == 3 {
					paid, promo = regular*0.75, 1
				}
				if sku == "B" && t >= 100 {
					paid = 7.99
				}
				m := 20 * math.Pow(paid/regular, -2)
				ps.Obs = append(ps.Obs, series.PriceObservation{Period: t, Units: distuv.Poisson{Lambda: m, Src: rng}.Rand(),
					Paid: paid, Regular: regular, Promo: promo})
			}
			h.Series = append(h.Series, ps)
		}
	}
	return h
}

func TestPriceMarksDownFromTheShelfPrice(t *testing.T) {
	h := weeklyHistory()
	end := h.End + 40 // B ends in about six weeks
	products := map[string]supply.PricingTerms{
		"A": {SKU: "A", Department: "d", UnitCost: 2, Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()},
		"B": {SKU: "B", Department: "d", UnitCost: 5, EndDate: end, Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()},
	}
	res, err := Price(context.Background(), &Input{History: h, Products: products, Stock: map[string]float64{"B": 600}},
		&Settings{SalvageRate: 0.2})
	require.NoError(t, err)
	require.Len(t, res.Lines, 2)
	a, b := res.Lines[0], res.Lines[1]
	assert.Equal(t, KindEveryday, a.Kind)
	assert.InDelta(t, -2, a.Elasticity, 0.3)
	assert.Equal(t, KindMarkdown, b.Kind)
	assert.Equal(t, 7.99, b.Current, "the markdown taken already is where this run starts")
	assert.Equal(t, 9.99, b.Regular)
	assert.LessOrEqual(t, b.New, 7.99)
	require.NotNil(t, b.Markdown)
	assert.Len(t, b.Markdown.Prices, 6)
	for _, p := range b.Markdown.Prices {
		assert.LessOrEqual(t, p, 7.99)
	}
	assert.Equal(t, h.End+1, b.Effective)
}

func TestPriceSaysWhatItLeftOut(t *testing.T) {
	h := weeklyHistory()
	h.Unpriced, h.ZeroPrice = 3, 2
	res, err := Price(context.Background(), &Input{History: h}, nil)
	require.NoError(t, err)
	notes := strings.Join(res.Notes, "\n")
	assert.Contains(t, notes, "3 sales rows without a price")
	assert.Contains(t, notes, "2 sales rows with a price of 0")
	assert.Contains(t, notes, "2 products have no unit cost")
	// Revenue falls with A's price (elasticity -2) but 3.49 is more than
	// 10% below 3.99.
	assert.Contains(t, notes, "prices could not move")
	_, err = Price(context.Background(), &Input{History: &series.PriceHistory{Rows: 5, Unpriced: 5}}, nil)
	assert.ErrorContains(t, err, "price column")
}

// A history given a SKU at a time prices as the whole history does.
func TestPricePartsPricesAsTheWholeHistory(t *testing.T) {
	products := map[string]supply.PricingTerms{
		"A": {SKU: "A", Department: "d", UnitCost: 2, Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()},
		"B": {SKU: "B", Department: "d", UnitCost: 5, EndDate: weeklyHistory().End + 40, Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()},
	}
	stock := map[string]float64{"B": 600}
	whole, err := Price(context.Background(), &Input{History: weeklyHistory(), Products: products, Stock: stock}, nil)
	require.NoError(t, err)
	h := weeklyHistory()
	parts := func(yield func(*series.PriceHistory, error) bool) {
		for _, sku := range []string{"A", "B"} {
			part := *h
			part.Series = nil
			for _, s := range h.Series {
				if s.SKU == sku {
					part.Series = append(part.Series, s)
				}
			}
			if !yield(&part, nil) {
				return
			}
		}
	}
	inParts, err := PriceParts(context.Background(), parts, &Input{Products: products, Stock: stock}, &Settings{ReleaseHistory: true})
	require.NoError(t, err)
	assert.Equal(t, whole.Lines, inParts.Lines)
	assert.Equal(t, whole.Elasticities, inParts.Elasticities)
	assert.Equal(t, whole.Pools, inParts.Pools)
	require.Len(t, inParts.Lines, 2)
}
