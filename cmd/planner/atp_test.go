package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// planner atp is the run's atp stage on its own: from the run's
// forecasts it promises the same units, and its --json totals are the
// file's; a reserve above a location's stock exits 3.
func TestATPIsTheRunsStage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "retail")
	code, _, errOut := planner(t, "datasets", "synth", "--stores", "4", "--skus", "12", "--days", "120", "--horizon", "28", "--seed", "5", "--out", dir)
	require.Equal(t, 0, code, errOut)
	cfgPath := filepath.Join(dir, "planner.yaml")
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("atp:\n  channels:\n    store: {lost_sale: 1, reserve: 2}\n    instant: {lost_sale: 0.6, max_share: 0.5}\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	code, _, errOut = planner(t, "run", "--config", cfgPath, "--exceptions-exit-code", "0")
	require.Equal(t, 0, code, errOut)
	run := filepath.Join(dir, "out", "latest")
	out := filepath.Join(t.TempDir(), "atp.csv")
	code, stdout, errOut := planner(t, "atp", "--config", cfgPath, "--forecasts", filepath.Join(run, "forecasts.csv"), "--out", out, "--json")
	var sum struct {
		Lines      int                                  `json:"lines"`
		Channels   map[string]struct{ Promise float64 } `json:"channels"`
		Exceptions []string                             `json:"exceptions"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum), errOut)
	want, got := readCSVFile(t, filepath.Join(run, "atp.csv")), readCSVFile(t, out)
	assert.Equal(t, want, got)
	promised := map[string]float64{}
	for _, r := range got {
		promised[r["channel"]] += atof(t, r["promise"])
	}
	assert.Equal(t, len(got), sum.Lines)
	for c, p := range promised {
		assert.Equal(t, p, sum.Channels[c].Promise, c)
	}
	// The locations holding one unit, less than the store's reserve of 2.
	short := 0
	for _, r := range got {
		if r["channel"] == "store" && r["stock"] == "1" {
			short++
		}
	}
	require.Positive(t, short)
	assert.Len(t, sum.Exceptions, short)
	assert.Equal(t, 3, code, "a reserve above a location's stock")

	// --config's params (a shard's network parameters) hold for the
	// command too: its forecasts and promises start after the network's
	// last day of sales.
	params := filepath.Join(t.TempDir(), "params.json")
	require.NoError(t, os.WriteFile(params, []byte(`{"history_end": "2023-06-10"}`+"\n"), 0o600))
	f, err = os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("params: " + params + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	code, _, errOut = planner(t, "atp", "--config", cfgPath, "--out", out)
	require.Equal(t, 3, code, errOut)
	assert.Equal(t, "2023-06-11", readCSVFile(t, out)[0]["date"])
}
