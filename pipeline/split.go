package pipeline

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/internal/shard"
	"github.com/planner-engine/planner/pipeline/config"
)

// ParamsName is the panel parameters file planner split writes beside
// the shards' inputs.
const ParamsName = "params.json"

// Split loads the configured input files, checked as a run checks them,
// into a database of its own (in memory) and writes them as the inputs of
// n shards in dir (datasets.Store.Split): for exports not yet partitioned
// by SKU. Beside them goes params.json, what the forecast learns across
// the whole panel (LearnForecastParams), which each shard's forecast reads
// (forecast.params) so that a series is forecast alike in any shard. Bad
// input stops it before anything is written.
func Split(ctx context.Context, cfg *config.Config, n int, dir string) (*datasets.SplitResult, error) {
	store, err := datasets.Open(ctx, "", nil)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	if _, err := store.Load(ctx, LoadOptions(&cfg.Inputs)); err != nil {
		return nil, err
	}
	params, err := LearnForecastParams(ctx, store, cfg.Forecast)
	if err != nil {
		return nil, err
	}
	res, err := store.Split(ctx, dir, n)
	if err != nil {
		return nil, err
	}
	if params != nil {
		err = fsutil.WriteFile(filepath.Join(dir, ParamsName), func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(params)
		})
	}
	return res, err
}

// ParseShard reads a shard spec (i/N, auto or auto/N; the index from
// JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX) from the environment
// getenv reads.
func ParseShard(s string, getenv func(string) string) (shard.Spec, error) {
	return shard.Parse(s, getenv)
}
