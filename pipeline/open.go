package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/internal/fsutil"
)

// OpenDatabase opens a database file read-only, as the commands that plan
// from it do. A path with no file is an error that says to load data
// first; hint adds another way out ("or pass --sales").
func OpenDatabase(ctx context.Context, path, hint string) (*datasets.Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no database at %s: load data first with planner load%s", path, hint)
	}
	return datasets.Open(ctx, path, &datasets.StoreOptions{ReadOnly: true})
}

// LoadFiles loads files (by table name) into a private in-memory
// database, validated as planner load validates: invalid files give a
// *datasets.ValidationError listing every problem, and nothing is kept.
func LoadFiles(ctx context.Context, byTable map[string]string, m files.Mapping, log *slog.Logger) (*datasets.Store, error) {
	store, err := datasets.Open(ctx, "", nil)
	if err != nil {
		return nil, err
	}
	if _, err := store.Load(ctx, datasets.LoadOptions{Files: byTable, Map: m, Logger: log}); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// SchemaMarkdown is docs/schema.md: the canonical input tables and the
// output files.
func SchemaMarkdown() string { return datasets.SchemaMarkdown() + export.OutputsMarkdown() }

// SchemaJSON is the canonical input schema as JSON.
func SchemaJSON() ([]byte, error) { return datasets.SchemaJSON() }

// WriteJSONSchemas writes NAME.schema.json for every output file, and
// input-TABLE.schema.json for every input table, into a folder
// (docs/schemas).
func WriteJSONSchemas(dir string) error {
	if err := os.MkdirAll(dir, fsutil.DirMode()); err != nil {
		return err
	}
	for i := range export.Outputs {
		o := &export.Outputs[i]
		raw, err := o.JSONSchema()
		if err != nil {
			return err
		}
		if err := fsutil.WriteFile(filepath.Join(dir, o.Name+".schema.json"), func(w io.Writer) error { _, err := w.Write(raw); return err }); err != nil {
			return err
		}
	}
	for _, t := range datasets.Tables {
		raw, err := t.JSONSchema()
		if err != nil {
			return err
		}
		if err := fsutil.WriteFile(filepath.Join(dir, "input-"+t.Name+".schema.json"), func(w io.Writer) error { _, err := w.Write(raw); return err }); err != nil {
			return err
		}
	}
	return nil
}

// Inspect summarises what a database holds (planner inspect).
func Inspect(ctx context.Context, path string) (*datasets.Summary, error) {
	store, err := OpenDatabase(ctx, path, ", or pass --db")
	if err != nil {
		return nil, err
	}
	defer store.Close()
	return store.Inspect(ctx)
}

// Versions are what planner version --json prints.
type Versions struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Go      string `json:"go"`
	DuckDB  string `json:"duckdb"`
}

// VersionsOf returns the planner's version (given at build time), the
// commit it was built from (when the build recorded one), and the Go and
// DuckDB versions it runs on.
func VersionsOf(ctx context.Context, version string) (Versions, error) {
	v := Versions{Version: version, Go: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				v.Commit = s.Value
			}
		}
	}
	store, err := datasets.Open(ctx, "", nil)
	if err != nil {
		return v, err
	}
	defer store.Close()
	v.DuckDB, err = store.EngineVersion(ctx)
	return v, err
}
