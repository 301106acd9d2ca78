package export

import (
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// sampleOrders plans a DC and two stores; S2 has plenty and orders nothing.
func sampleOrders() []replenish.Line {
	days := 40
	flat := func(v float64) []float64 {
		xs := make([]float64, days)
		for i := range xs {
			xs[i] = v
		}
		return xs
	}
	target := replenish.Target{Level: 0.95, Type: replenish.CycleService}
	n := &replenish.Network{AsOf: series.MustParseDate("2026-03-02"), Items: []*replenish.Item{
		{SKU: "A", Location: "DC1", Target: target, Position: replenish.Position{OnHand: 60}, Lane: replenish.Lane{From: "SUP, Inc.", LeadTime: 5, Review: 7, Multiple: 12, UnitCost: 1.25}},
		{SKU: "A", Location: "S1", Target: target, Lane: replenish.Lane{From: "DC1", Transfer: true, LeadTime: 1, Review: 7}, Mean: flat(4), SD: flat(2)},
		{SKU: "A", Location: "S2", Target: target, Position: replenish.Position{OnHand: 500}, Lane: replenish.Lane{From: "DC1", Transfer: true, LeadTime: 1, Review: 7}, Mean: flat(4), SD: flat(2)},
	}}
	return replenish.PlanNetwork(n, replenish.OrderUpTo{})
}

func TestWriteOrdersInEveryFormat(t *testing.T) {
	lines := sampleOrders()
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "orders.csv")
	require.NoError(t, WriteOrders(csvPath, lines))
	raw, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	rows := strings.Split(strings.TrimSpace(string(raw)), "\n")
	assert.Equal(t, strings.Join(OrderColumns, ","), rows[0])
	require.Len(t, rows, 3, "two orders; S2 orders nothing")
	assert.Regexp(t, `^TO-[0-9a-f]{12},transfer,A,DC1,S1,\d+,2026-03-02,2026-03-03,0,order-up-to,inventory position 0 < order-up-to level \d+,,0,`, rows[1])
	assert.Regexp(t, `^PO-[0-9a-f]{12},purchase,A,"SUP, Inc.",DC1,\d+,2026-03-02,2026-03-07,1.25,order-up-to,`, rows[2])

	pq := filepath.Join(dir, "orders.parquet")
	require.NoError(t, WriteOrders(pq, lines))
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	var n int
	var qty float64
	var receipt string
	require.NoError(t, db.QueryRow(`SELECT count(*), sum(quantity), max(receipt_date)::VARCHAR FROM read_parquet(?)`, pq).Scan(&n, &qty, &receipt))
	assert.Equal(t, 2, n)
	assert.Equal(t, lines[0].Qty+lines[2].Qty, qty)
	assert.Equal(t, "2026-03-07", receipt)
	var meta string
	require.NoError(t, db.QueryRow(`SELECT decode(value) FROM parquet_kv_metadata(?) WHERE decode(key) = 'planner.schema'`, pq).Scan(&meta))
	assert.Equal(t, OrdersSchema, meta)

	js := filepath.Join(dir, "orders.json")
	require.NoError(t, WriteOrders(js, lines))
	raw, err = os.ReadFile(js)
	require.NoError(t, err)
	var decoded []map[string]any
	require.NoError(t, json.Unmarshal(raw, &decoded))
	require.Len(t, decoded, 2)
	assert.Equal(t, "SUP, Inc.", decoded[1]["from"])
	for _, c := range OrderColumns {
		assert.Contains(t, decoded[0], c)
	}

	jl := filepath.Join(dir, "orders.jsonl")
	require.NoError(t, WriteOrders(jl, lines))
	raw, err = os.ReadFile(jl)
	require.NoError(t, err)
	assert.Len(t, strings.Split(strings.TrimSpace(string(raw)), "\n"), 2)

	assert.ErrorContains(t, WriteOrders(filepath.Join(dir, "o.xlsx"), lines), ".csv, .parquet, .json or .jsonl")
}

func TestPlansWithNaNOrInfinityAreNotWritten(t *testing.T) {
	lines := sampleOrders()
	first := -1
	for i := range lines {
		if lines[i].Qty > 0 && first < 0 {
			first = i
		}
		lines[i].UnitCost = math.NaN()
	}
	id := rowOf(&lines[first]).ID
	dir := t.TempDir()
	for _, name := range []string{"orders.csv", "orders.parquet", "orders.json", "orders.jsonl"} {
		path := filepath.Join(dir, name)
		err := WriteOrders(path, lines)
		var nf *NotFiniteError
		require.ErrorAs(t, err, &nf, name)
		assert.Equal(t, path+": orders row 1 ("+id+", transfer, A), column unit_cost: the value NaN is not a finite number; nothing was written", err.Error())
		assert.NoFileExists(t, path)
	}
}
