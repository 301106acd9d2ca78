package datasets

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/planner-engine/planner/datasets/files"
)

// dailyRows prints the sales table as the corpus' expected files write it.
func dailyRows(t *testing.T, s *Store) string {
	t.Helper()
	rows, err := s.DB().Query(`SELECT strftime(date, '%Y-%m-%d'), sku, location, channel, qty, round(price, 6), returns,
		coalesce(orders::VARCHAR, ''), coalesce(customers::VARCHAR, ''), available
		FROM sales ORDER BY date, location DESC, sku`)
	require.NoError(t, err)
	defer rows.Close()
	var b strings.Builder
	b.WriteString("date,sku,location,channel,qty,price,returns,orders,customers,available\n")
	for rows.Next() {
		var date, sku, loc, ch, orders, customers string
		var qty, returns float64
		var price sql.NullFloat64
		var avail bool
		require.NoError(t, rows.Scan(&date, &sku, &loc, &ch, &qty, &price, &returns, &orders, &customers, &avail))
		paid := ""
		if price.Valid {
			paid = fmt.Sprintf("%g", price.Float64)
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%g,%s,%g,%s,%s,%t\n", date, sku, loc, ch, qty, paid, returns, orders, customers, avail)
	}
	require.NoError(t, rows.Err())
	return b.String()
}

func readCorpus(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "transactions", name))
	require.NoError(t, err)
	return string(b)
}

// A point-of-sale extract loads with a mapping: its lines are summed into
// the exact daily rows expected, returns apart from demand, and each kind
// of line left out is counted in the report and the problems.
func TestTransactionLinesSumToDailyRows(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join("testdata", "transactions", "pos.csv")
	m, err := files.ParseMapping("sku=StockCode,qty=Quantity,date=InvoiceDate,price=UnitPrice,order_id=InvoiceNo,customer_id=CustomerID,location=Country")
	require.NoError(t, err)
	for _, grain := range []string{GrainTransaction, GrainAuto} {
		s := openMemory(t)
		rep, err := s.Load(ctx, LoadOptions{Files: map[string]string{"sales": path}, Map: m, DateFormat: "%m/%d/%Y %H:%M", Grain: grain})
		require.NoError(t, err, grain)
		assert.Equal(t, readCorpus(t, "pos.daily.csv"), dailyRows(t, s), grain)

		var want LineCounts
		require.NoError(t, json.Unmarshal([]byte(readCorpus(t, "pos.counts.json")), &want))
		require.NotNil(t, rep.Lines, grain)
		assert.Equal(t, want, *rep.Lines, grain)
		assert.Equal(t, int64(4), rep.Rows("sales"), "the daily rows the lines gave the table")

		var got []string
		for _, p := range rep.Problems {
			if p.Code == "unchecked_references" {
				continue // no masters are loaded here, on purpose
			}
			got = append(got, strings.ReplaceAll(p.String(), filepath.Dir(path)+string(filepath.Separator), ""))
		}
		wantProblems := strings.Split(strings.TrimSpace(readCorpus(t, "pos.problems.txt")), "\n")
		if grain == GrainAuto {
			wantProblems = append([]string{"warning: pos.csv: the rows are read as transaction lines and summed per day, since its dates hold times of day (pass --grain transaction to say so and silence this, or --grain daily to refuse such rows)"}, wantProblems...)
		}
		assert.Equal(t, wantProblems, got, grain)
		// The problems table (and so problems.csv) holds the counts too.
		var n int64
		require.NoError(t, s.DB().QueryRow("SELECT sum(count) FROM planner_problems WHERE code LIKE '%_lines' AND code <> 'transaction_lines'").Scan(&n))
		assert.Equal(t, int64(4), n, grain)
		// The customer ids are counted, never stored.
		require.NoError(t, s.DB().QueryRow("SELECT count(*) FROM information_schema.columns WHERE column_name = 'customer_id'").Scan(&n))
		assert.Zero(t, n)
	}

	// Read as daily rows, the same file is refused.
	_, err = openMemory(t).Load(ctx, LoadOptions{Files: map[string]string{"sales": path}, Map: m, DateFormat: "%m/%d/%Y %H:%M", Grain: GrainDaily})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
}

// Times in ISO forms (a T or a space, fractions, Z or an offset) fall on
// the business day of the location's time zone; where the location has
// none, on the day as written. A bare date is a day, wherever it is (its
// -01 is no offset).
func TestTransactionTimesFallOnTheLocationsDay(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join("testdata", "transactions")
	s := openMemory(t)
	_, err := s.Load(ctx, LoadOptions{Files: map[string]string{
		"sales": filepath.Join(dir, "zones.csv"), "locations": filepath.Join(dir, "zones.locations.csv")}})
	require.NoError(t, err)
	assert.Equal(t, readCorpus(t, "zones.daily.csv"), dailyRows(t, s))
}

// Rows of a daily layout whose keys repeat within a day, or that hold
// returns, are summed with one warning, not one error per row; a time
// that cannot be read is an error at its line.
func TestRepeatedDailyRowsAreSummedWithOneWarning(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files := map[string]string{"sales": writeFile(t, dir, "s.csv",
		"date,sku,location,qty,price\n2024-01-01,A,S1,2,1.0\n2024-01-01,A,S1,3,2.0\n2024-01-01,A,S1,-1,1.0\n2024-01-02,A,S1,1,1.0\n")}
	s := openMemory(t)
	rep, err := s.Load(ctx, LoadOptions{Files: files})
	require.NoError(t, err)
	assert.Equal(t, "transaction_lines", rep.Problems[0].Code)
	assert.Equal(t, "the rows are read as transaction lines and summed per day, since 2 rows repeat a date, sku, location and channel", rep.Problems[0].Message)
	assert.Equal(t, "date,sku,location,channel,qty,price,returns,orders,customers,available\n"+
		"2024-01-01,A,S1,store,5,1.6,1,,,true\n2024-01-02,A,S1,store,1,1,0,,,true\n", dailyRows(t, s))

	files["sales"] = writeFile(t, dir, "bad.csv", "date,sku,location,qty\n2024-01-01 10:00,A,S1,2\nyesterday,A,S1,1\n2024-01-01 11:00,A,S1,1\n")
	_, err = s.Load(ctx, LoadOptions{Files: files})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	var errs []string
	for _, p := range ve.Problems {
		if p.Severity == Error {
			errs = append(errs, strings.TrimPrefix(p.String(), "error: "+dir+string(filepath.Separator)))
		}
	}
	assert.Equal(t, []string{`bad.csv line 3, column date: "yesterday" is not a date or a time (write times as YYYY-MM-DD HH:MM:SS (a T, seconds, fractions and a zone may follow), or pass --date-format with the file's layout, such as %d/%m/%Y %H:%M)`}, errs)
}

// Without --date-format, times that read both day-first and month-first
// are read day-first with one warning; a column of which no time reads is
// one error, not one per line.
func TestTransactionTimesWithoutALayout(t *testing.T) {
	ctx := context.Background()
	m, err := files.ParseMapping("sku=StockCode,qty=Quantity,date=InvoiceDate,price=UnitPrice,order_id=InvoiceNo,location=Country")
	require.NoError(t, err)
	s := openMemory(t)
	rep, err := s.Load(ctx, LoadOptions{Files: map[string]string{"sales": filepath.Join("testdata", "transactions", "pos.csv")}, Map: m})
	require.NoError(t, err)
	var codes []string
	for _, p := range rep.Problems {
		codes = append(codes, p.Code)
	}
	assert.Contains(t, codes, "ambiguous_dates")
	var first, last string
	require.NoError(t, s.DB().QueryRow("SELECT min(date)::VARCHAR, max(date)::VARCHAR FROM sales").Scan(&first, &last))
	assert.Equal(t, []string{"2010-01-12", "2010-02-12"}, []string{first, last}, "12/1 and 12/2 read day-first")

	dir := t.TempDir()
	path := writeFile(t, dir, "odd.csv", "InvoiceDate,StockCode,Country,Quantity\nDec 1 2010,A,UK,1\nDec 2 2010,A,UK,2\n")
	_, err = openMemory(t).Load(ctx, LoadOptions{Files: map[string]string{"sales": path}, Map: m, Grain: GrainTransaction})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, 1, ve.Problems.Errors())
	for _, p := range ve.Problems {
		if p.Severity == Error {
			assert.Equal(t, `no time in the column can be read (such as "Dec 1 2010")`, p.Message)
		}
	}
}

// Transaction lines sum the same from CSV, XLSX and Parquet (with times
// typed in the file, and an instant falling on the location's day).
func TestTransactionLinesFromEveryFormat(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	csvText := "date,sku,location,qty,price\n2024-03-01 09:00,A,SHA,2,1.5\n2024-03-01 23:30,A,SHA,1,1.5\n2024-03-02 10:00,A,SHA,-1,1.5\n"
	csvPath := writeFile(t, dir, "lines.csv", csvText)
	locs := writeFile(t, dir, "locations.csv", "location,timezone\nSHA,Asia/Shanghai\n")

	xlsx := filepath.Join(dir, "lines.xlsx")
	f := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(csvText), "\n") {
		cells := strings.Split(line, ",")
		row := make([]any, len(cells))
		for k, c := range cells {
			row[k] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, f.SetSheetRow(f.GetSheetName(0), cell, &row))
	}
	require.NoError(t, f.SaveAs(xlsx))

	// Parquet: times as instants (UTC) that fall on Shanghai's day (+8).
	s := openMemory(t)
	pq := filepath.Join(dir, "lines.parquet")
	_, err := s.DB().Exec(`COPY (SELECT * FROM (VALUES
			(TIMESTAMPTZ '2024-03-01 01:00:00+00', 'A', 'SHA', 2.0, 1.5),
			(TIMESTAMPTZ '2024-03-01 15:30:00+00', 'A', 'SHA', 1.0, 1.5),
			(TIMESTAMPTZ '2024-03-02 02:00:00+00', 'A', 'SHA', -1.0, 1.5)) t(date, sku, location, qty, price))
		TO '` + pq + `' (FORMAT parquet)`)
	require.NoError(t, err)

	want := "date,sku,location,channel,qty,price,returns,orders,customers,available\n" +
		"2024-03-01,A,SHA,store,3,1.5,0,,,true\n2024-03-02,A,SHA,store,0,,1,,,true\n"
	for _, path := range []string{csvPath, xlsx, pq} {
		s := openMemory(t)
		rep, err := s.Load(ctx, LoadOptions{Files: map[string]string{"sales": path, "locations": locs}, Grain: GrainTransaction})
		require.NoError(t, err, path)
		assert.Equal(t, want, dailyRows(t, s), path)
		assert.Equal(t, int64(3), rep.Lines.Lines, path)
	}
}

// A grain that is none of the three is refused before anything is read.
func TestAnUnknownGrainIsRefused(t *testing.T) {
	_, err := openMemory(t).Validate(context.Background(), LoadOptions{Files: map[string]string{"sales": "sales.csv"}, Grain: "hourly"})
	assert.EqualError(t, err, `grain "hourly" is not auto, daily or transaction`)
}

// A sales extract of no lines means the extract failed, read as lines or
// as days.
func TestAnEmptyTransactionExtractIsRefused(t *testing.T) {
	path := writeFile(t, t.TempDir(), "pos.csv", "date,sku,location,qty\n")
	_, err := openMemory(t).Load(context.Background(), LoadOptions{Files: map[string]string{"sales": path}, Grain: GrainTransaction})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "empty_file", ve.Problems[0].Code)
}
