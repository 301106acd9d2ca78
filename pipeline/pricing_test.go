package pipeline

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/series"
)

// weeklyHistory is two products over 104 weeks at two stores: A with
// promotions, B ending soon and, for its last 4 weeks, already marked
// down from 9.99 to 7.99 on the shelf.
func weeklyHistory() *datasets.PriceHistory {
	rng := rand.New(rand.NewPCG(1, 2))
	h := &datasets.PriceHistory{Freq: series.Weekly, Start: series.MustParseDate("2023-01-02"), Rows: 416}
	h.End = h.Freq.Add(h.Start, 104) - 1
	for _, sku := range []string{"A", "B"} {
		for _, loc := range []string{"S1", "S2"} {
			ps := datasets.PriceSeries{SKU: sku, Location: loc}
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
				ps.Obs = append(ps.Obs, datasets.PriceObservation{Period: t, Units: distuv.Poisson{Lambda: m, Src: rng}.Rand(),
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
	products := map[string]datasets.PricingProduct{
		"A": {SKU: "A", Department: "d", UnitCost: 2, Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()},
		"B": {SKU: "B", Department: "d", UnitCost: 5, EndDate: end, Size: math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()},
	}
	res, err := Price(context.Background(), &PricingInput{History: h, Products: products, Stock: map[string]float64{"B": 600}},
		&PricingSettings{SalvageRate: 0.2})
	require.NoError(t, err)
	require.Len(t, res.Lines, 2)
	a, b := res.Lines[0], res.Lines[1]
	assert.Equal(t, pricing.KindEveryday, a.Kind)
	assert.InDelta(t, -2, a.Elasticity, 0.3)
	assert.Equal(t, pricing.KindMarkdown, b.Kind)
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
	res, err := Price(context.Background(), &PricingInput{History: h}, nil)
	require.NoError(t, err)
	notes := strings.Join(res.Notes, "\n")
	assert.Contains(t, notes, "3 sales rows without a price")
	assert.Contains(t, notes, "2 sales rows with a price of 0")
	assert.Contains(t, notes, "2 products have no unit cost")
	// Revenue falls with A's price (elasticity -2) but 3.49 is more than
	// 10% below 3.99.
	assert.Contains(t, notes, "prices could not move")
	_, err = Price(context.Background(), &PricingInput{History: &datasets.PriceHistory{Rows: 5, Unpriced: 5}}, nil)
	assert.ErrorContains(t, err, "price column")
}

// The price section and planner price share one check: errors name the
// setting the way the caller spells it.
func TestPriceConfigSettings(t *testing.T) {
	c := DefaultPriceConfig()
	s, err := c.Settings(func(k string) string { return k })
	require.NoError(t, err)
	assert.Equal(t, pricing.DefaultRules(), s.Rules)
	assert.Equal(t, pricing.DefaultMarkdownRules().Discounts, s.Markdown.Discounts)
	c.Endings = "any"
	s, err = c.Settings(func(k string) string { return k })
	require.NoError(t, err)
	assert.Equal(t, []float64{0.01, 0.02}, s.Rules.Ladder.Prices(0.01, 0.02), "any: every cent")
	for key, edit := range map[string]func(*PriceConfig){
		"--max-change":     func(c *PriceConfig) { c.MaxChange = 1.5 },
		"--markdown-steps": func(c *PriceConfig) { c.MarkdownSteps = "0.2,x" },
		"--freq":           func(c *PriceConfig) { c.Freq = "M" },
		"--horizon-days":   func(c *PriceConfig) { c.HorizonDays = -1 },
	} {
		c := DefaultPriceConfig()
		edit(&c)
		_, err := c.Settings(func(k string) string { return "--" + strings.ReplaceAll(k, "_", "-") })
		assert.ErrorContains(t, err, key)
	}
}

// The report lists price moves by expected gain and markdowns by stock.
func TestPriceTables(t *testing.T) {
	line := func(sku string, cur, now, before, after float64) pricing.Line {
		return pricing.Line{Kind: pricing.KindEveryday, Recommendation: pricing.Recommendation{SKU: sku, Location: "*", Current: cur, New: now,
			MarginCurrent: before, MarginNew: after, Bound: pricing.BoundOptimum}}
	}
	md := pricing.Line{Kind: pricing.KindMarkdown, Stock: 40, Markdown: &pricing.MarkdownPlan{Prices: []float64{9.99, 7.99}},
		Recommendation: pricing.Recommendation{SKU: "M", Location: "*", Current: 9.99, New: 9.99}}
	res := &PricingResult{Lines: []pricing.Line{line("small", 2.99, 3.49, 10, 12), line("same", 1.99, 1.99, 5, 5),
		line("big", 4.99, 4.49, 10, 30), md}}
	tables := priceTables(res)
	require.Len(t, tables, 2)
	assert.Equal(t, "Price moves (2)", tables[0].Title)
	assert.Equal(t, "big", tables[0].Rows[0][0], "largest gain first")
	assert.Equal(t, "20.00", tables[0].Rows[0][5])
	assert.Equal(t, "small", tables[0].Rows[1][0])
	assert.Equal(t, []string{"M", "40.00", "9.99", "9.99", "2", "0.00"}, tables[1].Rows[0])
}
