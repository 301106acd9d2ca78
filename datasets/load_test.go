package datasets

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/series"
)

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

const (
	productsCSV = "sku,name,category,department,unit_cost,unit_price,pack_size\n" +
		"A,Apple juice,Grocery,Drinks,0.5,1.2,6\nB,Bread,Fresh,Bakery,0.4,1.0,1\n"
	locationsCSV = "location,type,region,dc\nDC1,dc,North,\nS1,store,North,DC1\nS2,store,North,DC1\n"
	salesCSV     = "date,sku,location,channel,qty,price,promo\n" +
		"2024-01-01,A,S1,store,3,1.2,false\n2024-01-02,A,S1,store,5,1.0,true\n" +
		"2024-01-01,B,S2,store,1,1.0,false\n2024-01-03,B,S2,online,2,1.0,false\n"
)

func sampleFiles(t testing.TB) map[string]string {
	dir := t.TempDir()
	return map[string]string{
		"products":  writeFile(t, dir, "products.csv", productsCSV),
		"locations": writeFile(t, dir, "locations.csv", locationsCSV),
		"sales":     writeFile(t, dir, "sales.csv", salesCSV),
	}
}

func TestLoadStoresTypedRowsAndRecordsTheLoad(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	rep, err := s.Load(ctx, LoadOptions{Files: sampleFiles(t)})
	require.NoError(t, err)
	assert.True(t, rep.Committed)
	assert.Equal(t, int64(4), rep.Rows("sales"))
	assert.Equal(t, int64(2), rep.Rows("products"))
	for _, tl := range rep.Tables {
		assert.Len(t, tl.SHA256, 64, "checksum of %s", tl.File)
	}

	var qty, price float64
	var promo bool
	var channel string
	err = s.DB().QueryRowContext(ctx, `SELECT qty, price, promo, channel FROM sales WHERE sku = 'A' AND date = DATE '2024-01-02'`).
		Scan(&qty, &price, &promo, &channel)
	require.NoError(t, err)
	assert.Equal(t, []any{5.0, 1.0, true, "store"}, []any{qty, price, promo, channel})

	var pack float64
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT pack_size FROM products WHERE sku = 'B'`).Scan(&pack))
	assert.Equal(t, 1.0, pack)

	var loads int
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT count(*) FROM planner_loads WHERE load_id = 1`).Scan(&loads))
	assert.Equal(t, 3, loads)
}

func TestFailedLoadLeavesTheDatabaseAsItWas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "planner.duckdb")
	s, err := Open(ctx, path, nil)
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Load(ctx, LoadOptions{Files: sampleFiles(t)})
	require.NoError(t, err)
	before := tableFingerprint(t, s)

	dir := t.TempDir()
	bad := map[string]string{
		"products": writeFile(t, dir, "products.csv", "sku,name\nA,Apple\nZ,Zucchini\n"),
		"sales":    writeFile(t, dir, "sales.csv", "date,sku,location,qty\n2024-02-01,A,S1,3\n2024-02-01,Q,S1,-1\n"),
	}
	_, err = s.Load(ctx, LoadOptions{Files: bad})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, 2, ve.Problems.Errors(), "unknown SKU Q and the negative quantity: %v", ve.Problems)
	assert.Equal(t, before, tableFingerprint(t, s), "a failed load must not change any table")

	// The database file survives a reopen unchanged too.
	require.NoError(t, s.Close())
	s2, err := Open(ctx, path, nil)
	require.NoError(t, err)
	defer s2.Close()
	assert.Equal(t, before, tableFingerprint(t, s2))
}

// tableFingerprint summarises every canonical table's contents.
func tableFingerprint(t *testing.T, s *Store) map[string]string {
	out := map[string]string{}
	for _, tb := range Tables {
		var n int64
		var h *string
		q := fmt.Sprintf("SELECT count(*), CAST(sum(hash(%s)) AS VARCHAR) FROM %s", quotedColumns(tb), quoteIdent(tb.Name))
		require.NoError(t, s.DB().QueryRow(q).Scan(&n, &h))
		v := fmt.Sprint(n)
		if h != nil {
			v += "/" + *h
		}
		out[tb.Name] = v
	}
	var loads int64
	require.NoError(t, s.DB().QueryRow("SELECT count(*) FROM planner_loads").Scan(&loads))
	out["planner_loads"] = fmt.Sprint(loads)
	return out
}

// An append adds rows; a file that re-sends days already loaded (as
// nightly extracts do) replaces those days of the series it holds, rows
// that vanished included. Loading the same file twice leaves the tables
// as they were.
func TestAppendReplacesTheDaysAFileSendsAgain(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	files := sampleFiles(t)
	_, err := s.Load(ctx, LoadOptions{Files: files})
	require.NoError(t, err)

	dir := t.TempDir()
	more := writeFile(t, dir, "feb.csv", "date,sku,location,qty\n2024-02-01,A,S1,7\n2024-02-02,A,S1,2\n2024-02-01,B,S2,4\n")
	rep, err := s.Load(ctx, LoadOptions{Files: map[string]string{"sales": more}, Append: true})
	require.NoError(t, err)
	assert.Equal(t, int64(3), rep.Rows("sales"))
	before := tableDump(t, s)

	// The same file again: nothing changes in the tables.
	_, err = s.Load(ctx, LoadOptions{Files: map[string]string{"sales": more}, Append: true})
	require.NoError(t, err)
	assert.Equal(t, before, tableDump(t, s))

	// A re-sent window, 02-01 to 02-03: 02-02 of A is corrected, 02-01 of
	// A no longer sold (no row), B's 02-01 sent as it was, 02-03 is new.
	// The days before the window are kept.
	again := writeFile(t, dir, "again.csv", "date,sku,location,qty\n2024-02-02,A,S1,5\n2024-02-03,A,S1,1\n2024-02-01,B,S2,4\n")
	_, err = s.Load(ctx, LoadOptions{Files: map[string]string{"sales": again}, Append: true})
	require.NoError(t, err)
	rows, err := s.DB().Query("SELECT strftime(date, '%Y-%m-%d') || ' ' || sku || ' ' || qty FROM sales WHERE date >= DATE '2024-02-01' ORDER BY 1")
	require.NoError(t, err)
	var got []string
	for rows.Next() {
		var r string
		require.NoError(t, rows.Scan(&r))
		got = append(got, r)
	}
	rows.Close()
	assert.Equal(t, []string{"2024-02-01 B 4.0", "2024-02-02 A 5.0", "2024-02-03 A 1.0"}, got)

	sum, err := s.Inspect(ctx)
	require.NoError(t, err)
	require.NotNil(t, sum.LastLoad)
	assert.Equal(t, "append", sum.LastLoad.Mode)
	assert.Equal(t, int64(3), sum.LastLoad.RowsAdded)
	assert.Equal(t, int64(3), sum.LastLoad.RowsReplaced, "02-01 and 02-02 of A, 02-01 of B")
	assert.Equal(t, "2024-02-01", sum.LastLoad.FirstDate)
	assert.Equal(t, "2024-02-03", sum.LastLoad.LastDate)
	assert.Equal(t, []LoadedFile{{Table: "sales", File: again, Rows: 3, Replaced: 3}}, sum.LastLoad.Files)
	n, err := s.RowCount(ctx, "sales")
	require.NoError(t, err)
	assert.Equal(t, int64(4+3), n, "the four January rows and the window's three")

	// The day A no longer sold is removed, and the report says so.
	rep, err = s.Load(ctx, LoadOptions{Files: map[string]string{"sales": again}, Append: true})
	require.NoError(t, err)
	for _, p := range rep.Problems {
		assert.NotEqual(t, "resent_days_cleared", p.Code, "the same file again clears nothing")
	}
	sparse := writeFile(t, dir, "sparse.csv", "date,sku,location,qty\n2024-02-01,A,S1,9\n2024-02-03,B,S2,1\n")
	rep, err = s.Load(ctx, LoadOptions{Files: map[string]string{"sales": sparse}, Append: true})
	require.NoError(t, err)
	var cleared []Problem
	for _, p := range rep.Problems {
		if p.Code == "resent_days_cleared" {
			cleared = append(cleared, p)
		}
	}
	require.Len(t, cleared, 1)
	assert.Equal(t, int64(3), cleared[0].Count, "A's 02-02 and 02-03, B's 02-01")
	assert.Equal(t, "removed 3 rows loaded before: the file covers the days from 2024-02-01 to 2024-02-03 and sends no row on those days for their series (a re-sent day without a row is a day without sales)", cleared[0].Message)
}

// tableDump prints every canonical table's rows, sorted.
func tableDump(t *testing.T, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tb := range Tables {
		var dump sql.NullString
		require.NoError(t, s.DB().QueryRow(fmt.Sprintf("SELECT string_agg(r, '\n' ORDER BY r) FROM (SELECT CAST(t AS VARCHAR) AS r FROM %s t)", quoteIdent(tb.Name))).Scan(&dump))
		out[tb.Name] = dump.String
	}
	return out
}

func TestReplacingAMasterWarnsAboutOrphanedRows(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	_, err := s.Load(ctx, LoadOptions{Files: sampleFiles(t)})
	require.NoError(t, err)
	dir := t.TempDir()
	rep, err := s.Load(ctx, LoadOptions{Files: map[string]string{"products": writeFile(t, dir, "p.csv", "sku\nA\n")}})
	require.NoError(t, err)
	var found bool
	for _, p := range rep.Problems {
		if p.Code == "orphaned_rows" && p.Table == "sales" {
			found = true
			assert.Contains(t, p.Message, "2 rows already in sales")
			assert.Contains(t, p.Message, ": B")
		}
	}
	assert.True(t, found, "expected an orphaned_rows warning, got %v", rep.Problems)
}

func TestLoadGzipSemicolonsDayFirstDatesAndMapping(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "export.csv.gz")
	f, err := os.Create(path)
	require.NoError(t, err)
	zw := gzip.NewWriter(f)
	fmt.Fprint(zw, "\ufeffDay;Article;Store;Units;Visits\n31/01/2024;A;S1;3;9\n01/02/2024;A;S1;4;9\n02/02/2024;A;S1;;9\n")
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())

	m, err := files.ParseMapping("date=Day,sku=Article,location=Store,qty=Units")
	require.NoError(t, err)
	_, err = s.Load(ctx, LoadOptions{Files: map[string]string{"sales": path}, Map: m})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve, "the empty Units cell is a missing value")
	last := ve.Problems[len(ve.Problems)-1]
	assert.Equal(t, "error: "+path+" line 4, column Units: the value is empty (every sales row needs a qty)", last.String())

	writeGz := func(body string) {
		f, _ := os.Create(path)
		zw := gzip.NewWriter(f)
		fmt.Fprint(zw, body)
		zw.Close()
		f.Close()
	}
	writeGz("Day;Article;Store;Units\n31/01/2024;A;S1;3\n01/02/2024;A;S1;4\n")
	_, err = s.Load(ctx, LoadOptions{Files: map[string]string{"sales": path}, Map: m})
	require.NoError(t, err)
	var n int
	require.NoError(t, s.DB().QueryRow("SELECT count(*) FROM sales WHERE date = DATE '2024-02-01' AND qty = 4").Scan(&n))
	assert.Equal(t, 1, n, "01/02/2024 is the first of February when another date is 31/01")
}

func TestLoadParquetReportsRowsOfBadValues(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "sales.parquet")
	_, err := s.DB().Exec(fmt.Sprintf(`COPY (SELECT DATE '2024-01-01' + i::INTEGER AS date, 'A' AS sku, 'S1' AS location,
		(i * 2)::INTEGER AS units FROM range(10) t(i)) TO '%s' (FORMAT parquet)`, good))
	require.NoError(t, err)
	m, _ := files.ParseMapping("qty=units")
	rep, err := s.Load(ctx, LoadOptions{Files: map[string]string{"sales": good}, Map: m})
	require.NoError(t, err)
	assert.Equal(t, int64(10), rep.Rows("sales"))
	var total float64
	require.NoError(t, s.DB().QueryRow("SELECT sum(qty) FROM sales").Scan(&total))
	assert.Equal(t, 90.0, total)

	bad := filepath.Join(dir, "bad.parquet")
	_, err = s.DB().Exec(fmt.Sprintf(`COPY (SELECT * FROM (VALUES ('2024-01-01', 'A', 'S1', '3'), ('2024-01-02', 'A', 'S1', 'lots'),
		('2024-01-03', 'A', 'S1', '-1')) v(date, sku, location, qty)) TO '%s' (FORMAT parquet)`, bad))
	require.NoError(t, err)
	_, err = s.Validate(ctx, LoadOptions{Files: map[string]string{"sales": bad}})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	var got []string
	for _, p := range ve.Problems {
		if p.Severity == Error {
			got = append(got, strings.TrimPrefix(p.String(), "error: "+bad+" "))
		}
	}
	assert.Equal(t, []string{
		`row 2, column qty: "lots" is not a number`,
		`row 3, column qty: -1 is negative (qty must be zero or more)`,
	}, got)
}

func TestLoadXLSXWithDateCellsAndTextDates(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	path := filepath.Join(t.TempDir(), "sales.xlsx")
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	rows := [][]any{
		{"date", "sku", "location", "qty", "promo"},
		{excelDate(t, "2024-03-01"), "A", "S1", 3, "yes"},
		{"2024-03-02", "A", "S1", 4.5, "no"},
		{},
		{excelDate(t, "2024-03-03"), "A", "S1", "n/a", "no"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, f.SetSheetRow(sheet, cell, &r))
	}
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellStyle(sheet, "A2", "A5", style)
	require.NoError(t, f.SaveAs(path))

	_, err := s.Load(ctx, LoadOptions{Files: map[string]string{"sales": path}})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	bad := ve.Problems[len(ve.Problems)-1]
	assert.Equal(t, int64(5), bad.Line, "the sheet row, counting the blank row")
	assert.Equal(t, "row", bad.Where)
	assert.Equal(t, "qty", bad.Column)

	// Fix the cell and load.
	f2, err := excelize.OpenFile(path)
	require.NoError(t, err)
	f2.SetCellValue(sheet, "D5", 1)
	require.NoError(t, f2.Save())
	rep, err := s.Load(ctx, LoadOptions{Files: map[string]string{"sales": path}})
	require.NoError(t, err)
	assert.Equal(t, int64(3), rep.Rows("sales"))
	var dates string
	require.NoError(t, s.DB().QueryRow("SELECT string_agg(CAST(date AS VARCHAR) || ':' || CAST(qty AS VARCHAR) || ':' || CAST(promo AS VARCHAR), ' ' ORDER BY date) FROM sales").Scan(&dates))
	assert.Equal(t, "2024-03-01:3.0:true 2024-03-02:4.5:false 2024-03-03:1.0:false", dates)
}

func excelDate(t *testing.T, s string) float64 {
	d, err := parseISO(s)
	require.NoError(t, err)
	// Excel's serial day 25569 is 1970-01-01.
	return float64(d) + 25569
}

func TestLoadM5WideFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files := writeM5(t, dir, 4, 3, 10)
	s := openMemory(t)
	rep, err := s.Load(ctx, LoadOptions{M5: &files})
	require.NoError(t, err)
	assert.Equal(t, int64(4*3*10), rep.Rows("sales"))
	assert.Equal(t, int64(4), rep.Rows("products"))
	assert.Equal(t, int64(3), rep.Rows("locations"))

	// Day d_7 is 2016-01-07; item i of store j sold i*10+j+7 units at price 1+i/10.
	var qty, price float64
	err = s.DB().QueryRow(`SELECT qty, price FROM sales WHERE sku = 'FOODS_1_002' AND location = 'CA_3' AND date = DATE '2016-01-07'`).Scan(&qty, &price)
	require.NoError(t, err)
	assert.Equal(t, float64(2*10+3+7), qty)
	assert.InDelta(t, 1.2, price, 1e-9)

	var dept, region string
	require.NoError(t, s.DB().QueryRow(`SELECT department FROM products WHERE sku = 'FOODS_1_002'`).Scan(&dept))
	require.NoError(t, s.DB().QueryRow(`SELECT region FROM locations WHERE location = 'CA_3'`).Scan(&region))
	assert.Equal(t, []string{"FOODS_1", "CA"}, []string{dept, region})

	var events, snaps int
	require.NoError(t, s.DB().QueryRow(`SELECT count(*) FILTER (WHERE kind = 'sporting'), count(*) FILTER (WHERE kind = 'snap') FROM events`).Scan(&events, &snaps))
	assert.Equal(t, []int{1, 3}, []int{events, snaps})

	// A day column the calendar does not know is an error naming it.
	bad := writeM5(t, t.TempDir(), 1, 1, 12)
	cal := writeFile(t, filepath.Dir(bad.Calendar), "calendar.csv", m5CalendarCSV(10))
	bad.Calendar = cal
	_, err = s.Validate(ctx, LoadOptions{M5: &bad})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Error(), "2 day columns are not in")
	assert.Contains(t, ve.Error(), "d_11, d_12")

	// A negative value points at its line and day column.
	neg := writeM5(t, t.TempDir(), 2, 1, 5)
	body, _ := os.ReadFile(neg.Sales)
	lines := strings.Split(string(body), "\n")
	lines[2] = strings.Replace(lines[2], ",24,", ",-24,", 1)
	require.NoError(t, os.WriteFile(neg.Sales, []byte(strings.Join(lines, "\n")), 0o644))
	_, err = s.Validate(ctx, LoadOptions{M5: &neg})
	require.ErrorAs(t, err, &ve)
	last := ve.Problems[len(ve.Problems)-1]
	assert.Equal(t, fmt.Sprintf("error: %s line 3, column d_3: -24 is negative (qty must be zero or more)", neg.Sales), last.String())
}

// writeM5 writes an M5-style dataset: items FOODS_1_001.., stores CA_1..,
// days d_1..d_days from 2016-01-01, weekly prices.
func writeM5(t testing.TB, dir string, items, stores, days int) M5Files {
	var b strings.Builder
	b.WriteString("id,item_id,dept_id,cat_id,store_id,state_id")
	for d := 1; d <= days; d++ {
		fmt.Fprintf(&b, ",d_%d", d)
	}
	b.WriteString("\n")
	var prices strings.Builder
	prices.WriteString("store_id,item_id,wm_yr_wk,sell_price\n")
	for i := 1; i <= items; i++ {
		for j := 1; j <= stores; j++ {
			item, store := fmt.Sprintf("FOODS_1_%03d", i), fmt.Sprintf("CA_%d", j)
			fmt.Fprintf(&b, "%s_%s_evaluation,%s,FOODS_1,FOODS,%s,CA", item, store, item, store)
			for d := 1; d <= days; d++ {
				fmt.Fprintf(&b, ",%d", i*10+j+d)
			}
			b.WriteString("\n")
			for w := 0; w <= days/7; w++ {
				fmt.Fprintf(&prices, "%s,%s,%d,%.2f\n", store, item, 11601+w, 1+float64(i)/10)
			}
		}
	}
	return M5Files{
		Sales:    writeFile(t, dir, "sales_train_evaluation.csv", b.String()),
		Calendar: writeFile(t, dir, "calendar.csv", m5CalendarCSV(days)),
		Prices:   writeFile(t, dir, "sell_prices.csv", prices.String()),
	}
}

func m5CalendarCSV(days int) string {
	var b strings.Builder
	b.WriteString("date,wm_yr_wk,weekday,wday,month,year,d,event_name_1,event_type_1,event_name_2,event_type_2,snap_CA,snap_TX,snap_WI\n")
	start, _ := parseISO("2016-01-01")
	for d := 0; d < days; d++ {
		date := start + d
		ev, typ := "", ""
		if d == 5 {
			ev, typ = "SuperBowl", "Sporting"
		}
		snap := 0
		if d < 3 {
			snap = 1
		}
		fmt.Fprintf(&b, "%s,%d,x,1,1,2016,d_%d,%s,%s,,,%d,0,0\n", dateString(date), 11601+d/7, d+1, ev, typ, snap)
	}
	return b.String()
}

func TestOpenReportsALockedDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.duckdb")
	ctx := context.Background()
	s, err := Open(ctx, path, nil)
	require.NoError(t, err)
	defer s.Close()
	// A second handle in the same process shares DuckDB's instance cache
	// only through the same connector; a fresh Open is a second instance
	// and must be refused with a clear message.
	_, err = Open(ctx, path, nil)
	if err != nil {
		assert.Contains(t, err.Error(), path)
	}
	_, err = Open(ctx, filepath.Join(t.TempDir(), "missing", "x.duckdb"), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "database folder")
}

func TestParseMappingAndDidYouMean(t *testing.T) {
	m, err := files.ParseMapping(" qty=units , location=store_id,products.name=description")
	require.NoError(t, err)
	assert.Equal(t, "location=store_id,products.name=description,qty=units", m.String())
	require.NoError(t, checkMapping(m))

	for in, want := range map[string]string{
		"qty":          "not canonical=source",
		"qyt=units":    `qyt is not a canonical column (did you mean "qty"?)`,
		"prods.sku=id": "prods is not a table",
		"sales.nme=x":  "nme is not a column of sales",
	} {
		m, err := files.ParseMapping(in)
		if err == nil {
			err = checkMapping(m)
		}
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
	}
	_, err = files.ParseMapping("qty=a,qty=b")
	assert.ErrorContains(t, err, "names qty twice")

	assert.Equal(t, 1, editDistance("qyt", "qty"))
	assert.Equal(t, 3, editDistance("kitten", "sitting"))
	assert.Equal(t, "", closest("visits", []string{"sku", "qty", "date"}))
}

func TestLoadOptionsAreChecked(t *testing.T) {
	s := openMemory(t)
	ctx := context.Background()
	_, err := s.Load(ctx, LoadOptions{})
	assert.ErrorContains(t, err, "nothing to load")
	_, err = s.Load(ctx, LoadOptions{Files: map[string]string{"stock": "x.csv"}})
	assert.ErrorContains(t, err, `"stock" is not a table`)
	_, err = s.Load(ctx, LoadOptions{Files: map[string]string{"sales": "x.csv"}, DateFormat: "dd/mm/yyyy"})
	assert.ErrorContains(t, err, "not a strftime layout")
	_, err = s.Load(ctx, LoadOptions{M5: &M5Files{Sales: "a.csv"}})
	assert.ErrorContains(t, err, "--calendar")
	var ve *ValidationError
	assert.False(t, errors.As(err, &ve))
}

func parseISO(s string) (int, error) {
	d, err := series.ParseDate(s)
	return int(d), err
}

func dateString(d int) string { return series.Date(d).String() }

// TestOnlyFilesWithRowProblemsAreReadTwice checks the fast path: a clean
// sales file keeps its fast read when another file needs line numbers, and
// the lines reported are right either way.
func TestOnlyFilesWithRowProblemsAreReadTwice(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"products": writeFile(t, dir, "products.csv", "sku,unit_price\nA,1.5\nB,-2\n"),
		"sales":    writeFile(t, dir, "sales.csv", "date,sku,location,qty\n2024-01-01,A,S1,1\n2024-01-02,A,S1,2\n"),
	}
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := openMemory(t)
	_, err := s.Validate(context.Background(), LoadOptions{Files: files, Logger: log})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, 1, ve.Problems.Errors())
	for _, p := range ve.Problems {
		if p.Severity == Error {
			assert.Equal(t, "error: "+files["products"]+" line 3, column unit_price: -2 is not more than zero (unit_price must be more than zero; leave it empty if unknown)", p.String())
		}
	}
	assert.Contains(t, logs.String(), `msg="reading again with line numbers" tables=[products]`)
	assert.Equal(t, 1, strings.Count(logs.String(), "msg=\"reading again"), "one more pass, for products only")

	// A value that does not parse stops the fast read outright.
	logs.Reset()
	files["sales"] = writeFile(t, dir, "sales2.csv", "date,sku,location,qty\n2024-01-01,A,S1,1\n2024-01-02,A,S1,two\n")
	_, err = s.Validate(context.Background(), LoadOptions{Files: files, Logger: log})
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, logs.String(), `tables=[products]`)
	assert.Contains(t, logs.String(), `tables=[sales]`)
	var lines []string
	for _, p := range ve.Problems {
		if p.Severity == Error {
			lines = append(lines, fmt.Sprintf("%s:%d", filepath.Base(p.File), p.Line))
		}
	}
	assert.Equal(t, []string{"products.csv:3", "sales2.csv:3"}, lines)
}

func TestAHeaderOnlyFileEmptiesItsTableExceptForSales(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	files := sampleFiles(t)
	dir := t.TempDir()
	files["promotions"] = writeFile(t, dir, "promotions.csv", "promo_id,sku,start_date,end_date\nP1,A,2024-01-01,2024-01-07\n")
	_, err := s.Load(ctx, LoadOptions{Files: files})
	require.NoError(t, err)

	rep, err := s.Load(ctx, LoadOptions{Files: map[string]string{"promotions": writeFile(t, dir, "none.csv", "promo_id,sku,start_date,end_date\n")}})
	require.NoError(t, err, "no promotions today is normal")
	assert.Equal(t, int64(0), rep.Rows("promotions"))
	n, _ := s.RowCount(ctx, "promotions")
	assert.Equal(t, int64(0), n)

	_, err = s.Load(ctx, LoadOptions{Files: map[string]string{"sales": writeFile(t, dir, "s.csv", "date,sku,location,qty\n")}})
	assert.ErrorContains(t, err, "the file has a header but no data rows")
}

// gzipRows writes n sales rows as a gzip-compressed CSV and returns its
// bytes: more rows than the head reader samples, so only the audit reads
// to the end.
func gzipRows(t *testing.T, n int) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	fmt.Fprintln(zw, "date,sku,location,qty")
	day := series.MustParseDate("2024-01-01")
	for i := 0; i < n; i++ {
		fmt.Fprintf(zw, "%s,SKU%03d,S1,%d\n", day+series.Date(i%300), i/300, 1+i%7)
	}
	require.NoError(t, zw.Close())
	return b.Bytes()
}

// A gzip file cut short, or damaged on the way, loads nothing and says
// so, whatever the rows DuckDB's reader made of it.
func TestATruncatedOrDamagedGzipFileIsRefused(t *testing.T) {
	whole := gzipRows(t, 3000)
	dir := t.TempDir()
	flipped := bytes.Clone(whole)
	flipped[len(flipped)/2] ^= 0xff
	cases := map[string][]byte{"cut-trailer.csv.gz": whole[:len(whole)-6], "flipped.csv.gz": flipped}
	for k := 1; k <= 41; k++ { // 41 cut points through the file
		cases[fmt.Sprintf("cut-%d.csv.gz", k)] = whole[:len(whole)*k/42]
	}
	for name, raw := range cases {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, raw, 0o644))
		s := openMemory(t)
		rep, err := s.Load(context.Background(), LoadOptions{Files: map[string]string{"sales": path}})
		var ve *ValidationError
		require.True(t, errors.As(err, &ve), "%s: %v", name, err)
		var errs []Problem
		for _, p := range rep.Problems {
			if p.Severity == Error {
				errs = append(errs, p)
			}
		}
		require.Len(t, errs, 1, name)
		assert.Equal(t, "truncated_file", errs[0].Code, name)
		assert.Equal(t, "the file is damaged or truncated: its gzip stream stops before its end, or fails its checksum, so the extract was cut off or corrupted on the way; load the whole file", errs[0].Message, name)
		n, _ := s.RowCount(context.Background(), "sales")
		assert.Zero(t, n, name)
	}
	path := filepath.Join(dir, "whole.csv.gz")
	require.NoError(t, os.WriteFile(path, whole, 0o644))
	rep, err := openMemory(t).Load(context.Background(), LoadOptions{Files: map[string]string{"sales": path}})
	require.NoError(t, err)
	assert.Equal(t, int64(3000), rep.Rows("sales"))
}

// No row is dropped without a word: a row too long to load is an error
// naming its line, whether it is 9 MB or longer than the reader's buffer;
// a row of a few megabytes loads.
func TestLongRowsLoadOrAreRefusedByLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, noteBytes int, after string) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		require.NoError(t, err)
		fmt.Fprintf(f, "date,sku,location,qty,note\n2024-01-01,A,S1,3,%s\n%s", strings.Repeat("x", noteBytes), after)
		require.NoError(t, f.Close())
		return path
	}
	load := func(path string) (*LoadReport, error) {
		return openMemory(t).Load(context.Background(), LoadOptions{Files: map[string]string{"sales": path}})
	}
	rep, err := load(write("three.csv", 3<<20, "2024-01-02,A,S1,4,n\n"))
	require.NoError(t, err)
	assert.Equal(t, int64(2), rep.Rows("sales"), "a 3 MB row loads")
	for name, size := range map[string]int{"nine.csv": 9 << 20, "thirty-three.csv": 33 << 20} {
		for _, after := range []string{"", "2024-01-02,A,S1,4,n\n"} {
			rep, err := load(write(name, size, after))
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "%s: %v", name, err)
			var long []Problem
			for _, p := range rep.Problems {
				if p.Severity == Error {
					long = append(long, p)
				}
			}
			require.Len(t, long, 1, name)
			assert.Equal(t, "line_too_long", long[0].Code, name)
			assert.Equal(t, int64(2), long[0].Line, name)
			assert.Equal(t, fmt.Sprintf("the row is %.1f MB long; a row may hold at most 8 MB", float64(size+len("2024-01-01,A,S1,3,"))/(1<<20)), long[0].Message, name)
		}
	}
}

// A sales file that yields no rows is an error: a day without sales means
// the extract failed.
func TestASalesFileWithoutRowsIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sales.csv")
	require.NoError(t, os.WriteFile(path, []byte("date,sku,location,qty\n\n\n"), 0o644))
	rep, err := openMemory(t).Load(context.Background(), LoadOptions{Files: map[string]string{"sales": path}})
	var ve *ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, "empty_file", rep.Problems[0].Code)
}

func TestImplausibleNumbersAreRefused(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	files := sampleFiles(t)
	dir := t.TempDir()
	files["sales"] = writeFile(t, dir, "sales.csv", "date,sku,location,qty,price\n"+
		"2024-01-01,A,S1,1e308,1.2\n2024-01-02,A,S1,3,2e12\n2024-01-03,A,S1,1000000000,1000000000000\n")
	files["sourcing"] = writeFile(t, dir, "sourcing.csv", "sku,from_location,to_location,lead_time_days,order_multiple\n"+
		"A,DC1,S1,36500,12\nB,DC1,S2,3,1e7\n")
	_, err := s.Validate(ctx, LoadOptions{Files: files})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	var got []string
	for _, p := range ve.Problems {
		if p.Code == "implausible_value" {
			got = append(got, filepath.Base(p.File)+" "+strings.SplitN(p.String(), " ", 3)[2])
		}
	}
	assert.Equal(t, []string{
		"sales.csv line 2, column qty: 1e+308 is larger than any plausible qty (1,000,000,000) (check the cell for a typo or a wrong column)",
		"sales.csv line 3, column price: 2e+12 is larger than any plausible price (1,000,000,000,000) (check the cell for a typo or a wrong column)",
		"sourcing.csv line 2, column lead_time_days: 36500 is larger than any plausible lead_time_days (3,650) (check the cell for a typo or a wrong column)",
		"sourcing.csv line 3, column order_multiple: 1e+07 is larger than any plausible order_multiple (1,000,000) (check the cell for a typo or a wrong column)",
	}, got)
}

// Values that DuckDB would take in some other sense are refused or
// normalised, so that every format loads a value the same way.
func TestValuesLoadAlikeInEveryFormat(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	dir := t.TempDir()
	files := sampleFiles(t)

	// A boolean Parquet column is not a quantity (DuckDB casts true to 1).
	boolQty := filepath.Join(dir, "bool.parquet")
	_, err := s.DB().Exec(fmt.Sprintf(`COPY (SELECT * FROM (VALUES (DATE '2024-01-01', 'A', 'S1', true), (DATE '2024-01-02', 'A', 'S1', false)) v(date, sku, location, qty)) TO '%s' (FORMAT parquet)`, boolQty))
	require.NoError(t, err)
	files["sales"] = boolQty
	_, err = s.Validate(ctx, LoadOptions{Files: files})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Problems, 2, "%v", ve.Problems)
	assert.Equal(t, "error: "+boolQty+` row 1, column qty: "true" is not a number`, ve.Problems[0].String())
	assert.Equal(t, "unparseable_number", ve.Problems[1].Code)

	// An integer date in Parquet reads as the CSV reader reads 20240101.
	intDate := filepath.Join(dir, "intdate.parquet")
	_, err = s.DB().Exec(fmt.Sprintf(`COPY (SELECT * FROM (VALUES (20240101, 'A', 'S1', 3), (20240102, 'A', 'S1', 4)) v(date, sku, location, qty)) TO '%s' (FORMAT parquet)`, intDate))
	require.NoError(t, err)
	files["sales"] = intDate
	_, err = s.Load(ctx, LoadOptions{Files: files})
	require.NoError(t, err)
	var last string
	require.NoError(t, s.DB().QueryRow("SELECT max(date)::VARCHAR FROM sales").Scan(&last))
	assert.Equal(t, "2024-01-02", last)

	// -0 is stored as 0, not as a negative zero that prints as "-0".
	files["sales"] = writeFile(t, dir, "negzero.csv", "date,sku,location,qty,price\n2024-01-01,A,S1,-0,-0.0\n2024-01-02,A,S1,2,1\n")
	_, err = s.Load(ctx, LoadOptions{Files: files})
	require.NoError(t, err)
	var negative int
	require.NoError(t, s.DB().QueryRow("SELECT count(*) FILTER (WHERE signbit(qty) OR signbit(price)) FROM sales").Scan(&negative))
	assert.Equal(t, 0, negative)
}

// Files the loader cannot read say why in words: the encoding, a folder.
func TestUnreadableInputsSayWhy(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	dir := t.TempDir()
	text := "date,sku,location,qty\n2024-01-01,A,S1,3\n"
	utf16 := []byte{0xff, 0xfe}
	for _, r := range text {
		utf16 = append(utf16, byte(r), 0)
	}
	noMark := utf16[2:]
	folder := filepath.Join(dir, "sales")
	require.NoError(t, os.Mkdir(folder, 0o755))
	for _, c := range []struct{ path, want string }{
		{writeFile(t, dir, "utf16.csv", string(utf16)), "the file is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)"},
		{writeFile(t, dir, "nomark.csv", string(noMark)), "the header holds NUL bytes, so the file is UTF-16 or not text at all; save it as UTF-8 CSV"},
		{folder, "the folder holds no data files (.csv, .csv.gz, .tsv, .parquet or .xlsx)"},
	} {
		files := sampleFiles(t)
		files["sales"] = c.path
		_, err := s.Validate(ctx, LoadOptions{Files: files})
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		require.Len(t, ve.Problems, 1, "%v", ve.Problems)
		assert.Equal(t, c.want, ve.Problems[0].Message, c.path)
		assert.NotContains(t, ve.Problems[0].String(), "\x00")
	}
}

// A carriage return that ends no line splits the row for one reader and
// not for another: it is refused by line, never loaded as a guess. A file
// broken this way leaves the other files checked.
func TestStrayCarriageReturnsAreRefusedByLine(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, c := range []struct{ name, text, want string }{
		{"mid.csv", "date,sku,location,qty\n2024-01-01,A,S1,3\n2024-01-\r02,A,S1,4\n2024-01-03,A,S1,5\n",
			"line 3: the row holds a carriage return (CR) that ends no line, which some readers take for a line end and others for text (use LF or CR LF line ends throughout, and quote a value that holds a line break)"},
		{"mac.csv", "date,sku,location,qty\r2024-01-01,A,S1,3\r2024-01-02,A,S1,4\r",
			"line 1: the header holds a carriage return that ends no line (old Mac line ends, or a line break in a column name); save the file with LF or CR LF line ends"},
	} {
		files := sampleFiles(t)
		files["sales"] = writeFile(t, dir, c.name, c.text)
		files["products"] = writeFile(t, dir, "products-"+c.name, "sku,unit_cost\nA,-1\nB,1\n")
		_, err := openMemory(t).Load(ctx, LoadOptions{Files: files})
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, c.name)
		var got []string
		for _, p := range ve.Problems {
			got = append(got, filepath.Base(p.File)+" "+strings.SplitN(p.String(), filepath.Base(p.File)+" ", 2)[1])
		}
		assert.Equal(t, []string{
			"products-" + c.name + " line 2, column unit_cost: -1 is negative (unit_cost must be zero or more)",
			c.name + " " + c.want,
		}, got, c.name)
	}
	// CR LF line ends load.
	files := sampleFiles(t)
	files["sales"] = writeFile(t, dir, "crlf.csv", "date,sku,location,qty\r\n2024-01-01,A,S1,3\r\n2024-01-02,A,S1,4\r\n")
	rep, err := openMemory(t).Load(ctx, LoadOptions{Files: files})
	require.NoError(t, err)
	assert.Equal(t, int64(2), rep.Rows("sales"))
}
