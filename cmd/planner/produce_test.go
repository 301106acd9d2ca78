package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func produceFiles(t *testing.T, demand, capacity, costs string) string {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "demand.csv"), []byte(demand), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "capacity.csv"), []byte(capacity), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "costs.csv"), []byte(costs), 0o644))
	return dir
}

func TestProduceFromFiles(t *testing.T) {
	var d, c strings.Builder
	d.WriteString("factory,sku,period,qty\n")
	c.WriteString("factory,period,capacity\n")
	for p := 1; p <= 8; p++ {
		for _, s := range []string{"A", "B"} {
			d.WriteString("F1," + s + "," + string(rune('0'+p)) + ",20\n")
		}
		c.WriteString("F1," + string(rune('0'+p)) + ",60\n")
	}
	dir := produceFiles(t, d.String(), c.String(), "sku,setup_cost,holding_cost,batch_multiple\nA,100,1,10\nB,40,2,\n")
	out := filepath.Join(dir, "production.csv")
	load := filepath.Join(dir, "load.csv")
	code, stdout, errOut := planner(t, "produce", "--demand", filepath.Join(dir, "demand.csv"), "--capacity", filepath.Join(dir, "capacity.csv"),
		"--costs", filepath.Join(dir, "costs.csv"), "--out", out, "--out-load", load, "--json")
	require.Equal(t, 0, code, errOut)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
	for _, k := range []string{"total_cost", "setup_cost", "holding_cost", "setups", "shortfall_units", "late_units"} {
		assert.Contains(t, sum, k)
	}
	assert.InDelta(t, sum["setup_cost"].(float64)+sum["holding_cost"].(float64), sum["total_cost"], 0.01)
	assert.Less(t, sum["setups"].(float64), sum["lot_for_lot_setups"].(float64))
	assert.Less(t, sum["total_cost"].(float64), sum["lot_for_lot_cost"].(float64))
	assert.Zero(t, sum["shortfall_units"])

	f, err := os.Open(out)
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	assert.Equal(t, []string{"order_id", "factory", "sku", "quantity", "start_period", "due_period", "demand_from", "demand_to", "method", "exception", "schema"}, rows[0])
	made := map[string]float64{}
	for _, r := range rows[1:] {
		assert.True(t, strings.HasPrefix(r[0], "MO-"))
		var q float64
		require.NoError(t, json.Unmarshal([]byte(r[3]), &q))
		made[r[2]] += q
	}
	assert.GreaterOrEqual(t, made["A"], 160.0)
	assert.Equal(t, 160.0, made["B"])
	raw, err := os.ReadFile(load)
	require.NoError(t, err)
	assert.Equal(t, 9, strings.Count(string(raw), "\n"), "a header and eight periods")
}

func TestProduceFlagsWhatItCannotMake(t *testing.T) {
	// Period 1 has no capacity for 30 units due then; B's lead time of two
	// periods cannot fit before period 2.
	dir := produceFiles(t, "factory,sku,period,qty\nF1,A,1,30\nF1,B,2,5\nF1,B,3,5\n",
		"factory,period,capacity\nF1,1,10\nF1,2,100\nF1,3,100\n", "sku,setup_cost,holding_cost,lead_time\nA,10,1,\nB,10,1,2\n")
	code, stdout, errOut := planner(t, "produce", "--demand", filepath.Join(dir, "demand.csv"), "--capacity", filepath.Join(dir, "capacity.csv"),
		"--costs", filepath.Join(dir, "costs.csv"), "--json")
	require.Equal(t, 3, code, errOut)
	var sum struct {
		ShortfallUnits float64 `json:"shortfall_units"`
		LateUnits      float64 `json:"late_units"`
		Exceptions     []string
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
	assert.Equal(t, 20.0, sum.ShortfallUnits)
	assert.Greater(t, sum.LateUnits, 0.0)
	text := strings.Join(sum.Exceptions, "\n")
	assert.Contains(t, text, "A at F1: 20 units due in period 1 cannot be made in time: no capacity left")
	assert.Contains(t, text, "B at F1")

	// Bad files: negative capacity, a SKU without costs, mixed periods.
	for name, c := range map[string]struct{ demand, capacity, costs, want string }{
		"negative capacity": {"factory,sku,period,qty\nF1,A,1,3\n", "factory,period,capacity\nF1,1,-5\n", "sku,setup_cost,holding_cost\nA,1,1\n", "capacity.csv line 2, column capacity: -5 is below 0"},
		"no costs":          {"factory,sku,period,qty\nF1,Z,1,3\n", "factory,period,capacity\nF1,1,5\n", "sku,setup_cost,holding_cost\nA,1,1\n", "the costs file has no row for Z"},
		"mixed periods":     {"factory,sku,period,qty\nF1,A,1,3\n", "factory,period,capacity\nF1,2025-01-06,5\n", "sku,setup_cost,holding_cost\nA,1,1\n", "periods must all be integers or all dates"},
	} {
		dir := produceFiles(t, c.demand, c.capacity, c.costs)
		code, _, errOut := planner(t, "produce", "--demand", filepath.Join(dir, "demand.csv"), "--capacity", filepath.Join(dir, "capacity.csv"),
			"--costs", filepath.Join(dir, "costs.csv"))
		assert.Equal(t, 2, code, name)
		assert.Contains(t, errOut, c.want, name)
	}
}

// From the database: the synthetic retailer's factories, 13 weeks.
func TestProduceFromTheDatabase(t *testing.T) {
	_, db := loadedSample(t)
	out := filepath.Join(t.TempDir(), "production.csv")
	code, stdout, errOut := planner(t, "produce", "--db", db, "--weeks", "13", "--horizon", "91", "--out", out, "--json")
	// Over 13 weeks the small retailer's factories cannot make everything
	// in time: exceptions to review.
	require.Equal(t, 3, code, errOut)
	var exc struct{ Exceptions []string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &exc))
	require.NotEmpty(t, exc.Exceptions)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
	assert.Equal(t, 13.0, sum["periods"])
	assert.Positive(t, sum["factories"])
	assert.Less(t, sum["setups"].(float64), sum["lot_for_lot_setups"].(float64))
	f, err := os.Open(out)
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Greater(t, len(rows), 1)
	for _, r := range rows[1:] {
		var q float64
		require.NoError(t, json.Unmarshal([]byte(r[3]), &q))
		assert.Equal(t, q, float64(int(q)), "whole units: %v", r)
	}
}
