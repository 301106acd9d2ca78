package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/internal/shard"
	"github.com/planner-engine/planner/pipeline/config"
)

// RunSummaryName is the file the reduce step writes into a run's folder.
const RunSummaryName = "_RUN.json"

// RunSummary is a sharded run put together: its shards, version and
// status (exceptions when any shard had some), the rows of each output
// over all the shards and the reduce step, and the files the reduce step
// wrote into the run's folder.
type RunSummary struct {
	RunID   string           `json:"run_id"`
	Shards  int              `json:"shards"`
	Version string           `json:"version"`
	Status  string           `json:"status"`
	Rows    map[string]int64 `json:"rows"`
	Files   []string         `json:"files"`
}

// Reduce checks that all n shards of the run in dir (dir/run=<runID>/)
// finished and agree, plans what spans shards, and writes the run's
// summary there. What spans shards is production: a factory's capacity
// is shared by SKUs of every shard, so the shards' parts of the
// factories' problem are planned together with cfg's produce section
// (ReduceProduction), into the run's folder. Every shard
// must have its manifest, name this run and n shards, come from the same
// version, and hold the files its manifest lists with their checksums; a
// shard that has not finished is an error that says to rerun it, and one
// that disagrees is an error naming what differs. Nothing is written then.
func Reduce(ctx context.Context, dir, runID string, n int, cfg *config.Config) (*RunSummary, error) {
	if n < 1 {
		return nil, fmt.Errorf("the number of shards must be at least 1 (got %d)", n)
	}
	root := filepath.Join(dir, "run="+runID)
	sum := &RunSummary{RunID: runID, Shards: n, Status: "ok", Rows: map[string]int64{}, Files: []string{}}
	var missing []int
	var shares []string
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		spec := shard.Spec{Index: i, Count: n}
		folder := filepath.Join(root, spec.Name())
		raw, err := os.ReadFile(filepath.Join(folder, ManifestName))
		if errors.Is(err, os.ErrNotExist) {
			missing = append(missing, i)
			continue
		}
		if err != nil {
			return nil, err
		}
		var m ShardManifest
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			return nil, &InputError{fmt.Errorf("%s: not a shard manifest", filepath.Join(folder, ManifestName))}
		}
		switch {
		case m.RunID != runID || m.Shard != i || m.Shards != n:
			return nil, &InputError{fmt.Errorf("%s names shard %d of %d of run %s, not shard %d of %d of run %s",
				filepath.Join(folder, ManifestName), m.Shard, m.Shards, m.RunID, i, n, runID)}
		case i > 0 && m.Version != sum.Version:
			return nil, &InputError{fmt.Errorf("shard %d ran version %s and shard 0 version %s: rerun them with one version", i, m.Version, sum.Version)}
		}
		sum.Version = m.Version
		if m.Status == "exceptions" {
			sum.Status = "exceptions"
		}
		for _, f := range m.Files {
			got, _, err := fileDigest(filepath.Join(folder, f.Name))
			if err != nil || got != f.SHA256 {
				return nil, &InputError{fmt.Errorf("shard %d: %s is not the file its manifest lists (missing or changed since): rerun the shard", i, f.Name)}
			}
			sum.Rows[f.Name] += f.Rows
			if f.Name == FactoryShareName {
				shares = append(shares, filepath.Join(folder, f.Name))
			}
		}
	}
	if len(missing) == n {
		// None of n: perhaps the run was split another number of ways.
		if other, _ := filepath.Glob(filepath.Join(root, "shard=0-of-*")); len(other) > 0 {
			return nil, &InputError{fmt.Errorf("run %s has shards of another count (%s), not %d", runID, filepath.Base(other[0]), n)}
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%d of %d shards of run %s have not finished (no %s): shards %v; rerun them, then reduce", len(missing), n, runID, ManifestName, missing)
	}
	if len(shares) > 0 {
		if cfg == nil || cfg.Produce == nil {
			return nil, &InputError{fmt.Errorf("the shards of run %s left production to plan: reduce plans it with the run's configuration and its produce section (--config)", runID)}
		}
		rows, err := ReduceProduction(ctx, shares, *cfg.Produce, cfg.Exceptions, root)
		if err != nil {
			return nil, err
		}
		for _, name := range slices.Sorted(maps.Keys(rows)) {
			sum.Rows[name] += rows[name]
			sum.Files = append(sum.Files, name)
		}
	}
	err := fsutil.WriteFile(filepath.Join(root, RunSummaryName), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	})
	return sum, err
}
