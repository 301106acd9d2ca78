package pipeline

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/internal/objstore"
	"github.com/planner-engine/planner/internal/shard"
	"github.com/planner-engine/planner/pipeline/config"
)

// Split loads the configured input files, checked as a run checks them,
// into a database of its own (in memory) and writes them as the inputs of
// n shards in out (datasets.Store.Split): for exports not yet partitioned
// by SKU. Beside them go params.json, what the plans learn across the
// whole network (LearnNetworkParams), which each shard plans with
// (params) so that a SKU is planned alike in any shard, and problems.csv,
// the inputs' warnings. out is a local folder or an object storage URL,
// which the files are uploaded to. Bad input stops it before anything is
// written.
func Split(ctx context.Context, cfg *config.Config, n int, out string) (*datasets.SplitResult, error) {
	if objstore.IsURL(out) {
		// A malformed URL stops it before the inputs are read.
		s, err := objstore.Open(ctx, out)
		if err != nil {
			return nil, &InputError{err}
		}
		s.Close()
	}
	// A database on disk, not in memory: an export of every SKU may be
	// larger than the machine's memory, and DuckDB spills to its file.
	tmp, err := os.MkdirTemp("", "planner-split-db-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	store, err := datasets.Open(ctx, filepath.Join(tmp, "split.duckdb"), &datasets.StoreOptions{MemoryLimit: cmp.Or(cfg.MemoryLimit, splitMemory)})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	rep, err := store.Load(ctx, LoadOptions(&cfg.Inputs))
	if err != nil {
		return nil, err
	}
	if cfg.Price != nil {
		if err := familiesTogether(ctx, store, n); err != nil {
			return nil, err
		}
	}
	params, err := LearnNetworkParams(ctx, store, cfg)
	if err != nil {
		return nil, err
	}
	dest, err := objstore.Open(ctx, out)
	if err != nil {
		return nil, &InputError{err}
	}
	defer dest.Close()
	dir, local := dest.Local()
	if !local {
		if dir, err = os.MkdirTemp("", "planner-split-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
	}
	res, err := store.Split(ctx, dir, n)
	if err != nil {
		return nil, err
	}
	// The shards' loads repeat none of the warnings: they are here, once.
	res.Warnings = rep.Problems.Warnings()
	if err := fsutil.WriteFile(filepath.Join(dir, "problems.csv"), func(w io.Writer) error {
		return datasets.WriteProblemsCSV(w, rep.Problems)
	}); err != nil {
		return nil, err
	}
	err = fsutil.WriteFile(filepath.Join(dir, ParamsName), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(params)
	})
	if err != nil || local {
		return res, err
	}
	return res, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		return dest.PutFile(ctx, filepath.ToSlash(rel), path)
	})
}

// splitMemory bounds what the split's database holds in memory unless
// memory_limit says otherwise; the rest spills to its file. The split
// reads every SKU of the retailer, so it must not take the machine's
// memory as a run's database may.
const splitMemory = "4GB"

// ParseShard reads a shard spec (i/N, auto or auto/N; the index from
// JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX) from the environment
// getenv reads.
func ParseShard(s string, getenv func(string) string) (shard.Spec, error) {
	return shard.Parse(s, getenv)
}

// familiesTogether checks that each price family's SKUs share a shard:
// the family is priced together, and a shard prices only its own SKUs.
func familiesTogether(ctx context.Context, src Source, n int) error {
	terms, err := src.PricingTerms(ctx)
	if err != nil {
		return err
	}
	first := map[string]string{}
	skus := slices.Sorted(maps.Keys(terms))
	for _, sku := range skus {
		f := terms[sku].PriceFamily
		if f == "" {
			continue
		}
		if other, ok := first[f]; !ok {
			first[f] = sku
		} else if a, b := shard.Of(other, n), shard.Of(sku, n); a != b {
			return &InputError{fmt.Errorf("price family %s has SKUs in shard %d (%s) and shard %d (%s) of %d: a family is priced together, so a run that prices cannot be spread over shards that split it", f, a, other, b, sku, n)}
		}
	}
	return nil
}
