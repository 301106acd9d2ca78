package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leaks are what no message a person reads may hold: Go identifiers and
// package prefixes, SQL and DuckDB's error kinds, and the marks of a Go
// formatting mistake or a crash.
var leaks = []*regexp.Regexp{
	regexp.MustCompile(`\b(?:pipeline|config|datasets|files|export|forecast|replenish|allocation|pricing|production|series|supply|dist|hierarchy|pflag|cobra)\.[A-Z]\w*`),
	regexp.MustCompile(`(?:^|[\s(])(?:strconv|runtime|reflect|json|yaml|csv|gzip|flate|duckdb|sql|arrow|excelize|pflag|cobra|datasets|pipeline|forecast|pricing|push)(?:\.[A-Z]\w*|: )`),
	regexp.MustCompile(`\b(?:SELECT|INSERT|CREATE TABLE|Binder Error|Parser Error|Catalog Error|Conversion Error|Invalid Input Error)\b`),
	regexp.MustCompile(`%!|<nil>|goroutine \d|panic:|invalid syntax|cannot unmarshal|!!(?:str|int|seq|map)`),
}

// assertPlain fails when a message a person reads leaks internals.
func assertPlain(t *testing.T, what, msg string) {
	t.Helper()
	for _, re := range leaks {
		if m := re.FindString(msg); m != "" {
			t.Errorf("%s: the message shows %q:\n%s", what, m, msg)
		}
	}
}

func TestUnknownCommandsAndFlagsAreUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"forcast"}, `planner: unknown command "forcast" for "planner" (did you mean forecast?)`},
		{[]string{"datasets", "synthh"}, `planner: unknown command "synthh" for "planner datasets" (did you mean synth?)`},
		{[]string{"forecast", "--horizn", "3"}, `planner: unknown flag --horizn for "planner forecast" (did you mean --horizon?)`},
		{[]string{"forecast", "--colour"}, `planner: unknown flag --colour for "planner forecast"`},
		{[]string{"forecast", "--horizon", "x"}, `planner: --horizon: "x" is not a whole number`},
		{[]string{"forecast", "--quantiles", "0.1,x"}, `planner: --quantiles: "x" is not a number (a list such as 0.1,0.5,0.9)`},
		{[]string{"replenish", "--target", "high"}, `planner: --target: "high" is not a number`},
		{[]string{"forecast", "--horizon"}, `planner: --horizon needs a value`},
		{[]string{"simulate", "--seed", "-1"}, `planner: --seed: "-1" is not a whole number`},
		{[]string{"push", "--timeout", "soon"}, `planner: --timeout: "soon" is not a duration such as 30s or 2m`},
		{[]string{"forecast", "--horizon", "0", "--out", "f.csv"}, `planner: --horizon must be at least 1 (got 0)`},
		{[]string{"forecast", "--drivers", "maybe", "--out", "f.csv"}, `planner: --drivers "maybe" is not auto, on or off`},
		{[]string{"allocate", "--method", "random"}, `planner: --method "random" is not marginal, fair-share, equal-cover or priority`},
		{[]string{"produce", "--method", "magic"}, `planner: --method "magic" is not auto, ww, silver-meal, lfl or fpq`},
		{[]string{"price", "--max-change", "1.5"}, `planner: --max-change must be between 0 and 1 (got 1.5)`},
		{[]string{"inspect", "extra"}, `planner: planner inspect takes no arguments (got extra)`},
	} {
		code, out, errOut := planner(t, c.args...)
		assert.Equal(t, 2, code, "%v: %s", c.args, errOut)
		assert.Empty(t, out, "%v", c.args)
		assert.Equal(t, c.want+"\nRun 'planner help' for usage.\n", errOut, "%v", c.args)
		assertPlain(t, strings.Join(c.args, " "), errOut)
	}
	// A group without a command shows its help and succeeds.
	code, out, _ := planner(t, "datasets")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "synth")
}

func TestBadSettingsFilesSayWhatIsWrongInWords(t *testing.T) {
	dir := t.TempDir()
	for body, want := range map[string]string{
		"inputs:\n  sales: s.csv\nforecast:\n  horizn: 14\n": "line 4: horizn is not a setting here (docs/config.md lists every key)",
		"inputs:\n  sales: s.csv\nforecast:\n  horizon: x\n": "line 4: x is not a whole number",
		"inputs:\n  sales: s.csv\nreplenish:\n  target: 2\n": "replenish.target must be between 0 and 1 (got 2)",
		"inputs: [a]\n": "line 1: this value is not a section of keys",
		"inputs:\n  sales: s.csv\nallocate:\n  method: no\n": `allocate.method "no" is not marginal, fair-share, equal-cover or priority`,
	} {
		cfg := filepath.Join(dir, "planner.yaml")
		require.NoError(t, os.WriteFile(cfg, []byte(body), 0o644))
		for _, args := range [][]string{{"run", "--config", cfg}, {"forecast", "--config", cfg, "--out", "f.csv"}, {"load", "--config", cfg}} {
			code, _, errOut := planner(t, args...)
			assert.Equal(t, 2, code, "%v: %s", args, errOut)
			assert.Equal(t, "planner: "+cfg+": "+want+"\nRun 'planner help' for usage.\n", errOut, "%s with %v", body, args[0])
			assertPlain(t, body, errOut)
		}
	}
}

// Every bad input file of every planning command gets a plain message:
// the file, line and column, and what is wrong; never Go's or a
// library's words.
func TestBadPlanFilesSayWhatIsWrongInWords(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	good := write("forecasts.csv", "sku,location,date,mean,p10,p90\nA,S1,2025-01-01,5,2,8\nA,S1,2025-01-02,5,2,8\n")
	stock := write("stock.csv", "sku,dc,qty\nA,DC1,10\n")
	locs := write("locations.csv", "location,dc\nS1,DC1\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"allocate", "--forecasts", write("f1.csv", "sku,location,date,mean\nA,S1,2025-01-01,x\n"), "--stock", stock, "--locations", locs},
			`f1.csv line 2, column mean: "x" is not a number >= 0`},
		{[]string{"allocate", "--forecasts", write("f2.csv", "sku,location,day,mean\nA,S1,2025-01-01,1\n"), "--stock", stock, "--locations", locs},
			"f2.csv: no date column; a forecast file has sku, location, date, mean and quantile columns such as p10, p90"},
		{[]string{"allocate", "--forecasts", write("f3.csv", "sku,location,date,mean\nA,S1,01/02/2025,1\n"), "--stock", stock, "--locations", locs},
			`f3.csv line 2, column date: "01/02/2025" is not a date (YYYY-MM-DD)`},
		{[]string{"allocate", "--forecasts", write("f4.csv", "sku,location,date,mean\n\"A,S1,2025-01-01,1\n"), "--stock", stock, "--locations", locs},
			"f4.csv line 2: a quoted field is not closed, or has text after its closing quote"},
		{[]string{"allocate", "--forecasts", good, "--stock", write("s1.csv", "sku,dc,qty\nA,DC1,-3\n"), "--locations", locs},
			"s1.csv line 2, column qty: -3 is below 0"},
		{[]string{"allocate", "--forecasts", good, "--stock", write("s2.csv", "sku,qty\nA,3\n"), "--locations", locs},
			"s2.csv: no dc column; the header must name sku, dc, qty (it is sku,qty)"},
		{[]string{"allocate", "--forecasts", good, "--stock", stock, "--locations", write("l1.csv", "location,dc,pack_size\nS1,DC1,0\n")},
			"l1.csv line 2, column pack_size: is 0; a pack holds at least one unit (leave it empty for single units)"},
		{[]string{"allocate", "--forecasts", good, "--stock", stock, "--locations", write("l2.csv", "location,dc,priority\nS1,DC1,1.5\n")},
			"l2.csv line 2, column priority: 1.5 is not a whole number"},
		{[]string{"allocate", "--forecasts", good, "--stock", stock, "--locations", locs, "--like", write("k1.csv", "sku,like_sku\nN,N\n")},
			"k1.csv line 2, column like_sku: N is the SKU itself"},
		{[]string{"allocate", "--forecasts", filepath.Join(dir, "missing.csv"), "--stock", stock, "--locations", locs},
			filepath.Join(dir, "missing.csv") + ": the file does not exist"},
		{[]string{"produce", "--demand", write("d1.csv", "factory,sku,period,qty\nF1,A,1,lots\n"), "--capacity", write("c1.csv", "factory,period,capacity\nF1,1,5\n"),
			"--costs", write("k2.csv", "sku,setup_cost,holding_cost\nA,1,1\n")}, `d1.csv line 2, column qty: "lots" is not a number`},
		{[]string{"produce", "--demand", write("d2.csv", "factory,sku,period,qty\nF1,A,1,3\n"), "--capacity", write("c2.csv", "factory,period,capacity\nF1,1,5\nF1,1,6\n"),
			"--costs", write("k3.csv", "sku,setup_cost,holding_cost\nA,1,1\n")}, "c2.csv line 3, column period: 1 of F1 is listed twice (line 2 too)"},
		{[]string{"produce", "--demand", write("d3.csv", "factory,sku,period,qty\nF1,A,1,3\n"), "--capacity", write("c3.csv", "factory,period,capacity\nF1,1,5\n"),
			"--costs", write("k4.csv", "sku,setup_cost,holding_cost,lead_time\nA,1,1,0.5\n")}, "k4.csv line 2, column lead_time: 0.5 is not a whole number of periods"},
	} {
		code, _, errOut := planner(t, c.args...)
		assert.Equal(t, 2, code, "%v: %s", c.args, errOut)
		assert.Equal(t, "planner: "+filepath.Join(dir, "")+string(filepath.Separator)+strings.TrimPrefix(c.want, dir+string(filepath.Separator))+"\n", errOut, "%v", c.args[:2])
		assertPlain(t, strings.Join(c.args, " "), errOut)
	}
}

func TestVersionJSON(t *testing.T) {
	code, out, errOut := planner(t, "version", "--json")
	require.Equal(t, 0, code, errOut)
	var v map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	assert.Equal(t, "dev", v["version"])
	assert.Regexp(t, `^go1\.\d+`, v["go"])
	assert.Regexp(t, `^v1\.\d+\.\d+`, v["duckdb"])
	assert.Contains(t, v, "commit")
	code, out, _ = planner(t, "version")
	require.Equal(t, 0, code)
	assert.Equal(t, "planner dev\n", out)
}

func TestFlagValuesComplete(t *testing.T) {
	for flag, want := range map[string][]string{
		"--models":    {"auto", "ets", "theta", "croston_sba"},
		"--freq":      {"D", "W", "M"},
		"--drivers":   {"auto", "on", "off"},
		"--reconcile": {"none", "bu", "td", "mint"},
	} {
		code, out, errOut := planner(t, "__complete", "forecast", flag, "")
		require.Equal(t, 0, code, errOut)
		for _, w := range want {
			assert.Contains(t, strings.Split(out, "\n"), w, flag)
		}
	}
	code, out, _ := planner(t, "__complete", "allocate", "--method", "")
	require.Equal(t, 0, code)
	assert.Equal(t, []string{"marginal", "fair-share", "equal-cover", "priority"}, strings.Split(out, "\n")[:4])
	code, out, _ = planner(t, "__complete", "replenish", "--policy", "")
	require.Equal(t, 0, code)
	assert.Equal(t, []string{"auto", "order-up-to", "base-stock", "reorder-point", "min-max"}, strings.Split(out, "\n")[:5])
}

// Every problem the corpus of bad inputs (datasets/testdata/bad) reports
// through planner validate and planner load is in plain words.
func TestBadInputCorpusMessagesArePlain(t *testing.T) {
	root := filepath.Join("..", "..", "datasets", "testdata", "bad")
	cases, err := os.ReadDir(root)
	require.NoError(t, err)
	checked := 0
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		dir := filepath.Join(root, c.Name())
		var args []string
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		for _, e := range entries {
			table, _, _ := strings.Cut(e.Name(), ".")
			if e.Name() != "want.txt" && e.Name() != "args" {
				args = append(args, "--"+table, filepath.Join(dir, e.Name()))
			}
		}
		if raw, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
			for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
				key, val, _ := strings.Cut(strings.TrimSpace(line), " ")
				switch key {
				case "map", "date-format":
					args = append(args, "--"+key, val)
				case "file":
					table, path, _ := strings.Cut(val, " ")
					args = append(args, "--"+table, filepath.Join(dir, path))
				}
			}
		}
		for _, cmd := range []string{"validate", "load"} {
			db := filepath.Join(t.TempDir(), "p.duckdb")
			_, out, errOut := planner(t, append([]string{cmd, "--db", db}, args...)...)
			assertPlain(t, c.Name()+" "+cmd, out+errOut)
		}
		checked++
	}
	assert.GreaterOrEqual(t, checked, 30)
}

// The leak patterns catch what users were shown before.
func TestLeakPatternsCatchInternals(t *testing.T) {
	for _, msg := range []string{
		"planner: field horizn not found in type pipeline.ForecastConfig",
		`planner: invalid argument "x" for "--horizon" flag: strconv.ParseInt: parsing "x": invalid syntax`,
		"planner: Parser Error: unterminated quoted string at or near \"'\"",
		"planner: datasets: the input has 3 errors, nothing was loaded",
		"planner: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into config.Inputs",
		"planner: %!d(string=x)",
	} {
		found := false
		for _, re := range leaks {
			found = found || re.MatchString(msg)
		}
		assert.True(t, found, msg)
	}
	for _, msg := range []string{
		"planner: /data/planner.yaml: line 4: horizn is not a setting here (docs/config.md lists every key)",
		"planner: sales.csv line 3, column qty: -1 is negative",
	} {
		for _, re := range leaks {
			assert.False(t, re.MatchString(msg), msg)
		}
	}
}
