package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// planner place is the run's place stage on its own: from the run's
// forecasts it writes the run's placement.csv, its --json counts are the
// file's, and a promise no lane meets exits 3 with the zones it leaves
// unserved.
func TestPlaceIsTheRunsStage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "retail")
	code, _, errOut := planner(t, "datasets", "synth", "--stores", "4", "--skus", "12", "--days", "120", "--horizon", "28", "--seed", "5", "--out", dir)
	require.Equal(t, 0, code, errOut)
	cfgPath := filepath.Join(dir, "planner.yaml")
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("place:\n  promise_hours: {store: 72, online: 48, instant: 1}\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	code, _, errOut = planner(t, "run", "--config", cfgPath, "--exceptions-exit-code", "0")
	require.Equal(t, 0, code, errOut)
	run := filepath.Join(dir, "out", "latest")
	out := filepath.Join(t.TempDir(), "placement.csv")
	code, stdout, errOut := planner(t, "place", "--config", cfgPath, "--forecasts", filepath.Join(run, "forecasts.csv"), "--out", out, "--json")
	require.Equal(t, 0, code, errOut)
	var sum struct {
		SKUs       int      `json:"skus"`
		Nodes      int      `json:"nodes"`
		Held       int      `json:"held"`
		Exceptions []string `json:"exceptions"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum), errOut)
	// The forecasts file holds the run's forecasts to a few digits: the
	// decisions are the run's, and the numbers within a thousandth.
	want, got := readCSVFile(t, filepath.Join(run, "placement.csv")), readCSVFile(t, out)
	require.Len(t, got, len(want))
	for i := range want {
		for _, k := range []string{"date", "sku", "node", "hold", "zones_served", "reason", "schema"} {
			assert.Equal(t, want[i][k], got[i][k], "row %d %s", i+1, k)
		}
		for _, k := range []string{"target_stock", "units_per_day"} {
			assert.InDelta(t, atof(t, want[i][k]), atof(t, got[i][k]), 1e-3*(1+atof(t, want[i][k])), "row %d %s", i+1, k)
		}
	}
	held := 0
	for _, r := range got {
		if r["hold"] == "yes" {
			held++
		}
	}
	assert.Equal(t, held, sum.Held)
	assert.Equal(t, len(got), sum.SKUs*sum.Nodes)
	assert.Empty(t, sum.Exceptions)

	code, stdout, errOut = planner(t, "place", "--config", cfgPath, "--forecasts", filepath.Join(run, "forecasts.csv"), "--promise", "instant=0.5", "--json")
	assert.Equal(t, 3, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
	require.NotEmpty(t, sum.Exceptions)
	assert.Contains(t, sum.Exceptions[0], "has no node within its 0.5-hour promise")

	code, _, errOut = planner(t, "place", "--config", cfgPath, "--promise", "instant=-1")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--promise instant must be a number of hours above 0 (got -1)")
	code, _, errOut = planner(t, "place", "--config", cfgPath, "--promise", "instant")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `--promise "instant" is not channel=hours`)
}
