package assortment

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/series"
)

// readCSV reads a file of the synthetic retailer as rows by column name.
func readCSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	var out []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, name := range recs[0] {
			row[name] = rec[i]
		}
		out = append(out, row)
	}
	return out
}

// salesPanel is the daily panel of a sales file: every series from the
// first day to the last, without marks of when it could not be bought.
func salesPanel(t testing.TB, path string) *series.Panel {
	t.Helper()
	rows := readCSV(t, path)
	first, last := series.Date(math.MaxInt32), series.Date(0)
	index := map[series.Key]int{}
	var keys []series.Key
	for _, r := range rows {
		d := series.MustParseDate(r["date"])
		first, last = min(first, d), max(last, d)
		k := series.Key{SKU: r["sku"], Location: r["location"], Channel: r["channel"]}
		if _, ok := index[k]; !ok {
			index[k] = len(keys)
			keys = append(keys, k)
		}
	}
	// Each series from its first sale to the last day, as the
	// database's panel has it.
	start := make([]series.Date, len(keys))
	for i := range start {
		start[i] = last + 1
	}
	for _, r := range rows {
		k := series.Key{SKU: r["sku"], Location: r["location"], Channel: r["channel"]}
		if d := series.MustParseDate(r["date"]); r["qty"] != "0" && d < start[index[k]] {
			start[index[k]] = d
		}
	}
	p := &series.Panel{Freq: series.Daily, Keys: keys}
	for i := range keys {
		p.Starts = append(p.Starts, start[i])
		p.Offsets = append(p.Offsets, len(p.Values))
		p.Values = append(p.Values, make([]float64, int(last-start[i])+1)...)
	}
	p.Offsets = append(p.Offsets, len(p.Values))
	for _, r := range rows {
		q, err := strconv.ParseFloat(r["qty"], 64)
		require.NoError(t, err)
		i := index[series.Key{SKU: r["sku"], Location: r["location"], Channel: r["channel"]}]
		if d := series.MustParseDate(r["date"]); d >= start[i] {
			p.Values[p.Offsets[i]+int(d-start[i])] += q
		}
	}
	return p
}

// On the synthetic retailer, whose products run out of stock now and
// then and move their transfer share of demand to their subcategory, the
// shares estimated from the sales alone (no marks of the stock-outs)
// are near the truth where they rest on enough days, and their standard
// errors say how near.
func TestTransferSharesOfTheSyntheticRetailerAreRecovered(t *testing.T) {
	dir := t.TempDir()
	_, err := synth.Generate(context.Background(), dir, synth.Config{Stores: 4, SKUs: 96, Days: 730, Horizon: 28,
		Channels: []string{synth.ChannelStore}, Stockouts: 8, NoTruth: true}, nil)
	require.NoError(t, err)
	products, err := synth.ReadTruthProducts(filepath.Join(dir, "truth", "products.csv"))
	require.NoError(t, err)
	group, truth := map[string]string{}, map[string]float64{}
	for sku, p := range products {
		group[sku], truth[sku] = p.Subcategory, p.Transfer
	}
	got := EstimateShares(salesPanel(t, filepath.Join(dir, "sales.csv")), group, func(series.Key) bool { return true })
	// The estimates that rest on enough sales (a standard error under
	// 0.1) are what a planner can use; the others are shrunk to the
	// default by the stage's caller.
	var n, precise, covered int
	var absErr, preciseErr, bias float64
	for sku, tr := range got {
		if tr.Default {
			continue
		}
		n++
		absErr += math.Abs(tr.Share - truth[sku])
		if math.Abs(tr.Share-truth[sku]) <= 2*tr.SE {
			covered++
		}
		if tr.SE < 0.1 {
			precise++
			preciseErr += math.Abs(tr.Share - truth[sku])
			bias += tr.Share - truth[sku]
		}
	}
	t.Logf("%d of %d products estimated, mean absolute error %.3f, %d within two standard errors; %d with a standard error under 0.1: mean absolute error %.3f, mean error %+.3f",
		n, len(truth), absErr/float64(n), covered, precise, preciseErr/float64(precise), bias/float64(precise))
	require.GreaterOrEqual(t, precise, 10)
	assert.Less(t, preciseErr/float64(precise), 0.15)
	assert.GreaterOrEqual(t, float64(covered), 0.85*float64(n), "the standard errors say how near")
}
