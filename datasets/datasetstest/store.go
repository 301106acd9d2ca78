package datasetstest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/internal/benchutil"
)

// M5 is an M5-sized retailer: 10 stores x 3,049 SKUs x 1,941 days through
// the store channel (30,490 daily series).
var M5 = synth.Config{Stores: 10, SKUs: 3049, Days: 1941, Horizon: 28, Channels: []string{"store"}, Format: "parquet", NoTruth: true}

// MillionSeries is a million short series: 1,000 stores x 1,000 SKUs x 56 days.
var MillionSeries = synth.Config{Stores: 1000, SKUs: 1000, Days: 56, Horizon: 7, Channels: []string{"store"}, Format: "parquet", NoTruth: true}

// Store opens, read-only, a database holding the sales of the synthetic
// retailer cfg, generating and loading it under the name the first time.
// The store closes when the benchmark ends.
func Store(b testing.TB, name string, cfg synth.Config) *datasets.Store {
	return StoreTables(b, name, cfg, "sales")
}

// StoreTables is Store with the named tables of the retailer loaded (its
// sales, products, shelves, ...), cached under name.
func StoreTables(b testing.TB, name string, cfg synth.Config, tables ...string) *datasets.Store {
	dir := filepath.Join(benchutil.CacheDir(b), name)
	db := filepath.Join(dir, "bench.duckdb")
	ctx := context.Background()
	if _, err := os.Stat(db); err != nil {
		b.Logf("generating %s (once; cached in %s)", name, dir)
		res, err := synth.Generate(ctx, dir, cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		s, err := datasets.Open(ctx, db+".tmp", nil)
		if err != nil {
			b.Fatal(err)
		}
		files := map[string]string{}
		for _, t := range tables {
			files[t] = res.Files[t]
		}
		if _, err := s.Load(ctx, datasets.LoadOptions{Files: files}); err != nil {
			b.Fatal(err)
		}
		s.Close()
		// Write then rename: an interrupted run leaves no half-built cache.
		if err := os.Rename(db+".tmp", db); err != nil {
			b.Fatal(err)
		}
	}
	s, err := datasets.Open(ctx, db, &datasets.StoreOptions{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}
