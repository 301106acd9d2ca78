package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// planner assort is the run's assort stage on its own: from the run's
// forecasts it chooses the run's ranges, and its --json counts are the
// file's.
func TestAssortIsTheRunsStage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "retail")
	code, _, errOut := planner(t, "datasets", "synth", "--stores", "4", "--skus", "24", "--days", "120", "--horizon", "28", "--seed", "5", "--out", dir)
	require.Equal(t, 0, code, errOut)
	cfgPath := filepath.Join(dir, "planner.yaml")
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("assort:\n  carry_cost: 4\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	code, _, errOut = planner(t, "run", "--config", cfgPath, "--exceptions-exit-code", "0")
	require.Equal(t, 0, code, errOut)
	run := filepath.Join(dir, "out", "latest")
	out := filepath.Join(t.TempDir(), "assortment.csv")
	code, stdout, errOut := planner(t, "assort", "--config", cfgPath, "--forecasts", filepath.Join(run, "forecasts.csv"), "--out", out, "--json")
	require.Equal(t, 0, code, errOut)
	var sum struct {
		Ranges, Lines, Added, Dropped int
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum), errOut)
	want, got := readCSVFile(t, filepath.Join(run, "assortment.csv")), readCSVFile(t, out)
	require.Len(t, got, len(want))
	added, dropped := 0, 0
	for i := range want {
		for _, k := range []string{"store", "category", "sku", "carry", "facings", "change"} {
			assert.Equal(t, want[i][k], got[i][k], "row %d %s", i+1, k)
		}
		switch got[i]["change"] {
		case "add":
			added++
		case "drop":
			dropped++
		}
	}
	assert.Equal(t, len(got), sum.Lines)
	assert.Equal(t, added, sum.Added)
	assert.Equal(t, dropped, sum.Dropped)
	assert.Positive(t, sum.Ranges)

	code, _, errOut = planner(t, "assort", "--config", cfgPath, "--transfer", "1.5")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--transfer must be from 0 to 1 (got 1.5)")
}
