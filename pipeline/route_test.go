package pipeline

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// The online point's orders come from the zones by their online share;
// zone Z1's rules send a fifth of its orders to store S1 after the point's
// four fifths, zone Z2 has only the rules of zone *. The store's walk-in
// series keeps its own quantiles; the demand moved adds up to what was
// forecast.
func TestRoutingMovesOrdersToTheLocationsThatServeThem(t *testing.T) {
	day := series.MustParseDate("2025-01-01")
	fc := &series.Forecasts{Freq: series.Daily, Horizon: 2, Quantiles: []float64{0.1, 0.9},
		Keys:   []series.Key{{SKU: "A", Location: "S1", Channel: "store"}, {SKU: "A", Location: "WEB", Channel: "online"}},
		Starts: []series.Date{day, day},
		Mean:   []float64{4, 4, 10, 20},
		Q:      []float64{1, 7, 1, 7, 5, 15, 10, 30}}
	net := &supply.Network{
		Zones:  []supply.Zone{{Zone: "Z1", OnlineShare: 0.75}, {Zone: "Z2", OnlineShare: 0.25}},
		ZoneOf: map[string]string{"S1": "Z1"},
		Rules: []supply.FulfilmentRule{
			{Channel: "online", Zone: "*", Rank: 1, Location: "WEB", MaxShare: 1},
			{Channel: "online", Zone: "Z1", Rank: 1, Location: "WEB", MaxShare: 0.8},
			{Channel: "online", Zone: "Z1", Rank: 2, Location: "S1", MaxShare: 1},
		},
	}
	snap := &supply.Snapshot{Locations: map[string]supply.Location{"S1": {Type: "store"}, "WEB": {Type: "online"}}}
	got := routeForecasts(net, snap, fc, nil)
	require.Equal(t, []series.Key{
		{SKU: "A", Location: "S1", Channel: "store"},
		{SKU: "A", Location: "WEB", Channel: "online"},
		{SKU: "A", Location: "S1", Channel: "online"},
	}, got.Keys)
	assert.Equal(t, []float64{4, 4}, got.Series(0))
	assert.Equal(t, fc.Q[:4], got.Q[:4], "the walk-in series keeps its quantiles")
	assert.InDeltaSlice(t, []float64{8.5, 17}, got.Series(1), 1e-12)
	assert.InDeltaSlice(t, []float64{1.5, 3}, got.Series(2), 1e-12)
	// A share p of the orders: variance p²(v - m) + p m, whose normal's
	// 90% quantile the moved series carries (its 10% is cut at 0).
	v := fc.Variance(1, 0)
	p := 0.75 * 0.2
	assert.InDelta(t, 1.5+1.2815515655446004*math.Sqrt(p*p*(v-10)+p*10), got.Quantile(2, 0, 1), 1e-9)
	for tt := 0; tt < 2; tt++ {
		assert.InDelta(t, fc.Mean[2+tt], got.Mean[2+tt]+got.Mean[4+tt], 1e-12, "day %d: nothing lost or made", tt)
	}
	assert.False(t, math.IsNaN(got.Q[len(got.Q)-1]))

	// Without rules the forecasts are the same value.
	assert.Same(t, fc, mustRoute(t, &Memory{}, fc))
}

func mustRoute(t *testing.T, src Source, fc *series.Forecasts) *series.Forecasts {
	t.Helper()
	out, err := RouteDemand(t.Context(), src, fc, nil)
	require.NoError(t, err)
	return out
}

// In the nightly run, the store each zone's rules send a fifth of its
// online orders to plans for them: its order lines show the online
// share, and the online point plans for the four fifths it keeps.
func TestTheRunPlansEachStoreForTheOnlineOrdersRoutedToIt(t *testing.T) {
	cfg := sampleConfig(t)
	cfg.Stages = []string{"load", "forecast", "replenish"}
	routed := runOrders(t, cfg)
	rules := csvRecords(t, filepath.Join(filepath.Dir(cfg.DB), "fulfilment.csv"))
	stores := map[string]bool{}
	for _, r := range rules {
		if r["rank"] == "2" {
			stores[r["location"]] = true
		}
	}
	require.NotEmpty(t, stores)
	withOnline := 0
	for _, l := range routed {
		if stores[l["to"]] && strings.Contains(l["channel_split"], "online") {
			withOnline++
		}
	}
	assert.Positive(t, withOnline, "the stores' lines carry the online orders routed to them")

	// Without the rules, no store line has online demand (the synthetic
	// retailer sells online only through its online point).
	cfg2 := sampleConfig(t)
	cfg2.Stages = cfg.Stages
	cfg2.Inputs.Fulfilment = ""
	for _, l := range runOrders(t, cfg2) {
		if stores[l["to"]] {
			assert.NotContains(t, l["channel_split"], "online", "%s to %s", l["sku"], l["to"])
		}
	}
}

func runOrders(t *testing.T, cfg *config.Config) []map[string]string {
	t.Helper()
	m, err := Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	return csvRecords(t, filepath.Join(cfg.Out, "runs", m.RunID, "orders.csv"))
}

// With a placement that is not advisory, the placed channel's orders go
// to the nodes it picks: a node plans online demand for a SKU only where
// the placement holds the SKU, and the online point orders only the SKUs
// the placement holds there.
func TestReplenishmentStocksTheNodesThePlacementPicks(t *testing.T) {
	cfg := sampleConfig(t)
	place := config.DefaultPlace()
	place.Channels = []string{"online"}
	place.PromiseHours = map[string]float64{"online": 48}
	cfg.Place = &place
	cfg.Stages = []string{"load", "forecast", "place", "replenish"}
	m, err := Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	dir := filepath.Join(cfg.Out, "runs", m.RunID)
	held := map[[2]string]bool{}
	nodes := map[string]bool{}
	for _, r := range csvRecords(t, filepath.Join(dir, "placement.csv")) {
		nodes[r["node"]] = true
		if r["hold"] == "yes" {
			held[[2]string{r["sku"], r["node"]}] = true
		}
	}
	require.NotEmpty(t, held)
	online := 0
	for _, l := range csvRecords(t, filepath.Join(dir, "orders.csv")) {
		if l["to"] == "WEB" {
			assert.True(t, held[[2]string{l["sku"], "WEB"}], "%s: the online point orders what the placement does not hold there", l["sku"])
		}
		if !nodes[l["to"]] || !strings.Contains(l["channel_split"], "online") {
			continue
		}
		assert.True(t, held[[2]string{l["sku"], l["to"]}], "%s at %s plans online demand the placement does not put there", l["sku"], l["to"])
		online++
	}
	assert.Positive(t, online, "the nodes picked plan the online demand")

	// Advisory, the orders follow the fulfilment rules: the online point
	// plans its four fifths again.
	place.Advisory = true
	m, err = Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	web := 0
	for _, l := range csvRecords(t, filepath.Join(cfg.Out, "runs", m.RunID, "orders.csv")) {
		if l["to"] == "WEB" {
			web++
		}
	}
	assert.Positive(t, web)
}

// Without any zone's online_share, the zones share the online orders in
// proportion to the forecast demand at their locations; a zone that gives
// one where others do not leaves those with none.
func TestOnlineSharesFollowTheZonesDemand(t *testing.T) {
	day := series.MustParseDate("2025-01-01")
	fc := &series.Forecasts{Freq: series.Daily, Horizon: 1,
		Keys:   []series.Key{{SKU: "A", Location: "S1"}, {SKU: "A", Location: "S2"}, {SKU: "A", Location: "WEB", Channel: "online"}},
		Starts: []series.Date{day, day, day}, Mean: []float64{30, 10, 100}}
	nan := math.NaN()
	net := &supply.Network{Zones: []supply.Zone{{Zone: "Z1", OnlineShare: nan}, {Zone: "Z2", OnlineShare: nan}},
		ZoneOf: map[string]string{"S1": "Z1", "S2": "Z2"}}
	assert.Equal(t, map[string]float64{"Z1": 0.75, "Z2": 0.25}, onlineShares(net, fc))
	net.Zones[1].OnlineShare = 0.5
	assert.Equal(t, map[string]float64{"Z1": 0, "Z2": 1}, onlineShares(net, fc))
}
