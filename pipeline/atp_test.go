package pipeline

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
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

// csvRecords reads a CSV file as maps from its header's names.
func csvRecords(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// The atp stage promises each location's stock to the channels that sell
// there: the store channel, whose lost sale costs more here, keeps its
// reserve from instant delivery, instant never takes more than its share,
// and a location with stock below the reserve is a ring_fence exception.
func TestTheATPStagePromisesOnePoolToEveryChannel(t *testing.T) {
	cfg := sampleConfig(t)
	cfg.ATP = &config.ATP{HorizonDays: 1, Format: "csv", Channels: map[string]config.ATPChannel{
		"store":   {LostSale: 1, Reserve: 2},
		"instant": {LostSale: 0.6, MaxShare: 0.5},
	}}
	cfg.Stages = []string{"load", "forecast", "atp", "exceptions", "export", "report"}
	m, err := Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	dir := filepath.Join(cfg.Out, "runs", m.RunID)
	rows := csvRecords(t, filepath.Join(dir, "atp.csv"))
	require.NotEmpty(t, rows)
	num := func(r map[string]string, k string) float64 {
		v, err := strconv.ParseFloat(r[k], 64)
		require.NoError(t, err, k)
		return v
	}
	short := 0
	channels := map[string]int{}
	for _, r := range rows {
		channels[r["channel"]]++
		stock, promise := num(r, "stock"), num(r, "promise")
		assert.Equal(t, stock, promise+num(r, "kept"))
		assert.Equal(t, "atp/1", r["schema"])
		switch r["channel"] {
		case "store":
			if stock > 0 && stock < 2 {
				short++
			}
		case "instant":
			assert.LessOrEqual(t, promise, max(0, stock-2), "instant leaves the store's reserve: %v", r)
			assert.LessOrEqual(t, promise, float64(int(0.5*stock)), "instant's share: %v", r)
		}
	}
	assert.Positive(t, channels["store"])
	assert.Positive(t, channels["instant"])
	assert.Positive(t, channels["online"], "the online point sells its stock to its channel")
	var fences int
	for _, r := range csvRecords(t, filepath.Join(dir, "exceptions.csv")) {
		if r["kind"] == "ring_fence" {
			fences++
		}
	}
	assert.Positive(t, short)
	assert.Equal(t, short, fences, "one ring_fence exception a store whose stock is below the reserve")
	// The merchandisers' workbook lists the promises; the report sums them
	// by channel.
	wb, err := excelize.OpenFile(filepath.Join(dir, WorkbookName))
	require.NoError(t, err)
	defer wb.Close()
	sheet, err := wb.GetRows(export.PromisesSheet)
	require.NoError(t, err)
	require.Len(t, sheet, len(rows)+1)
	assert.Equal(t, []string{rows[0]["location"], rows[0]["sku"], rows[0]["channel"], rows[0]["promise"]},
		[]string{sheet[1][1], sheet[1][2], sheet[1][3], sheet[1][5]})
	page, err := os.ReadFile(filepath.Join(dir, ReportName))
	require.NoError(t, err)
	assert.Contains(t, string(page), "What each channel may promise on "+rows[0]["date"])
}

// Forecasts without a channel (a forecasts file without the column) sell
// through the store, as the sales load takes them: its rules hold.
func TestASeriesWithoutAChannelSellsThroughTheStore(t *testing.T) {
	day := series.MustParseDate("2026-03-02")
	fc := &series.Forecasts{Freq: series.Daily, Horizon: 2, Keys: []series.Key{{SKU: "A", Location: "S1"}},
		Starts: []series.Date{day}, Mean: []float64{2, 2}}
	src := &Memory{Snapshot: &supply.Snapshot{AsOf: day - 1, Positions: []supply.StockPosition{{SKU: "A", Location: "S1", OnHand: 6}}}}
	res, err := ATP(context.Background(), src, fc, config.ATP{HorizonDays: 1, Format: "csv",
		Channels: map[string]config.ATPChannel{"store": {LostSale: 1, MaxShare: 0.5}}})
	require.NoError(t, err)
	require.Len(t, res.Lines, 1)
	assert.Equal(t, "store", res.Lines[0].Channel)
	assert.Equal(t, 3.0, res.Lines[0].Promise, "the store's cap of half the stock")
}
