package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/internal/objstore"
	"github.com/planner-engine/planner/internal/shard"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/report"
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
	// Figures are the run's key figures, the shards' added up (to the
	// cent) with production's; TopExceptions the first exceptions of the
	// shards' and production's ranked lists merged.
	Figures       []Figure       `json:"figures"`
	TopExceptions []TopException `json:"top_exceptions"`
}

// Reduce checks that all n shards of the run in in (in/run=<runID>/)
// finished and agree, plans what spans shards, and writes the run's
// summary to out/run=<runID>/ (in and out are local folders or object
// storage URLs; out may be in). What spans shards is production: a
// factory's capacity is shared by SKUs of every shard, so the shards'
// parts of the factories' problem are planned together with cfg's produce
// section (ReduceProduction), into the run's folder. Every shard must have
// its manifest, name this run and n shards, come from the same version,
// and hold the files its manifest lists at their sizes (and the parts it
// reads with their checksums); a shard that has not finished is an error
// that says to rerun it, and one that disagrees is an error naming what
// differs. Nothing is written then. The summary is written last.
func Reduce(ctx context.Context, in, out, runID string, n int, cfg *config.Config) (*RunSummary, error) {
	if n < 1 {
		return nil, fmt.Errorf("the number of shards must be at least 1 (got %d)", n)
	}
	src, err := objstore.Open(ctx, in)
	if err != nil {
		return nil, &InputError{err}
	}
	defer src.Close()
	root := "run=" + runID + "/"
	work, err := os.MkdirTemp("", "planner-reduce-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	sum := &RunSummary{RunID: runID, Shards: n, Status: "ok", Rows: map[string]int64{}, Files: []string{}}
	var missing []int
	var shares []string
	var shardFigures [][]Figure
	shardTable := report.Table{Title: "Shards", Header: []string{"Shard", "Status", seriesFigure, exceptionsFigure},
		Numeric: []bool{true, false, true, true}}
	top := []TopException{}
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		spec := shard.Spec{Index: i, Count: n}
		folder := root + spec.Name() + "/"
		where := src.Where(folder + ManifestName)
		raw, err := src.Get(ctx, folder+ManifestName)
		if errors.Is(err, fs.ErrNotExist) {
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
			return nil, &InputError{fmt.Errorf("%s: not a shard manifest", where)}
		}
		switch {
		case m.RunID != runID || m.Shard != i || m.Shards != n:
			return nil, &InputError{fmt.Errorf("%s names shard %d of %d of run %s, not shard %d of %d of run %s",
				where, m.Shard, m.Shards, m.RunID, i, n, runID)}
		case i > 0 && m.Version != sum.Version:
			return nil, &InputError{fmt.Errorf("shard %d ran version %s and shard 0 version %s: rerun them with one version", i, m.Version, sum.Version)}
		}
		sum.Version = m.Version
		if m.Status == "exceptions" {
			sum.Status = "exceptions"
		}
		shardFigures = append(shardFigures, m.Figures)
		top = mergeTop(top, m.TopExceptions)
		shardTable.Rows = append(shardTable.Rows, []string{strconv.Itoa(i), m.Status,
			figureText(m.Figures, seriesFigure), figureText(m.Figures, exceptionsFigure)})
		for _, f := range m.Files {
			changed := &InputError{fmt.Errorf("shard %d: %s is not the file its manifest lists (missing or changed since): rerun the shard", i, f.Name)}
			if size, err := src.Size(ctx, folder+f.Name); err != nil || size != f.Bytes {
				return nil, changed
			}
			sum.Rows[f.Name] += f.Rows
			if f.Name == FactoryShareName {
				local := filepath.Join(work, spec.Name(), f.Name)
				if err := src.GetFile(ctx, folder+f.Name, local); err != nil {
					return nil, err
				}
				if got, _, err := fileDigest(local); err != nil || got != f.SHA256 {
					return nil, changed
				}
				shares = append(shares, local)
			}
		}
	}
	if len(missing) == n {
		// None of n: perhaps the run was split another number of ways.
		if other, _ := src.List(ctx, root+"shard=0-of-"); len(other) > 0 {
			name, _, _ := strings.Cut(strings.TrimPrefix(other[0], root), "/")
			return nil, &InputError{fmt.Errorf("run %s has shards of another count (%s), not %d", runID, name, n)}
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%d of %d shards of run %s have not finished (no %s): shards %v; rerun them, then reduce", len(missing), n, runID, ManifestName, missing)
	}
	dest, err := objstore.Open(ctx, out)
	if err != nil {
		return nil, &InputError{err}
	}
	defer dest.Close()
	if len(shares) > 0 {
		if cfg == nil || cfg.Produce == nil {
			return nil, &InputError{fmt.Errorf("the shards of run %s left production to plan: reduce plans it with the run's configuration and its produce section (--config)", runID)}
		}
		planned := filepath.Join(work, "planned")
		if err := os.MkdirAll(planned, fsutil.DirMode()); err != nil {
			return nil, err
		}
		prod, err := ReduceProduction(ctx, shares, *cfg.Produce, cfg.Exceptions, planned)
		if err != nil {
			return nil, err
		}
		for _, name := range slices.Sorted(maps.Keys(prod.Rows)) {
			if err := dest.PutFile(ctx, root+name, filepath.Join(planned, name)); err != nil {
				return nil, err
			}
			sum.Rows[name] += prod.Rows[name]
			sum.Files = append(sum.Files, name)
		}
		shardFigures = append(shardFigures, prod.Figures, []Figure{{Name: exceptionsFigure, Value: float64(prod.Exceptions)}})
		top = mergeTop(top, prod.TopExceptions)
	}
	sum.Figures, sum.TopExceptions = addFigures(shardFigures), top
	// The run's report: its figures, its first exceptions and its shards;
	// each shard's report charts its own SKUs.
	page := filepath.Join(work, ReportName)
	d := &report.Data{Title: fmt.Sprintf("Run %s: %s", runID, words.Plural(n, "shard")), Tables: []report.Table{shardTable}}
	for _, f := range sum.Figures {
		d.Figures = append(d.Figures, report.Figure{Name: f.Name, Value: f.Value})
	}
	for _, e := range top {
		d.Exceptions = append(d.Exceptions, e.Line)
	}
	if err := report.Write(page, d); err != nil {
		return nil, err
	}
	if err := dest.PutFile(ctx, root+ReportName, page); err != nil {
		return nil, err
	}
	sum.Files = append(sum.Files, ReportName)
	raw, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, err
	}
	return sum, dest.Put(ctx, root+RunSummaryName, bytes.NewReader(append(raw, '\n')))
}

// The key figures that count the series forecast and the exceptions.
const (
	seriesFigure     = "Series forecast"
	exceptionsFigure = "Exceptions to review"
)

// addFigures adds up figures of the same name, in cents so that the sum
// does not depend on the order, named in the order they first come.
func addFigures(parts [][]Figure) []Figure {
	cents := map[string]int64{}
	var names []string
	for _, fs := range parts {
		for _, f := range fs {
			if _, ok := cents[f.Name]; !ok {
				names = append(names, f.Name)
			}
			cents[f.Name] += int64(math.Round(f.Value * 100))
		}
	}
	out := make([]Figure, len(names))
	for i, name := range names {
		out[i] = Figure{Name: name, Value: float64(cents[name]) / 100}
	}
	return out
}

// mergeTop merges two ranked lists of exceptions into the first
// topExceptions of both.
func mergeTop(a, b []TopException) []TopException {
	out := make([]TopException, 0, min(len(a)+len(b), topExceptions))
	for len(out) < topExceptions && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || len(a) > 0 && !b[0].ranksBefore(&a[0]) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// figureText is the named figure's value as the report shows it, or
// blank.
func figureText(fs []Figure, name string) string {
	for _, f := range fs {
		if f.Name == name {
			return strconv.FormatFloat(f.Value, 'f', -1, 64)
		}
	}
	return ""
}
