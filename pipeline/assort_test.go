package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/assortment"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
)

// The assort stage chooses every store's range per category on the
// synthetic retailer: each range fits its shelf, keeps the must-carry
// products, and reaches the report; a product wider than its shelf
// leaves that shelf unplanned as an exception, and the others planned.
func TestTheAssortStageFitsEveryShelf(t *testing.T) {
	cfg := sampleConfig(t)
	ac := config.DefaultAssort()
	cfg.Assort = &ac
	cfg.Stages = []string{"load", "forecast", "assort", "exceptions", "report"}
	dir := filepath.Dir(cfg.DB)
	m, err := Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	run := filepath.Join(cfg.Out, "runs", m.RunID)
	rows := csvRecords(t, filepath.Join(run, "assortment.csv"))
	require.NotEmpty(t, rows)
	space := map[[2]string]float64{}
	for _, s := range csvRecords(t, filepath.Join(dir, "shelves.csv")) {
		space[[2]string{s["location"], s["category"]}] = atofOr0(s["space"])
	}
	must := map[string]bool{}
	for _, r := range csvRecords(t, filepath.Join(dir, "must_carry.csv")) {
		must[r["sku"]] = true
	}
	used := map[[2]string]float64{}
	for _, r := range rows {
		assert.Equal(t, export.AssortmentSchema, r["schema"])
		if r["carry"] == "yes" {
			used[[2]string{r["store"], r["category"]}] += atofOr0(r["facings"]) // facing_width is 1 in the sample
		} else if must[r["sku"]] {
			t.Errorf("%s at %s: a must-carry product is not carried", r["sku"], r["store"])
		}
	}
	require.NotEmpty(t, used)
	for k, u := range used {
		assert.LessOrEqual(t, u, space[k], "%v", k)
	}
	html, err := os.ReadFile(filepath.Join(run, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "Store ranges (assortment.csv)")

	// A product wider than every shelf: its category's shelves are not
	// planned, and say why.
	var wide string
	rewriteCSV(t, filepath.Join(dir, "products.csv"), func(_ []string, row map[string]string) {
		if wide == "" && row["category"] == "Home" {
			wide = row["sku"]
			row["min_facings"] = "999"
		}
	}, "")
	m, err = Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	exs := csvRecords(t, filepath.Join(cfg.Out, "runs", m.RunID, "exceptions.csv"))
	found := 0
	for _, e := range exs {
		if e["kind"] == "input_check" && strings.Contains(e["detail"], wide+"'s minimum facings take 999") {
			found++
		}
	}
	assert.Positive(t, found, "the shelves %s does not fit", wide)

	// Every Grocery product a must at the first store, more than its
	// shelf holds: that shelf is not planned, and says why; the other
	// stores' Grocery shelves are.
	var musts strings.Builder
	musts.WriteString("location,sku\n")
	for _, p := range csvRecords(t, filepath.Join(dir, "products.csv")) {
		if p["category"] == "Grocery" {
			musts.WriteString("S001," + p["sku"] + "\n")
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "must_carry.csv"), []byte(musts.String()), 0o600))
	m, err = Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	run = filepath.Join(cfg.Out, "runs", m.RunID)
	found = 0
	for _, e := range csvRecords(t, filepath.Join(run, "exceptions.csv")) {
		if e["kind"] == "input_check" && strings.Contains(e["detail"], "S001, Grocery: the must-carry products take") {
			found++
		}
	}
	assert.Equal(t, 1, found, "the first store's Grocery shelf")
	planned := map[[2]string]bool{}
	for _, r := range csvRecords(t, filepath.Join(run, "assortment.csv")) {
		planned[[2]string{r["store"], r["category"]}] = true
	}
	assert.False(t, planned[[2]string{"S001", "Grocery"}])
	assert.True(t, planned[[2]string{"S002", "Grocery"}])
}

// The plans after the ranges are made on them: a dropped product sells
// none of its forecast at the store, a kept one what transfers to it
// too, and an added one a like store's forecast, scaled to what the
// range expects of it.
func TestTheRangesReshapeTheForecasts(t *testing.T) {
	start := series.MustParseDate("2026-03-02")
	fc := &series.Forecasts{Freq: series.Daily, Horizon: 2, Quantiles: []float64{0.1, 0.9}, Starts: []series.Date{start, start, start, start},
		Keys: []series.Key{{SKU: "A", Location: "S1", Channel: "store"}, {SKU: "A", Location: "S2", Channel: "store"},
			{SKU: "B", Location: "S1", Channel: "store"}, {SKU: "C", Location: "S1", Channel: "store"}},
		Mean: []float64{5, 5, 10, 12, 3, 3, 4, 4},
		Q:    []float64{1, 9, 1, 9, 6, 14, 8, 16, 1, 5, 1, 5, 2, 6, 2, 6},
	}
	res := &AssortResult{Day: start, Ranges: []export.StoreRange{{Store: "S1", Category: "Snacks", Lines: []assortment.Line{
		{SKU: "A", Carry: true, Units: 15, Transferred: 5, Change: assortment.Keep},
		{SKU: "B", Change: assortment.Drop},
		{SKU: "C", Carry: true, Units: 8, Change: assortment.Keep},
	}}, {Store: "S3", Category: "Snacks", Lines: []assortment.Line{
		{SKU: "A", Carry: true, Units: 20, Transferred: 0, Change: assortment.Add},
	}}}}
	got := res.Apply(fc, 2)
	require.Equal(t, []series.Key{{SKU: "A", Location: "S1", Channel: "store"}, {SKU: "A", Location: "S2", Channel: "store"},
		{SKU: "A", Location: "S3", Channel: "store"}, {SKU: "B", Location: "S1", Channel: "store"}, {SKU: "C", Location: "S1", Channel: "store"}}, got.Keys)
	assert.InDeltaSlice(t, []float64{7.5, 7.5, 10, 12, 20 * 10.0 / 22, 20 * 12.0 / 22, 0, 0, 4, 4}, got.Mean, 1e-12)
	assert.Equal(t, []float64{1.5, 13.5, 1.5, 13.5}, got.Q[:4], "A at S1: 15 of its own 10")
	assert.InDeltaSlice(t, []float64{6 * 20.0 / 22, 14 * 20.0 / 22}, got.Q[8:10], 1e-12, "A at S3: S2's profile, the store nearest in sales")
	assert.Equal(t, []float64{0, 0, 0, 0}, got.Q[12:16], "B dropped at S1")
	assert.Equal(t, 5.0, fc.Mean[0], "the forecasts given are left as they were")
}

// The nightly plans are made on the ranges: a store that has never sold
// its best seller gets it added, and a transfer order for its opening
// stock; no order goes to a store for a product its range drops.
func TestThePlansAreMadeOnTheRanges(t *testing.T) {
	cfg := sampleConfig(t)
	ac := config.DefaultAssort()
	ac.CarryCost = 2
	cfg.Assort = &ac
	cfg.Stages = []string{"load", "forecast", "assort", "replenish"}
	dir := filepath.Dir(cfg.DB)
	// The best seller of the first store, which then never sold it.
	sold := map[string]float64{}
	for _, r := range csvRecords(t, filepath.Join(dir, "sales.csv")) {
		if r["location"] == "S001" {
			sold[r["sku"]] += atofOr0(r["qty"])
		}
	}
	best := ""
	for sku, q := range sold {
		if best == "" || q > sold[best] || q == sold[best] && sku < best {
			best = sku
		}
	}
	for _, f := range []string{"sales.csv", "inventory.csv"} {
		editCSV(t, filepath.Join(dir, f), func(col map[string]int, rec []string) bool {
			return rec[col["sku"]] != best || rec[col["location"]] != "S001"
		})
	}
	ordered := func(advisory bool, day int) (map[[2]string]float64, map[[2]string]string) {
		ac.Advisory = advisory
		m, err := Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, day, 2, 0, 0, 0, time.UTC))})
		require.NoError(t, err)
		run := filepath.Join(cfg.Out, "runs", m.RunID)
		change := map[[2]string]string{}
		for _, r := range csvRecords(t, filepath.Join(run, "assortment.csv")) {
			change[[2]string{r["sku"], r["store"]}] = r["change"]
		}
		qty := map[[2]string]float64{}
		for _, r := range csvRecords(t, filepath.Join(run, "orders.csv")) {
			qty[[2]string{r["sku"], r["to"]}] += atofOr0(r["quantity"])
		}
		return qty, change
	}
	planned, change := ordered(false, 4)
	require.Equal(t, "add", change[[2]string{best, "S001"}])
	drops := 0
	for k, c := range change {
		if c == "drop" {
			drops++
			assert.Zero(t, planned[k], "%s is dropped at %s", k[0], k[1])
		}
	}
	assert.Positive(t, drops)
	// The same night with the ranges advisory: the store gets no more of
	// the product than a minimum order, and the dropped products' stock.
	advised, _ := ordered(true, 5)
	added := [2]string{best, "S001"}
	assert.Greater(t, planned[added], 2*advised[added], "the added product's opening stock")
	for k, c := range change {
		if c == "drop" && advised[k] > 0 {
			return
		}
	}
	t.Error("without the ranges, no dropped product gets an order: the test shows nothing")
}

// A shard holds some of each category's products: it chooses no ranges,
// and says why.
func TestAShardChoosesNoRanges(t *testing.T) {
	ac := config.DefaultAssort()
	r := &Run{Config: &config.Config{Assort: &ac}, sharded: true, forecasts: &ForecastResult{}}
	rep, err := AssortStage{}.Run(context.Background(), r)
	require.NoError(t, err)
	assert.Contains(t, rep.Summary, "skipped: a store's range is chosen among every product of its category")
	assert.Nil(t, r.assort)
}

// A range's horizon in the forecasts' periods: whole weeks of weekly
// forecasts; the history for the shares: a year of days, two of weeks.
func TestTheRangesReadWeeklySalesInWholeWeeks(t *testing.T) {
	daily := &series.Forecasts{Freq: series.Daily, Horizon: 56}
	weekly := &series.Forecasts{Freq: series.Weekly, Horizon: 8}
	assert.Equal(t, 28, horizonSteps(28, daily))
	assert.Equal(t, 4, horizonSteps(28, weekly))
	assert.Equal(t, 5, horizonSteps(30, weekly), "a part week counts whole")
	assert.Equal(t, 8, horizonSteps(365, weekly), "no more than the forecasts hold")
	assert.Equal(t, 365, historyPeriods(series.Daily))
	assert.Equal(t, 104, historyPeriods(series.Weekly))
}
