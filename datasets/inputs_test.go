package datasets

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toParquet writes a CSV file's rows as a Parquet file with DuckDB.
func toParquet(t testing.TB, s *Store, csvPath, parquetPath string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(parquetPath), 0o755))
	_, err := s.DB().Exec("COPY (SELECT * FROM read_csv(" + quoteString(csvPath) + ", all_varchar = true)) TO " + quoteString(parquetPath) + " (FORMAT parquet)")
	require.NoError(t, err)
	return parquetPath
}

// A glob and a folder of hive partitions load as one table, each file
// listed in the report; a problem names the file and line it is on.
func TestGlobsAndPartitionFoldersLoadAsOneTable(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	dir := t.TempDir()

	// A glob of daily CSV extracts.
	writeFile(t, dir, "sales-1.csv", "date,sku,location,qty\n2024-01-01,A,S1,3\n2024-01-01,B,S2,1\n")
	writeFile(t, dir, "sales-2.csv", "date,sku,location,qty\n2024-01-02,A,S1,5\n")
	files := sampleFiles(t)
	files["sales"] = filepath.Join(dir, "sales-*.csv")
	rep, err := s.Load(ctx, LoadOptions{Files: files})
	require.NoError(t, err)
	assert.Equal(t, int64(3), rep.Rows("sales"))
	var got []string
	for _, tl := range rep.Tables {
		if tl.Table == "sales" {
			got = append(got, filepath.Base(tl.File))
		}
	}
	assert.Equal(t, []string{"sales-1.csv", "sales-2.csv"}, got)

	// Hive partitions: the date comes from the folder names, in Parquet and CSV.
	for _, kind := range []string{"parquet", "csv"} {
		root := filepath.Join(dir, "hive-"+kind)
		for day, rows := range map[string]string{"2024-01-01": "A,S1,3\nB,S2,1\n", "2024-01-02": "A,S1,5\n"} {
			src := writeFile(t, dir, "part-"+day+".csv", "sku,location,qty\n"+rows)
			part := filepath.Join(root, "date="+day, "part-0."+kind)
			if kind == "parquet" {
				toParquet(t, s, src, part)
			} else {
				require.NoError(t, os.MkdirAll(filepath.Dir(part), 0o755))
				require.NoError(t, os.Rename(src, part))
			}
		}
		writeFile(t, root, "_SUCCESS", "")
		files["sales"] = root
		rep, err = s.Load(ctx, LoadOptions{Files: files})
		require.NoError(t, err, kind)
		assert.Equal(t, int64(3), rep.Rows("sales"), kind)
		var sum float64
		var days int
		require.NoError(t, s.DB().QueryRow("SELECT sum(qty), count(DISTINCT date) FROM sales WHERE date BETWEEN DATE '2024-01-01' AND DATE '2024-01-02'").Scan(&sum, &days))
		assert.Equal(t, 9.0, sum, kind)
		assert.Equal(t, 2, days, kind)
	}

	// A problem in the second file names that file and its line; a key
	// repeated across files (overlapping extracts) names both, and is never
	// taken for transaction lines, whose sums would double the day.
	writeFile(t, dir, "bad-1.csv", "date,sku,location,qty\n2024-01-01,A,S1,3\n")
	writeFile(t, dir, "bad-2.csv", "date,sku,location,qty\n2024-01-02,A,S1,-5\n2024-01-01,A,S1,4\n")
	files["sales"] = filepath.Join(dir, "bad-*.csv")
	_, err = s.Load(ctx, LoadOptions{Files: files})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	var msgs []string
	for _, p := range ve.Problems {
		msgs = append(msgs, strings.TrimPrefix(p.String(), "error: "+dir+string(filepath.Separator)))
	}
	assert.Equal(t, []string{
		"bad-2.csv line 2, column qty: -5 is negative (qty must be zero or more)",
		"bad-2.csv line 3: line 2 of " + filepath.Join(dir, "bad-1.csv") + " has the same date, sku, location and channel (2024-01-01, A, S1, store) (keep one row per key, or add the rows up before loading)",
	}, msgs)

	// In a set of Parquet files read as one, a problem names its file and
	// row too.
	pqDir := filepath.Join(dir, "pq")
	toParquet(t, s, writeFile(t, dir, "p1.csv", "date,sku,location,qty\n2024-01-01,A,S1,3\n"), filepath.Join(pqDir, "a.parquet"))
	toParquet(t, s, writeFile(t, dir, "p2.csv", "date,sku,location,qty\n2024-01-02,A,S1,4\n2024-01-03,A,S1,-2\n"), filepath.Join(pqDir, "b.parquet"))
	files["sales"] = pqDir
	_, err = s.Load(ctx, LoadOptions{Files: files})
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Problems, 1)
	assert.Equal(t, "error: "+filepath.Join(pqDir, "b.parquet")+" row 2, column qty: -2 is negative (qty must be zero or more)", ve.Problems[0].String())
	files["sales"] = filepath.Join(pqDir, "*.parquet")
	_, err = s.Load(ctx, LoadOptions{Files: files})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, filepath.Join(pqDir, "b.parquet"), ve.Problems[0].File)

	// A glob that matches nothing says so.
	files["sales"] = filepath.Join(dir, "none-*.parquet")
	_, err = s.Validate(ctx, LoadOptions{Files: files})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "no file matches the pattern", ve.Problems[0].Message)
}

// The M5 calendar and prices load from Parquet as from CSV.
func TestM5PricesAndCalendarFromParquet(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m5 := writeM5(t, dir, 2, 2, 20)
	csvStore := openMemory(t)
	_, err := csvStore.Load(ctx, LoadOptions{M5: &m5})
	require.NoError(t, err)

	pq := openMemory(t)
	m5.Prices = toParquet(t, pq, m5.Prices, filepath.Join(dir, "sell_prices.parquet"))
	m5.Calendar = toParquet(t, pq, m5.Calendar, filepath.Join(dir, "calendar.parquet"))
	_, err = pq.Load(ctx, LoadOptions{M5: &m5})
	require.NoError(t, err)
	for _, q := range []string{
		"SELECT count(*), sum(price)::VARCHAR, min(start_date)::VARCHAR, max(end_date)::VARCHAR FROM prices",
		"SELECT count(*), sum(qty)::VARCHAR, sum(price)::VARCHAR, min(date)::VARCHAR FROM sales",
		"SELECT count(*), string_agg(event || kind || region, ',' ORDER BY date, event, region) FROM events",
	} {
		var a, b []any
		for _, st := range []*Store{csvStore, pq} {
			var n int64
			var x, y, z any
			dest := []any{&n, &x, &y, &z}
			if strings.Contains(q, "events") {
				dest = dest[:2]
			}
			require.NoError(t, st.DB().QueryRow(q).Scan(dest...), q)
			if st == csvStore {
				a = []any{n, x, y, z}
			} else {
				b = []any{n, x, y, z}
			}
		}
		assert.Equal(t, a, b, q)
		assert.NotZero(t, a[0], q)
	}
	// A calendar's problem is at its row, counted from 1 as every Parquet
	// row is.
	bad := writeFile(t, dir, "badcal.csv", strings.Replace(m5CalendarCSV(20), "2016-01-01", "someday", 1))
	m5.Calendar = toParquet(t, pq, bad, filepath.Join(dir, "badcal.parquet"))
	_, err = openMemory(t).Load(ctx, LoadOptions{M5: &m5})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Error(), "badcal.parquet row 1, column date: \"someday\" is not a date")
}

// sqlWords are words of SQL or of DuckDB's own errors, which no message to
// a user may hold.
var sqlWords = []string{"SELECT", "read_csv", "read_parquet", "Parser Error", "Binder Error", "Catalog Error",
	"Conversion Error", "Invalid Input Error", "IO Error", "duckdb", "CAST(", "TRY_", "planner_stage", "rowid"}

// Every loader given a binary file, an empty file or a file of another
// kind than its name says answers in words: the file, what it is, what to do.
func TestWrongKindsOfFileSayWhatTheyAre(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openMemory(t)
	parquet := toParquet(t, s, writeFile(t, dir, "src.csv", "date,sku,location,qty\n2024-01-01,A,S1,3\n"), filepath.Join(dir, "real.parquet"))
	pqBytes, err := os.ReadFile(parquet)
	require.NoError(t, err)
	binary := string([]byte{0x00, 0x01, 0x02, 0xfe, 0xff, 0x7f, 0x00, 0x10, 0x80, 0x90, 0x00})

	cases := map[string]struct {
		name, content, want string
	}{
		"binary csv":            {"b.csv", binary, ""},
		"empty csv":             {"e.csv", "", ""},
		"parquet named csv":     {"p.csv", string(pqBytes), "is a Parquet file, not CSV as its name says"},
		"csv named parquet":     {"c.parquet", "date,sku\n2024-01-01,A\n", "is not Parquet as its name says"},
		"empty parquet":         {"e.parquet", "", ""},
		"binary parquet":        {"b.parquet", binary, "is not Parquet as its name says"},
		"parquet named xlsx":    {"p.xlsx", string(pqBytes), "is a Parquet file, not XLSX as its name says"},
		"text named xlsx":       {"t.xlsx", "date,sku\n", "is not XLSX as its name says"},
		"truncated parquet":     {"t.parquet", string(pqBytes[:len(pqBytes)/2]), "cannot be read as a Parquet file"},
		"parquet named csv.gz":  {"p.csv.gz", string(pqBytes), "is a Parquet file"},
		"csv named unknown ext": {"s.dat", "date,sku\n", "the file type is not supported"},
	}
	for _, table := range Tables {
		for label, c := range cases {
			path := writeFile(t, dir, table.Name+"-"+c.name, c.content)
			files := map[string]string{table.Name: path}
			_, err := openMemory(t).Validate(ctx, LoadOptions{Files: files})
			var ve *ValidationError
			require.ErrorAs(t, err, &ve, "%s %s", table.Name, label)
			require.NotEmpty(t, ve.Problems, "%s %s", table.Name, label)
			joined := ve.Error()
			for _, w := range sqlWords {
				assert.NotContains(t, joined, w, "%s %s: %s", table.Name, label, joined)
			}
			assert.Contains(t, joined, path, "%s %s", table.Name, label)
			if c.want != "" {
				assert.Contains(t, joined, c.want, "%s %s", table.Name, label)
			}
		}
	}
	// The M5 loader too.
	m5 := writeM5(t, dir, 1, 1, 6)
	for label, c := range cases {
		for _, which := range []string{"sales", "calendar", "prices"} {
			f := m5
			path := writeFile(t, dir, "m5-"+which+"-"+c.name, c.content)
			switch which {
			case "sales":
				f.Sales = path
			case "calendar":
				f.Calendar = path
			case "prices":
				f.Prices = path
			}
			_, err := openMemory(t).Validate(ctx, LoadOptions{M5: &f})
			var ve *ValidationError
			require.ErrorAs(t, err, &ve, "m5 %s %s", which, label)
			joined := ve.Error()
			for _, w := range sqlWords {
				assert.NotContains(t, joined, w, "m5 %s %s: %s", which, label, joined)
			}
			assert.Contains(t, joined, path, "m5 %s %s", which, label)
		}
	}
}

// The M5 wide sales file loads from Parquet as from CSV; its problems are
// at rows.
func TestM5WideSalesFromParquet(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m5 := writeM5(t, dir, 2, 2, 13)
	csvStore := openMemory(t)
	_, err := csvStore.Load(ctx, LoadOptions{M5: &m5})
	require.NoError(t, err)
	pq := openMemory(t)
	m5.Sales = toParquet(t, pq, m5.Sales, filepath.Join(dir, "sales_train_evaluation.parquet"))
	_, err = pq.Load(ctx, LoadOptions{M5: &m5})
	require.NoError(t, err)
	for _, q := range []string{"SELECT count(*) || ' ' || sum(qty) || ' ' || sum(price) FROM sales", "SELECT string_agg(sku || category, ',' ORDER BY sku) FROM products",
		"SELECT string_agg(location || region, ',' ORDER BY location) FROM locations"} {
		var a, b string
		require.NoError(t, csvStore.DB().QueryRow(q).Scan(&a))
		require.NoError(t, pq.DB().QueryRow(q).Scan(&b))
		assert.Equal(t, a, b, q)
	}
	// A day's value that is not a number is a problem at its row.
	bad := writeFile(t, dir, "bad.csv", "id,item_id,dept_id,cat_id,store_id,state_id,d_1,d_2\nx,A,F,F,S,CA,1,2\ny,B,F,F,S,CA,lots,2\n")
	m5.Sales = toParquet(t, pq, bad, filepath.Join(dir, "bad.parquet"))
	_, err = openMemory(t).Load(ctx, LoadOptions{M5: &m5})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Error(), "bad.parquet row 2, column d_1: the value is empty")
}
