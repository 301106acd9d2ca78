package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// memoryOf copies everything a database holds into a Memory source: the
// whole daily sales with their drivers for horizon future days, and every
// other table as values.
func memoryOf(t *testing.T, s *datasets.Store, horizon int) *Memory {
	t.Helper()
	ctx := context.Background()
	m := &Memory{}
	var err error
	m.Sales, err = s.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily, Drivers: true, Horizon: horizon})
	require.NoError(t, err)
	m.Labels, err = s.HierarchyLabels(ctx)
	require.NoError(t, err)
	m.Snapshot, err = s.Supply(ctx)
	require.NoError(t, err)
	m.Net, err = s.Network(ctx)
	require.NoError(t, err)
	m.Capacity, m.Preorders, err = s.Production(ctx)
	require.NoError(t, err)
	m.Prices, err = s.PriceHistory(ctx, series.Daily)
	require.NoError(t, err)
	m.Terms, err = s.PricingTerms(ctx)
	require.NoError(t, err)
	return m
}

// The plans read through Source, so the database and values in memory
// give the same plans: the stages run, and are tested, without DuckDB.
func TestPlansFromMemoryEqualPlansFromTheDatabase(t *testing.T) {
	ctx := context.Background()
	cfg := sampleConfig(t)
	store, err := datasets.Open(ctx, filepath.Join(t.TempDir(), "p.duckdb"), nil)
	require.NoError(t, err)
	defer store.Close()
	_, err = store.Load(ctx, LoadOptions(&cfg.Inputs))
	require.NoError(t, err)
	mem := memoryOf(t, store, cfg.Forecast.Horizon)
	want, err := store.SeriesValues(ctx, replenish.ClassDays)
	require.NoError(t, err)
	got, err := mem.SeriesValues(ctx, replenish.ClassDays)
	require.NoError(t, err)
	require.Len(t, got, len(want))
	assert.InDeltaSlice(t, want, got, 1e-6, "the values ABC cuts are made from")

	type plans struct{ forecasts, orders, allocation, production, prices []byte }
	plan := func(src Source) plans {
		var out plans
		dir := t.TempDir()
		fc, err := Forecast(ctx, src, cfg.Forecast)
		require.NoError(t, err)
		_, err = fc.Write(ForecastFiles{Forecasts: filepath.Join(dir, "f.csv")})
		require.NoError(t, err)
		out.forecasts = read(t, filepath.Join(dir, "f.csv"))
		rep, err := Replenish(ctx, src, fc.Values(), cfg.Replenish)
		require.NoError(t, err)
		require.NoError(t, export.WriteOrders(filepath.Join(dir, "o.csv"), rep.Lines))
		out.orders = read(t, filepath.Join(dir, "o.csv"))
		ac := config.DefaultAllocate()
		in, err := AllocationInput(ctx, src, fc.Values(), rep.Lines, ac.HorizonDays, ac.Service)
		require.NoError(t, err)
		al, err := Allocate(ctx, in, ac)
		require.NoError(t, err)
		_, err = al.Write(filepath.Join(dir, "a.csv"))
		require.NoError(t, err)
		out.allocation = read(t, filepath.Join(dir, "a.csv"))
		pc := config.DefaultProduce()
		pc.Weeks = 4
		prob, _, err := ProductionProblem(ctx, src, fc.Values(), pc)
		require.NoError(t, err)
		pr, err := Produce(ctx, prob, pc)
		require.NoError(t, err)
		_, err = pr.Write(ProduceFiles{Orders: filepath.Join(dir, "p.csv")})
		require.NoError(t, err)
		out.production = read(t, filepath.Join(dir, "p.csv"))
		price, err := Price(ctx, src, config.Price{Freq: "D", Objective: "profit", MaxChange: 0.1, Endings: "0.49,0.99",
			MarkdownSteps: "0.1,0.3", HorizonDays: 28, ExitWeeks: 13, OverstockWeeks: 26, Format: "csv"})
		require.NoError(t, err)
		_, err = price.Write(PriceFiles{Prices: filepath.Join(dir, "pr.csv")})
		require.NoError(t, err)
		out.prices = read(t, filepath.Join(dir, "pr.csv"))
		return out
	}
	db, memory := plan(store), plan(mem)
	for name, pair := range map[string][2][]byte{"forecasts": {db.forecasts, memory.forecasts}, "orders": {db.orders, memory.orders},
		"allocation": {db.allocation, memory.allocation}, "production": {db.production, memory.production}, "prices": {db.prices, memory.prices}} {
		assert.Greater(t, bytes.Count(pair[0], []byte("\n")), 1, name)
		assert.Equal(t, string(pair[0]), string(pair[1]), name)
	}
}

func TestMemoryTrimsAndCutsItsSeries(t *testing.T) {
	p := &series.Panel{Freq: series.Daily}
	start := series.MustParseDate("2024-01-01")
	p.Append(series.Key{SKU: "A"}, start, []float64{0, 0, 1, 2, 3, 4})
	p.Append(series.Key{SKU: "B"}, start, []float64{0, 0, 0})
	p.Exog = &series.Exog{Names: []string{"promo"}, Hist: []float32{0, 0, 1, 0, 1, 0, 1, 1, 1}, Horizon: 2, Future: []float64{1, 0, 0, 0},
		Unplanned: []bool{true}}
	m := &Memory{Sales: p}
	got, err := m.ReadPanel(context.Background(), datasets.PanelOptions{Freq: series.Daily, TrimLeadingZeros: true, MaxPeriods: 3, Drivers: true, Horizon: 1})
	require.NoError(t, err)
	require.Equal(t, 1, got.Len(), "B never sold")
	assert.Equal(t, []float64{2, 3, 4}, got.Series(0))
	assert.Equal(t, start+3, got.Starts[0])
	assert.Equal(t, []float32{0, 1, 0}, got.Exog.Hist)
	assert.Equal(t, []float64{1}, got.Exog.Future)
	assert.Equal(t, []bool{true}, got.Exog.Unplanned, "a driver nothing plans stays marked, so the forecast does not assume it away")
	_, err = m.ReadPanel(context.Background(), datasets.PanelOptions{Freq: series.Weekly})
	assert.EqualError(t, err, "the sales are daily; they cannot be read as weekly series here")
	_, err = m.ReadPanel(context.Background(), datasets.PanelOptions{Freq: series.Daily, Drivers: true, Horizon: 3})
	assert.EqualError(t, err, "the sales hold drivers for 2 future periods, not 3")
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	return raw
}

// The price pools a split learns, fitting a few SKUs at a time, are the
// pools the price stage learns on every product at once, from the
// database and from values in memory.
func TestPricePoolsLearnedInPartsAreTheWholeRunsPools(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	res, err := synth.Generate(ctx, dir, synth.Config{Stores: 3, SKUs: 60, Days: 240, Horizon: 28, Seed: 5}, nil)
	require.NoError(t, err)
	cfg, err := config.Load(res.Files["config"])
	require.NoError(t, err)
	store, err := datasets.Open(ctx, filepath.Join(dir, "p.duckdb"), nil)
	require.NoError(t, err)
	defer store.Close()
	_, err = store.Load(ctx, LoadOptions(&cfg.Inputs))
	require.NoError(t, err)
	pc := config.DefaultPrice()
	whole, err := Price(ctx, store, pc)
	require.NoError(t, err)
	require.NotEmpty(t, whole.Pools.Groups, "a fixture whose groups pool")
	for name, src := range map[string]Source{"database": store, "memory": memoryOf(t, store, cfg.Forecast.Horizon)} {
		pools, err := learnPricePools(ctx, src, pc, 4)
		require.NoError(t, err, name)
		require.NotNil(t, pools, name)
		assert.Equal(t, whole.Pools, *pools, name)
	}
	none, err := learnPricePools(ctx, &Memory{}, pc, 4)
	require.NoError(t, err)
	assert.Nil(t, none, "no priced sales, no pools")
}

// A shard whose SKUs all stopped selling before the network's last day of
// sales plans from the network's plan date, as the whole run does: its
// forecasts start, and its prices apply, the day after history_end.
func TestAShardPlansFromTheNetworksLastDay(t *testing.T) {
	ctx := context.Background()
	cfg := sampleConfig(t)
	store, err := datasets.Open(ctx, filepath.Join(t.TempDir(), "p.duckdb"), nil)
	require.NoError(t, err)
	defer store.Close()
	_, err = store.Load(ctx, LoadOptions(&cfg.Inputs))
	require.NoError(t, err)
	own, err := store.SalesEnd(ctx)
	require.NoError(t, err)
	network := own.AddDays(5)
	shard := &paramsSource{Source: store, params: &NetworkParams{HistoryEnd: network.String()}}
	fc, err := Forecast(ctx, shard, cfg.Forecast)
	require.NoError(t, err)
	assert.Equal(t, network.AddDays(1), fc.Values().First())
	alone, err := Forecast(ctx, store, cfg.Forecast)
	require.NoError(t, err)
	assert.Equal(t, own.AddDays(1), alone.Values().First())
	shard.params.PricePools = &pricing.Pools{Groups: map[string]pricing.Prior{}}
	pr, err := Price(ctx, shard, config.DefaultPrice())
	require.NoError(t, err)
	assert.Equal(t, network.AddDays(1), pr.PlanDate)
}
