package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/pricing"
)

// sampleConfig generates a small retailer and returns its planner.yaml,
// loaded, with the database and outputs inside the test's folder.
func sampleConfig(t *testing.T) *config.Config {
	t.Helper()
	dir := t.TempDir()
	res, err := synth.Generate(context.Background(), dir, synth.Config{Stores: 3, SKUs: 12, Days: 120, Horizon: 28}, nil)
	require.NoError(t, err)
	cfg, err := config.Load(res.Files["config"])
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "planner.duckdb"), cfg.DB)
	assert.Equal(t, filepath.Join(dir, "out"), cfg.Out)
	return cfg
}

func clock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestRunWritesOutputsManifestAndLatest(t *testing.T) {
	cfg := sampleConfig(t)
	m, err := Execute(context.Background(), cfg, Options{Version: "test", Now: clock(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	assert.Equal(t, "20261123T020000Z", m.RunID)
	// The small retailer's DCs sell so little that some suppliers' minimum
	// orders cover more than 90 days: replenish flags them.
	assert.Equal(t, "exceptions", m.Status)
	require.Len(t, m.Stages, len(Stages()))
	for _, s := range m.Stages {
		assert.Equal(t, "ok", s.Status, s.Name)
	}
	assert.Greater(t, m.Exceptions, 0)
	// The run's count is exceptions.csv's plan exceptions: every row but
	// the data problems.
	raw, err := os.ReadFile(filepath.Join(cfg.Out, "runs", m.RunID, ExceptionsName))
	require.NoError(t, err)
	rows := strings.Split(strings.TrimSpace(string(raw)), "\n")
	plan := 0
	for _, row := range rows[1:] {
		if !strings.Contains(row, ",data_problem,") {
			plan++
		}
	}
	assert.Equal(t, plan, m.Exceptions)
	assert.True(t, strings.HasPrefix(rows[0], "exception_id,kind,sku,location,lines,line_ids,units,value_at_risk,severity"), rows[0])
	assert.Len(t, m.Inputs, 16) // every table the synthetic retailer writes
	for _, in := range m.Inputs {
		assert.Len(t, in.SHA256, 64, in.File)
	}
	var files []string
	for _, o := range m.Outputs {
		files = append(files, o.File)
	}
	assert.Equal(t, []string{"exceptions.csv", "forecasts.csv", "models.csv", "orders.csv", "plan.xlsx", "problems.csv", "report.html", "summary.json"}, files)
	raw, err = os.ReadFile(filepath.Join(cfg.Out, "runs", m.RunID, "forecasts.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	assert.Equal(t, "sku,location,date,model,mean,p10,p50,p90,channel,override", lines[0])
	var series int64
	for _, s := range m.Stages {
		if s.Name == "forecast" {
			series = s.Rows["series"]
		}
	}
	assert.Equal(t, int64(len(lines)-1), series*28, "28 days for every series")

	latest, err := os.Readlink(filepath.Join(cfg.Out, "latest"))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("runs", m.RunID), latest)
	raw, err = os.ReadFile(filepath.Join(cfg.Out, "latest", "manifest.json"))
	require.NoError(t, err)
	var onDisk Manifest
	require.NoError(t, json.Unmarshal(raw, &onDisk))
	assert.Equal(t, m.RunID, onDisk.RunID)

	var sum datasets.Summary
	raw, err = os.ReadFile(filepath.Join(cfg.Out, "latest", "summary.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &sum))
	assert.Positive(t, sum.SalesRows)
	entries, _ := os.ReadDir(filepath.Join(cfg.Out, "runs"))
	assert.Len(t, entries, 1, "no temporary folder is left")
}

func TestSameInputsGiveByteIdenticalOutputs(t *testing.T) {
	cfg := sampleConfig(t)
	ctx := context.Background()
	m1, err := Execute(ctx, cfg, Options{Now: clock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	m2, err := Execute(ctx, cfg, Options{Now: clock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	assert.Equal(t, m1.RunID+"-2", m2.RunID, "a second run in the same second gets a suffix")
	require.Equal(t, m1.Outputs, m2.Outputs, "checksums of every output match")
	for _, o := range m1.Outputs {
		a, _ := os.ReadFile(filepath.Join(cfg.Out, "runs", m1.RunID, o.File))
		b, _ := os.ReadFile(filepath.Join(cfg.Out, "runs", m2.RunID, o.File))
		assert.Equal(t, a, b, o.File)
	}
	// The manifests differ only in run id, times and timings.
	strip := func(m *Manifest) Manifest {
		c := *m
		c.RunID, c.Started, c.Finished = "", "", ""
		c.Stages = append([]StageRecord(nil), m.Stages...)
		for i := range c.Stages {
			c.Stages[i].Seconds = 0
		}
		return c
	}
	assert.Equal(t, strip(m1), strip(m2))
}

func TestFailedRunLeavesThePreviousOutputsUntouched(t *testing.T) {
	cfg := sampleConfig(t)
	ctx := context.Background()
	good, err := Execute(ctx, cfg, Options{Now: clock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	before, err := os.ReadFile(filepath.Join(cfg.Out, "latest", "summary.json"))
	require.NoError(t, err)
	var rows int64
	require.NoError(t, withStore(t, cfg.DB, func(s *datasets.Store) (err error) { rows, err = s.RowCount(ctx, "sales"); return }))

	// Break one line of the sales file.
	raw, err := os.ReadFile(cfg.Inputs.Sales)
	require.NoError(t, err)
	lines := strings.SplitN(string(raw), "\n", 4)
	parts := strings.Split(lines[2], ",")
	parts[4] = "-5"
	lines[2] = strings.Join(parts, ",")
	require.NoError(t, os.WriteFile(cfg.Inputs.Sales, []byte(strings.Join(lines, "\n")), 0o644))

	m, err := Execute(ctx, cfg, Options{Now: clock(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))})
	var ve *datasets.ValidationError
	require.True(t, errors.As(err, &ve), "got %v", err)
	assert.Equal(t, "failed", m.Status)
	assert.Contains(t, m.Error, "line 3, column qty: -5 is negative")

	latest, _ := os.Readlink(filepath.Join(cfg.Out, "latest"))
	assert.Equal(t, filepath.Join("runs", good.RunID), latest, "latest still points at the good run")
	after, _ := os.ReadFile(filepath.Join(cfg.Out, "latest", "summary.json"))
	assert.Equal(t, before, after)
	failed := filepath.Join(cfg.Out, "runs", m.RunID+".failed")
	problems, err := os.ReadFile(filepath.Join(failed, "problems.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(problems), "negative_value")
	_, err = os.Stat(filepath.Join(failed, "manifest.json"))
	assert.NoError(t, err)
	var rowsAfter int64
	require.NoError(t, withStore(t, cfg.DB, func(s *datasets.Store) (err error) { rowsAfter, err = s.RowCount(ctx, "sales"); return }))
	assert.Equal(t, rows, rowsAfter, "the database keeps the last good load")
}

func withStore(t *testing.T, path string, fn func(*datasets.Store) error) error {
	s, err := datasets.Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer s.Close()
	return fn(s)
}

func TestLoadOptionsOfTheInputs(t *testing.T) {
	in := config.Inputs{Sales: "s.csv", Prices: "p.csv", Map: map[string]string{"qty": "units"}, DateFormat: "%d/%m/%Y", Strict: true}
	opts := LoadOptions(&in)
	assert.Equal(t, files.Mapping{"qty": "units"}, opts.Map)
	assert.Equal(t, map[string]string{"sales": "s.csv", "prices": "p.csv"}, opts.Files)
	assert.Equal(t, "%d/%m/%Y", opts.DateFormat)
	assert.True(t, opts.Strict)
	assert.Nil(t, opts.M5)
	// The M5 format reads its sales and prices through the wide loader.
	in.Format, in.Calendar = "m5", "calendar.csv"
	opts = LoadOptions(&in)
	assert.Equal(t, &datasets.M5Files{Sales: "s.csv", Calendar: "calendar.csv", Prices: "p.csv"}, opts.M5)
	assert.Empty(t, opts.Files)
}

func TestRunAllocatesWhatReplenishmentLeavesAtTheDC(t *testing.T) {
	cfg := sampleConfig(t)
	ac := config.DefaultAllocate()
	cfg.Allocate = &ac
	m, err := Execute(context.Background(), cfg, Options{Version: "test", Now: clock(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	var stage *StageRecord
	for i := range m.Stages {
		if m.Stages[i].Name == "allocate" {
			stage = &m.Stages[i]
		}
	}
	require.NotNil(t, stage)
	assert.Equal(t, "ok", stage.Status)
	dir := filepath.Join(cfg.Out, "runs", m.RunID)
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, name))
		require.NoError(t, err)
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		require.NoError(t, err)
		return rows
	}
	// Per SKU and DC: transfer orders plus allocation never exceed the
	// DC's stock.
	store, err := datasets.Open(context.Background(), cfg.DB, &datasets.StoreOptions{ReadOnly: true})
	require.NoError(t, err)
	sup, err := store.Supply(context.Background())
	require.NoError(t, err)
	store.Close()
	shipped := map[[2]string]float64{}
	for _, r := range read("orders.csv")[1:] {
		if r[1] == "transfer" {
			q, _ := strconv.ParseFloat(r[5], 64)
			shipped[[2]string{r[2], r[3]}] += q
		}
	}
	alloc := read("allocation.csv")
	require.Greater(t, len(alloc), 1)
	for _, r := range alloc[1:] {
		q, _ := strconv.ParseFloat(r[5], 64)
		shipped[[2]string{r[2], r[3]}] += q
	}
	for _, p := range sup.Positions {
		if sup.Locations[p.Location].Type == "dc" {
			assert.LessOrEqual(t, shipped[[2]string{p.SKU, p.Location}], math.Max(0, p.OnHand-p.Reserved-p.Backorders)+1e-9, "%s at %s", p.SKU, p.Location)
		}
	}
}

func TestRunPlansProductionIntoTheWorkbook(t *testing.T) {
	cfg := sampleConfig(t)
	pc := config.DefaultProduce()
	pc.Weeks = 4
	cfg.Produce = &pc
	m, err := Execute(context.Background(), cfg, Options{Version: "test", Now: clock(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	var files []string
	for _, o := range m.Outputs {
		files = append(files, o.File)
	}
	assert.Contains(t, files, "production.csv")
	assert.Contains(t, files, "capacity_load.csv")
	dir := filepath.Join(cfg.Out, "runs", m.RunID)
	raw, err := os.ReadFile(filepath.Join(dir, "production.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	require.Greater(t, len(lines), 1)
	// The workbook's Production sheet holds the same orders.
	f, err := excelize.OpenFile(filepath.Join(dir, "plan.xlsx"))
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows("Production")
	require.NoError(t, err)
	assert.Equal(t, len(lines), len(rows))
	assert.Equal(t, strings.Split(lines[1], ",")[0], rows[1][0])
}

func TestRunPricesIntoTheWorkbook(t *testing.T) {
	cfg := sampleConfig(t)
	pc := config.DefaultPrice()
	pc.MaxChange = 0.2
	cfg.Price = &pc
	cfg.Stages = []string{"load", "price", "export"}
	m, err := Execute(context.Background(), cfg, Options{Version: "test", Now: clock(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	var files []string
	for _, o := range m.Outputs {
		files = append(files, o.File)
	}
	assert.Subset(t, files, []string{"prices.csv", "elasticities.csv", "markdowns.csv", "plan.xlsx"})
	dir := filepath.Join(cfg.Out, "runs", m.RunID)
	f, err := os.Open(filepath.Join(dir, "prices.csv"))
	require.NoError(t, err)
	lines, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Greater(t, len(lines), 1)
	moved := 0
	for _, l := range lines[1:] {
		cur, _ := strconv.ParseFloat(l[5], 64)
		now, _ := strconv.ParseFloat(l[6], 64)
		assert.LessOrEqual(t, math.Abs(now-cur), 0.2*cur+1e-9)
		if now != cur {
			moved++
		}
	}
	assert.Positive(t, moved, "some prices move")
	wb, err := excelize.OpenFile(filepath.Join(dir, "plan.xlsx"))
	require.NoError(t, err)
	defer wb.Close()
	rows, err := wb.GetRows("Prices")
	require.NoError(t, err)
	assert.Equal(t, len(lines), len(rows))
	assert.Equal(t, lines[1][0], rows[1][0])
}

// The report lists price moves by expected gain and markdowns by stock.
func TestPriceTables(t *testing.T) {
	line := func(sku string, cur, now, before, after float64) pricing.Line {
		return pricing.Line{Kind: pricing.KindEveryday, Recommendation: pricing.Recommendation{SKU: sku, Location: "*", Current: cur, New: now,
			MarginCurrent: before, MarginNew: after, Bound: pricing.BoundOptimum}}
	}
	md := pricing.Line{Kind: pricing.KindMarkdown, Stock: 40, Markdown: &pricing.MarkdownPlan{Prices: []float64{9.99, 7.99}},
		Recommendation: pricing.Recommendation{SKU: "M", Location: "*", Current: 9.99, New: 9.99}}
	res := &PriceResult{&pricing.Result{Lines: []pricing.Line{line("small", 2.99, 3.49, 10, 12), line("same", 1.99, 1.99, 5, 5),
		line("big", 4.99, 4.49, 10, 30), md}}}
	tables := priceTables(res)
	require.Len(t, tables, 2)
	assert.Equal(t, "Price moves (2)", tables[0].Title)
	assert.Equal(t, "big", tables[0].Rows[0][0], "largest gain first")
	assert.Equal(t, "20.00", tables[0].Rows[0][5])
	assert.Equal(t, "small", tables[0].Rows[1][0])
	assert.Equal(t, []string{"M", "40", "9.99", "9.99", "2", "0"}, tables[1].Rows[0], "units whole, prices in money")
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:])
}

// A run that fails in any stage leaves the database, out/latest and the
// last run's outputs exactly as they were, even when its load read new
// sales: the run worked on a copy of the database.
func TestAFailedRunLeavesTheDatabaseAsItWas(t *testing.T) {
	cfg := sampleConfig(t)
	ac := config.DefaultAllocate()
	cfg.Allocate = &ac
	ctx := context.Background()
	good, err := Execute(ctx, cfg, Options{Now: clock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	db := fileSum(t, cfg.DB)
	latest, _ := os.Readlink(filepath.Join(cfg.Out, "latest"))
	orders := fileSum(t, filepath.Join(cfg.Out, "latest", "orders.csv"))

	// New sales: the next night's file sells more on its last day.
	raw, err := os.ReadFile(cfg.Inputs.Sales)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	last := strings.Split(lines[len(lines)-1], ",")
	last[4] = "99"
	lines[len(lines)-1] = strings.Join(last, ",")
	require.NoError(t, os.WriteFile(cfg.Inputs.Sales, []byte(strings.Join(lines, "\n")+"\n"), 0o644))

	for i, stage := range StageNames() {
		fail := func(s string) error {
			if s == stage {
				return errors.New("injected failure")
			}
			return nil
		}
		m, err := Execute(ctx, cfg, Options{Now: clock(time.Date(2026, 1, 2, 0, 0, i, 0, time.UTC)), fail: fail})
		require.ErrorContains(t, err, stage+": injected failure")
		assert.Equal(t, "failed", m.Status, stage)
		assert.Equal(t, db, fileSum(t, cfg.DB), "after a failure in %s the database is as it was", stage)
		now, _ := os.Readlink(filepath.Join(cfg.Out, "latest"))
		assert.Equal(t, latest, now, stage)
		assert.Equal(t, orders, fileSum(t, filepath.Join(cfg.Out, "latest", "orders.csv")), stage)
		assert.DirExists(t, filepath.Join(cfg.Out, "runs", m.RunID+".failed"), stage)
		copies, _ := filepath.Glob(cfg.DB + ".run-*")
		assert.Empty(t, copies, "no working copy is left after %s", stage)
	}
	// The same run without a failure takes the new sales in.
	m, err := Execute(ctx, cfg, Options{Now: clock(time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	assert.NotEqual(t, db, fileSum(t, cfg.DB))
	assert.NotEqual(t, good.RunID, m.RunID)
	var qty float64
	require.NoError(t, withStore(t, cfg.DB, func(s *datasets.Store) error {
		return s.DB().QueryRow("SELECT max(qty) FROM sales").Scan(&qty)
	}))
	assert.Equal(t, 99.0, qty)
}

// Two runs never write into one output folder, or one database, at once:
// the second stops at once and says why.
func TestARunHoldsItsOutputFolderAndDatabase(t *testing.T) {
	cfg := sampleConfig(t)
	require.NoError(t, os.MkdirAll(cfg.Out, 0o755))
	held := flock.New(filepath.Join(cfg.Out, ".lock"))
	ok, err := held.TryLock()
	require.NoError(t, err)
	require.True(t, ok)
	_, err = Execute(context.Background(), cfg, Options{})
	assert.EqualError(t, err, "another run is using the output folder "+cfg.Out+" (it holds "+filepath.Join(cfg.Out, ".lock")+"): wait for it to finish, or give this run another one")
	held.Unlock()

	held = flock.New(cfg.DB + ".lock")
	ok, err = held.TryLock()
	require.NoError(t, err)
	require.True(t, ok)
	_, err = Execute(context.Background(), cfg, Options{})
	assert.EqualError(t, err, "another run is using the database "+cfg.DB+" (it holds "+cfg.DB+".lock): wait for it to finish, or give this run another one")
	held.Unlock()
	entries, _ := os.ReadDir(filepath.Join(cfg.Out, "runs"))
	assert.Empty(t, entries, "a refused run leaves nothing")
}

// The folder and database copy of a run that was killed are set aside at
// the next run: the folder as <id>.failed, the copy removed.
func TestAKilledRunIsSetAsideAtTheNextRun(t *testing.T) {
	cfg := sampleConfig(t)
	runs := filepath.Join(cfg.Out, "runs")
	killed := filepath.Join(runs, ".running-20260101T000000Z-12345")
	require.NoError(t, os.MkdirAll(killed, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(killed, "forecasts.csv"), []byte("half"), 0o644))
	require.NoError(t, os.WriteFile(cfg.DB+".run-20260101T000000Z", []byte("half a copy"), 0o644))
	_, err := Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	assert.NoDirExists(t, killed)
	assert.FileExists(t, filepath.Join(runs, "20260101T000000Z.failed", "forecasts.csv"))
	assert.NoFileExists(t, cfg.DB+".run-20260101T000000Z")
}

// A database path that holds something else is refused before anything
// is written.
func TestARunRefusesADatabasePathThatIsNotADatabase(t *testing.T) {
	cfg := sampleConfig(t)
	require.NoError(t, os.WriteFile(cfg.DB, []byte("date,sku\n2024-01-01,A\n"), 0o644))
	_, err := Execute(context.Background(), cfg, Options{})
	assert.EqualError(t, err, cfg.DB+" is not a DuckDB database (it holds other data): give --db a new file, or the database planner load wrote")
	raw, _ := os.ReadFile(cfg.DB)
	assert.Equal(t, "date,sku\n2024-01-01,A\n", string(raw))
}

// The manifest records the configuration without a database password.
func TestManifestMasksADatabasePassword(t *testing.T) {
	cfg := &config.Config{Inputs: config.Inputs{Sales: "postgres://planner:hunter22@db.example/retail", Query: "SELECT 1"}}
	got := string(manifestConfig(cfg))
	assert.NotContains(t, got, "hunter22")
	assert.Contains(t, got, `"sales":"postgres://planner:xxxxx@db.example/retail"`)
	assert.Equal(t, "postgres://planner:hunter22@db.example/retail", cfg.Inputs.Sales, "the run still connects with it")
}

// planner.yaml's stages key is checked against the stages as they run.
func TestTheConfigurationKnowsTheStagesInOrder(t *testing.T) {
	assert.Equal(t, StageNames(), config.StageNames)
}
