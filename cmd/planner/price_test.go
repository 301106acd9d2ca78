package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readCSVFile(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	out := make([]map[string]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, c := range rows[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, "%q", s)
	return v
}

// A synthetic retailer with known elasticities, priced from its files:
// every product gets an elasticity close to the truth and a price on the
// ladder within the guardrails; the files are the same on a rerun.
func TestPriceFromFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "retail")
	code, _, errOut := planner(t, "datasets", "synth", "--stores", "4", "--skus", "30", "--days", "730", "--seed", "3", "--out", dir)
	require.Equal(t, 0, code, errOut)
	out := t.TempDir()
	args := []string{"price", "--sales", filepath.Join(dir, "sales.csv"), "--products", filepath.Join(dir, "products.csv"),
		"--inventory", filepath.Join(dir, "inventory.csv"), "--events", filepath.Join(dir, "events.csv"), "--freq", "D",
		"--elasticities", filepath.Join(out, "elasticities.csv"), "--out", filepath.Join(out, "prices.csv"),
		"--markdowns", filepath.Join(out, "markdowns.csv"), "--json"}
	code, stdout, errOut := planner(t, args...)
	require.Equal(t, 0, code, errOut)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
	assert.EqualValues(t, 30, sum["products"])
	assert.Greater(t, sum["margin_new"].(float64), sum["margin_current"].(float64), "the new prices earn more")

	truth := map[string]float64{}
	for _, r := range readCSVFile(t, filepath.Join(dir, "truth", "products.csv")) {
		truth[r["sku"]] = atof(t, r["elasticity"])
	}
	el := readCSVFile(t, filepath.Join(out, "elasticities.csv"))
	require.Len(t, el, 30)
	var errs []float64
	for _, r := range el {
		assert.Equal(t, "elasticities/1", r["schema"])
		e := atof(t, r["elasticity"])
		assert.Less(t, e, 0.0, r["sku"])
		assert.Greater(t, atof(t, r["std_error"]), 0.0)
		errs = append(errs, math.Abs(e-truth[r["sku"]]))
	}
	sort.Float64s(errs)
	assert.Less(t, errs[len(errs)/2], 0.3, "median absolute error of the elasticities")

	prices := readCSVFile(t, filepath.Join(out, "prices.csv"))
	require.NotEmpty(t, prices)
	var markdowns int
	for _, r := range prices {
		cur, now := atof(t, r["current_price"]), atof(t, r["new_price"])
		assert.True(t, strings.HasPrefix(r["line_id"], "PR-"))
		if r["kind"] == "markdown" {
			markdowns++
			assert.LessOrEqual(t, now, cur)
			continue
		}
		assert.Equal(t, "everyday", r["kind"])
		assert.LessOrEqual(t, math.Abs(now-cur), 0.1*cur+1e-9, "%s moves at most 10%%", r["sku"])
		if now != cur {
			cents := int(math.Round(now*100)) % 100
			assert.Contains(t, []int{49, 99}, cents, "%s: %v is on the ladder", r["sku"], now)
		}
		assert.NotEmpty(t, r["reason"])
	}
	assert.EqualValues(t, markdowns, sum["markdowns"])
	if markdowns > 0 {
		md := readCSVFile(t, filepath.Join(out, "markdowns.csv"))
		require.NotEmpty(t, md)
		for i := 1; i < len(md); i++ {
			if md[i]["line_id"] == md[i-1]["line_id"] {
				assert.LessOrEqual(t, atof(t, md[i]["price"]), atof(t, md[i-1]["price"]), "markdown prices never rise")
			}
		}
	}

	before, err := os.ReadFile(filepath.Join(out, "prices.csv"))
	require.NoError(t, err)
	code, _, errOut = planner(t, args...)
	require.Equal(t, 0, code, errOut)
	after, err := os.ReadFile(filepath.Join(out, "prices.csv"))
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "same input, same prices")
}

func TestPriceBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	var b strings.Builder
	b.WriteString("date,sku,location,qty,price,base_price\n")
	for d := 1; d <= 28; d++ {
		day := "2024-02-" + strconv.Itoa(100 + d)[1:]
		b.WriteString(day + ",FLAT,S1,5,2.99,2.99\n")
		b.WriteString(day + ",MOVES,S1," + strconv.Itoa(10-d%3*3) + "," + []string{"1.99", "2.49", "2.99"}[d%3] + ",2.99\n")
	}
	sales := write("sales.csv", b.String())
	out := filepath.Join(dir, "prices.csv")
	code, stdout, errOut := planner(t, "price", "--sales", sales, "--freq", "D", "--out", out, "--elasticities", filepath.Join(dir, "el.csv"), "--json")
	require.Equal(t, 0, code, errOut)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
	el := readCSVFile(t, filepath.Join(dir, "el.csv"))
	flags := map[string]string{}
	for _, r := range el {
		flags[r["sku"]] = r["flag"]
	}
	assert.Equal(t, "no_price_variation", flags["FLAT"])
	assert.Contains(t, strings.Join(toStrings(sum["notes"]), "\n"), "no unit cost")

	// A negative price: an error naming the file, line and column; nothing written.
	bad := write("bad.csv", "date,sku,location,qty,price\n2024-01-01,A,S1,3,1.99\n2024-01-02,A,S1,3,-2\n")
	out2 := filepath.Join(dir, "never.csv")
	code, _, errOut = planner(t, "price", "--sales", bad, "--freq", "D", "--out", out2)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "error: "+bad+" line 3, column price: -2 is negative")
	assert.Contains(t, errOut, "planner: 1 error in the input; nothing was loaded")
	assert.NoFileExists(t, out2)

	// No prices at all.
	none := write("none.csv", "date,sku,location,qty\n2024-01-01,A,S1,3\n2024-01-02,A,S1,4\n")
	code, _, errOut = planner(t, "price", "--sales", none, "--freq", "D", "--out", out2)
	assert.Equal(t, 2, code)
	assert.True(t, strings.HasSuffix(errOut, "\nplanner: nothing to plan: none of the 2 sales rows has a price paid above 0; pricing needs the price column\n"), errOut)
	assert.NoFileExists(t, out2)

	code, _, errOut = planner(t, "price", "--sales", sales, "--freq", "M")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `planner: --freq "M" is not D or W`)
	code, _, errOut = planner(t, "price", "--sales", sales, "--max-change", "1.5")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "planner: --max-change must be between 0 and 1 (got 1.5)")
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
