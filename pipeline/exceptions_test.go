package pipeline

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/exceptions"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// One DC short for five stores is one exception with the five cut lines,
// valued at the units cut times the unit price; an order to check, worth
// less, ranks below it, and a product without a price is valued at its
// cost. The file holds them in that order.
func TestExceptionsFileGroupsAndRanksAHandBuiltCase(t *testing.T) {
	day := series.MustParseDate("2025-01-06")
	var lines []replenish.Line
	for i := 1; i <= 5; i++ {
		lines = append(lines, replenish.Line{ID: fmt.Sprintf("TO-%d", i), SKU: "A", From: "DC1", To: fmt.Sprintf("S%d", i), Transfer: true,
			Qty: float64(4 - min(i, 4)), Cut: float64(min(i, 4)), Exception: "DC stock short: DC1 holds 6 of the 20 units ordered from it"})
	}
	lines = append(lines,
		replenish.Line{ID: "TO-9", SKU: "A", From: "DC1", To: "S9", Transfer: true, Qty: 3}, // not cut: no exception
		replenish.Line{ID: "PO-1", SKU: "B", From: "SUP", To: "DC1", Qty: 20, UnitCost: 2, Exception: "the minimum order covers 120 days of demand"})
	in := &ExceptionsInput{Day: day, Orders: lines,
		Terms:  map[string]supply.PricingTerms{"A": {UnitPrice: 5, UnitCost: 3}, "B": {UnitPrice: math.NaN(), UnitCost: 1.5}},
		Labels: &supply.Labels{Planner: map[string]string{"A": "Ana"}}}
	exs := Exceptions(in, config.DefaultExceptions())
	require.Len(t, exs, 2)

	path := filepath.Join(t.TempDir(), ExceptionsName)
	require.NoError(t, export.WriteExceptions(path, exs))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	rows := strings.Split(strings.TrimSpace(string(raw)), "\n")
	require.Len(t, rows, 3)
	assert.Equal(t, "exception_id,kind,sku,location,lines,line_ids,units,value_at_risk,severity,owner,status,first_seen,action,detail,schema", rows[0])
	// 1+2+3+4+4 = 14 units cut at 5 each.
	assert.Equal(t, exceptions.ID(exceptions.DCShort, "A", "DC1", "")+",dc_short,A,DC1,5,"+
		"orders:TO-1 orders:TO-2 orders:TO-3 orders:TO-4 orders:TO-5,14,70,low,Ana,new,2025-01-06,"+
		exceptions.Action[exceptions.DCShort]+",DC stock short: DC1 holds 6 of the 20 units ordered from it,exceptions/1", rows[1])
	// 20 units ordered, valued at B's cost 1.5 (it has no price): 30.
	assert.Equal(t, exceptions.ID(exceptions.OrderCheck, "B", "DC1", "")+",order_check,B,DC1,1,orders:PO-1,20,30,low,,new,2025-01-06,"+
		exceptions.Action[exceptions.OrderCheck]+",the minimum order covers 120 days of demand,exceptions/1", rows[2])

	// Worth more than the short DC, the order ranks first.
	in.Orders[len(in.Orders)-1].Qty = 100
	exs = Exceptions(in, config.DefaultExceptions())
	assert.Equal(t, exceptions.OrderCheck, exs[0].Kind)
	assert.Equal(t, 150.0, exs[0].ValueAtRisk)
	assert.Equal(t, exceptions.Medium, exs[0].Severity, "from 100 at risk")
}

// A store's stock is judged against its forecast: too little for the
// lead time is a stock-out risk, perishables beyond their shelf life's
// sales are ageing, other stock beyond the overstock horizon overstock;
// a DC's item is left to allocation. A tracking signal beyond its limit
// is forecast bias.
func TestStockAndForecastExceptions(t *testing.T) {
	day := series.MustParseDate("2025-01-06")
	flat := func(v float64) []float64 { return []float64{v, v, v, v, v, v, v} }
	target := replenish.Target{Level: 0.95, Type: replenish.FillRate}
	net := &replenish.Network{AsOf: day - 1, Items: []*replenish.Item{
		{SKU: "A", Location: "S1", Position: replenish.Position{OnHand: 2}, Lane: replenish.Lane{From: "DC1", Transfer: true, LeadTime: 3},
			Target: target, Mean: flat(5), SD: flat(1)},
		{SKU: "B", Location: "S1", Position: replenish.Position{OnHand: 100}, Lane: replenish.Lane{From: "DC1", Transfer: true, LeadTime: 3},
			Target: target, ShelfLife: 5, Mean: flat(4), SD: flat(1)},
		{SKU: "C", Location: "S1", Position: replenish.Position{OnHand: 1000}, Lane: replenish.Lane{From: "DC1", Transfer: true, LeadTime: 3},
			Target: target, Mean: flat(2), SD: flat(1)},
		{SKU: "A", Location: "DC1", Position: replenish.Position{OnHand: 0}, Lane: replenish.Lane{From: "SUP", LeadTime: 7},
			Target: target, Mean: flat(0), SD: flat(0)},
	}}
	in := &ExceptionsInput{Day: day, Network: net, Terms: map[string]supply.PricingTerms{"A": {UnitPrice: 10, UnitCost: 6}, "B": {UnitPrice: 3, UnitCost: 2},
		"C": {UnitPrice: 5, UnitCost: 4}},
		Bias: []datasets.TrackingSignal{{SKU: "C", Location: "S1", Channel: "store", Days: 28, Error: 50, MAD: 10, Signal: 5},
			{SKU: "A", Location: "S1", Channel: "store", Days: 28, Error: -30, MAD: 10, Signal: -3}}}
	exs := Exceptions(in, config.DefaultExceptions())
	got := map[exceptions.Kind][]string{}
	for _, e := range exs {
		got[e.Kind] = append(got[e.Kind], e.SKU+"@"+e.Location)
	}
	assert.Equal(t, map[exceptions.Kind][]string{exceptions.StockoutRisk: {"A@S1"}, exceptions.Ageing: {"B@S1"},
		exceptions.Overstock: {"C@S1"}, exceptions.ForecastBias: {"C@S1"}}, got)
	for _, e := range exs {
		switch e.Kind {
		case exceptions.Ageing:
			assert.Equal(t, 80.0, e.Units, "100 on hand, 5 days at 4 sell")
			assert.Equal(t, 160.0, e.ValueAtRisk, "at cost")
		case exceptions.Overstock:
			assert.Equal(t, 820.0, e.Units, "1000 on hand, 90 days at 2")
			assert.Equal(t, 3280.0, e.ValueAtRisk)
			assert.Equal(t, exceptions.High, e.Severity)
		case exceptions.ForecastBias:
			assert.Equal(t, 250.0, e.ValueAtRisk, "50 units over-forecast at the price")
			assert.Contains(t, e.Detail, "overforecast")
		case exceptions.StockoutRisk:
			assert.InDelta(t, 13, e.Units, 0.5, "15 units of demand over the lead time, 2 on hand")
		}
	}
}

// A short DC's projection starts from what it holds after today's
// transfers, takes its open inbound when its lead time has passed, and
// gives its stores what they need beyond their own stock.
func TestDCProjection(t *testing.T) {
	start := series.MustParseDate("2025-01-06")
	fc := &forecast.Result{Forecasts: series.Forecasts{Freq: series.Daily, Horizon: 4,
		Keys:   []series.Key{{SKU: "A", Location: "S1", Channel: "store"}, {SKU: "A", Location: "S2", Channel: "store"}, {SKU: "B", Location: "S1"}},
		Starts: []series.Date{start, start, start}, Mean: []float64{2, 2, 2, 2, 1, 1, 1, 1, 9, 9, 9, 9}}}
	net := &replenish.Network{AsOf: start - 1, Items: []*replenish.Item{
		{SKU: "A", Location: "DC1", Position: replenish.Position{OnHand: 10, OnOrder: 20}, Lane: replenish.Lane{From: "SUP", LeadTime: 2}},
		{SKU: "A", Location: "S1", Lane: replenish.Lane{From: "DC1", Transfer: true, LeadTime: 1}},
		{SKU: "A", Location: "S2", Lane: replenish.Lane{From: "DC1", Transfer: true, LeadTime: 1}},
	}}
	lines := []replenish.Line{{SKU: "A", From: "DC1", To: "S1", Transfer: true, Qty: 6}, {SKU: "A", From: "DC1", To: "S2", Transfer: true, Qty: 0, Cut: 4}}
	r := &Run{forecasts: &ForecastResult{Forecasts: fc}, orders: &ReplenishResult{Network: net, Lines: lines}}
	// S1 holds 1 and gets 6: it needs the DC from day 4 (2 a day from 7).
	// S2 holds 1 and gets nothing: 1 a day from day 2. The DC: 10 - 6 = 4,
	// +20 on day 3 (its lead time, 2, passed), less those needs.
	got := r.dcProjection("A", "DC1", map[[2]string]float64{{"A", "S1"}: 1, {"A", "S2"}: 1, {"A", "DC1"}: 30})
	assert.Equal(t, []float64{4, 3, 22, 20}, got)
}
