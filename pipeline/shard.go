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
	"strings"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/internal/objstore"
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
	// Figures and TopExceptions are the shard's run's (Manifest), which
	// the reduce step adds up and merges into the run's.
	Figures       []Figure       `json:"figures"`
	TopExceptions []TopException `json:"top_exceptions"`
}

// ShardFile is one output of a shard: its rows (for a CSV file), size
// and checksum.
type ShardFile struct {
	Name   string `json:"name"`
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// RunShard runs the nightly stages on one shard's inputs, as planner split
// wrote them in in (its partition folder of each SKU table, the shared
// tables whole, and params.json), with cfg's settings, and uploads the
// run's outputs to out/run=<runID>/shard=<i>-of-<N>/, then the manifest
// there last. in and out are local folders or object storage URLs
// (internal/objstore): from object storage the shard downloads only its
// own partitions. File names are the run's, so a rerun of the shard
// overwrites them; the manifest of an earlier try is deleted first, so
// the shard counts as done only once every file of this try is there.
// The shard's database and run folder live in a folder of the system's
// temporary folder (TMPDIR) named after the run and the shard, removed at
// the end.
func RunShard(ctx context.Context, cfg *config.Config, spec shard.Spec, in, out, runID string, opts Options) (*ShardManifest, error) {
	if runID == "" {
		return nil, errors.New("a shard needs the run's id (--run), the same for every shard of the run")
	}
	if r := cfg.Forecast.Reconcile; r != "" && r != "none" {
		return nil, &InputError{fmt.Errorf("forecast.reconcile is %s: reconciliation sums series across SKUs, which a shard holds only some of; a run spread over shards forecasts with reconcile none", r)}
	}
	// The folder's name is the run's and the shard's, so that the paths
	// the run's files name are the same on every try.
	work := filepath.Join(os.TempDir(), "planner-run="+runID+"-"+spec.Name())
	// Two tries of one shard on one machine at once would share the folder.
	lockPath := work + ".lock"
	lock, err := lockFolder(lockPath, fmt.Sprintf("the work folder of shard %s of run %s", spec, runID))
	if err != nil {
		return nil, err
	}
	defer func() {
		// Removed while held, so that nothing is left behind and no other
		// try can take a lock on it as it goes.
		os.Remove(lockPath)
		lock.Unlock()
	}()
	if err := os.RemoveAll(work); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(work, fsutil.DirMode()); err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	inDir, err := shardInputs(ctx, in, spec, filepath.Join(work, "in"))
	if err != nil {
		return nil, err
	}
	sc := *cfg
	sc.Inputs = config.Inputs{}
	found := false
	for _, t := range datasets.Tables {
		path := filepath.Join(inDir, t.Name, fmt.Sprintf("shard=%d", spec.Index))
		if t.Column("sku") == nil {
			path = filepath.Join(inDir, t.Name+".parquet")
		}
		if _, err := os.Stat(path); err == nil {
			*sc.Inputs.File(t.Name) = path
			found = found || t.Name == "sales"
		}
	}
	if !found {
		return nil, &InputError{fmt.Errorf("%s holds no sales for shard %s: is it the folder planner split wrote, for %d shards?", in, spec, spec.Count)}
	}
	if p := filepath.Join(inDir, ParamsName); fileExists(p) {
		sc.Params = p
	}
	sc.DB, sc.Out = filepath.Join(work, "shard.duckdb"), filepath.Join(work, "out")
	opts.Sharded = true
	m, err := Execute(ctx, &sc, opts)
	if err != nil {
		return nil, err
	}
	dest, err := objstore.Open(ctx, out)
	if err != nil {
		return nil, &InputError{err}
	}
	defer dest.Close()
	prefix := "run=" + runID + "/" + spec.Name() + "/"
	// A manifest left by an earlier try goes first: until the new one is
	// written, the shard is not done.
	if err := dest.Delete(ctx, prefix+ManifestName); err != nil {
		return nil, err
	}
	sm := &ShardManifest{RunID: runID, Shard: spec.Index, Shards: spec.Count, Version: opts.Version, Status: m.Status, Files: []ShardFile{},
		Figures: m.Figures, TopExceptions: m.TopExceptions}
	runDir := filepath.Join(sc.Out, "runs", m.RunID)
	for _, o := range m.Outputs {
		f, err := upload(ctx, dest, prefix+o.File, filepath.Join(runDir, o.File))
		if err != nil {
			return nil, err
		}
		f.Name = o.File
		sm.Files = append(sm.Files, f)
	}
	raw, err := json.MarshalIndent(sm, "", "  ")
	if err != nil {
		return nil, err
	}
	return sm, dest.Put(ctx, prefix+ManifestName, bytes.NewReader(append(raw, '\n')))
}

// shardInputs is the local folder of the shard's inputs: in itself when it
// is one, else dir with the shard's partitions, the shared tables and the
// parameters downloaded into it.
func shardInputs(ctx context.Context, in string, spec shard.Spec, dir string) (string, error) {
	src, err := objstore.Open(ctx, in)
	if err != nil {
		return "", &InputError{err}
	}
	defer src.Close()
	if local, ok := src.Local(); ok {
		return local, nil
	}
	own := fmt.Sprintf("shard=%d", spec.Index)
	_, err = src.Download(ctx, dir, func(key string) bool {
		for _, part := range strings.Split(key, "/") {
			if strings.HasPrefix(part, "shard=") && part != own {
				return false
			}
		}
		return true
	})
	return dir, err
}

// upload copies a file to the object key, and returns its size, checksum
// and, for a CSV or Parquet file, its rows (for CSV, the lines less the
// header).
func upload(ctx context.Context, dest *objstore.Store, key, from string) (ShardFile, error) {
	var f ShardFile
	src, err := os.Open(from)
	if err != nil {
		return f, err
	}
	defer src.Close()
	h, lines := sha256.New(), &lineCounter{}
	counted := &countingWriter{w: io.MultiWriter(h, lines)}
	if err := dest.Put(ctx, key, io.TeeReader(src, counted)); err != nil {
		return f, err
	}
	f.SHA256, f.Bytes = hex.EncodeToString(h.Sum(nil)), counted.n
	switch filepath.Ext(from) {
	case ".csv":
		f.Rows = max(lines.n-1, 0)
	case ".parquet":
		// The rows are in the file's footer.
		pf, err := file.OpenParquetFile(from, false)
		if err != nil {
			return f, err
		}
		f.Rows = pf.NumRows()
		pf.Close()
	}
	return f, nil
}

// lineCounter counts the line breaks written to it.
type lineCounter struct{ n int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }
