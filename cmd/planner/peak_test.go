package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// planner peak is the run's peak stage on its own: on the same database
// and configuration it writes the same peak folder, byte for byte; the
// run's workbook and report gain a Peak section, and a store that cannot
// be ready is an exception.
func TestPeakIsTheRunsStage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "retail")
	// Two years of history ending three weeks before Singles Day 2025.
	code, _, errOut := planner(t, "datasets", "synth", "--peaks", "--stores", "4", "--skus", "40", "--start", "2023-09-01", "--days", "781",
		"--horizon", "40", "--channels", "store", "--seed", "3", "--out", dir)
	require.Equal(t, 0, code, errOut)
	// The DC handles no more than its stores' usual flow: nothing of the
	// peak's stock can move, and each store's need is short.
	locations := filepath.Join(dir, "locations.csv")
	raw, err := os.ReadFile(locations)
	require.NoError(t, err)
	lines := strings.Split(string(raw), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "DC01,") {
			lines[i] = l[:strings.LastIndex(l, ",")+1] + "1"
		}
	}
	require.NoError(t, os.WriteFile(locations, []byte(strings.Join(lines, "\n")), 0o644))
	cfgPath := filepath.Join(dir, "planner.yaml")
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("peak:\n  service: 0.9\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	code, _, errOut = planner(t, "run", "--config", cfgPath, "--exceptions-exit-code", "0")
	require.Equal(t, 0, code, errOut)
	run := filepath.Join(dir, "out", "latest")

	for name, cols := range map[string]string{
		"forecast.csv":   "sku,store,event_type,event_date,mean,quantiles,target,stock,arriving,ready,leftover",
		"capacity.csv":   "plan,weeks_before,week_start,week_end,kind,place,usual,peak,load,capacity,utilisation",
		"prebuild.csv":   "kind,sku,from,to,weeks_before,week_start,arrive_weeks_before,quantity",
		"shortfalls.csv": "sku,store,quantity,cause,value",
		"after.csv":      "sku,store,leftover,regular_price,markdown_price,left_at_exit,expected_returns",
	} {
		raw, err := os.ReadFile(filepath.Join(run, "peak", name))
		require.NoError(t, err, name)
		assert.Equal(t, cols, strings.SplitN(string(raw), "\n", 2)[0], name)
	}
	fc := readCSVFile(t, filepath.Join(run, "peak", "forecast.csv"))
	require.Len(t, fc, 40*4, "every product at every store")
	assert.Equal(t, "singles_day", fc[0]["event_type"])
	assert.Equal(t, "2025-11-11", fc[0]["event_date"])
	uplift := readCSVFile(t, filepath.Join(run, "uplift.csv"))
	assert.Len(t, uplift, 2*4*3, "two event types, four categories, three segments")
	// Apparel's units sold on Singles Day come back at 25% (truth/events.csv):
	// the rate learned from the sales' returns.
	for _, row := range uplift {
		if row["event_type"] == "singles_day" && row["category"] == "Apparel" && row["segment"] == "event" {
			rate, err := strconv.ParseFloat(row["return_rate"], 64)
			require.NoError(t, err)
			assert.InDelta(t, 0.25, rate, 0.1)
		}
	}

	wb, err := excelize.OpenFile(filepath.Join(run, "plan.xlsx"))
	require.NoError(t, err)
	assert.Contains(t, wb.GetSheetList(), "Peak")
	rows, err := wb.GetRows("Peak")
	require.NoError(t, err)
	assert.Equal(t, "Peak: singles_day on 2025-11-11", rows[0][0])
	require.NoError(t, wb.Close())
	report, err := os.ReadFile(filepath.Join(run, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "Peak: singles_day on 2025-11-11, capacity week by week")

	short := readCSVFile(t, filepath.Join(run, "peak", "shortfalls.csv"))
	require.NotEmpty(t, short)
	for _, s := range short {
		assert.Equal(t, "DC shipping capacity", s["cause"], "%v", s)
	}
	exceptions, err := os.ReadFile(filepath.Join(run, "exceptions.csv"))
	require.NoError(t, err)
	assert.Equal(t, len(short), strings.Count(string(exceptions), ",peak_short,"), "each store's shortfall is an exception")

	out := filepath.Join(t.TempDir(), "peak")
	code, stdout, errOut := planner(t, "peak", "--config", cfgPath, "--out", out, "--json")
	require.Equal(t, 3, code, "units that cannot be ready are exceptions: %s", errOut)
	for _, name := range []string{"forecast.csv", "capacity.csv", "prebuild.csv", "shortfalls.csv", "after.csv"} {
		want, err := os.ReadFile(filepath.Join(run, "peak", name))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got), "%s: the command writes the stage's bytes", name)
	}
	var sum struct {
		EventType string  `json:"event_type"`
		Date      string  `json:"date"`
		Lines     int     `json:"lines"`
		Target    float64 `json:"target_units"`
		Ready     float64 `json:"ready_units"`
		Short     float64 `json:"short_units"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)
	assert.Equal(t, "singles_day", sum.EventType)
	assert.Equal(t, "2025-11-11", sum.Date)
	assert.Equal(t, len(fc), sum.Lines)
	assert.Positive(t, sum.Target)
	assert.LessOrEqual(t, sum.Ready, sum.Target)

	code, _, errOut = planner(t, "peak", "--config", cfgPath, "--event", "singles_day")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--event and --date go together")
}
