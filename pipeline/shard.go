package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/internal/shard"
	"github.com/planner-engine/planner/pipeline/config"
)

// ManifestName is the file a shard writes last into its output folder.
const ManifestName = "_MANIFEST.json"

// ShardManifest says what one shard of a run wrote: the run, the shard
// and the number of shards, the planner's version, and each file with its
// rows and checksum. A reduce step checks that the manifests of all the
// shards are there and agree.
type ShardManifest struct {
	RunID   string      `json:"run_id"`
	Shard   int         `json:"shard"`
	Shards  int         `json:"shards"`
	Version string      `json:"version"`
	Status  string      `json:"status"` // ok or exceptions, as the shard's run
	Files   []ShardFile `json:"files"`
}

// ShardFile is one output of a shard.
type ShardFile struct {
	Name   string `json:"name"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// RunShard runs the nightly stages on one shard's inputs, as planner split
// wrote them in dir in (its partition folder of each SKU table, the shared
// tables whole, and params.json for the forecast), with cfg's settings,
// and copies the run's outputs to out/run=<runID>/shard=<i>-of-<N>/, then
// writes the manifest there last. File names are the run's, so a rerun of
// the shard overwrites them. The shard's own database and run folder live
// under out/.work and are removed at the end.
func RunShard(ctx context.Context, cfg *config.Config, spec shard.Spec, in, out, runID string, opts Options) (*ShardManifest, error) {
	if runID == "" {
		return nil, errors.New("a shard needs the run's id (--run), the same for every shard of the run")
	}
	if r := cfg.Forecast.Reconcile; r != "" && r != "none" {
		return nil, &InputError{fmt.Errorf("forecast.reconcile is %s: reconciliation sums series across SKUs, which a shard holds only some of; a run spread over shards forecasts with reconcile none", r)}
	}
	sc := *cfg
	sc.Inputs = config.Inputs{}
	found := false
	for _, t := range datasets.Tables {
		path := filepath.Join(in, t.Name, fmt.Sprintf("shard=%d", spec.Index))
		if t.Column("sku") == nil {
			path = filepath.Join(in, t.Name+".parquet")
		}
		if _, err := os.Stat(path); err == nil {
			*sc.Inputs.File(t.Name) = path
			found = found || t.Name == "sales"
		}
	}
	if !found {
		return nil, &InputError{fmt.Errorf("%s holds no sales for shard %s: is it the folder planner split wrote, for %d shards?", in, spec, spec.Count)}
	}
	if p := filepath.Join(in, ParamsName); fileExists(p) {
		sc.Params = p
	}
	work := filepath.Join(out, ".work", spec.Name())
	if err := os.RemoveAll(work); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(work, fsutil.DirMode()); err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	sc.DB, sc.Out = filepath.Join(work, "shard.duckdb"), filepath.Join(work, "out")
	opts.Sharded = true
	m, err := Execute(ctx, &sc, opts)
	if err != nil {
		return nil, err
	}
	dest := filepath.Join(out, "run="+runID, spec.Name())
	if err := os.MkdirAll(dest, fsutil.DirMode()); err != nil {
		return nil, err
	}
	// A manifest left by an earlier try goes first: until the new one is
	// written, the shard is not done.
	if err := os.Remove(filepath.Join(dest, ManifestName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	sm := &ShardManifest{RunID: runID, Shard: spec.Index, Shards: spec.Count, Version: opts.Version, Status: m.Status, Files: []ShardFile{}}
	runDir := filepath.Join(sc.Out, "runs", m.RunID)
	for _, o := range m.Outputs {
		f, err := copyCounting(filepath.Join(runDir, o.File), filepath.Join(dest, o.File))
		if err != nil {
			return nil, err
		}
		f.Name = o.File
		sm.Files = append(sm.Files, f)
	}
	err = fsutil.WriteFile(filepath.Join(dest, ManifestName), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sm)
	})
	return sm, err
}

// copyCounting copies a file atomically and returns its checksum and, for
// a CSV file, its rows (lines less the header).
func copyCounting(from, to string) (ShardFile, error) {
	var f ShardFile
	src, err := os.Open(from)
	if err != nil {
		return f, err
	}
	defer src.Close()
	if err := os.MkdirAll(filepath.Dir(to), fsutil.DirMode()); err != nil {
		return f, err
	}
	h, lines := sha256.New(), &lineCounter{}
	err = fsutil.WriteFile(to, func(w io.Writer) error {
		_, err := io.Copy(io.MultiWriter(w, h, lines), src)
		return err
	})
	f.SHA256 = hex.EncodeToString(h.Sum(nil))
	if filepath.Ext(to) == ".csv" && lines.n > 0 {
		f.Rows = lines.n - 1
	}
	return f, err
}

// lineCounter counts the line breaks written to it.
type lineCounter struct{ n int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }
