package datasets

import (
	"context"
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
	require.NoError(t, s.RecordExceptions(ctx, d, []string{"EX-1", "EX-2"}))
	require.NoError(t, s.RecordExceptions(ctx, d.AddDays(1), []string{"EX-2", "EX-3"}))
	require.NoError(t, s.RecordExceptions(ctx, d.AddDays(-2), []string{"EX-3"}))
	seen, err := s.ExceptionsSeen(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]series.Date{"EX-1": d, "EX-2": d, "EX-3": d.AddDays(-2)}, seen)
}
