package synth_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/synth"
)

var small = synth.Config{Stores: 4, SKUs: 24, Days: 200, Horizon: 28, Seed: 7}

func generate(t *testing.T, cfg synth.Config) *synth.Result {
	t.Helper()
	res, err := synth.Generate(context.Background(), t.TempDir(), cfg, nil)
	require.NoError(t, err)
	return res
}

func TestGeneratedRetailerLoadsWithoutProblems(t *testing.T) {
	res := generate(t, small)
	ctx := context.Background()
	s, err := datasets.Open(ctx, "", nil)
	require.NoError(t, err)
	defer s.Close()
	files := res.Inputs()
	require.Len(t, files, len(datasets.Tables), "every canonical table is generated")
	for _, tb := range datasets.Tables {
		assert.Contains(t, files, tb.Name)
	}
	rep, err := s.Load(ctx, datasets.LoadOptions{Files: files})
	require.NoError(t, err)
	for _, p := range rep.Problems {
		// A new product can sell nothing in its first weeks through a
		// slow channel; anything else would be a generator bug.
		assert.Equal(t, "zero_series", p.Code, "a generated retailer is clean: %v", p)
	}
	for name, n := range rep.Tables {
		_ = name
		assert.Equal(t, res.Rows[n.Table], n.Rows, "rows of %s", n.Table)
	}
	sum, err := s.Inspect(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"instant", "online", "store"}, sum.Channels)
	assert.Equal(t, int64(res.Series), sum.Series)
	assert.Equal(t, res.FirstDate, sum.FirstDate)
	assert.Equal(t, res.LastDate, sum.LastDate)
	assert.Equal(t, int64(4), sum.Hierarchy.Categories)
	assert.Equal(t, int64(10), sum.Hierarchy.Departments)
	assert.Greater(t, sum.ZeroShare, 0.1, "slow movers give zero days")
	assert.Less(t, sum.ZeroShare, 0.9)
	assert.Equal(t, map[string]int64{"dc": 1, "store": 4, "online": 1, "factory": 2, "supplier": 3, "forward": 1}, sum.Hierarchy.LocationTypes)
}

func TestGenerateIsDeterministicWhateverTheWorkers(t *testing.T) {
	a := small
	a.Workers = 1
	b := small
	b.Workers = 5
	ra, rb := generate(t, a), generate(t, b)
	for name, pa := range ra.Files {
		if name == "config" {
			continue
		}
		assert.Equal(t, fileHash(t, pa), fileHash(t, rb.Files[name]), "%s differs between runs", name)
	}
	c := small
	c.Seed = 8
	rc := generate(t, c)
	assert.NotEqual(t, fileHash(t, ra.Files["sales"]), fileHash(t, rc.Files["sales"]), "another seed, other sales")
}

func fileHash(t *testing.T, path string) string {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestTruthCarriesTheStatedElasticity checks the ground truth against the
// demand model: on a day with a pure price cut (no feature, display or
// event), mean demand relative to the same weekday a week earlier moves by
// (price ratio)^elasticity times the week's trend and season, which the
// truth file's parameters give. Fresh products are used because they have
// neither a post-promotion dip nor, when not new, a launch ramp.
func TestTruthCarriesTheStatedElasticity(t *testing.T) {
	cfg := small
	cfg.SKUs = 60
	cfg.Channels = []string{synth.ChannelStore}
	res := generate(t, cfg)
	type params struct{ elasticity, trend, amp, peak float64 }
	truth := map[string]params{}
	for _, row := range readCSV(t, res.Files["truth_products"]) {
		var p params
		p.elasticity, _ = strconv.ParseFloat(row["elasticity"], 64)
		p.trend, _ = strconv.ParseFloat(row["trend_per_year"], 64)
		p.amp, _ = strconv.ParseFloat(row["yearly_amplitude"], 64)
		p.peak, _ = strconv.ParseFloat(row["peak_day"], 64)
		truth[row["sku"]] = p
	}
	fresh := map[string]bool{}
	for _, row := range readCSV(t, res.Files["products"]) {
		fresh[row["sku"]] = row["category"] == "Fresh" && row["launch_date"] == ""
	}
	events := map[string]bool{}
	for _, e := range readCSV(t, res.Files["events"]) {
		events[e["date"]] = true
	}
	meanOf := map[string]float64{}
	for _, m := range readCSV(t, res.Files["truth_demand"]) {
		v, _ := strconv.ParseFloat(m["mean"], 64)
		meanOf[m["date"]+"/"+m["sku"]+"/"+m["location"]] = v
	}
	type cell struct{ price, base float64 }
	cells := map[string]cell{}
	for _, s := range readCSV(t, res.Files["sales"]) {
		if !fresh[s["sku"]] || s["feature"] == "1" || s["display"] == "1" || events[s["date"]] {
			continue
		}
		p, _ := strconv.ParseFloat(s["price"], 64)
		b, _ := strconv.ParseFloat(s["base_price"], 64)
		cells[s["date"]+"/"+s["sku"]+"/"+s["location"]] = cell{p, b}
	}
	var keys []string
	for k := range cells {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	checked := 0
	for _, k := range keys {
		c := cells[k]
		date, rest := k[:10], k[11:]
		sku := rest[:8]
		before := shiftDate(t, date, -7) + "/" + rest
		prev, ok := cells[before]
		if c.price >= c.base || !ok || prev.price != prev.base || prev.base != c.base || meanOf[before] < 0.5 {
			continue
		}
		p := truth[sku]
		season := func(d string) float64 {
			day, err := parseDate(d)
			require.NoError(t, err)
			return math.Exp(p.amp * math.Cos(2*math.Pi*(float64(day.DayOfYear())-p.peak)/365.25))
		}
		want := math.Pow(c.price/c.base, p.elasticity) * math.Exp(p.trend*7/365.25) * season(date) / season(before[:10])
		got := meanOf[k] / meanOf[before]
		require.InEpsilon(t, want, got, 0.002, "%s: price %.2f vs %.2f, elasticity %.3f", k, c.price, c.base, p.elasticity)
		checked++
	}
	assert.Greater(t, checked, 30, "enough price cuts were compared")
}

func shiftDate(t *testing.T, s string, days int) string {
	d, err := parseDate(s)
	require.NoError(t, err)
	return d.AddDays(days).String()
}

func readCSV(t *testing.T, path string) []map[string]string {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	recs, err := r.ReadAll()
	require.NoError(t, err)
	out := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func TestParquetHoldsTheSameSalesAsCSV(t *testing.T) {
	for _, peaks := range []bool{false, true} {
		base := small
		base.Peaks = peaks
		if peaks {
			base.Days = 400 // a Singles Day and its returns
		}
		csvRes := generate(t, base)
		pq := base
		pq.Format = "parquet"
		pqRes := generate(t, pq)
		assert.Equal(t, ".parquet", filepath.Ext(pqRes.Files["sales"]))
		ctx := context.Background()
		totals := make([][2]float64, 2)
		for i, path := range []string{csvRes.Files["sales"], pqRes.Files["sales"]} {
			s, err := datasets.Open(ctx, "", nil)
			require.NoError(t, err)
			rep, err := s.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": path}})
			require.NoError(t, err)
			assert.Equal(t, csvRes.Rows["sales"], rep.Rows("sales"))
			require.NoError(t, s.DB().QueryRow("SELECT sum(qty * price), sum(returns) FROM sales").Scan(&totals[i][0], &totals[i][1]))
			s.Close()
		}
		assert.InDelta(t, totals[0][0], totals[1][0], 1e-6, "peaks %v", peaks)
		assert.Equal(t, totals[0][1], totals[1][1], "peaks %v: returns", peaks)
		if peaks {
			assert.Positive(t, totals[0][1], "the peak's returns")
		}
	}
}

func TestConfigIsChecked(t *testing.T) {
	for cfg, want := range map[*synth.Config]string{
		{Days: 5}:                     "--days 5",
		{Format: "xml"}:               `--format "xml"`,
		{Channels: []string{"phone"}}: `channel "phone"`,
		{Channels: []string{synth.ChannelInstant}}: "needs the store channel",
		{Stores: -1}: "--stores -1",
	} {
		_, err := synth.Generate(context.Background(), t.TempDir(), *cfg, nil)
		assert.ErrorContains(t, err, want)
	}
}
