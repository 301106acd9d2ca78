package datasets

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// fileFormat is how an input file is encoded.
type fileFormat int

const (
	formatCSV fileFormat = iota
	formatParquet
	formatXLSX
)

// detectFormat picks the reader from the file name: .csv, .tsv and .txt
// (optionally .gz-compressed), .parquet and .xlsx.
func detectFormat(path string) (fileFormat, error) {
	name := strings.ToLower(filepath.Base(path))
	name = strings.TrimSuffix(name, ".gz")
	switch filepath.Ext(name) {
	case ".csv", ".tsv", ".txt":
		return formatCSV, nil
	case ".parquet", ".pq":
		return formatParquet, nil
	case ".xlsx":
		return formatXLSX, nil
	}
	return 0, &fileError{code: "unsupported_format",
		err: fmt.Errorf("%s: the file type is not supported; use .csv (or .csv.gz), .tsv, .parquet or .xlsx", path)}
}

// inputFile is what the loader learns about a file before reading it in bulk.
type inputFile struct {
	path   string
	format fileFormat
	header []string // column names as the file spells them, in file order
	empty  bool     // a header and no data rows (Parquet files are not sampled)

	// CSV
	delim  rune
	sample [][]string // the first data records, for sniffing date formats

	// XLSX
	sheet   string
	rows    [][]string // data rows, each padded to len(header)
	rowNums []int64    // the sheet row number of each data row
}

// sampleRows is how many CSV records are read to sniff date formats.
const sampleRows = 500

// openInput reads the header (and, for CSV, a sample) of a file.
func openInput(ctx context.Context, conn *sql.Conn, path string) (*inputFile, error) {
	format, err := detectFormat(path)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &fileError{code: "file_not_found", err: fmt.Errorf("%s: the file does not exist", path)}
		}
		return nil, &fileError{code: "unreadable_file", err: fmt.Errorf("%s: %w", path, err)}
	}
	if st.IsDir() {
		return nil, &fileError{code: "unreadable_file", err: fmt.Errorf("%s: is a folder, not a file", path)}
	}
	in := &inputFile{path: path, format: format}
	switch format {
	case formatCSV:
		err = in.readCSVHead()
	case formatParquet:
		err = in.readParquetHead(ctx, conn)
	case formatXLSX:
		err = in.readXLSX()
	}
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	for i, h := range in.header {
		key := strings.ToLower(h)
		if j, dup := seen[key]; dup {
			return nil, &fileError{code: "bad_header", err: fmt.Errorf("%s: columns %d and %d are both called %q; rename one", path, j+1, i+1, h)}
		}
		seen[key] = i
	}
	return in, nil
}

// openText opens a possibly gzip-compressed text file.
func openText(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: damaged gzip file: %w", path, err)
		}
		return struct {
			io.Reader
			io.Closer
		}{zr, f}, nil
	}
	return struct {
		io.Reader
		io.Closer
	}{br, f}, nil
}

func (in *inputFile) readCSVHead() error {
	rc, err := openText(in.path)
	if err != nil {
		return fmt.Errorf("%s: %w", in.path, err)
	}
	defer rc.Close()
	br := bufio.NewReader(rc)
	first, err := br.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: %w", in.path, err)
	}
	first = strings.TrimPrefix(first, "\ufeff")
	if strings.TrimSpace(first) == "" {
		return &fileError{code: "empty_file", err: fmt.Errorf("%s: the file is empty; it needs a header row", in.path)}
	}
	in.delim = sniffDelimiter(first, strings.HasSuffix(strings.TrimSuffix(strings.ToLower(in.path), ".gz"), ".tsv"))
	r := csv.NewReader(io.MultiReader(strings.NewReader(first), br))
	r.Comma = in.delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s line 1: cannot read the header: %w", in.path, err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
		if header[i] == "" {
			return &fileError{code: "bad_header", err: fmt.Errorf("%s line 1: column %d has no name; every column needs a header", in.path, i+1)}
		}
	}
	in.header = header
	for len(in.sample) < sampleRows {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// Malformed records are reported by the bulk reader with their
			// lines; the sample only needs the good ones.
			continue
		}
		in.sample = append(in.sample, rec)
	}
	in.empty = len(in.sample) == 0
	return nil
}

// sniffDelimiter picks the separator that splits the header line into the
// most fields, counting only separators outside quotes.
func sniffDelimiter(line string, tsv bool) rune {
	if tsv {
		return '\t'
	}
	best, bestN := ',', 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		n, quoted := 0, false
		for _, c := range line {
			switch {
			case c == '"':
				quoted = !quoted
			case c == d && !quoted:
				n++
			}
		}
		if n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

func (in *inputFile) readParquetHead(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "DESCRIBE SELECT * FROM read_parquet("+quoteString(in.path)+")")
	if err != nil {
		return fmt.Errorf("%s: cannot read the Parquet file: %w", in.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			return err
		}
		in.header = append(in.header, name)
	}
	return rows.Err()
}

// readXLSX reads the whole sheet: workbooks are small next to CSV extracts,
// and excelize's row iterator streams the XML. The sheet named after the
// table is preferred by the caller via pickSheet; here the first sheet.
func (in *inputFile) readXLSX() error {
	f, err := excelize.OpenFile(in.path, excelize.Options{RawCellValue: true})
	if err != nil {
		return fmt.Errorf("%s: cannot open the workbook: %w", in.path, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return fmt.Errorf("%s: the workbook has no sheets", in.path)
	}
	in.sheet = sheets[0]
	rows, err := f.Rows(in.sheet)
	if err != nil {
		return fmt.Errorf("%s sheet %s: %w", in.path, in.sheet, err)
	}
	defer rows.Close()
	rowNum := int64(0)
	for rows.Next() {
		rowNum++
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return fmt.Errorf("%s sheet %s row %d: %w", in.path, in.sheet, rowNum, err)
		}
		if isBlank(cols) {
			continue
		}
		if in.header == nil {
			for i := range cols {
				cols[i] = strings.TrimSpace(cols[i])
			}
			for len(cols) > 0 && cols[len(cols)-1] == "" {
				cols = cols[:len(cols)-1]
			}
			for i, c := range cols {
				if c == "" {
					return &fileError{code: "bad_header", err: fmt.Errorf("%s sheet %s row %d: column %d has no name; every column needs a header", in.path, in.sheet, rowNum, i+1)}
				}
			}
			in.header = cols
			continue
		}
		row := make([]string, len(in.header))
		copy(row, cols)
		in.rows = append(in.rows, row)
		in.rowNums = append(in.rowNums, rowNum)
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("%s sheet %s: %w", in.path, in.sheet, err)
	}
	if in.header == nil {
		return &fileError{code: "empty_file", err: fmt.Errorf("%s: the sheet %s is empty; it needs a header row", in.path, in.sheet)}
	}
	in.empty = len(in.rows) == 0
	return nil
}

func isBlank(cols []string) bool {
	for _, c := range cols {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// dateFormat is a date layout in both strftime (for DuckDB) and Go form.
type dateFormat struct{ strftime, layout string }

// dateFormats are the layouts sniffed, most common first. Day-first and
// month-first slash dates are both tried; where samples fit both, day-first
// wins and the loader warns.
var dateFormats = []dateFormat{
	{"%Y-%m-%d", "2006-01-02"},
	{"%Y/%m/%d", "2006/01/02"},
	{"%d/%m/%Y", "02/01/2006"},
	{"%m/%d/%Y", "01/02/2006"},
	{"%d.%m.%Y", "02.01.2006"},
	{"%d-%m-%Y", "02-01-2006"},
	{"%Y%m%d", "20060102"},
	{"%Y-%m-%d %H:%M:%S", "2006-01-02 15:04:05"},
	{"%Y-%m-%dT%H:%M:%S", "2006-01-02T15:04:05"},
}

// sniffDateFormat returns the first layout that parses every non-empty
// sample, or the one that parses most of them, and whether day and month
// order was ambiguous in the samples.
func sniffDateFormat(samples []string) (f dateFormat, ambiguous bool) {
	best, bestN := dateFormats[0], -1
	fits := map[string]bool{}
	for _, df := range dateFormats {
		n := 0
		for _, s := range samples {
			if _, err := time.Parse(df.layout, strings.TrimSpace(s)); err == nil {
				n++
			}
		}
		fits[df.strftime] = n == len(samples)
		if n > bestN {
			best, bestN = df, n
		}
	}
	ambiguous = fits["%d/%m/%Y"] && fits["%m/%d/%Y"] && len(samples) > 0
	return best, ambiguous
}

// lookupDateFormat accepts a strftime layout from the user, or one of the
// sniffed layouts' Go spelling.
func lookupDateFormat(s string) (dateFormat, error) {
	for _, df := range dateFormats {
		if s == df.strftime || s == df.layout {
			return df, nil
		}
	}
	if strings.Contains(s, "%") {
		return dateFormat{strftime: s}, nil
	}
	return dateFormat{}, fmt.Errorf("datasets: date format %q is not a strftime layout such as %%d/%%m/%%Y", s)
}

// csvLocator maps positions of the accepted rows of a CSV file (0-based, in
// file order) to 1-based line numbers, skipping the lines the bulk reader
// rejected. It re-reads the file, so it runs only when a problem needs a line.
func csvLocator(path string, delim rune, rejected map[int64]bool) func([]int64) (map[int64]int64, error) {
	return func(positions []int64) (map[int64]int64, error) {
		want := map[int64]bool{}
		var maxPos int64 = -1
		for _, p := range positions {
			want[p] = true
			maxPos = max(maxPos, p)
		}
		out := make(map[int64]int64, len(want))
		if maxPos < 0 {
			return out, nil
		}
		rc, err := openText(path)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		r := csv.NewReader(bufio.NewReaderSize(rc, 1<<16))
		r.Comma = delim
		r.LazyQuotes = true
		r.FieldsPerRecord = -1
		r.ReuseRecord = true
		if _, err := r.Read(); err != nil { // header
			return nil, err
		}
		var pos int64
		for pos <= maxPos {
			_, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			line, _ := r.FieldPos(0)
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					line = pe.StartLine
				}
			}
			if rejected[int64(line)] {
				continue
			}
			if want[pos] {
				out[pos] = int64(line)
			}
			pos++
		}
		return out, nil
	}
}
