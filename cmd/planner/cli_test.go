package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/datasetstest"
)

// planner runs the CLI in-process and returns its exit code and outputs.
func planner(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func synthSample(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sample")
	code, out, errOut := planner(t, "datasets", "synth", "--stores", "3", "--skus", "10", "--days", "90", "--horizon", "14", "--out", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Run the nightly job on it with: planner run --config "+filepath.Join(dir, "planner.yaml"))
	return dir
}

// loadedSample writes a small synthetic retailer and loads it into a
// database, returning the sample's folder and the database.
func loadedSample(t *testing.T) (dir, db string) {
	t.Helper()
	dir = synthSample(t)
	db = filepath.Join(t.TempDir(), "p.duckdb")
	code, _, errOut := planner(t, "load", "--db", db, "--config", filepath.Join(dir, "planner.yaml"))
	require.Equal(t, 0, code, errOut)
	return dir, db
}

func TestLoadInspectAndValidate(t *testing.T) {
	dir := synthSample(t)
	db := filepath.Join(t.TempDir(), "p.duckdb")

	code, out, errOut := planner(t, "load", "--db", db, "--config", filepath.Join(dir, "planner.yaml"))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Loaded into "+db)
	assert.Regexp(t, `sales +[0-9,]+ rows +`+regexpQuote(filepath.Join(dir, "sales.csv")), out)

	code, out, _ = planner(t, "inspect", "--db", db, "--json")
	require.Equal(t, 0, code)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &sum), "inspect --json prints one JSON object")
	for _, k := range []string{"sales_rows", "series", "skus", "locations", "first_date", "last_date"} {
		assert.Contains(t, sum, k)
	}
	assert.Equal(t, "2023-01-02", sum["first_date"])
	assert.Equal(t, float64(10), sum["skus"])

	code, out, _ = planner(t, "inspect", "--db", db)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Dates       2023-01-02 to 2023-04-01, daily, 90 periods")

	// A bad file: validate lists every problem on stdout and exits 2.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("date,sku,location,qty\n2023-05-01,SKU00001,S001,-1\n2023-05-01,NOPE,S001,2\n2023-05-02,SKU00001,S001,x\n"), 0o644))
	code, out, _ = planner(t, "validate", "--db", db, "--sales", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "error: "+bad+" line 2, column qty: -1 is negative")
	assert.Contains(t, out, `error: `+bad+` line 3, column sku: product "NOPE" is not in the products table`)
	assert.Contains(t, out, `error: `+bad+` line 4, column qty: "x" is not a number`)
	assert.Contains(t, out, "3 errors, 0 warnings")

	// validate --json: one object with the problems.
	code, out, _ = planner(t, "validate", "--db", db, "--sales", bad, "--json")
	assert.Equal(t, 2, code)
	var rep struct {
		Problems []struct{ Severity, Code string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Len(t, rep.Problems, 3)

	// load refuses it, exits 2, and the database keeps its rows.
	before := salesRows(t, db)
	code, _, errOut = planner(t, "load", "--db", db, "--sales", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "-1 is negative")
	assert.Contains(t, errOut, "planner: 3 errors in the input; nothing was loaded")
	assert.Equal(t, before, salesRows(t, db))
}

func regexpQuote(s string) string {
	return strings.NewReplacer(".", `\.`, "/", `/`).Replace(s)
}

func salesRows(t *testing.T, db string) float64 {
	code, out, errOut := planner(t, "inspect", "--db", db, "--json")
	require.Equal(t, 0, code, errOut)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &sum))
	return sum["sales_rows"].(float64)
}

func TestLoadWithMappingAndJSONLogs(t *testing.T) {
	dir := t.TempDir()
	sales := filepath.Join(dir, "train.csv")
	require.NoError(t, os.WriteFile(sales, []byte("date,store,item,sales\n2013-01-01,1,1,13\n2013-01-02,1,1,11\n2013-01-01,2,1,9\n2013-01-02,2,1,8\n"), 0o644))
	db := filepath.Join(dir, "p.duckdb")
	code, out, errOut := planner(t, "--log-format", "json", "load", "--db", db, "--sales", sales, "--map", "qty=sales,location=store", "--map", "sku=item", "--json")
	require.Equal(t, 0, code, errOut)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, true, rep["committed"])
	for _, line := range strings.Split(strings.TrimSpace(errOut), "\n") {
		var entry map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &entry), "every log line is JSON: %s", line)
		assert.Contains(t, entry, "level")
	}
	assert.Equal(t, float64(4), salesRows(t, db))
}

func TestLoadM5FromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	sales := write("sales_train_evaluation.csv", "id,item_id,dept_id,cat_id,store_id,state_id,d_1,d_2,d_3\n"+
		"A_CA_1_evaluation,A,FOODS_1,FOODS,CA_1,CA,0,2,5\nB_CA_1_evaluation,B,FOODS_1,FOODS,CA_1,CA,1,0,3\n")
	cal := write("calendar.csv", "date,wm_yr_wk,weekday,wday,month,year,d,event_name_1,event_type_1,event_name_2,event_type_2,snap_CA,snap_TX,snap_WI\n"+
		"2011-01-29,11101,Saturday,1,1,2011,d_1,,,,,0,0,0\n2011-01-30,11101,Sunday,2,1,2011,d_2,,,,,0,0,0\n2011-01-31,11101,Monday,3,1,2011,d_3,,,,,1,0,0\n")
	prices := write("sell_prices.csv", "store_id,item_id,wm_yr_wk,sell_price\nCA_1,A,11101,2.5\nCA_1,B,11101,1.25\n")
	db := filepath.Join(dir, "m5.duckdb")
	code, out, errOut := planner(t, "load", "--db", db, "--format", "m5", "--sales", sales, "--calendar", cal, "--prices", prices)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `(?m)^  sales +6 rows +`+regexpQuote(sales)+`$`, out)
	assert.Equal(t, float64(6), salesRows(t, db))

	code, _, errOut = planner(t, "load", "--db", db, "--format", "m5", "--sales", sales)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--format m5 needs --calendar")
}

func TestRunCommandWritesARunAndExitCodes(t *testing.T) {
	dir := synthSample(t)
	cfg := filepath.Join(dir, "planner.yaml")
	// Its stores run short of a few SKUs and hold perishables they will
	// not sell in time: exceptions to review, exit code 3.
	code, out, errOut := planner(t, "run", "--config", cfg)
	require.Equal(t, 3, code, errOut)
	assert.Regexp(t, `Run \d{8}T\d{6}Z exceptions in`, out)
	assert.Regexp(t, `(?m)^  load +\d+\.\d\ds  5,148 sales rows, 0 warnings$`, out)
	assert.Regexp(t, `(?m)^  forecast +\d+\.\d\ds  60 series, 28 days ahead$`, out)
	assert.Regexp(t, `(?m)^  allocate +\d+\.\d\ds  skipped: no allocate section in the configuration$`, out)
	_, err := os.Stat(filepath.Join(dir, "out", "latest", "manifest.json"))
	require.NoError(t, err)

	code, out, _ = planner(t, "run", "--config", cfg, "--json")
	require.Equal(t, 3, code)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &m))
	for _, k := range []string{"run_id", "version", "status", "inputs", "stages", "outputs", "config", "warnings", "exceptions"} {
		assert.Contains(t, m, k)
	}

	code, _, errOut = planner(t, "run", "--config", filepath.Join(dir, "missing.yaml"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "does not exist")
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"load"},
		{"load", "--sales"},
		{"load", "--nonsense"},
		{"--log-format", "xml", "version"},
		{"schema", "--format", "pdf"},
		{"datasets", "synth", "--days", "3", "--out", t.TempDir()},
		{"inspect", "extra"},
		{"load", "--sales", "s.csv", "--map", "qty"},
	} {
		code, _, errOut := planner(t, args...)
		assert.Equal(t, 2, code, "%v: %s", args, errOut)
		assert.True(t, strings.HasPrefix(errOut, "planner: "), "%v: %s", args, errOut)
	}
	code, _, errOut := planner(t, "inspect", "--db", filepath.Join(t.TempDir(), "none.duckdb"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no database at")
}

func TestExitCodeForExceptions(t *testing.T) {
	a := &app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, now: time.Now}
	assert.Equal(t, 3, a.exitCode(&exitError{code: exitExceptions, err: fmt.Errorf("2 exceptions to review")}))
	assert.Equal(t, "planner: 2 exceptions to review\n", a.stderr.(*bytes.Buffer).String())
	assert.Equal(t, 0, a.exitCode(nil))
}

func TestSchemaAndVersion(t *testing.T) {
	code, out, _ := planner(t, "schema")
	require.Equal(t, 0, code)
	doc, err := os.ReadFile("../../docs/schema.md")
	require.NoError(t, err)
	assert.Equal(t, string(doc), out, "docs/schema.md is planner schema's output")
	code, out, _ = planner(t, "schema", "--format", "json")
	require.Equal(t, 0, code)
	var tables []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &tables))
	assert.Len(t, tables, len(datasets.Tables)) // every canonical table
	// docs/schemas holds what --json-schemas writes.
	dir := t.TempDir()
	code, _, errOut := planner(t, "schema", "--json-schemas", dir)
	require.Equal(t, 0, code, errOut)
	written, _ := os.ReadDir(dir)
	committed, _ := os.ReadDir("../../docs/schemas")
	require.Equal(t, len(written), len(committed))
	for _, e := range written {
		a, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		b, err := os.ReadFile(filepath.Join("../../docs/schemas", e.Name()))
		require.NoError(t, err, "docs/schemas/%s: run make docs", e.Name())
		assert.Equal(t, string(a), string(b), "docs/schemas/%s is planner schema --json-schemas's output", e.Name())
	}
	code, out, _ = planner(t, "version")
	require.Equal(t, 0, code)
	assert.Equal(t, "planner dev\n", out)
}

// A sales history in PostgreSQL loads with --query, and inspect reports the
// load without the password.
func TestLoadFromPostgresThroughTheCLI(t *testing.T) {
	url := datasetstest.Postgres(t)
	ctx := context.Background()
	pg, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	_, err = pg.Exec(ctx, `CREATE TABLE pos_daily AS SELECT DATE '2024-01-01' + (i % 60) AS day, 'SKU' || (i / 60) AS item,
		'S1' AS store, (i % 7)::numeric AS units FROM generate_series(0, 599) i`)
	pg.Close(ctx)
	require.NoError(t, err)
	db := filepath.Join(t.TempDir(), "p.duckdb")
	withPassword := strings.Replace(url, "planner@", "planner:hunter22@", 1)
	code, out, errOut := planner(t, "load", "--db", db, "--sales", withPassword,
		"--query", "SELECT day AS date, item AS sku, store AS location, units AS qty FROM pos_daily", "--json")
	require.Equal(t, 0, code, errOut)
	assert.NotContains(t, out+errOut, "hunter22")
	var rep datasets.LoadReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, int64(600), rep.Rows("sales"))
	code, out, errOut = planner(t, "inspect", "--db", db, "--json")
	require.Equal(t, 0, code, errOut)
	var sum datasets.Summary
	require.NoError(t, json.Unmarshal([]byte(out), &sum))
	require.NotNil(t, sum.LastLoad)
	assert.Equal(t, int64(600), sum.LastLoad.RowsAdded)
	assert.Equal(t, "2024-01-01", sum.LastLoad.FirstDate)
	assert.Equal(t, "2024-02-29", sum.LastLoad.LastDate)
	assert.Contains(t, sum.LastLoad.Files[0].File, "planner:xxxxx@127.0.0.1")
}

// Promotion flags in the sales with no plan of the days ahead: the
// forecast leaves the driver out and says so, on the terminal and in
// every line of models.csv; the same flags every other week are carried
// on by that schedule.
func TestForecastSaysWhichDriversNothingPlans(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, promo func(day int) bool) string {
		var b strings.Builder
		b.WriteString("date,sku,location,qty,promo\n")
		start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) // a Monday
		for d := 0; d < 364; d++ {
			qty := 40 + d%7*3
			if promo(d) {
				qty = qty * 3 / 2
			}
			fmt.Fprintf(&b, "%s,A,S1,%d,%t\n", start.AddDate(0, 0, d).Format("2006-01-02"), qty, promo(d))
		}
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		return path
	}
	random := write("random.csv", func(d int) bool { return (d*7)%10 < 3 })
	models := filepath.Join(dir, "models.csv")
	code, out, errOut := planner(t, "forecast", "--sales", random, "--horizon", "14", "--out", filepath.Join(dir, "f.csv"), "--out-models", models)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "drivers left out: promo is in the sales history, but nothing plans it ahead and it keeps to no schedule")
	raw, err := os.ReadFile(models)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	assert.Equal(t, "sku,location,channel,model,class,why,note,drivers,drivers_left_out,drivers_scheduled", lines[0])
	assert.True(t, strings.HasSuffix(lines[1], ",,promo,"), lines[1])

	fortnight := write("fortnight.csv", func(d int) bool { return d%14 < 5 })
	code, out, errOut = planner(t, "forecast", "--sales", fortnight, "--horizon", "14", "--out", filepath.Join(dir, "f.csv"), "--out-models", models)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "carried on by their schedule: promo every 14 days")
	raw, err = os.ReadFile(models)
	require.NoError(t, err)
	lines = strings.Split(strings.TrimSpace(string(raw)), "\n")
	assert.True(t, strings.HasSuffix(lines[1], ",promo,,promo every 14 days"), lines[1])

	code, out, errOut = planner(t, "forecast", "--sales", random, "--horizon", "14", "--out", filepath.Join(dir, "f.csv"), "--json")
	require.Equal(t, 0, code, errOut)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &sum))
	assert.Equal(t, []any{"promo"}, sum["drivers_left_out"])
	assert.NotContains(t, sum, "drivers_scheduled")

	// The backtest decides as the forecast does, and says so.
	code, out, errOut = planner(t, "backtest", "--sales", fortnight, "--windows", "2", "--horizon", "14", "--models", "ets,theta", "--json")
	require.Equal(t, 0, code, errOut)
	sum = nil
	require.NoError(t, json.Unmarshal([]byte(out), &sum))
	assert.Equal(t, []any{"promo every 14 days"}, sum["drivers_scheduled"])
	overall := sum["overall"].([]any)
	require.Len(t, overall, 2)
	for k, name := range []string{"reg_ets", "reg_theta"} {
		assert.Equal(t, name, overall[k].(map[string]any)["model"], "every model forecasts with the carried-on driver")
	}
	assert.NotContains(t, sum, "drivers_left_out")
}

// A run with exceptions exits 3 by default; schedulers set 0 by flag or
// in planner.yaml, and the summary still names exceptions.csv. Every line
// an exception names is a row of the run's plan files: a DC that holds
// nothing cuts its stores' transfers to 0, and those lines stay.
func TestExceptionsExitCodeIsConfigurable(t *testing.T) {
	dir := shortDCSample(t)
	cfg := filepath.Join(dir, "planner.yaml")

	code, out, errOut := planner(t, "run", "--config", cfg)
	assert.Equal(t, 3, code, errOut)
	assert.Regexp(t, `(?m)^\d+ plan exceptions? to review, ranked by value at risk: exceptions.csv in the run folder$`, out)
	assert.NotContains(t, out, "data warning", "problems.csv is empty: plan exceptions are not data warnings")
	assert.Contains(t, errOut, "to review")
	run, err := filepath.EvalSymlinks(filepath.Join(dir, "out", "latest"))
	require.NoError(t, err)
	orders, err := os.ReadFile(filepath.Join(run, "orders.csv"))
	require.NoError(t, err)
	exs, err := os.ReadFile(filepath.Join(run, "exceptions.csv"))
	require.NoError(t, err)
	short := 0
	for _, row := range strings.Split(strings.TrimSpace(string(exs)), "\n")[1:] {
		f := strings.Split(row, ",")
		if f[1] != "dc_short" {
			continue
		}
		short++
		assert.True(t, strings.HasPrefix(f[3], "DC"), "the DC is the cause: %s", row)
		for _, id := range strings.Fields(f[5]) {
			plan, line, _ := strings.Cut(id, ":")
			require.Equal(t, "orders", plan, row)
			assert.Regexp(t, `(?m)^`+line+`,transfer,`+f[2]+`,`+f[3]+`,[^,]+,0,`, string(orders), "the cut line is in orders.csv with quantity 0")
		}
	}
	assert.Positive(t, short)

	code, out, errOut = planner(t, "run", "--config", cfg, "--exceptions-exit-code", "0")
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "to review, ranked by value at risk")

	code, _, errOut = planner(t, "run", "--config", cfg, "--exceptions-exit-code", "1")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--exceptions-exit-code must be 0 or from 3 to 125 (got 1)")

	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("exceptions:\n  exit_code: 0\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	code, _, errOut = planner(t, "run", "--config", cfg)
	assert.Equal(t, 0, code, errOut)
}

// shortDCSample is the small synthetic retailer with DCs that hold
// nothing: its run cuts the stores' transfers and has exceptions.
func shortDCSample(t *testing.T) string {
	dir := synthSample(t)
	inv := filepath.Join(dir, "inventory.csv")
	raw, err := os.ReadFile(inv)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		if strings.HasPrefix(f[2], "DC") {
			f[3] = "0" // on_hand
			lines[i+1] = strings.Join(f, ",")
		}
	}
	require.NoError(t, os.WriteFile(inv, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	return dir
}

// Snoozed exceptions survive the nights: the next run marks them snoozed
// and, with none left to act on, exits 0; an acknowledged one stays on
// the list as such and still counts.
func TestSnoozedExceptionsStaySnoozed(t *testing.T) {
	dir := shortDCSample(t)
	cfg := filepath.Join(dir, "planner.yaml")
	db := filepath.Join(dir, "planner.duckdb")
	code, _, errOut := planner(t, "run", "--config", cfg)
	require.Equal(t, 3, code, errOut)
	exs := readExceptions(t, filepath.Join(dir, "out", "latest", "exceptions.csv"))
	require.Greater(t, len(exs), 1)
	var ids []string
	for id := range exs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	code, out, errOut := planner(t, append([]string{"snooze", "--db", db, "--until", "2099-12-31", "--note", "DC inbound on its way"}, ids[1:]...)...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "recorded in "+db)
	code, _, errOut = planner(t, "snooze", "--db", db, "--ack", ids[0])
	require.Equal(t, 0, code, errOut)

	code, out, errOut = planner(t, "run", "--config", cfg)
	assert.Equal(t, 3, code, "the acknowledged one still counts: %s", errOut)
	assert.Regexp(t, `(?m)^1 plan exception to review`, out)
	exs = readExceptions(t, filepath.Join(dir, "out", "latest", "exceptions.csv"))
	assert.Equal(t, "acknowledged", exs[ids[0]])
	for _, id := range ids[1:] {
		assert.Equal(t, "snoozed", exs[id], id)
	}

	code, _, errOut = planner(t, "snooze", "--db", db, "--until", "2099-12-31", "EX-000000000000")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "EX-000000000000 is not an exception a run raised in this database")
	code, _, errOut = planner(t, "snooze", "--db", db, ids[0])
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "say how long")
}

// readExceptions reads exceptions.csv's status by exception_id.
func readExceptions(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range readCSVFile(t, path) {
		out[r["exception_id"]] = r["status"]
	}
	return out
}

// planner split writes a partition per shard of every SKU table and the
// other tables whole; its rows add up to the inputs.
func TestSplitCommand(t *testing.T) {
	dir := synthSample(t)
	out := filepath.Join(t.TempDir(), "split")
	code, stdout, errOut := planner(t, "split", "--config", filepath.Join(dir, "planner.yaml"), "--shards", "3", "--out", out, "--json")
	require.Equal(t, 0, code, errOut)
	var res struct {
		Rows map[string]int64 `json:"rows"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	assert.Equal(t, int64(5148), res.Rows["sales"])
	for i := 0; i < 3; i++ {
		_, err := os.Stat(filepath.Join(out, "sales", "shard="+strconv.Itoa(i)))
		assert.NoError(t, err, "shard %d", i)
	}
	_, err := os.Stat(filepath.Join(out, "locations.parquet"))
	assert.NoError(t, err)

	code, _, errOut = planner(t, "split", "--config", filepath.Join(dir, "planner.yaml"), "--shards", "0", "--out", out)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--shards must be from 1")
}

// Data warnings are counted apart from plan exceptions, and the count is
// problems.csv's rows.
func TestDataWarningsMatchProblemsCSV(t *testing.T) {
	dir := synthSample(t)
	sales := filepath.Join(dir, "sales.csv")
	raw, err := os.ReadFile(sales)
	require.NoError(t, err)
	lines := strings.Split(string(raw), "\n")
	f := strings.Split(lines[1], ",") // date,sku,location,channel,qty,price,...
	f[5] = "0"                        // a price of 0: a warning, not an error
	lines[1] = strings.Join(f, ",")
	require.NoError(t, os.WriteFile(sales, []byte(strings.Join(lines, "\n")), 0o600))
	code, out, errOut := planner(t, "run", "--config", filepath.Join(dir, "planner.yaml"), "--exceptions-exit-code", "0", "--json")
	require.Equal(t, 0, code, errOut)
	var m struct {
		DataWarnings int `json:"data_warnings"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &m))
	problems := readCSVFile(t, filepath.Join(dir, "out", "latest", "problems.csv"))
	require.NotEmpty(t, problems)
	assert.Equal(t, len(problems), m.DataWarnings)
	code, out, _ = planner(t, "run", "--config", filepath.Join(dir, "planner.yaml"), "--exceptions-exit-code", "0")
	require.Equal(t, 0, code)
	assert.Regexp(t, fmt.Sprintf(`(?m)^%d data warnings?: problems.csv in the run folder$`, len(problems)), out)
}

// Shard invariance of the forecast: the sample split in three, each shard
// run on its partitions with the whole panel's parameters (params.json:
// its drivers, the models auto prefers, the drivers' prior, the quantile
// calibration), gives, line for line, the forecasts of the whole run.
func TestShardsForecastAsTheWholeRun(t *testing.T) {
	dir := synthSample(t)
	cfg := filepath.Join(dir, "planner.yaml")
	split := filepath.Join(t.TempDir(), "split")
	code, _, errOut := planner(t, "split", "--config", cfg, "--shards", "3", "--out", split)
	require.Equal(t, 0, code, errOut)
	whole := filepath.Join(t.TempDir(), "whole.yaml")
	inputs := "inputs:\n"
	for _, table := range []string{"sales", "products", "locations", "prices", "promotions", "events", "inventory", "sourcing", "capacity", "preorders", "openings"} {
		if p := filepath.Join(dir, table+".csv"); exists(p) {
			inputs += fmt.Sprintf("  %s: %s\n", table, p)
		}
	}
	require.NoError(t, os.WriteFile(whole, []byte("db: whole.duckdb\nout: whole\nstages: [load, forecast]\n"+inputs), 0o600))
	code, _, errOut = planner(t, "run", "--config", whole)
	require.Equal(t, 0, code, errOut)
	want := dataLines(t, filepath.Join(filepath.Dir(whole), "whole", "latest", "forecasts.csv"))

	// Each shard through planner shard, as an Indexed Job would run it,
	// with the sample's settings and its forecast's stages.
	shardCfg := filepath.Join(t.TempDir(), "shard.yaml")
	require.NoError(t, os.WriteFile(shardCfg, []byte("stages: [load, forecast]\ninputs:\n  sales: unused.csv\n"), 0o600))
	runs := filepath.Join(t.TempDir(), "runs")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where a shard works
	var got []string
	for i := 0; i < 3; i++ {
		t.Setenv("JOB_COMPLETION_INDEX", strconv.Itoa(i))
		code, out, errOut := planner(t, "shard", "--shard", "auto/3", "--in", split, "--out", runs, "--run", "R1", "--config", shardCfg, "--json")
		require.Equal(t, 0, code, errOut)
		var sm struct {
			Shard, Shards int
			Files         []struct {
				Name   string
				Rows   int64
				SHA256 string
			}
		}
		require.NoError(t, json.Unmarshal([]byte(out), &sm))
		assert.Equal(t, [2]int{i, 3}, [2]int{sm.Shard, sm.Shards})
		folder := filepath.Join(runs, "run=R1", fmt.Sprintf("shard=%d-of-3", i))
		lines := dataLines(t, filepath.Join(folder, "forecasts.csv"))
		for _, f := range sm.Files {
			if f.Name == "forecasts.csv" {
				assert.Equal(t, int64(len(lines)), f.Rows)
				assert.Len(t, f.SHA256, 64)
			}
		}
		_, err := os.Stat(filepath.Join(folder, "_MANIFEST.json"))
		require.NoError(t, err)
		got = append(got, lines...)
	}
	slices.Sort(got)
	require.Equal(t, len(want), len(got))
	assert.Equal(t, want, got)

	// A retried shard overwrites its files with the same bytes.
	manifest := filepath.Join(runs, "run=R1", "shard=2-of-3", "_MANIFEST.json")
	before, err := os.ReadFile(manifest)
	require.NoError(t, err)
	code, _, errOut = planner(t, "shard", "--shard", "2/3", "--in", split, "--out", runs, "--run", "R1", "--config", shardCfg)
	require.Equal(t, 0, code, errOut)
	after, err := os.ReadFile(manifest)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after))
	entries, err := os.ReadDir(runs)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the run's folder only")
	entries, err = os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries, "each shard's own database and run folder are removed")

	code, _, errOut = planner(t, "shard", "--shard", "3/3", "--in", split, "--out", runs, "--run", "R1", "--config", shardCfg)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "the index must be from 0 to 2")

	// Reduce: every shard there and agreeing, the rows add up.
	code, out, errOut := planner(t, "reduce", "--run", "R1", "--shards", "3", "--in", runs, "--json")
	require.Equal(t, 0, code, errOut)
	var sum struct {
		Shards int              `json:"shards"`
		Rows   map[string]int64 `json:"rows"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &sum))
	assert.Equal(t, 3, sum.Shards)
	assert.Equal(t, int64(len(want)), sum.Rows["forecasts.csv"])
	// A shard without its manifest has not finished: exit 1, rerun it.
	m1 := filepath.Join(runs, "run=R1", "shard=1-of-3", "_MANIFEST.json")
	saved, err := os.ReadFile(m1)
	require.NoError(t, err)
	require.NoError(t, os.Remove(m1))
	code, _, errOut = planner(t, "reduce", "--run", "R1", "--shards", "3", "--in", runs)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "1 of 3 shards of run R1 have not finished (no _MANIFEST.json): shards [1]; rerun them")
	// A manifest of another run's shard, or a changed file: exit 2.
	require.NoError(t, os.WriteFile(m1, []byte(strings.Replace(string(saved), `"run_id": "R1"`, `"run_id": "R0"`, 1)), 0o600))
	code, _, errOut = planner(t, "reduce", "--run", "R1", "--shards", "3", "--in", runs)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "names shard 1 of 3 of run R0, not shard 1 of 3 of run R1")
	require.NoError(t, os.WriteFile(m1, saved, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(runs, "run=R1", "shard=1-of-3", "forecasts.csv"), []byte("changed\n"), 0o600))
	code, _, errOut = planner(t, "reduce", "--run", "R1", "--shards", "3", "--in", runs)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "shard 1: forecasts.csv is not the file its manifest lists")
	code, _, errOut = planner(t, "reduce", "--run", "R1", "--shards", "4", "--in", runs)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "run R1 has shards of another count (shard=0-of-3), not 4")
}

// dataLines are a CSV file's lines but its header, sorted.
func dataLines(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")[1:]
	slices.Sort(lines)
	return lines
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }
