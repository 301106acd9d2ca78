package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the expected plan files in testdata/golden/want")

// TestGoldenPlans runs the nightly job on the golden retailer
// (testdata/golden/retailer: small input tables and a planner.yaml with
// every plan on), then each plan's command on its own with the same
// planner.yaml and the run's database. The command and the stage must
// write the same bytes, and those bytes must be the expected plan files
// in testdata/golden/want (go test -run TestGoldenPlans -update rewrites
// them).
func TestGoldenPlans(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("testdata", "golden", "retailer")
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), raw, 0o644))
	}
	cfg := filepath.Join(dir, "planner.yaml")
	// The golden DCs hold less than their stores order: the run ends with
	// exceptions to review.
	code, _, errOut := planner(t, "run", "--config", cfg)
	require.Equal(t, 3, code, errOut)
	run := filepath.Join(dir, "out", "latest")
	cli := t.TempDir()
	at := func(name string) string { return filepath.Join(cli, name) }
	for _, c := range []struct {
		plan  string
		args  []string
		code  int // the exit code: 3 when the plan has exceptions
		files []string
	}{
		{"forecast", []string{"--out", at("forecasts.csv"), "--out-models", at("models.csv")}, 0, []string{"forecasts.csv", "models.csv"}},
		{"replenish", []string{"--out", at("orders.csv")}, 3, []string{"orders.csv"}},
		{"allocate", []string{"--out", at("allocation.csv")}, 0, []string{"allocation.csv"}},
		{"produce", []string{"--out", at("production.csv"), "--out-load", at("capacity_load.csv")}, 0, []string{"production.csv", "capacity_load.csv"}},
		{"price", []string{"--out", at("prices.csv"), "--elasticities", at("elasticities.csv"), "--markdowns", at("markdowns.csv")}, 0,
			[]string{"prices.csv", "elasticities.csv", "markdowns.csv"}},
		{"assort", []string{"--out", at("assortment.csv")}, 0, []string{"assortment.csv"}},
	} {
		t.Run(c.plan, func(t *testing.T) {
			code, _, errOut := planner(t, append([]string{c.plan, "--config", cfg}, c.args...)...)
			require.Equal(t, c.code, code, errOut)
			for _, name := range c.files {
				stage, err := os.ReadFile(filepath.Join(run, name))
				require.NoError(t, err)
				command, err := os.ReadFile(at(name))
				require.NoError(t, err)
				assert.Equal(t, string(stage), string(command), "%s: the command and the nightly stage disagree", name)
				want := filepath.Join("testdata", "golden", "want", name)
				if *update {
					require.NoError(t, os.MkdirAll(filepath.Dir(want), 0o755))
					require.NoError(t, os.WriteFile(want, stage, 0o644))
					continue
				}
				golden, err := os.ReadFile(want)
				require.NoError(t, err, "no golden file: run go test -run TestGoldenPlans -update")
				assert.Equal(t, string(golden), string(stage), "%s differs from %s", name, want)
			}
		})
	}
}
