package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/exceptions"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/internal/progress"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// Options are what a run needs from its caller. The zero value is usable.
type Options struct {
	// Version of the planner, recorded in the manifest.
	Version string
	// Now is the clock that names the run; time.Now when nil.
	Now func() time.Time
	// Logger receives the run's log; nothing is logged when nil.
	Logger *slog.Logger
	// Progress shows stage progress on a terminal; nil shows nothing.
	Progress *progress.Reporter
	// Sharded says the run is one shard of many (RunShard): its load
	// repeats none of the inputs' warnings, which planner split reported
	// (a shard's share would be only a part), and production, which
	// plans a factory's SKUs together, writes the shard's part of the
	// factories' problem for the reduce step to plan.
	Sharded bool

	// fail, in tests, fails the run after the named stage has run.
	fail func(stage string) error
}

// Run is the state of one run, handed to each stage.
type Run struct {
	ID     string
	Config *config.Config
	Store  *datasets.Store
	// Source is what the plans read: the store, with the network's
	// parameters when the run is one shard of many (config.Params).
	Source   Source
	Dir      string // the run's folder while it runs
	Log      *slog.Logger
	Progress *progress.Reporter

	manifest *Manifest
	db       string                   // the database the run works on: a copy until the run succeeds
	fail     func(stage string) error // tests: a failure injected after a stage
	sharded  bool                     // Options.Sharded
	// The plans made so far, for the stages after them: forecasts for
	// the plans, orders for allocation to net out, and all of them for
	// the workbook and the report.
	forecasts  *ForecastResult
	orders     *ReplenishResult
	allocation *AllocateResult
	production *ProduceResult
	prices     *PriceResult
	atp        *ATPResult
	place      *PlaceResult
	assort     *AssortResult
	peak       *PeakResult
	routed     *series.Forecasts // the forecasts routed (demand)
	// What the load warned about, and the root causes of every flag
	// (the exceptions stage).
	problems   datasets.Problems
	exceptions []exceptions.Exception
	labels     *supply.Labels // the masters' labels and names, read once
}

// masterLabels returns the hierarchy labels, names and planners of the
// run's masters, read from the database the first time.
func (r *Run) masterLabels(ctx context.Context) (*supply.Labels, error) {
	if r.labels == nil {
		l, err := r.Store.HierarchyLabels(ctx)
		if err != nil {
			return nil, err
		}
		r.labels = l
	}
	return r.labels, nil
}

// path is the path of a file in the run's folder; "" stays "".
// demand is the forecasts routed to the locations that serve them (by
// the run's placement, when it placed stock and is not advisory, and the
// fulfilment rules):
// what replenishment, allocation and the promises plan from. It is
// routed once, after the place stage.
func (r *Run) demand(ctx context.Context) (*series.Forecasts, error) {
	if r.routed == nil {
		placed := r.place
		if pc := r.Config.Place; pc != nil && pc.Advisory {
			placed = nil
		}
		fc := r.forecasts.Values()
		if ac := r.Config.Assort; r.assort != nil && !ac.Advisory {
			fc = r.assort.Apply(fc, ac.HorizonDays)
		}
		fc, err := RouteDemand(ctx, r.Source, fc, placed)
		if err != nil {
			return nil, err
		}
		r.routed = fc
	}
	return r.routed, nil
}

func (r *Run) path(name string) string {
	if name == "" {
		return ""
	}
	return filepath.Join(r.Dir, name)
}

// recordAll records the files a plan wrote into the run's folder, and
// adds their rows to the report's.
func (r *Run) recordAll(rows map[string]int64, rep *StageReport) error {
	if rep.Rows == nil {
		rep.Rows = map[string]int64{}
	}
	for _, name := range slices.Sorted(maps.Keys(rows)) {
		rep.Rows[name] = rows[name]
	}
	for _, name := range slices.Sorted(maps.Keys(rows)) {
		if err := r.record(name); err != nil {
			return err
		}
	}
	return nil
}

// orderLines are the replenish stage's lines, if it planned any.
func (r *Run) orderLines() []replenish.Line {
	if r.orders == nil {
		return nil
	}
	return r.orders.Lines
}

// WriteFile writes an output of the run atomically and records it, with
// its checksum and size, in the manifest.
func (r *Run) WriteFile(name string, fn func(io.Writer) error) error {
	path := filepath.Join(r.Dir, name)
	if err := os.MkdirAll(filepath.Dir(path), fsutil.DirMode()); err != nil {
		return err
	}
	h := sha256.New()
	var size int64
	err := fsutil.WriteFile(path, func(w io.Writer) error {
		cw := &countingWriter{w: io.MultiWriter(w, h)}
		err := fn(cw)
		size = cw.n
		return err
	})
	if err != nil {
		return err
	}
	r.manifest.Outputs = append(r.manifest.Outputs, Output{File: filepath.ToSlash(name), SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: size})
	return nil
}

// record adds a file already written into the run folder to the manifest,
// with its checksum and size.
func (r *Run) record(name string) error {
	sum, size, err := fileDigest(filepath.Join(r.Dir, name))
	if err != nil {
		return err
	}
	r.manifest.Outputs = append(r.manifest.Outputs, Output{File: filepath.ToSlash(name), SHA256: sum, Bytes: size})
	return nil
}

// fileDigest returns a file's SHA-256 (hex) and size.
func fileDigest(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Execute runs the configured stages. On success the run's folder is
// out/runs/<id>, out/latest points at it and the database holds what the
// run loaded; on failure the folder is kept as out/runs/<id>.failed, and
// out/latest and the database are exactly as they were: the run works on
// a copy of the database that replaces it only when every stage has
// succeeded. The output folder and the database are locked for the
// run's time, so two runs never share them. The manifest is returned
// either way once the run has started.
func Execute(ctx context.Context, cfg *config.Config, opts Options) (*Manifest, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := SetFileMode(cfg.Security.FileMode); err != nil {
		return nil, err
	}
	runs := filepath.Join(cfg.Out, "runs")
	if err := os.MkdirAll(runs, fsutil.DirMode()); err != nil {
		return nil, fmt.Errorf("cannot create the output folder %s: %w", runs, err)
	}
	outLock, err := lockFolder(filepath.Join(cfg.Out, ".lock"), "the output folder "+cfg.Out)
	if err != nil {
		return nil, err
	}
	defer outLock.Unlock()
	if err := datasets.CheckPath(cfg.DB); err != nil {
		return nil, err
	}
	dbLock, err := lockFolder(cfg.DB+".lock", "the database "+cfg.DB)
	if err != nil {
		return nil, err
	}
	defer dbLock.Unlock()
	if err := cleanStale(runs, cfg.DB); err != nil {
		return nil, err
	}
	started := now().UTC()
	id := uniqueRunID(runs, started)
	work, err := workingCopy(ctx, cfg.DB, id)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(runs, ".running-"+id+"-")
	if err == nil {
		err = os.Chmod(tmp, fsutil.DirMode()) // as any other output folder
	}
	if err != nil {
		return nil, fmt.Errorf("cannot create the run folder: %w", err)
	}
	cfgJSON := manifestConfig(cfg)
	m := &Manifest{RunID: id, Version: opts.Version, Started: started.Format(time.RFC3339), Config: cfgJSON,
		Inputs: []Input{}, Stages: []StageRecord{}, Outputs: []Output{}, Warnings: []string{}}
	run := &Run{ID: id, Config: cfg, Dir: tmp, Log: log.With("run", id), Progress: opts.Progress, manifest: m, db: work, fail: opts.fail, sharded: opts.Sharded}

	runErr := run.execute(ctx)
	m.Figures, m.TopExceptions = run.summary()
	m.Finished = now().UTC().Format(time.RFC3339)
	m.Status = "ok"
	switch {
	case runErr != nil:
		m.Status, m.Error = "failed", runErr.Error()
	case m.Exceptions > 0:
		m.Status = "exceptions"
	}
	sort.Slice(m.Outputs, func(i, j int) bool { return m.Outputs[i].File < m.Outputs[j].File })
	if err := fsutil.WriteFile(filepath.Join(tmp, "manifest.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		dropCopy(work)
		failed := filepath.Join(runs, id+".failed")
		if err := os.Rename(tmp, failed); err != nil {
			log.Warn("cannot keep the failed run's folder", "error", err)
		}
		return m, runErr
	}
	final := filepath.Join(runs, id)
	if err := os.Rename(tmp, final); err != nil {
		dropCopy(work)
		return m, fmt.Errorf("cannot move the run into place: %w", err)
	}
	if err := commitCopy(work, cfg.DB); err != nil {
		return m, err
	}
	if err := pointLatest(cfg.Out, id); err != nil {
		return m, err
	}
	if err := pruneRuns(runs, cfg.KeepRuns, id); err != nil {
		log.Warn("cannot remove old runs", "error", err)
	}
	if cfg.Security.Archive != "" {
		path := ArchivePath(cfg.Security, id)
		n, err := Archive(final, path, cfg.Security)
		if err != nil {
			return m, fmt.Errorf("the run succeeded, but its archive was not written: %w", err)
		}
		log.Info("archived", "run", id, "file", path, "files", n)
	}
	return m, nil
}

// execute opens the run's database and runs the stages, recording each
// one.
func (r *Run) execute(ctx context.Context) error {
	store, err := datasets.Open(ctx, r.db, &datasets.StoreOptions{MemoryLimit: r.Config.MemoryLimit})
	if err != nil {
		return err
	}
	defer store.Close()
	r.Store = store
	if r.Source, err = SourceFor(store, r.Config); err != nil {
		return err
	}
	selected := Stages()
	if len(r.Config.Stages) > 0 {
		selected = selected[:0]
		for _, s := range Stages() {
			if contains(r.Config.Stages, s.Name()) {
				selected = append(selected, s)
			}
		}
	}
	ctx = progress.WithReporter(ctx, r.Progress)
	exceptionsRan := false
	for i, stage := range selected {
		if err := ctx.Err(); err != nil {
			return err
		}
		label := fmt.Sprintf("[%d/%d] %s", i+1, len(selected), stage.Name())
		task := r.Progress.Start(label, 0)
		began := time.Now()
		r.Log.Info("stage started", "stage", stage.Name())
		rep, err := stage.Run(ctx, r)
		if err == nil && r.fail != nil {
			err = r.fail(stage.Name())
		}
		rec := StageRecord{Name: stage.Name(), Summary: rep.Summary, Seconds: time.Since(began).Seconds(), Rows: rep.Rows, Warnings: rep.Warnings, Exceptions: rep.Exceptions}
		if rec.Rows == nil {
			rec.Rows = map[string]int64{}
		}
		if err != nil {
			task.Fail()
			rec.Status, rec.Error = "failed", err.Error()
			r.manifest.Stages = append(r.manifest.Stages, rec)
			r.Log.Error("stage failed", "stage", stage.Name(), "error", err)
			return fmt.Errorf("%s: %w", stage.Name(), err)
		}
		rec.Status = "ok"
		r.manifest.Stages = append(r.manifest.Stages, rec)
		r.manifest.Warnings = append(r.manifest.Warnings, rep.Notes...)
		// The exceptions stage counts root causes, which is the run's
		// count; without it, the plans' flags are.
		switch {
		case stage.Name() == (ExceptionsStage{}).Name():
			r.manifest.Exceptions, exceptionsRan = rep.Exceptions, true
		case !exceptionsRan:
			r.manifest.Exceptions += rep.Exceptions
		}
		task.Done(rep.Summary)
		r.Log.Info("stage finished", "stage", stage.Name(), "seconds", round3(rec.Seconds), "warnings", rep.Warnings)
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

// uniqueRunID names a run after its UTC start time, with a suffix when a
// run of the same second exists.
func uniqueRunID(runs string, t time.Time) string {
	base := t.Format("20060102T150405Z")
	id := base
	for n := 2; ; n++ {
		_, err1 := os.Stat(filepath.Join(runs, id))
		_, err2 := os.Stat(filepath.Join(runs, id+".failed"))
		if errors.Is(err1, os.ErrNotExist) && errors.Is(err2, os.ErrNotExist) {
			return id
		}
		id = fmt.Sprintf("%s-%d", base, n)
	}
}

// pointLatest points out/latest at runs/<id>, replacing the old link in
// one rename so readers never see it missing.
func pointLatest(out, id string) error {
	link := filepath.Join(out, "latest")
	tmp := link + ".tmp"
	os.Remove(tmp)
	if err := os.Symlink(filepath.Join("runs", id), tmp); err != nil {
		return fmt.Errorf("cannot link %s: %w", link, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot link %s: %w", link, err)
	}
	return nil
}

// manifestConfig is the configuration as the manifest records it: a
// database URL's password is masked.
func manifestConfig(cfg *config.Config) json.RawMessage {
	c := *cfg
	if files.IsDatabaseURL(c.Inputs.Sales) {
		c.Inputs.Sales = files.RedactURL(c.Inputs.Sales)
	}
	out, _ := json.Marshal(&c)
	return out
}
