package export

import (
	"database/sql"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Price lines in every format: empty cells where there is no cost (CSV),
// nulls in Parquet, whole numbers for the integer columns, the schema in
// the Parquet metadata; the markdown schedule one row per week.
func TestWritePricesInEveryFormat(t *testing.T) {
	lines, _, _ := samplePrices(t)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "prices.csv")
	require.NoError(t, WritePrices(csvPath, lines))
	f, err := os.Open(csvPath)
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Len(t, rows, 4)
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	assert.Equal(t, "", rows[2][col["unit_cost"]], "B has no cost")
	assert.Equal(t, "", rows[2][col["margin_new"]])
	assert.Equal(t, "28", rows[1][col["horizon_days"]])
	assert.Equal(t, "300", rows[3][col["stock_units"]])
	assert.Equal(t, "", rows[1][col["stock_units"]], "an everyday line clears no stock")

	pq := filepath.Join(dir, "prices.parquet")
	require.NoError(t, WritePrices(pq, lines))
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	var n, nullCosts int
	var days int64
	require.NoError(t, db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE unit_cost IS NULL), max(horizon_days) FROM read_parquet(?)`, pq).
		Scan(&n, &nullCosts, &days))
	assert.Equal(t, 3, n)
	assert.Equal(t, 1, nullCosts)
	assert.Equal(t, int64(28), days)
	var meta string
	require.NoError(t, db.QueryRow(`SELECT decode(value) FROM parquet_kv_metadata(?) WHERE decode(key) = 'planner.schema'`, pq).Scan(&meta))
	assert.Equal(t, PricesSchema, meta)

	md := filepath.Join(dir, "markdowns.parquet")
	require.NoError(t, WriteMarkdowns(md, lines))
	var weeks int
	var maxDiscount float64
	require.NoError(t, db.QueryRow(`SELECT count(*), max(discount_pct) FROM read_parquet(?)`, md).Scan(&weeks, &maxDiscount))
	assert.Equal(t, len(lines[2].Markdown.Prices), weeks)
	assert.GreaterOrEqual(t, maxDiscount, 0.0)
}
