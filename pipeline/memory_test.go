package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets"
)

// keep_runs bounds both the run folders and the forecasts the database
// keeps: after four runs with keep_runs 2, the two newest are left, and
// the log holds theirs alone.
func TestRetentionKeepsTheNewestRuns(t *testing.T) {
	cfg := sampleConfig(t)
	cfg.KeepRuns = 2
	cfg.Stages = []string{"load", "forecast"}
	ctx := context.Background()
	var ids []string
	for i := range 4 {
		m, err := Execute(ctx, cfg, Options{Now: clock(time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC))})
		require.NoError(t, err)
		ids = append(ids, m.RunID)
	}
	entries, err := os.ReadDir(filepath.Join(cfg.Out, "runs"))
	require.NoError(t, err)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	assert.Equal(t, ids[2:], left)

	store, err := datasets.Open(ctx, cfg.DB, &datasets.StoreOptions{ReadOnly: true})
	require.NoError(t, err)
	defer store.Close()
	logged, err := store.LoggedRuns(ctx)
	require.NoError(t, err)
	assert.Equal(t, ids[2:], logged)
}

func TestRunIDsSortByTimeThenSuffix(t *testing.T) {
	ids := []string{"20260101T000000Z-10", "20260101T000001Z", "20260101T000000Z-2", "20260101T000000Z", "20251231T235959Z.failed"}
	want := []string{"20251231T235959Z.failed", "20260101T000000Z", "20260101T000000Z-2", "20260101T000000Z-10", "20260101T000001Z"}
	sorted := append([]string(nil), ids...)
	slices.SortFunc(sorted, compareRunIDs)
	assert.Equal(t, want, sorted)
}
