package datasets

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/series"
)

func loadSales(t *testing.T, csv string) *Store {
	t.Helper()
	s := openMemory(t)
	_, err := s.Load(context.Background(), LoadOptions{Files: map[string]string{"sales": writeFile(t, t.TempDir(), "sales.csv", csv)}})
	require.NoError(t, err)
	return s
}

const panelCSV = `date,sku,location,channel,qty
2024-01-01,A,S1,store,1
2024-01-02,A,S1,store,2
2024-01-05,A,S1,store,5
2024-01-03,B,S1,store,0
2024-01-04,B,S1,store,4
2024-01-08,A,S1,online,8
2024-01-09,C,S2,store,0
2024-01-10,C,S2,store,0
`

func TestReadPanelFillsGapsAndPadsToTheEnd(t *testing.T) {
	s := loadSales(t, panelCSV)
	p, err := s.ReadPanel(context.Background(), PanelOptions{})
	require.NoError(t, err)
	require.NoError(t, p.Check())
	require.Equal(t, 4, p.Len())
	want := []struct {
		key    series.Key
		start  string
		values []float64
	}{
		{series.Key{SKU: "A", Location: "S1", Channel: "online"}, "2024-01-08", []float64{8, 0, 0}},
		{series.Key{SKU: "A", Location: "S1", Channel: "store"}, "2024-01-01", []float64{1, 2, 0, 0, 5, 0, 0, 0, 0, 0}},
		{series.Key{SKU: "B", Location: "S1", Channel: "store"}, "2024-01-03", []float64{0, 4, 0, 0, 0, 0, 0, 0}},
		{series.Key{SKU: "C", Location: "S2", Channel: "store"}, "2024-01-09", []float64{0, 0}},
	}
	for i, w := range want {
		assert.Equal(t, w.key, p.Keys[i])
		assert.Equal(t, w.start, p.Starts[i].String(), "start of %v", w.key)
		assert.Equal(t, w.values, p.Series(i), "values of %v", w.key)
		assert.Equal(t, "2024-01-10", p.End(i).String())
	}
}

func TestReadPanelWeeklyTrimmedAndChunked(t *testing.T) {
	s := loadSales(t, panelCSV)
	ctx := context.Background()
	p, err := s.ReadPanel(ctx, PanelOptions{Freq: series.Weekly, TrimLeadingZeros: true})
	require.NoError(t, err)
	require.NoError(t, p.Check())
	// Week of 2024-01-01 holds A/store 1+2+5; B starts selling on 01-04.
	assert.Equal(t, []float64{8, 0}, p.Series(1))
	assert.Equal(t, "2024-01-01", p.Starts[1].String())
	assert.Equal(t, []float64{4, 0}, p.Series(2))
	assert.Empty(t, p.Series(3), "C never sold: an empty series, still listed")

	var sizes []int
	var keys []series.Key
	for chunk, err := range s.Panels(ctx, PanelOptions{ChunkSeries: 3}) {
		require.NoError(t, err)
		require.NoError(t, chunk.Check())
		sizes = append(sizes, chunk.Len())
		keys = append(keys, chunk.Keys...)
	}
	assert.Equal(t, []int{3, 1}, sizes)
	assert.Equal(t, "C", keys[3].SKU, "chunks keep the series order")

	// A consumer may stop early.
	n := 0
	for range s.Panels(ctx, PanelOptions{ChunkSeries: 1}) {
		n++
		break
	}
	assert.Equal(t, 1, n)

	// A later end pads every series.
	p, err = s.ReadPanel(ctx, PanelOptions{Freq: series.Daily, End: series.MustParseDate("2024-01-12")})
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 0, 0, 0}, p.Series(3))
}

func TestReadPanelOfAnEmptyDatabase(t *testing.T) {
	s := openMemory(t)
	p, err := s.ReadPanel(context.Background(), PanelOptions{Freq: series.Monthly})
	require.NoError(t, err)
	assert.Equal(t, 0, p.Len())
	assert.Equal(t, series.Monthly, p.Freq)
}

func TestInspectSummarisesTheDatabase(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	_, err := s.Load(ctx, LoadOptions{Files: sampleFiles(t)})
	require.NoError(t, err)
	sum, err := s.Inspect(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(4), sum.SalesRows)
	assert.Equal(t, int64(3), sum.Series)
	assert.Equal(t, int64(2), sum.SKUs)
	assert.Equal(t, []string{"online", "store"}, sum.Channels)
	assert.Equal(t, "2024-01-01", sum.FirstDate)
	assert.Equal(t, "2024-01-03", sum.LastDate)
	assert.Equal(t, "D", sum.Frequency)
	// A/S1/store: 3 days, 2 selling; B/S2/store: 3 days, 1 selling; B/S2/online: 1 day, 1 selling.
	assert.InDelta(t, 1-4.0/7, sum.ZeroShare, 0.001)
	assert.Equal(t, int64(2), sum.Hierarchy.Categories)
	assert.Equal(t, map[string]int64{"dc": 1, "store": 2}, sum.Hierarchy.LocationTypes)
	assert.Len(t, sum.LastLoads, 3)

	raw, err := json.Marshal(sum)
	require.NoError(t, err)
	var keys map[string]any
	require.NoError(t, json.Unmarshal(raw, &keys))
	for _, k := range []string{"sales_rows", "series", "skus", "locations", "first_date", "last_date", "frequency", "zero_share", "tables", "hierarchy", "problems"} {
		assert.Contains(t, keys, k, "inspect --json promises the key %s", k)
	}
}

// TestChunkedAndWholeReadsAgree reads a generated retailer both ways (one
// unsorted scan, and sorted chunks) at every frequency.
func TestChunkedAndWholeReadsAgree(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	res, err := synth.Generate(ctx, dir, synth.Config{Stores: 3, SKUs: 15, Days: 120, Horizon: 7, Seed: 3}, nil)
	require.NoError(t, err)
	s := openMemory(t)
	_, err = s.Load(ctx, LoadOptions{Files: map[string]string{"sales": res.Files["sales"]}})
	require.NoError(t, err)
	for _, freq := range []series.Freq{series.Daily, series.Weekly, series.Monthly} {
		for _, trim := range []bool{false, true} {
			whole, err := s.ReadPanel(ctx, PanelOptions{Freq: freq, TrimLeadingZeros: trim})
			require.NoError(t, err)
			require.NoError(t, whole.Check())
			require.Equal(t, res.Series, whole.Len())
			var joined series.Panel
			joined.Freq = freq
			for p, err := range s.Panels(ctx, PanelOptions{Freq: freq, TrimLeadingZeros: trim, ChunkSeries: 7}) {
				require.NoError(t, err)
				require.LessOrEqual(t, p.Len(), 7)
				for i := 0; i < p.Len(); i++ {
					joined.Append(p.Keys[i], p.Starts[i], p.Series(i))
				}
			}
			assert.Equal(t, whole.Keys, joined.Keys, "%v trim=%v", freq, trim)
			assert.Equal(t, whole.Starts, joined.Starts, "%v trim=%v", freq, trim)
			assert.Equal(t, whole.Values, joined.Values, "%v trim=%v", freq, trim)
			// Every unit sold is in the panel, once.
			var want, got float64
			require.NoError(t, s.DB().QueryRow("SELECT sum(qty) FROM sales").Scan(&want))
			for _, v := range whole.Values {
				got += v
			}
			assert.InDelta(t, want, got, 1e-6)
		}
	}
}

func TestReadPanelWithDrivers(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	dir := t.TempDir()
	files := map[string]string{
		"sales": writeFile(t, dir, "sales.csv", "date,sku,location,qty,price,base_price,promo,feature\n"+
			"2024-01-01,A,S1,2,2.0,2.0,false,false\n"+
			"2024-01-02,A,S1,5,1.5,2.0,true,true\n"+
			"2024-01-03,A,S1,0,1.5,2.0,true,false\n"+
			"2024-01-05,A,S1,3,2.0,2.0,false,false\n"+
			"2024-01-01,B,S1,1,,,false,false\n"+
			"2024-01-07,B,S1,1,,,false,false\n"),
		"prices":     writeFile(t, dir, "prices.csv", "sku,location,start_date,end_date,price\nA,*,2024-01-01,2024-01-08,2.0\nA,*,2024-01-09,,2.5\n"),
		"promotions": writeFile(t, dir, "promotions.csv", "sku,start_date,end_date,mechanic,discount\nA,2024-01-10,2024-01-10,display,0.2\n"),
	}
	_, err := s.Load(ctx, LoadOptions{Files: files})
	require.NoError(t, err)
	p, err := s.ReadPanel(ctx, PanelOptions{Drivers: true, Horizon: 3})
	require.NoError(t, err)
	require.NoError(t, p.Check())
	require.Equal(t, DriverNames, p.Exog.Names)
	hist, future := p.Drivers(0)
	require.Len(t, hist, 7*4)
	ref := 2.0 // A's regular price is always 2
	want := [][4]float64{
		{0, 0, 0, 0},
		{math.Log(1.5 / ref), 1, 1, 0},
		{math.Log(1.5 / ref), 1, 0, 0}, // a promotion that sold nothing still counts
		{0, 0, 0, 0},                   // no row on Jan 4: reference price, no promotion
		{0, 0, 0, 0},
		{0, 0, 0, 0},
		{0, 0, 0, 0},
	}
	for t2, row := range want {
		for k := range row {
			assert.InDelta(t, row[k], float64(hist[t2*4+k]), 1e-6, "day %d driver %s (float32)", t2, DriverNames[k])
		}
	}
	// Planned: Jan 8 at the old price 2.0, Jan 9 at 2.5, Jan 10 at 2.5 less 20% on display.
	assert.InDelta(t, 0, future[0], 1e-12)
	assert.InDelta(t, math.Log(2.5/ref), future[4], 1e-12)
	assert.InDelta(t, math.Log(2.0/ref), future[8], 1e-12)
	assert.Equal(t, []float64{1, 0, 1}, future[9:12])
	assert.Equal(t, []bool{false, false, false, false}, p.Exog.Unplanned, "prices and promotions planned past the history")
	// B has no prices at all: zeros throughout.
	hist, future = p.Drivers(1)
	for _, v := range hist {
		assert.Equal(t, float32(0), v)
	}
	for _, v := range future {
		assert.Equal(t, 0.0, v)
	}

	// Weekly: the week of Jan 1 averages its seven days.
	w, err := s.ReadPanel(ctx, PanelOptions{Freq: series.Weekly, Drivers: true, Horizon: 1})
	require.NoError(t, err)
	hist, _ = w.Drivers(0)
	assert.InDelta(t, 2*math.Log(1.5/ref)/4, float64(hist[0]), 1e-6, "the mean over the four days with rows")
	assert.InDelta(t, 0.5, float64(hist[1]), 1e-12)

	// MaxPeriods keeps the most recent periods, drivers included.
	short, err := s.ReadPanel(ctx, PanelOptions{MaxPeriods: 3, Drivers: true})
	require.NoError(t, err)
	require.NoError(t, short.Check())
	assert.Equal(t, []float64{3, 0, 0}, short.Series(0))
	assert.Equal(t, "2024-01-05", short.Starts[0].String())
}

// Promotion flags in the sales history with no plan of the days ahead:
// the drivers are marked unplanned, so the forecast does not assume that
// nothing will be promoted.
func TestReadPanelMarksDriversNothingPlans(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	dir := t.TempDir()
	sales := writeFile(t, dir, "sales.csv", "date,sku,location,qty,promo\n2024-01-01,A,S1,2,false\n2024-01-02,A,S1,5,true\n")
	_, err := s.Load(ctx, LoadOptions{Files: map[string]string{"sales": sales}})
	require.NoError(t, err)
	p, err := s.ReadPanel(ctx, PanelOptions{Drivers: true, Horizon: 3})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true, true, true}, p.Exog.Unplanned)

	// A promotion plan that ended before the last sale plans nothing ahead;
	// one reaching past it plans the promotions and, with them, the price paid.
	past := writeFile(t, dir, "past.csv", "sku,start_date,end_date\nA,2024-01-02,2024-01-02\n")
	_, err = s.Load(ctx, LoadOptions{Files: map[string]string{"promotions": past}})
	require.NoError(t, err)
	p, err = s.ReadPanel(ctx, PanelOptions{Drivers: true, Horizon: 3})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true, true, true}, p.Exog.Unplanned)
	ahead := writeFile(t, dir, "ahead.csv", "sku,start_date,end_date\nA,2024-01-02,2024-01-02\nA,2024-01-04,2024-01-05\n")
	_, err = s.Load(ctx, LoadOptions{Files: map[string]string{"promotions": ahead}})
	require.NoError(t, err)
	p, err = s.ReadPanel(ctx, PanelOptions{Drivers: true, Horizon: 3})
	require.NoError(t, err)
	assert.Equal(t, []bool{false, false, false, false}, p.Exog.Unplanned)
}

// A sampled read holds the series Subset would pick from the whole panel,
// drivers and their panel-wide settings included, read chunk by chunk.
func TestASampledReadIsTheWholePanelsSubset(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	res, err := synth.Generate(ctx, dir, synth.Config{Stores: 3, SKUs: 15, Days: 120, Horizon: 7, Seed: 3}, nil)
	require.NoError(t, err)
	s := openMemory(t)
	_, err = s.Load(ctx, LoadOptions{Files: map[string]string{"sales": res.Files["sales"], "promotions": res.Files["promotions"]}})
	require.NoError(t, err)
	opts := PanelOptions{Freq: series.Daily, TrimLeadingZeros: true, Drivers: true, Horizon: 7}
	whole, err := s.ReadPanel(ctx, opts)
	require.NoError(t, err)
	want := whole.Subset(series.SampleIndex(whole.Len(), 10))
	opts.Sample, opts.ChunkSeries = 10, 7
	got, err := s.ReadPanel(ctx, opts)
	require.NoError(t, err)
	require.NoError(t, got.Check())
	assert.Equal(t, 10, got.Len())
	assert.Equal(t, want, got)
}
