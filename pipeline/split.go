package pipeline

import (
	"context"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/pipeline/config"
)

// Split loads the configured input files, checked as a run checks them,
// into a database of its own (in memory) and writes them as the inputs of
// n shards in dir (datasets.Store.Split): for exports not yet partitioned
// by SKU. Bad input stops it before anything is written.
func Split(ctx context.Context, in *config.Inputs, n int, dir string) (*datasets.SplitResult, error) {
	store, err := datasets.Open(ctx, "", nil)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	if _, err := store.Load(ctx, LoadOptions(in)); err != nil {
		return nil, err
	}
	return store.Split(ctx, dir, n)
}
