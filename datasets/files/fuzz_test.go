package files

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/xuri/excelize/v2"
)

// The fuzz targets feed every parser of user input arbitrary bytes: none
// may panic, loop or return an error without a message; what they accept
// must hold together (a mapping prints back as itself, a forecast has a
// value for every series and step). go test runs the seeds and the
// corpus in testdata/fuzz; go test -fuzz=FuzzX -fuzztime=5m explores.

func checkErr(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.TrimSpace(err.Error()) == "" {
		t.Fatalf("an error without a message: %#v", err)
	}
}

func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{"qty=units,location=store_id", " products.name = description ,", "qty", "=x", "qty=a,qty=b", "a=b=c", ",,,", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMapping(s)
		checkErr(t, err)
		if err != nil {
			return
		}
		again, err := ParseMapping(m.String())
		if err != nil {
			t.Fatalf("%q parsed, but its own text %q does not: %v", s, m.String(), err)
		}
		if again.String() != m.String() {
			t.Fatalf("%q prints as %q, which parses as %q", s, m.String(), again.String())
		}
	})
}

func FuzzReadCSVHead(f *testing.F) {
	for _, s := range []string{"date,sku,location,qty\n2024-01-01,A,S1,3\n", "\ufeffDay;Article;Store;Units\n01/02/2024;A;S1;2\n",
		"a\tb\n1\t2\n", "\"a,b\",c\n\"1\n", "", "\n\n", "a,,b\n", "A,a\n"} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte("x|y|z\n1|2|3\n"), true)
	f.Fuzz(func(t *testing.T, raw []byte, tsv bool) {
		name := "f.csv"
		if tsv {
			name = "f.tsv"
		}
		h, err := readCSVHead(name, bytes.NewReader(raw), 50)
		checkErr(t, err)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.Code == "" {
				t.Fatalf("a file's problem without a code: %v", err)
			}
			return
		}
		if len(h.Header) == 0 {
			t.Fatal("a header without columns")
		}
		for _, c := range h.Header {
			if c == "" || c != strings.TrimSpace(c) {
				t.Fatalf("column %q", c)
			}
		}
		if h.Empty != (len(h.Sample) == 0) {
			t.Fatal("Empty disagrees with the sample")
		}
	})
}

func FuzzSniffDateFormat(f *testing.F) {
	f.Add("2024-01-31", "2024-02-01", "%d/%m/%Y")
	f.Add("01/02/2024", "13/02/2024", "%Y")
	f.Add("20240131", "x", "02.01.2006")
	f.Fuzz(func(t *testing.T, a, b, user string) {
		df, _ := SniffDateFormat([]string{a, b})
		if df.Strftime == "" || df.Layout == "" {
			t.Fatal("no layout")
		}
		got, err := LookupDateFormat(user)
		checkErr(t, err)
		if err == nil && got.Strftime == "" {
			t.Fatalf("%q accepted without a layout", user)
		}
	})
}

func FuzzReadForecasts(f *testing.F) {
	for _, s := range []string{
		"sku,location,date,model,mean,p10,p50,p90,channel\nA,S1,2024-01-01,ETS,3,1,3,5,store\nA,S1,2024-01-02,ETS,3,1,3,5,store\n",
		"sku,location,date,mean,p2_5\nA,S1,2024-01-01,1,0\nB,S1,2024-01-01,2,1\n",
		"sku,location,date,mean\nA,S1,2024-01-01,1\nA,S1,2024-01-08,1\n",
		"sku,location,date,mean\nA,S1,2024-01-01,x\n", "sku,location,date,mean,p10,p10\nA,S1,2024-01-01,1,1,1\n",
		"sku,location,date,mean\n\"A,S1,2024-01-01,1\n", "mean\n1\n", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		fc, err := readForecasts("f.csv", bytes.NewReader(raw))
		checkErr(t, err)
		if err != nil {
			return
		}
		n, h, nq := fc.Len(), fc.Horizon, len(fc.Quantiles)
		if n == 0 || h == 0 || len(fc.Starts) != n || len(fc.Mean) != n*h || len(fc.Q) != n*h*nq || !fc.Freq.Valid() {
			t.Fatalf("%d series of %d steps with %d means and %d quantile values", n, h, len(fc.Mean), len(fc.Q))
		}
		for i := 0; i < n; i++ {
			for s := 0; s < h; s++ {
				if v := fc.Variance(i, s); !(v >= 0) {
					t.Fatalf("variance %v", v)
				}
			}
		}
	})
}

func FuzzPlanTables(f *testing.F) {
	for _, s := range []string{
		"sku,dc,qty,reserve\nA,DC1,10,2\n", "location,dc,min_stock,max_stock,pack_size,priority,region,lead_time_days\nS1,DC1,1,9,6,2,N,1.5\n",
		"sku,location,qty\nA,S1,3\n", "sku,like_sku,scale\nN,A,0.5\n", "factory,sku,period,qty\nF1,A,1,3\n",
		"factory,period,capacity\nF1,2025-01-06,5\n", "sku,setup_cost,holding_cost,capacity_per_unit,min_batch,batch_multiple,lead_time\nA,1,1,2,3,4,1\n",
		"sku,target,location\nA,0.95,S1\n", "SKU,DC,QTY\nA,DC1,1e400\n", "sku,dc,qty\nA,DC1,NaN\n",
		"sku,location,from,to,qty,change_pct,note,who\nA,S1,2025-01-06,2025-01-12,,20,flyer,ana\nB,*,2025-01-06,2025-01-06,12,,,\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		path := filepath.Join(t.TempDir(), "t.csv")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := readCSVTable(path, bytes.NewReader(raw))
		checkErr(t, err)
		_, err = ReadDCStock(path)
		checkErr(t, err)
		_, err = ReadStoreStock(path)
		checkErr(t, err)
		rules, err := ReadStoreRules(path)
		checkErr(t, err)
		for _, r := range rules {
			if r.Pack <= 0 || (r.Max > 0 && r.Min > r.Max) {
				t.Fatalf("store rules %+v accepted", r)
			}
		}
		_, err = ReadLikeItems(path)
		checkErr(t, err)
		_, err = ReadProductionDemand(path)
		checkErr(t, err)
		_, err = ReadFactoryCapacity(path)
		checkErr(t, err)
		_, err = ReadProductionCosts(path)
		checkErr(t, err)
		targets, err := ReadTargets(path)
		checkErr(t, err)
		for _, tg := range targets {
			if !(tg.Level > 0 && tg.Level < 1) {
				t.Fatalf("target %v accepted", tg.Level)
			}
		}
		_, err = ReadApproved(path)
		checkErr(t, err)
		overrides, err := ReadOverrides(path)
		checkErr(t, err)
		for _, o := range overrides {
			if o.To < o.From || o.SKU == "" || (o.Set && !(o.Qty >= 0)) || (!o.Set && !(o.Change > -1)) {
				t.Fatalf("override %+v accepted", o)
			}
		}
	})
}

// workbook is a small plan workbook for the seeds: a Summary sheet and an
// Orders sheet with one line, decided as given.
func workbook(t testing.TB, decision string) []byte {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Summary")
	f.NewSheet("Orders")
	for i, v := range []string{"order_id", "sku", "from", "to", "approve"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue("Orders", cell, v)
	}
	for i, v := range []string{"PO-1", "A", "SUP", "DC1", decision} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		f.SetCellValue("Orders", cell, v)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var testLayout = Workbook{Sheets: []string{"Summary", "Orders"}, Approve: "approve", Note: "note",
	Plans: []PlanSheet{{Sheet: "Orders", Plan: "orders", Columns: []string{"order_id", "sku", "from", "to", "approve"},
		Headers: []string{"order_id", "sku", "from", "to", "approve"}, ID: "order_id", From: "from", To: "to", Edit: "quantity"}}}

func FuzzReadApprovals(f *testing.F) {
	f.Add(workbook(f, "yes"))
	f.Add(workbook(f, "maybe"))
	f.Add([]byte("PK\x03\x04 not a workbook"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		wb, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			return // not a zip of a workbook: ReadApprovals refuses it at the door
		}
		defer wb.Close()
		got, err := readApprovals("plan.xlsx", wb, testLayout)
		checkErr(t, err)
		for _, a := range got {
			if a.Decision != "" && a.Decision != "yes" && a.Decision != "no" {
				t.Fatalf("decision %q", a.Decision)
			}
			if a.Plan != "orders" || a.Row < 2 {
				t.Fatalf("approval %+v", a)
			}
		}
	})
}

func FuzzReadXLSX(f *testing.F) {
	f.Add(workbook(f, "yes"))
	f.Add([]byte("not a workbook"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		wb, err := excelize.OpenReader(bytes.NewReader(raw), excelize.Options{RawCellValue: true})
		if err != nil {
			return
		}
		defer wb.Close()
		s, err := readXLSX("in.xlsx", wb)
		checkErr(t, err)
		if err != nil {
			return
		}
		for i, row := range s.Rows {
			if len(row) != len(s.Header) || s.RowNums[i] < 2 {
				t.Fatalf("row %d: %d cells for %d columns", s.RowNums[i], len(row), len(s.Header))
			}
		}
		for _, c := range s.Header {
			if c == "" {
				t.Fatal("an empty column name")
			}
		}
	})
}

// FuzzCountRecords checks the record count against encoding/csv's on
// text both can read: the loader compares it with the rows DuckDB read,
// so a wrong count would refuse a good file or miss a lost row.
func FuzzCountRecords(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n\n3,4\n", "a\r\n1\r\n\r\n2", "a,b\n\"x\ny\",2\n", "a\n\"\"\"q\"\"\"\n", "", "\n\n", "a,b\n1,2"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := CountRecords(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(raw))
		r.FieldsPerRecord = -1
		var n int64
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return // text encoding/csv refuses: no oracle
			}
			n++
		}
		if a.Records != n {
			t.Fatalf("%q: %d records counted, encoding/csv reads %d", raw, a.Records, n)
		}
	})
}

// FuzzLoneCarriageReturns checks the lines found holding a carriage return
// that no line feed follows against a byte-by-byte reading, whatever the
// size of the reads the text arrives in.
func FuzzLoneCarriageReturns(f *testing.F) {
	for _, s := range []string{"a,b\r\n1,2\r\n", "a,b\n2024-01-\r01,x\n", "a\rb\rc", "a,\"x\ry\"\n1\r", "\r\r\n\r"} {
		f.Add([]byte(s), uint8(1))
	}
	f.Fuzz(func(t *testing.T, raw []byte, chunk uint8) {
		var want []int64
		quoted, line := false, int64(1)
		for i, b := range raw {
			switch b {
			case '"':
				quoted = !quoted
			case '\n':
				line++
			case '\r':
				if !quoted && i+1 < len(raw) && raw[i+1] != '\n' && (len(want) == 0 || want[len(want)-1] != line) {
					want = append(want, line)
				}
			}
		}
		a, err := CountRecords(iotest.OneByteReader(bytes.NewReader(raw)))
		if chunk > 1 {
			a, err = CountRecords(&chunkReader{raw: raw, n: int(chunk)})
		}
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(want)) != a.LoneCRCount || !slices.Equal(want[:min(len(want), 20)], a.LoneCR) {
			t.Fatalf("%q in reads of %d: lone CRs on lines %v (%d), want %v", raw, chunk, a.LoneCR, a.LoneCRCount, want)
		}
		whole, _ := CountRecords(bytes.NewReader(raw))
		if whole.LoneCRCount != a.LoneCRCount || whole.Records != a.Records {
			t.Fatalf("%q: the reads' size changes the count", raw)
		}
	})
}

// chunkReader returns its bytes n at a time.
type chunkReader struct {
	raw []byte
	n   int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.raw) == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.raw)
	c.raw = c.raw[k:]
	return k, nil
}

// FuzzDetectFormat feeds the format check and the Parquet check any bytes
// under any of the names the loader accepts.
func FuzzDetectFormat(f *testing.F) {
	for _, s := range []string{"PAR1\x00\x00\x00\x00\x04\x00\x00\x00PAR1", "PAR1", "PK\x03\x04", "\x1f\x8b\x08", "date,sku\n", ""} {
		for _, name := range []string{"a.csv", "a.parquet", "a.xlsx", "a.csv.gz"} {
			f.Add(name, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if !isDataFile(name) || strings.ContainsAny(name, "/\\\x00") {
			return
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return
		}
		_, err := DetectFormat(path)
		checkErr(t, err)
		checkErr(t, CheckParquet(path))
	})
}

// FuzzHiveKeys takes any path apart into its partition keys.
func FuzzHiveKeys(f *testing.F) {
	for _, s := range []string{"sales/date=2024-01-01/part-0.parquet", "a=b/c=d/e", "=x/y", "/", "a==b/f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		for _, k := range HiveKeys(path) {
			if k == "" || strings.Contains(k, "/") {
				t.Fatalf("key %q from %q", k, path)
			}
		}
	})
}

// FuzzRedactURL: whatever the URL, a password in it is never shown.
func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{"postgres://u:pw@h/db", "postgresql://u@h:5/db?password=pw&sslmode=disable", "postgres://%zz", "postgres://u:pw@[::1/db"} {
		f.Add(s, "secretpw")
	}
	f.Fuzz(func(t *testing.T, raw, secret string) {
		// A password of letters that no escape writes (g to z, but the x of
		// the mask), which the
		// rest of the URL does not hold.
		if len(secret) < 4 || strings.Trim(secret, "ghijklmnopqrstuvwyz") != "" || strings.Contains(strings.ToLower(raw), secret) {
			return
		}
		u := "postgres://user:" + secret + "@host/db?password=" + secret + "&x=" + raw
		if got := RedactURL(u); strings.Contains(got, secret) {
			t.Fatalf("%q shows the password: %q", u, got)
		}
	})
}
