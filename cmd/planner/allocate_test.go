package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/export"
)

// allocationFiles writes a forecast for two SKUs at three stores of one DC
// (seven days), the DC's stock and the stores' rules.
func allocationFiles(t *testing.T, dcStock, locations string) (dir string) {
	dir = t.TempDir()
	var b strings.Builder
	b.WriteString("sku,location,date,model,mean,p10,p90\n")
	for _, s := range []struct {
		sku, loc string
		mean     float64
	}{{"A", "S1", 10}, {"A", "S2", 4}, {"A", "S3", 1}, {"B", "S1", 0}, {"B", "S2", 0}, {"B", "S3", 0}} {
		for d := 1; d <= 7; d++ {
			b.WriteString(s.sku + "," + s.loc + ",2025-03-0" + strconv.Itoa(d) + ",ets," + strconv.FormatFloat(s.mean, 'f', -1, 64) + "," +
				strconv.FormatFloat(s.mean*0.6, 'f', -1, 64) + "," + strconv.FormatFloat(s.mean*1.4, 'f', -1, 64) + "\n")
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "forecasts.csv"), []byte(b.String()), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dc_stock.csv"), []byte(dcStock), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "locations.csv"), []byte(locations), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "store_stock.csv"), []byte("sku,location,qty\nA,S1,5\nA,S3,2\n"), 0o644))
	return dir
}

func TestAllocateFromFiles(t *testing.T) {
	dir := allocationFiles(t, "sku,dc,qty\nA,DC1,60\n", "location,dc,min_stock,max_stock,pack_size\nS1,DC1,,,6\nS2,DC1,2,,\nS3,DC1,,,\n")
	out := filepath.Join(dir, "allocation.csv")
	args := []string{"allocate", "--forecasts", filepath.Join(dir, "forecasts.csv"), "--stock", filepath.Join(dir, "dc_stock.csv"),
		"--locations", filepath.Join(dir, "locations.csv"), "--store-stock", filepath.Join(dir, "store_stock.csv"), "--out", out, "--json"}
	code, stdout, errOut := planner(t, args...)
	require.Equal(t, 3, code, errOut) // 60 units for more than 60 needed
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
	for _, k := range []string{"expected_sales", "allocated_units", "unallocated_units", "stores"} {
		assert.Contains(t, sum, k)
	}
	assert.Equal(t, 60.0, sum["allocated_units"].(float64)+sum["unallocated_units"].(float64))
	// S1 and S2 would sell more than the DC holds, each next unit almost
	// surely; a unit at S3 (7 a week, 2 on hand) is likelier to stay
	// unsold, so the marginal method sends it nothing.
	assert.Equal(t, 2.0, sum["stores"])
	byMethod := sum["expected_sales_by_method"].(map[string]any)
	assert.GreaterOrEqual(t, byMethod["marginal"].(float64), byMethod["fair-share"].(float64))

	f, err := os.Open(out)
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	var cols []string
	for _, o := range export.Outputs {
		if o.Name == "allocation" {
			for _, c := range o.Columns {
				cols = append(cols, c.Name)
			}
		}
	}
	assert.Equal(t, cols, rows[0])
	total := 0.0
	for _, r := range rows[1:] {
		assert.Equal(t, "allocation", r[1])
		assert.Equal(t, "DC1", r[3])
		q, err := strconv.ParseFloat(r[5], 64)
		require.NoError(t, err)
		if r[4] == "S1" {
			assert.Zero(t, int(q)%6, "S1 gets whole packs of 6")
		}
		total += q
		assert.True(t, strings.HasPrefix(r[0], "AL-"))
		assert.Equal(t, "2025-03-01", r[14])
	}
	assert.Equal(t, sum["allocated_units"], total)

	// The same input, the same file.
	raw, _ := os.ReadFile(out)
	code, _, _ = planner(t, args...)
	require.Equal(t, 3, code)
	again, _ := os.ReadFile(out)
	assert.Equal(t, string(raw), string(again))

	// Every method, and JSON Lines.
	for _, m := range []string{"fair-share", "equal-cover", "priority"} {
		jl := filepath.Join(dir, m+".jsonl")
		code, _, errOut := planner(t, append(args[:len(args)-3], "--method", m, "--out", jl)...)
		require.Equal(t, 3, code, errOut)
		raw, err := os.ReadFile(jl)
		require.NoError(t, err)
		var first map[string]any
		require.NoError(t, json.Unmarshal([]byte(strings.SplitN(string(raw), "\n", 2)[0]), &first))
		assert.Equal(t, m, first["method"])
	}
}

func TestAllocateRefusesBadInput(t *testing.T) {
	good := "location,dc,pack_size\nS1,DC1,6\nS2,DC1,\nS3,DC1,\n"
	for name, c := range map[string]struct{ stock, locations, want string }{
		"pack size 0":    {"sku,dc,qty\nA,DC1,10\n", "location,dc,pack_size\nS1,DC1,0\n", "locations.csv line 2, column pack_size: is 0"},
		"negative stock": {"sku,dc,qty\nA,DC1,-4\n", good, "dc_stock.csv line 2, column qty: -4 is below 0"},
		"not a number":   {"sku,dc,qty\nA,DC1,ten\n", good, `dc_stock.csv line 2, column qty: "ten" is not a number`},
		"no dc column":   {"sku,qty\nA,10\n", good, "dc_stock.csv: no dc column"},
	} {
		dir := allocationFiles(t, c.stock, c.locations)
		out := filepath.Join(dir, "allocation.csv")
		code, _, errOut := planner(t, "allocate", "--forecasts", filepath.Join(dir, "forecasts.csv"), "--stock", filepath.Join(dir, "dc_stock.csv"),
			"--locations", filepath.Join(dir, "locations.csv"), "--out", out)
		assert.Equal(t, 2, code, name)
		assert.Contains(t, errOut, c.want, name)
		assert.NoFileExists(t, out, name)
	}
}

func TestAllocateFlagsWhatItCannotPlan(t *testing.T) {
	// B sells nowhere; S3 is served by a DC without stock rows; S4 sells
	// but no DC serves it.
	dir := allocationFiles(t, "sku,dc,qty\nA,DC1,100\nB,DC1,20\n", "location,dc\nS1,DC1\nS2,DC1\nS3,DC2\n")
	code, stdout, errOut := planner(t, "allocate", "--forecasts", filepath.Join(dir, "forecasts.csv"), "--stock", filepath.Join(dir, "dc_stock.csv"),
		"--locations", filepath.Join(dir, "locations.csv"), "--json")
	require.Equal(t, 3, code, errOut)
	var sum struct{ Exceptions []string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
	text := strings.Join(sum.Exceptions, "\n")
	assert.Contains(t, text, "DC DC2 serves 1 stores but has no stock rows")
	assert.Contains(t, text, "B at DC1: no store expects demand")
}

func TestRebalanceFromFiles(t *testing.T) {
	dir := allocationFiles(t, "sku,dc,qty\n", "location,dc,lead_time_days\nS1,DC1,2\nS2,DC1,2\nS3,DC1,2\n")
	// S3 sells 1 a day and holds 40; S1 sells 10 a day and holds none.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "store_stock.csv"), []byte("sku,location,qty\nA,S3,40\nA,S2,28\n"), 0o644))
	out := filepath.Join(dir, "transfers.csv")
	code, stdout, errOut := planner(t, "rebalance", "--forecasts", filepath.Join(dir, "forecasts.csv"), "--store-stock", filepath.Join(dir, "store_stock.csv"),
		"--locations", filepath.Join(dir, "locations.csv"), "--transfer-cost", "2", "--min-transfer", "3", "--out", out, "--json")
	require.Equal(t, 0, code, errOut)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
	assert.Greater(t, sum["transfers"], 0.0)
	assert.Greater(t, sum["net_value"], 0.0)
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	rows := strings.Split(strings.TrimSpace(string(raw)), "\n")
	assert.Contains(t, rows[1], ",rebalance,A,S3,S1,")
}

// A new product with no forecast of its own is allocated from its like
// item's store profile.
func TestAllocateANewProductLikeAnother(t *testing.T) {
	dir := allocationFiles(t, "sku,dc,qty\nNEW,DC1,30\n", "location,dc\nS1,DC1\nS2,DC1\nS3,DC1\n")
	like := filepath.Join(dir, "like.csv")
	require.NoError(t, os.WriteFile(like, []byte("sku,like_sku,scale\nNEW,A,0.5\n"), 0o644))
	out := filepath.Join(dir, "allocation.csv")
	code, _, errOut := planner(t, "allocate", "--forecasts", filepath.Join(dir, "forecasts.csv"), "--stock", filepath.Join(dir, "dc_stock.csv"),
		"--locations", filepath.Join(dir, "locations.csv"), "--like", like, "--out", out)
	require.Equal(t, 3, code, errOut) // 30 units for a need of more
	f, err := os.Open(out)
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	got := map[string]float64{}
	demand := map[string]float64{}
	for _, r := range rows[1:] {
		q, _ := strconv.ParseFloat(r[5], 64)
		d, _ := strconv.ParseFloat(r[8], 64)
		got[r[4]], demand[r[4]] = q, d
	}
	// A sells 10, 4 and 1 a day at S1, S2, S3: half of that over a week.
	assert.InDelta(t, 35, demand["S1"], 1e-9)
	assert.InDelta(t, 14, demand["S2"], 1e-9)
	assert.Greater(t, got["S1"], got["S2"])
	assert.Equal(t, 30.0, got["S1"]+got["S2"]+got["S3"])

	// A like item that is missing is an error naming the file and line.
	require.NoError(t, os.WriteFile(like, []byte("sku,like_sku\nNEW,NEW\n"), 0o644))
	code, _, errOut = planner(t, "allocate", "--forecasts", filepath.Join(dir, "forecasts.csv"), "--stock", filepath.Join(dir, "dc_stock.csv"),
		"--locations", filepath.Join(dir, "locations.csv"), "--like", like)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "like.csv line 2, column like_sku: NEW is the SKU itself")
}
