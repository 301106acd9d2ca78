package pipeline

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// The place stage places every SKU of the synthetic retailer on its
// nodes: each SKU sits on every node once, every zone's instant orders
// are served from the forward warehouse within the hour, no node holds
// more than its capacity, and the placement reaches the workbook and the
// report. A channel promised faster than any lane is a zone_unserved
// exception.
func TestThePlaceStagePlacesEverySKUOnTheNodes(t *testing.T) {
	cfg := sampleConfig(t)
	place := config.DefaultPlace()
	place.PromiseHours = map[string]float64{"store": 72, "online": 48, "instant": 1}
	cfg.Place = &place
	cfg.Stages = []string{"load", "forecast", "place", "exceptions", "export", "report"}
	m, err := Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	dir := filepath.Join(cfg.Out, "runs", m.RunID)
	rows := csvRecords(t, filepath.Join(dir, "placement.csv"))
	locs := csvRecords(t, filepath.Join(filepath.Dir(cfg.DB), "locations.csv"))
	capacity := map[string]float64{}
	for _, l := range locs {
		if c, err := strconv.ParseFloat(l["capacity"], 64); err == nil {
			capacity[l["location"]] = c
		}
	}
	seen := map[[2]string]bool{}
	target := map[string]float64{}
	skus := map[string]bool{}
	forwardInstant := 0
	for _, r := range rows {
		key := [2]string{r["sku"], r["node"]}
		require.False(t, seen[key], "%v twice", key)
		seen[key] = true
		skus[r["sku"]] = true
		assert.Equal(t, export.PlacementSchema, r["schema"])
		v, err := strconv.ParseFloat(r["target_stock"], 64)
		require.NoError(t, err)
		target[r["node"]] += v
		if r["hold"] == "yes" {
			assert.Greater(t, v, 0.0)
			assert.NotEmpty(t, r["zones_served"])
		} else {
			assert.Equal(t, "no", r["hold"])
			assert.Equal(t, 0.0, v)
		}
		if strings.HasPrefix(r["node"], "FW") && r["hold"] == "yes" && r["service_hours"] == "1" {
			forwardInstant++
		}
	}
	nodes := len(seen) / len(skus)
	assert.Equal(t, len(skus)*nodes, len(rows), "every SKU at every node")
	assert.Equal(t, 3, nodes, "the sample's DC, forward warehouse and online point")
	assert.Positive(t, forwardInstant, "instant demand is held in the forward warehouse")
	for node, tgt := range target {
		if c := capacity[node]; c > 0 {
			assert.LessOrEqual(t, tgt, c*(1+1e-6), node)
		}
	}
	wb, err := excelize.OpenFile(filepath.Join(dir, "plan.xlsx"))
	require.NoError(t, err)
	sheet, err := wb.GetRows(export.PlacementSheet)
	require.NoError(t, err)
	assert.Len(t, sheet, len(rows)+1)
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "Where the stock lives")
	assert.Contains(t, string(html), "The fulfilment rules send online orders: 80% from online locations, 20% from store locations.")
	// Each node's stock on hand today stands beside its target.
	inv := csvRecords(t, filepath.Join(filepath.Dir(cfg.DB), "inventory.csv"))
	onHand := map[[2]string]string{}
	for _, r := range inv {
		onHand[[2]string{r["sku"], r["location"]}] = r["on_hand"]
	}
	checked := 0
	for _, r := range rows {
		if want, ok := onHand[[2]string{r["sku"], r["node"]}]; ok {
			assert.Equal(t, atofOr0(want), atofOr0(r["on_hand"]), "%s at %s", r["sku"], r["node"])
			checked++
		} else {
			assert.Equal(t, "0", r["on_hand"])
		}
	}
	assert.Positive(t, checked, "the DCs' stock")

	// An instant promise no lane meets: every zone with instant orders
	// is an exception.
	place.PromiseHours["instant"] = 0.5
	m, err = Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	exs := csvRecords(t, filepath.Join(cfg.Out, "runs", m.RunID, "exceptions.csv"))
	unserved := 0
	for _, e := range exs {
		if e["kind"] == "zone_unserved" {
			unserved++
			assert.Contains(t, e["detail"], "instant demand in zone")
			assert.Contains(t, e["detail"], "no node within its 0.5-hour promise")
		}
	}
	assert.Positive(t, unserved)
}

// The fulfilment rules' routing: in each zone the candidates in rank
// order take at most their share, a zone without its own rules takes
// the rules of zone *, and what no candidate takes is uncovered.
func TestRoutingFollowsTheRulesInRankOrder(t *testing.T) {
	net := &supply.Network{
		Zones: []supply.Zone{{Zone: "Z1", OnlineShare: 0.75}, {Zone: "Z2", OnlineShare: 0.25}},
		Rules: []supply.FulfilmentRule{
			{Channel: "online", Zone: "*", Rank: 1, Location: "DC1", MaxShare: 1},
			{Channel: "online", Zone: "Z1", Rank: 1, Location: "S1", MaxShare: 0.4},
			{Channel: "online", Zone: "Z1", Rank: 2, Location: "WEB", MaxShare: 0.5},
		},
	}
	snap := &supply.Snapshot{Locations: map[string]supply.Location{"DC1": {Type: "dc"}, "S1": {Type: "store"}, "WEB": {Type: "online"}}}
	got := routing(net, snap, &series.Forecasts{})
	require.Len(t, got, 1)
	r := got[0]
	assert.Equal(t, "online", r.Channel)
	assert.InDelta(t, 0.75*0.4, r.Shares["store"], 1e-12)
	assert.InDelta(t, 0.75*0.5, r.Shares["online"], 1e-12)
	assert.InDelta(t, 0.25, r.Shares["dc"], 1e-12)
	assert.InDelta(t, 0.75*0.1, r.Uncovered, 1e-12)
}

func atofOr0(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return v
}

// A forward warehouse whose capacity is a volume holds no more litres
// than it has, each unit counting its product's unit_volume; without the
// products' volumes it is refused, naming the column to fill.
func TestAVolumeCapacityHoldsLitresNotUnits(t *testing.T) {
	cfg := sampleConfig(t)
	place := config.DefaultPlace()
	place.Channels = []string{"online", "instant"}
	place.PromiseHours = map[string]float64{"online": 48, "instant": 1}
	cfg.Place = &place
	cfg.Stages = []string{"load", "forecast", "place"}
	dir := filepath.Dir(cfg.DB)
	rewriteCSV(t, filepath.Join(dir, "locations.csv"), func(header []string, row map[string]string) {
		if row["location"] == "FW01" {
			row["capacity"], row["capacity_unit"] = "60", "volume"
		}
	}, "capacity_unit")
	m, err := Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	volume := map[string]float64{}
	for _, p := range csvRecords(t, filepath.Join(dir, "products.csv")) {
		volume[p["sku"]] = atofOr0(p["unit_volume"])
	}
	var litres float64
	held := 0
	for _, r := range csvRecords(t, filepath.Join(cfg.Out, "runs", m.RunID, "placement.csv")) {
		if r["node"] == "FW01" && r["hold"] == "yes" {
			litres += atofOr0(r["target_stock"]) * volume[r["sku"]]
			held++
		}
	}
	assert.Positive(t, held)
	assert.LessOrEqual(t, litres, 60*(1+1e-3)) // targets are written to the cent

	rewriteCSV(t, filepath.Join(dir, "products.csv"), func(header []string, row map[string]string) {
		row["unit_volume"] = ""
	}, "")
	_, err = Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC))})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has no unit_volume, and node FW01 counts its capacity in volume (locations' capacity_unit)")
}

// rewriteCSV rewrites a CSV file row by row, adding the column named (if
// any) at the end.
func rewriteCSV(t *testing.T, path string, edit func([]string, map[string]string), add string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	header := recs[0]
	if add != "" {
		header = append(header, add)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	require.NoError(t, w.Write(header))
	for _, r := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = r[i]
		}
		edit(header, row)
		out := make([]string, len(header))
		for i, h := range header {
			out[i] = row[h]
		}
		require.NoError(t, w.Write(out))
	}
	w.Flush()
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
}
