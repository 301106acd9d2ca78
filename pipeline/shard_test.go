package pipeline

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/internal/objstore"
	"github.com/planner-engine/planner/internal/objstore/objstoretest"
	"github.com/planner-engine/planner/internal/shard"
	"github.com/planner-engine/planner/pipeline/config"
)

// shardFixture is a retailer of 300 SKUs at 20 stores with every plan on,
// and three awkward SKUs: one sold at a single store (SKU00005), one new
// this last week (SKU00006), and one that never sold at S002 (SKU00007).
func shardFixture(t *testing.T) *config.Config {
	t.Helper()
	dir := t.TempDir()
	res, err := synth.Generate(context.Background(), dir, synth.Config{Stores: 20, SKUs: 300, Days: 70, Horizon: 28, NoTruth: true}, nil)
	require.NoError(t, err)
	editCSV(t, filepath.Join(dir, "sales.csv"), func(col map[string]int, rec []string) bool {
		sku, loc := rec[col["sku"]], rec[col["location"]]
		switch {
		case sku == "SKU00005":
			return loc == "S001"
		case sku == "SKU00006":
			return rec[col["date"]] >= "2023-03-07"
		case sku == "SKU00007" && loc == "S002":
			rec[col["qty"]] = "0"
		}
		return true
	})
	// A peak in the history and one in the horizon: the forecast learns
	// its effects across SKUs, which every shard must take from the
	// split's parameters.
	events, err := os.OpenFile(res.Files["events"], os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = events.WriteString("2023-02-15,Flash Sale,peak,*\n2023-03-22,Flash Sale,peak,*\n")
	require.NoError(t, err)
	require.NoError(t, events.Close())
	cfg, err := config.Load(res.Files["config"])
	require.NoError(t, err)
	al, pc, pr := config.DefaultAllocate(), config.DefaultProduce(), config.DefaultPrice()
	pc.Weeks = 4
	cfg.Allocate, cfg.Produce, cfg.Price = &al, &pc, &pr
	cfg.Stages = []string{"load", "forecast", "replenish", "allocate", "produce", "price", "exceptions"}
	return cfg
}

// editCSV rewrites a CSV file keeping the rows keep says to, as it may
// have changed them.
func editCSV(t *testing.T, path string, keep func(col map[string]int, rec []string) bool) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	out := recs[:1]
	for _, rec := range recs[1:] {
		if keep(col, rec) {
			out = append(out, rec)
		}
	}
	w, err := os.Create(path)
	require.NoError(t, err)
	cw := csv.NewWriter(w)
	require.NoError(t, cw.WriteAll(out))
	require.NoError(t, w.Close())
}

// shardedRun splits the fixture n ways into split, runs every shard into
// runs and reduces them (split and runs are folders or object storage
// URLs), and returns each output table's local files (the shards' and the
// reduce step's).
func shardedRun(t *testing.T, cfg *config.Config, n int, split, runs string) (map[string][]string, *RunSummary) {
	t.Helper()
	ctx := context.Background()
	_, err := Split(ctx, cfg, n, split)
	require.NoError(t, err)
	for i := 0; i < n; i++ {
		_, err := RunShard(ctx, cfg, shard.Spec{Index: i, Count: n}, split, runs, "R", Options{Version: "test"})
		require.NoError(t, err, "shard %d of %d", i, n)
	}
	sum, err := Reduce(ctx, runs, runs, "R", n, cfg)
	require.NoError(t, err)
	assert.Equal(t, []string{"capacity_load.csv", "exceptions.csv", "production.csv", ReportName}, sum.Files)
	store, err := objstore.Open(ctx, runs)
	require.NoError(t, err)
	defer store.Close()
	out, ok := store.Local()
	if !ok {
		out = t.TempDir()
		_, err := store.Download(ctx, out, nil)
		require.NoError(t, err)
	}
	tables := map[string][]string{}
	files, err := filepath.Glob(filepath.Join(out, "run=R", "*.csv"))
	require.NoError(t, err)
	more, err := filepath.Glob(filepath.Join(out, "run=R", "shard=*", "*.csv"))
	require.NoError(t, err)
	for _, f := range append(files, more...) {
		tables[filepath.Base(f)] = append(tables[filepath.Base(f)], f)
	}
	// The inputs' warnings are split's, once; the shards' are empty.
	in, err := objstore.Open(ctx, split)
	require.NoError(t, err)
	defer in.Close()
	problems := filepath.Join(t.TempDir(), "problems.csv")
	require.NoError(t, in.GetFile(ctx, "problems.csv", problems))
	for _, f := range tables["problems.csv"] {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Equal(t, 1, strings.Count(string(raw), "\n"), "a shard repeats no warning")
	}
	tables["problems.csv"] = []string{problems}
	page, err := os.ReadFile(filepath.Join(out, "run=R", ReportName))
	require.NoError(t, err)
	for _, e := range sum.TopExceptions {
		assert.Contains(t, string(page), html.EscapeString(e.Line), "the run's report lists its first exceptions")
	}
	return tables, sum
}

func TestShardedRunsAreOneRunHoweverManyShards(t *testing.T) {
	cfg := shardFixture(t)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	read := func(files []string) string {
		quoted := make([]string, len(files))
		for i, f := range files {
			quoted[i] = "'" + f + "'"
		}
		return fmt.Sprintf("SELECT * FROM read_csv([%s], header = true, all_varchar = true, union_by_name = true, hive_partitioning = false)", strings.Join(quoted, ", "))
	}
	count := func(query string) int {
		var n int
		require.NoError(t, db.QueryRow(query).Scan(&n), query)
		return n
	}
	sums := map[int]*RunSummary{}
	local := func(n int) map[string][]string {
		tables, sum := shardedRun(t, cfg, n, filepath.Join(t.TempDir(), "split"), filepath.Join(t.TempDir(), "runs"))
		sums[n] = sum
		return tables
	}
	one := local(1)
	tables := slices.Sorted(func(yield func(string) bool) {
		for name := range one {
			if !yield(name) {
				return
			}
		}
	})
	assert.Equal(t, []string{"allocation.csv", "capacity_load.csv", "elasticities.csv", "exceptions.csv", "forecasts.csv",
		"markdowns.csv", "models.csv", "orders.csv", "prices.csv", "problems.csv", "production.csv"}, tables)
	// The awkward SKUs are planned: the one-store SKU at its store only,
	// the new one, and the series that never sold forecast as zero.
	fc := read(one["forecasts.csv"])
	assert.Equal(t, 1, count("SELECT count(DISTINCT location) FROM ("+fc+") WHERE sku = 'SKU00005'"))
	assert.Positive(t, count("SELECT count(*) FROM ("+fc+") WHERE sku = 'SKU00006'"))
	assert.Zero(t, count("SELECT count(*) FROM ("+fc+") WHERE sku = 'SKU00007' AND location = 'S002' AND CAST(mean AS DOUBLE) > 0"))
	// Three shards through S3 (an in-process server on 127.0.0.1): split
	// uploads, each shard downloads its partitions and uploads its outputs,
	// reduce reads the manifests there and writes the plan back.
	viaS3, sum3 := shardedRun(t, cfg, 3, objstoretest.S3(t, "inputs", "split/2023-03-13"), objstoretest.S3(t, "plans", "runs"))
	sums[3] = sum3
	runs := map[int]map[string][]string{3: viaS3, 7: local(7), 16: local(16)}
	// The run's first exceptions are the first rows of its exceptions,
	// all shards' and production's ranked together.
	ex := read(one["exceptions.csv"])
	var want []string
	rows, err := db.Query("SELECT exception_id FROM (" + ex + ") ORDER BY CAST(value_at_risk AS DOUBLE) DESC, kind, sku, location, exception_id LIMIT 20")
	require.NoError(t, err)
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		want = append(want, id)
	}
	require.NoError(t, rows.Err())
	require.Len(t, want, 20)
	var got []string
	for _, e := range sums[1].TopExceptions {
		got = append(got, e.ID)
	}
	assert.Equal(t, want, got)
	counts := map[string]bool{"Series forecast": true, "Purchase orders": true, "Transfer orders": true, "Production orders": true, "Exceptions to review": true}
	figure := func(sum *RunSummary, name string) float64 {
		for _, f := range sum.Figures {
			if f.Name == name {
				return f.Value
			}
		}
		t.Fatalf("no figure %s", name)
		return 0
	}
	assert.Equal(t, float64(count("SELECT count(*) FROM ("+ex+")")), figure(sums[1], "Exceptions to review"))
	// The whole run (planner run) plans as one shard does: its plans are
	// the same rows, and its load warns as split does. Its exceptions
	// raise those warnings as data problems too, which a shard's do not.
	m, err := Execute(context.Background(), cfg, Options{Version: "test"})
	require.NoError(t, err)
	whole := filepath.Join(cfg.Out, "runs", m.RunID)
	for _, table := range tables {
		a, b := read(one[table]), read([]string{filepath.Join(whole, table)})
		if table == "exceptions.csv" {
			a, b = a+" WHERE kind <> 'data_problem'", b+" WHERE kind <> 'data_problem'"
		}
		assert.Equal(t, count("SELECT count(*) FROM ("+a+")"), count("SELECT count(*) FROM ("+b+")"), "%s, the whole run", table)
		assert.Zero(t, count("SELECT count(*) FROM ("+a+" EXCEPT ALL "+b+")"), "%s: rows of 1 shard not in the whole run", table)
		assert.Zero(t, count("SELECT count(*) FROM ("+b+" EXCEPT ALL "+a+")"), "%s: rows of the whole run not in 1 shard", table)
	}
	for _, n := range []int{3, 7, 16} {
		assert.Equal(t, sums[1].TopExceptions, sums[n].TopExceptions, "%d shards", n)
		for name := range counts {
			assert.Equal(t, figure(sums[1], name), figure(sums[n], name), "%s, %d shards", name, n)
		}
		other := runs[n]
		for _, table := range tables {
			a, b := read(one[table]), read(other[table])
			assert.Equal(t, count("SELECT count(*) FROM ("+a+")"), count("SELECT count(*) FROM ("+b+")"), "%s, %d shards", table, n)
			assert.Zero(t, count("SELECT count(*) FROM ("+a+" EXCEPT ALL "+b+")"), "%s: rows of 1 shard not in %d", table, n)
			assert.Zero(t, count("SELECT count(*) FROM ("+b+" EXCEPT ALL "+a+")"), "%s: rows of %d shards not in 1", table, n)
		}
	}
}

func TestSplitRefusesAPriceFamilyAcrossShards(t *testing.T) {
	cfg := sampleConfig(t)
	pr := config.DefaultPrice()
	cfg.Price = &pr
	// SKU00001 and the first SKU of another shard of two form a family.
	var partner string
	for i := 2; partner == ""; i++ {
		if sku := fmt.Sprintf("SKU%05d", i); shard.Of(sku, 2) != shard.Of("SKU00001", 2) {
			partner = sku
		}
	}
	raw, err := os.ReadFile(cfg.Inputs.Products)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	for i := range lines {
		switch {
		case i == 0:
			lines[i] += ",price_family"
		case strings.HasPrefix(lines[i], "SKU00001,"), strings.HasPrefix(lines[i], partner+","):
			lines[i] += ",Family"
		default:
			lines[i] += ","
		}
	}
	require.NoError(t, os.WriteFile(cfg.Inputs.Products, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	dir := filepath.Join(t.TempDir(), "split")
	_, err = Split(context.Background(), cfg, 2, dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("price family Family has SKUs in shard %d (SKU00001) and shard %d (%s) of 2", shard.Of("SKU00001", 2), shard.Of(partner, 2), partner))
	_, statErr := os.Stat(dir)
	assert.True(t, os.IsNotExist(statErr), "nothing written")
	// Without prices the family does not bind the shards.
	cfg.Price = nil
	_, err = Split(context.Background(), cfg, 2, dir)
	require.NoError(t, err)
	cfg.Forecast.Reconcile = "mint"
	_, err = RunShard(context.Background(), cfg, shard.Spec{Index: 0, Count: 2}, dir, t.TempDir(), "R", Options{})
	assert.ErrorContains(t, err, "forecast.reconcile is mint: reconciliation sums series across SKUs")
}

// A manifest counts the rows of the CSV and Parquet files it lists.
func TestAShardsManifestCountsRowsOfCSVAndParquet(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	pq := filepath.Join(dir, "forecasts.parquet")
	_, err = db.Exec(fmt.Sprintf("COPY (SELECT range AS i FROM range(7)) TO '%s' (FORMAT parquet)", pq))
	require.NoError(t, err)
	csvFile := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(csvFile, []byte("sku,qty\nA,1\nB,2\nC,3\n"), 0o600))
	dest, err := objstore.Open(ctx, filepath.Join(dir, "out"))
	require.NoError(t, err)
	defer dest.Close()
	for path, rows := range map[string]int64{pq: 7, csvFile: 3} {
		f, err := upload(ctx, dest, filepath.Base(path), path)
		require.NoError(t, err)
		assert.Equal(t, rows, f.Rows, path)
	}
}

// Two tries of one shard at once on one machine would share the shard's
// work folder: the second is refused.
func TestOneShardRunsOnceAtATimeOnAMachine(t *testing.T) {
	cfg := sampleConfig(t)
	spec := shard.Spec{Index: 0, Count: 2}
	path := filepath.Join(os.TempDir(), "planner-run=busy-"+spec.Name()) + ".lock"
	lock, err := lockFolder(path, "the test's")
	require.NoError(t, err)
	defer os.Remove(path)
	defer lock.Unlock()
	_, err = RunShard(context.Background(), cfg, spec, t.TempDir(), t.TempDir(), "busy", Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "another run is using the work folder of shard 0/2 of run busy")
}
