package main

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// The merchandisers' loop end to end: a run, three quantities edited and
// approved in the workbook (one to 0, which cancels it), a fourth line
// approved as planned, a fifth rejected; the import; the push of the
// approved lines to an ERP on loopback. The ERP receives the edited
// quantities, the planned one, and nothing else. Then a forecast
// override, a rerun that shows it, and its FVA once the sales of its
// days are loaded (overrideAndScore).
func TestReviewRoundTrip(t *testing.T) {
	run := runSample(t)
	type edit struct {
		row  int
		qty  string
		want float64 // what the ERP gets; -1: not sent
	}
	ids := map[int]string{}
	planned := map[int]float64{}
	var edits []edit
	var kept, rejected int
	book := decide(t, run, func(f *excelize.File) {
		rows, err := f.GetRows("Orders", excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		at := func(r int, header string) float64 {
			v, _ := strconv.ParseFloat(rows[r-1][indexOf(rows[0], header)], 64)
			return v
		}
		// Three edits: a line raised to its maximum, one cut by an order
		// multiple, one cancelled (0); then one approved as planned and
		// one rejected.
		for r := 2; r <= len(rows); r++ {
			qty, mult, most := at(r, "Quantity"), at(r, "Order multiple"), at(r, "Max quantity")
			if qty <= 0 {
				continue
			}
			ids[r], planned[r] = rows[r-1][0], qty
			switch len(edits) {
			case 0:
				if most > qty {
					edits = append(edits, edit{r, fmtQty(most), most})
				}
				continue
			case 1:
				if qty >= 2*mult {
					edits = append(edits, edit{r, fmtQty(qty - mult), qty - mult})
				}
				continue
			case 2:
				edits = append(edits, edit{r, "0", -1})
				continue
			}
			if kept == 0 {
				kept = r
			} else if rejected == 0 {
				rejected = r
				break
			}
		}
		require.Len(t, edits, 3, "the sample has lines to raise, cut and cancel")
		require.Positive(t, rejected)
		for _, e := range edits {
			require.NoError(t, f.SetCellValue("Orders", column(t, f, "Orders", "Quantity", e.row), e.qty))
			require.NoError(t, f.SetCellValue("Orders", approveCell(t, f, "Orders", e.row), "yes"))
			require.NoError(t, f.SetCellValue("Orders", column(t, f, "Orders", "Note", e.row), "edited in review"))
		}
		require.NoError(t, f.SetCellValue("Orders", approveCell(t, f, "Orders", kept), "yes"))
		require.NoError(t, f.SetCellValue("Orders", approveCell(t, f, "Orders", rejected), "no"))
	})
	sum, written := importApprovals(t, book, run)
	assert.Equal(t, 4.0, sum["approved"])
	assert.Equal(t, 3.0, sum["edited"])
	assert.Contains(t, written, ",edited in review\n")

	var mu sync.Mutex
	got := map[string]float64{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Lines []map[string]any `json:"lines"`
		}
		body, _ := io.ReadAll(r.Body)
		require.NoError(t, json.Unmarshal(body, &req))
		mu.Lock()
		defer mu.Unlock()
		for _, l := range req.Lines {
			got[l["line_id"].(string)] = l["quantity"].(float64)
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	code, _, errOut := planner(t, "push", "--run", run, "--target", srv.URL, "--plans", "replenishment", "--approved-only")
	require.Equal(t, 0, code, errOut)
	want := map[string]float64{ids[kept]: planned[kept]}
	for _, e := range edits {
		if e.want >= 0 {
			want[ids[e.row]] = e.want
		}
	}
	assert.Equal(t, want, got)

	overrideAndScore(t, filepath.Dir(filepath.Dir(filepath.Dir(run))))
}

// Every bad edit is reported at once, each with its sheet, row and
// column, and nothing is written.
func TestImportApprovalsChecksEveryEdit(t *testing.T) {
	run := runSample(t)
	var max3 string
	book := decide(t, run, func(f *excelize.File) {
		rows, err := f.GetRows("Orders", excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		max3 = rows[2][indexOf(rows[0], "Max quantity")]
		m, _ := strconv.ParseFloat(max3, 64)
		require.NoError(t, f.SetCellValue("Orders", column(t, f, "Orders", "Quantity", 2), "-4"))
		require.NoError(t, f.SetCellValue("Orders", column(t, f, "Orders", "Quantity", 3), fmtQty(m+1000)))
		require.NoError(t, f.SetCellValue("Orders", column(t, f, "Orders", "Quantity", 4), "lots"))
	})
	code, _, errOut := planner(t, "import-approvals", book, "--run", run)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "3 errors in the workbook; nothing was imported")
	assert.Contains(t, errOut, "sheet Orders row 2, column Quantity: -4 is outside 0 to")
	assert.Contains(t, errOut, "sheet Orders row 3, column Quantity: ")
	assert.Contains(t, errOut, "is outside 0 to "+max3+", the line's maximum")
	assert.Contains(t, errOut, `sheet Orders row 4, column Quantity: "lots" is not a number`)
	assert.NoFileExists(t, filepath.Join(run, "approvals.csv"))
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func fmtQty(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// overrideAndScore checks that an override reaches the next run's
// forecasts of the sample in dir, and once the sales of its days are
// loaded, that planner accuracy scores it: FVA is the statistical
// forecast's WAPE less the final one's on the overridden days, computed
// here by hand from the two runs' forecasts.csv (the latest run's means
// are the next's statistical ones: same inputs) and the held-out sales.
func overrideAndScore(t *testing.T, dir string) {
	t.Helper()
	cfg := filepath.Join(dir, "planner.yaml")
	db := filepath.Join(dir, "planner.duckdb")
	first := readForecasts(t, filepath.Join(dir, "out", "latest", "forecasts.csv"))

	overrides := filepath.Join(t.TempDir(), "overrides.csv")
	require.NoError(t, os.WriteFile(overrides, []byte("sku,location,from,to,qty,change_pct,note,who\n"+
		"SKU00002,*,2023-04-02,2023-04-08,,50,flyer,ana\n"), 0o600))
	code, out, errOut := planner(t, "override", "--db", db, "--file", overrides)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "1 override stored")
	code, out, errOut = planner(t, "run", "--config", cfg, "--exceptions-exit-code", "0")
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `forecast .*; \d+ series-days overridden by planners`, out)
	second := readForecasts(t, filepath.Join(dir, "out", "latest", "forecasts.csv"))

	overridden := 0
	for k, f := range second {
		if f.override == "" {
			assert.Equal(t, first[k].mean, f.mean, k)
			continue
		}
		overridden++
		assert.Equal(t, "change +50%: flyer (ana)", f.override)
		assert.True(t, strings.HasPrefix(k, "SKU00002|") && k[len(k)-10:] <= "2023-04-08", k)
		assert.InDelta(t, 1.5*first[k].mean, f.mean, 1e-3, k)
	}
	assert.Positive(t, overridden)
	// The report says what moved since the run before: SKU00002 alone.
	page, err := os.ReadFile(filepath.Join(dir, "out", "latest", "report.html"))
	require.NoError(t, err)
	i := strings.Index(string(page), "<h3>Largest forecast moves</h3>")
	require.GreaterOrEqual(t, i, 0, "the report lists the forecast moves")
	rest := string(page)[i:]
	rest = rest[:strings.Index(rest, "</table>")]
	assert.Equal(t, 1, strings.Count(rest, "<tr><td>"), rest)
	assert.Contains(t, rest, "<tr><td>SKU00002</td>")

	// Nothing to score until the days' sales arrive.
	code, out, errOut = planner(t, "accuracy", "--db", db)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "No past forecast has sales to score yet")
	future := filepath.Join(dir, "truth", "future_sales.csv")
	code, _, errOut = planner(t, "load", "--db", db, "--sales", future, "--append")
	require.Equal(t, 0, code, errOut)

	code, out, errOut = planner(t, "accuracy", "--db", db, "--json")
	require.Equal(t, 0, code, errOut)
	var acc struct {
		Runs []struct {
			RunID          string   `json:"run_id"`
			WAPE           *float64 `json:"wape"`
			OverriddenDays int64    `json:"overridden_days"`
			FVA            *float64 `json:"fva"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &acc))
	require.Len(t, acc.Runs, 2)
	assert.Equal(t, int64(0), acc.Runs[0].OverriddenDays)
	assert.Nil(t, acc.Runs[0].FVA)
	require.NotNil(t, acc.Runs[1].FVA)
	assert.Equal(t, int64(overridden), acc.Runs[1].OverriddenDays)
	require.NotNil(t, acc.Runs[0].WAPE)

	actual := map[string]float64{}
	raw, err := os.ReadFile(future)
	require.NoError(t, err)
	for _, row := range strings.Split(strings.TrimSpace(string(raw)), "\n")[1:] {
		f := strings.Split(row, ",") // date,sku,location,channel,qty,...
		q, _ := strconv.ParseFloat(f[4], 64)
		actual[f[1]+"|"+f[2]+"|"+f[3]+"|"+f[0]] += q
	}
	var stat, final, sum float64
	for k, f := range second {
		if f.override == "" {
			continue
		}
		a := actual[k]
		stat += math.Abs(first[k].mean - a)
		final += math.Abs(f.mean - a)
		sum += a
	}
	require.Positive(t, sum)
	assert.InDelta(t, (stat-final)/sum, *acc.Runs[1].FVA, 2e-4)
}

type forecastRow struct {
	mean     float64
	override string
}

// readForecasts reads a forecasts.csv by sku|location|channel|date.
func readForecasts(t *testing.T, path string) map[string]forecastRow {
	t.Helper()
	out := map[string]forecastRow{}
	for _, r := range readCSVFile(t, path) {
		m, _ := strconv.ParseFloat(r["mean"], 64)
		out[r["sku"]+"|"+r["location"]+"|"+r["channel"]+"|"+r["date"]] = forecastRow{m, r["override"]}
	}
	return out
}

// Overrides can be written in the plan workbook's Overrides sheet, dates
// as the workbook's own date cells; a bad row is named by sheet, row and
// column, and nothing is stored.
func TestOverridesFromTheWorkbook(t *testing.T) {
	run := runSample(t)
	dir := filepath.Dir(filepath.Dir(filepath.Dir(run)))
	db := filepath.Join(dir, "planner.duckdb")
	fill := func(rows ...[]any) string {
		return decide(t, run, func(f *excelize.File) {
			for r, row := range rows {
				for c, v := range row {
					require.NoError(t, f.SetCellValue("Overrides", cellAt(c+1, r+2), v))
				}
			}
		})
	}
	day := time.Date(2023, 4, 3, 0, 0, 0, 0, time.UTC)
	bad := fill([]any{"SKU00002", "*", day, day, "", "", "no quantity nor change"})
	code, _, errOut := planner(t, "override", "--db", db, "--file", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "sheet Overrides row 2, column qty: give either qty")

	book := fill([]any{"SKU00002", "S001", day, day.AddDate(0, 0, 1), 9, "", "event", "ana"})
	code, out, errOut := planner(t, "override", "--db", db, "--file", book)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "1 override stored")
	code, _, errOut = planner(t, "run", "--config", filepath.Join(dir, "planner.yaml"), "--exceptions-exit-code", "0")
	require.Equal(t, 0, code, errOut)
	got := readForecasts(t, filepath.Join(dir, "out", "latest", "forecasts.csv"))
	n := 0
	for k, f := range got {
		if f.override != "" {
			n++
			assert.Equal(t, "set 9: event (ana)", f.override, k)
			assert.Equal(t, 9.0, f.mean, k)
			assert.Contains(t, []string{"2023-04-03", "2023-04-04"}, k[len(k)-10:], k)
		}
	}
	assert.Positive(t, n)
}

func cellAt(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}
