package datasets

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

func TestSupplyReadsLatestPositionsAndSourcing(t *testing.T) {
	ctx := context.Background()
	files := sampleFiles(t)
	dir := t.TempDir()
	files["inventory"] = writeFile(t, dir, "inventory.csv", "as_of,sku,location,on_hand,on_order,in_transit,backorders,reserved\n"+
		"2024-01-02,A,S1,9,0,0,0,0\n2024-01-03,A,S1,4,6,2,1,1\n2024-01-03,A,DC1,100,0,0,0,0\n")
	files["sourcing"] = writeFile(t, dir, "sourcing.csv", "sku,from_location,to_location,lead_time_days,lead_time_sd_days,moq,order_multiple,review_days,unit_cost,order_days\n"+
		"A,DC1,S1,2,0.5,0,6,7,,Mon;thursday\nA,DC1,S2,3,,10,,,0.45,\n")
	s := openMemory(t)
	_, err := s.Load(ctx, LoadOptions{Files: files})
	require.NoError(t, err)

	sup, err := s.Supply(ctx)
	require.NoError(t, err)
	assert.Equal(t, "2024-01-03", sup.AsOf.String())
	require.Len(t, sup.Positions, 2, "only the latest as_of")
	assert.Equal(t, supply.StockPosition{SKU: "A", Location: "S1", OnHand: 4, OnOrder: 6, InTransit: 2, Backorders: 1, Reserved: 1}, sup.Positions[1])
	require.Len(t, sup.Lanes, 2)
	l := sup.Lanes[0]
	assert.Equal(t, "S1", l.To)
	assert.Equal(t, 6.0, l.Multiple)
	assert.False(t, l.HasUnitCost)
	assert.True(t, l.OrderDays[time.Monday] && l.OrderDays[time.Thursday])
	assert.False(t, l.OrderDays[time.Tuesday])
	l = sup.Lanes[1]
	assert.Equal(t, []any{7, 1.0, 0.0, 10.0, true, 0.45, [7]bool{}}, []any{l.Review, l.Multiple, l.LeadTimeSD, l.MOQ, l.HasUnitCost, l.UnitCost, l.OrderDays})
	assert.Equal(t, supply.ProductTerms{UnitCost: 0.5, PackSize: 6}, sup.Products["A"])
	assert.Equal(t, supply.Location{Type: "store", DC: "DC1", Region: "North"}, sup.Locations["S1"])
}

// The database remembers the first plan date each exception was seen on,
// across runs, whatever order the runs come in.
func TestExceptionsAreRememberedAcrossRuns(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "p.duckdb"), nil)
	require.NoError(t, err)
	defer s.Close()
	d := series.MustParseDate("2025-01-06")
	ex := func(id string, v float64) SeenException {
		return SeenException{ID: id, Kind: "dc_short", SKU: "A", Location: "DC1", Value: v}
	}
	require.NoError(t, s.RecordExceptions(ctx, d, []SeenException{ex("EX-1", 10), ex("EX-2", 5)}))
	require.NoError(t, s.RecordExceptions(ctx, d.AddDays(1), []SeenException{ex("EX-2", 8), ex("EX-3", 1)}))
	require.NoError(t, s.RecordExceptions(ctx, d.AddDays(1), []SeenException{ex("EX-2", 9), ex("EX-3", 1)})) // a rerun
	seen, err := s.ExceptionsSeen(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]ExceptionMemory{"EX-1": {FirstSeen: d}, "EX-2": {FirstSeen: d}, "EX-3": {FirstSeen: d.AddDays(1)}}, seen)

	// The second night: EX-1 resolved, EX-2 worse than the night before
	// (5, not the rerun's 8), EX-3 new.
	ch, err := s.ChangesSince(ctx, d.AddDays(1))
	require.NoError(t, err)
	assert.Equal(t, []SeenException{ex("EX-1", 10)}, ch.Resolved)
	assert.Equal(t, []SeenException{ex("EX-2", 9)}, ch.Worsened)
	assert.Equal(t, []float64{5}, ch.Previous)

	require.NoError(t, s.RecordExceptions(ctx, d.AddDays(-2), []SeenException{ex("EX-3", 1)}))
	seen, err = s.ExceptionsSeen(ctx)
	require.NoError(t, err)
	assert.Equal(t, d.AddDays(-2), seen["EX-3"].FirstSeen, "an earlier night moves the first sighting back")

	// A snooze until a day and while the value grows by at most half (EX-2
	// is at 9 now: up to 13.5); an acknowledgement; an unknown id refused,
	// with nothing recorded.
	require.NoError(t, s.Snooze(ctx, []string{"EX-2"}, d.AddDays(7), 0.5, false, "supplier called", "ana"))
	require.NoError(t, s.Snooze(ctx, []string{"EX-1"}, 0, -1, true, "", "bo"))
	err = s.Snooze(ctx, []string{"EX-3", "EX-9"}, d, -1, false, "", "")
	require.ErrorContains(t, err, "EX-9 is not an exception a run raised in this database")
	seen, err = s.ExceptionsSeen(ctx)
	require.NoError(t, err)
	assert.Equal(t, ExceptionMemory{FirstSeen: d, SnoozedUntil: d.AddDays(7), SnoozedUpTo: 13.5}, seen["EX-2"])
	assert.Equal(t, ExceptionMemory{FirstSeen: d, Acknowledged: true}, seen["EX-1"])
	assert.Equal(t, ExceptionMemory{FirstSeen: d.AddDays(-2)}, seen["EX-3"], "the refused call recorded nothing")
}

// A night's exceptions are recorded with one statement, however many;
// one listed twice counts once, with its last value.
func TestANightsExceptionsAreRecordedTogether(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "p.duckdb"), nil)
	require.NoError(t, err)
	defer s.Close()
	d := series.MustParseDate("2025-01-06")
	var exs []SeenException
	for i := range 5000 {
		exs = append(exs, SeenException{ID: fmt.Sprintf("EX-%d", i), Kind: "stockout_risk", SKU: "A", Location: "S1", Value: float64(i)})
	}
	exs = append(exs, SeenException{ID: "EX-7", Kind: "stockout_risk", SKU: "A", Location: "S1", Value: 70})
	require.NoError(t, s.RecordExceptions(ctx, d, exs))
	require.NoError(t, s.RecordExceptions(ctx, d.AddDays(1), exs[:10]))
	seen, err := s.ExceptionsSeen(ctx)
	require.NoError(t, err)
	assert.Len(t, seen, 5000)
	ch, err := s.ChangesSince(ctx, d.AddDays(1))
	require.NoError(t, err)
	assert.Len(t, ch.Resolved, 4990)
	require.Len(t, ch.Worsened, 0, "the same values the night before")
	assert.Equal(t, SeenException{ID: "EX-4999", Kind: "stockout_risk", SKU: "A", Location: "S1", Value: 4999}, ch.Resolved[0])
	var value, before float64
	require.NoError(t, s.db.QueryRowContext(ctx, "SELECT value, prev_value FROM planner_exceptions WHERE exception_id = 'EX-7'").Scan(&value, &before))
	assert.Equal(t, [2]float64{7, 70}, [2]float64{value, before}, "the first night kept the duplicate's last value")
}

// Forecast moves compare a run with the one logged before it, over the
// days both forecast, all locations added; a SKU that barely moved is
// not listed.
func TestForecastMovesSinceTheRunBefore(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "p.duckdb"), nil)
	require.NoError(t, err)
	defer s.Close()
	d := series.MustParseDate("2025-01-06")
	keys := []series.Key{{SKU: "A", Location: "S1"}, {SKU: "A", Location: "S2"}, {SKU: "B", Location: "S1"}}
	log := func(id string, start series.Date, mean []float64) *ForecastLog {
		return &ForecastLog{RunID: id, PlanDate: start, Freq: series.Daily, Horizon: 2, Keys: keys, Starts: []series.Date{start, start, start},
			Model: []string{"m", "m", "m"}, Mean: mean, Statistical: mean, Lo: mean, Hi: mean}
	}
	require.NoError(t, s.RecordForecasts(ctx, log("R1", d, []float64{1, 2, 3, 4, 5, 5})))
	// The next night forecasts from d+1: day d+1 is shared.
	require.NoError(t, s.RecordForecasts(ctx, log("R2", d.AddDays(1), []float64{6, 0, 8, 0, 5.2, 0})))
	moves, err := s.ForecastMoves(ctx, "R2", 10)
	require.NoError(t, err)
	assert.Equal(t, []ForecastMove{{SKU: "A", Before: 2 + 4, Now: 6 + 8}}, moves)
	logged, err := s.LoggedRuns(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"R1", "R2"}, logged)
}

// The tracking signal sums a series' first-week errors over the days its
// sales arrived for and divides by their mean absolute error; a series
// with fewer than 14 scored days is left out.
func TestTrackingSignalsOfLoggedForecasts(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "p.duckdb"), nil)
	require.NoError(t, err)
	defer s.Close()
	d := series.MustParseDate("2025-01-06")
	keys := []series.Key{{SKU: "A", Location: "S1", Channel: "store"}, {SKU: "B", Location: "S1", Channel: "store"}}
	for r := 0; r < 3; r++ { // three weekly runs, 7 days each
		start := d.AddDays(7 * r)
		mean := []float64{}
		for k := range keys {
			for range 7 {
				mean = append(mean, float64(6-k*4)) // A forecasts 6, B 2
			}
		}
		require.NoError(t, s.RecordForecasts(ctx, &ForecastLog{RunID: fmt.Sprintf("R%d", r), PlanDate: start, Freq: series.Daily, Horizon: 7,
			Keys: keys, Starts: []series.Date{start, start}, Model: []string{"m", "m"}, Mean: mean, Statistical: mean, Lo: mean, Hi: mean}))
	}
	// Sales for the first 14 days: A sells 4 or 5 (forecast 6: biased),
	// B sells 1 or 3 (forecast 2: not).
	for i := 0; i < 14; i++ {
		day := d.AddDays(i).String()
		_, err := s.db.ExecContext(ctx, `INSERT INTO sales (date, sku, location, channel, qty) VALUES (CAST(? AS DATE), 'A', 'S1', 'store', ?), (CAST(? AS DATE), 'B', 'S1', 'store', ?)`,
			day, 4+i%2, day, 1+2*(i%2))
		require.NoError(t, err)
	}
	got, err := s.TrackingSignals(ctx)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, TrackingSignal{SKU: "A", Location: "S1", Channel: "store", Days: 14, Error: 21, MAD: 1.5, Signal: 14}, got[0])
	assert.Equal(t, "B", got[1].SKU)
	assert.Zero(t, got[1].Error)
}

// A database written before overrides and planners existed, opened
// read-only, has none of either (and no error): the forecast reads
// overrides, and the hierarchy labels, on every path.
func TestOverridesOfAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	s, err := Open(ctx, path, nil)
	require.NoError(t, err)
	_, err = s.db.ExecContext(ctx, `DROP TABLE planner_overrides`)
	require.NoError(t, err)
	_, err = s.db.ExecContext(ctx, `ALTER TABLE products DROP COLUMN planner`)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	ro, err := Open(ctx, path, &StoreOptions{ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close()
	got, err := ro.Overrides(ctx)
	require.NoError(t, err)
	assert.Empty(t, got)
	labels, err := ro.HierarchyLabels(ctx)
	require.NoError(t, err)
	assert.Empty(t, labels.Planner)
}
