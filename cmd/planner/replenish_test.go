package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
)

func TestReplenishPlansTheSyntheticRetailer(t *testing.T) {
	_, db := loadedSample(t)

	orders := filepath.Join(t.TempDir(), "orders.csv")
	code, out, errOut := planner(t, "replenish", "--db", db, "--target", "0.95", "--out", orders, "--json")
	require.Equal(t, 0, code, errOut) // the small retailer's DCs hold enough
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &sum))
	for _, k := range []string{"order_date", "items", "purchase_orders", "transfer_orders", "units", "value", "exceptions"} {
		assert.Contains(t, sum, k)
	}
	assert.Greater(t, sum["transfer_orders"].(float64), 0.0)
	raw, err := os.ReadFile(orders)
	require.NoError(t, err)
	rows := strings.Split(strings.TrimSpace(string(raw)), "\n")
	assert.Equal(t, sum["purchase_orders"].(float64)+sum["transfer_orders"].(float64), float64(len(rows)-1))
	assert.True(t, strings.HasPrefix(rows[0], "order_id,type,sku,from,to,quantity,order_date,receipt_date,unit_cost,policy,reason"))

	// The same plan again: the same file, order ids included.
	again := filepath.Join(t.TempDir(), "orders.csv")
	code, _, errOut = planner(t, "replenish", "--db", db, "--target", "0.95", "--out", again)
	require.Equal(t, 0, code, errOut)
	raw2, err := os.ReadFile(again)
	require.NoError(t, err)
	assert.Equal(t, string(raw), string(raw2))

	// Targets by class, and one SKU's own target everywhere.
	targets := filepath.Join(t.TempDir(), "targets.csv")
	require.NoError(t, os.WriteFile(targets, []byte("sku,target\nSKU00001,0.8\n"), 0o644))
	classed := filepath.Join(t.TempDir(), "orders.csv")
	code, _, errOut = planner(t, "replenish", "--db", db, "--class-targets", "A=0.99,B=0.97,C=0.9", "--targets", targets, "--out", classed)
	require.Equal(t, 0, code, errOut)
	raw, err = os.ReadFile(classed)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, row := range strings.Split(strings.TrimSpace(string(raw)), "\n")[1:] {
		f := strings.Split(row, ",")
		class, target := f[17], f[18] // the class and target columns
		if f[2] == "SKU00001" {
			assert.Equal(t, "0.8 fill", target)
			continue
		}
		want := map[byte]string{'A': "0.99 fill", 'B': "0.97 fill", 'C': "0.9 fill"}[class[0]]
		assert.Equal(t, want, target, row)
		seen[class[:1]] = true
	}
	assert.True(t, seen["A"], "some orders are for A items")

	require.NoError(t, os.WriteFile(targets, []byte("sku,target\nSKU00001,95\n"), 0o644))
	code, _, errOut = planner(t, "replenish", "--db", db, "--targets", targets)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "targets.csv line 2, column target: \"95\" is not a level between 0 and 1")

	code, _, errOut = planner(t, "replenish", "--db", db, "--target", "95")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--target must be between 0 and 1")
	code, _, errOut = planner(t, "replenish", "--db", filepath.Join(t.TempDir(), "none.duckdb"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "load data first")
}

func TestSimulateReportsEveryPolicy(t *testing.T) {
	dir := synthSample(t)
	code, out, errOut := planner(t, "simulate", "--sales", filepath.Join(dir, "sales.csv"), "--holdout-days", "30",
		"--lead-time", "3", "--review", "7", "--target", "0.9", "--target-type", "fill", "--json")
	require.Equal(t, 0, code, errOut)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &sum))
	pols := sum["policies"].(map[string]any)
	for _, name := range []string{"auto", "cover", "minmax"} {
		require.Contains(t, pols, name)
		p := pols[name].(map[string]any)
		for _, k := range []string{"fill_rate", "cycle_service_level", "avg_inventory_units", "avg_inventory_value", "stockout_days", "orders", "expired_units"} {
			assert.Contains(t, p, k, name)
		}
	}
	assert.Equal(t, pols["auto"].(map[string]any)["fill_rate"], sum["fill_rate"])

	code, _, errOut = planner(t, "simulate", "--sales", filepath.Join(dir, "sales.csv"), "--holdout-days", "30", "--lead-time", "0")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "planner: --lead-time must be more than 0 days (got 0)")
}

func TestReplenishFromAForecastFile(t *testing.T) {
	_, db := loadedSample(t)
	fc := filepath.Join(t.TempDir(), "forecasts.csv")
	code, _, errOut := planner(t, "forecast", "--db", db, "--freq", "D", "--horizon", "28", "--out", fc)
	require.Equal(t, 0, code, errOut)
	orders := filepath.Join(t.TempDir(), "orders.csv")
	code, out, errOut := planner(t, "replenish", "--db", db, "--forecasts", fc, "--out", orders, "--json")
	require.Equal(t, 0, code, errOut)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &sum))
	assert.Greater(t, sum["transfer_orders"].(float64), 0.0)
	raw, err := os.ReadFile(orders)
	require.NoError(t, err)
	assert.Greater(t, strings.Count(string(raw), "\n"), 1)

	// Weekly forecasts are refused, naming the file.
	weekly := filepath.Join(t.TempDir(), "weekly.csv")
	require.NoError(t, os.WriteFile(weekly, []byte("sku,location,date,mean\nSKU00001,S001,2025-01-06,5\nSKU00001,S001,2025-01-13,5\n"), 0o644))
	code, _, errOut = planner(t, "replenish", "--db", db, "--forecasts", weekly)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "weekly.csv: the plans are made from daily forecasts, and these are weekly")
}

// A simulation's forecasts use a promotion flag of the sales as the
// nightly forecast would: carried on by its schedule when nothing planned
// the replayed days, as given when the promotions file did.
func TestSimulateUsesThePromotionsKnownAhead(t *testing.T) {
	dir := t.TempDir()
	var sales, promos strings.Builder
	sales.WriteString("date,sku,location,qty,promo\n")
	promos.WriteString("sku,location,start_date,end_date\n")
	start := series.MustParseDate("2025-01-06") // a Monday
	for d := 0; d < 210; d++ {
		promo := 0
		if d%14 < 5 {
			promo = 1
		}
		if d%14 == 0 {
			fmt.Fprintf(&promos, "A,S1,%s,%s\n", start+series.Date(d), start+series.Date(d+4))
		}
		fmt.Fprintf(&sales, "%s,A,S1,%d,%d\n", start+series.Date(d), 100+50*promo+d%7, promo)
	}
	salesFile, promosFile := filepath.Join(dir, "sales.csv"), filepath.Join(dir, "promotions.csv")
	require.NoError(t, os.WriteFile(salesFile, []byte(sales.String()), 0o644))
	require.NoError(t, os.WriteFile(promosFile, []byte(promos.String()), 0o644))
	run := func(args ...string) map[string]any {
		t.Helper()
		code, out, errOut := planner(t, append([]string{"simulate", "--sales", salesFile, "--holdout-days", "56",
			"--lead-time", "3", "--review", "7", "--json"}, args...)...)
		require.Equal(t, 0, code, errOut)
		var sum map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &sum))
		return sum
	}
	assert.Equal(t, []any{"promo every 14 days"}, run()["drivers_scheduled"])
	planned := run("--promotions", promosFile)
	assert.NotContains(t, planned, "drivers_scheduled", "the promotions file planned the replayed days")
	assert.NotContains(t, planned, "drivers_left_out")
	off := run("--drivers", "off")
	assert.NotContains(t, off, "drivers_scheduled")
	assert.Less(t, planned["avg_inventory_units"], off["avg_inventory_units"], "knowing the promotions ahead needs less stock")

	code, _, errOut := planner(t, "simulate", "--sales", salesFile, "--holdout-days", "56", "--lead-time", "3", "--drivers", "sometimes")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `planner: --drivers "sometimes" is not auto, on or off`)
}
