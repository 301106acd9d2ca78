package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/planner-engine/planner/datasets/files"
)

// inputFile is what the loader learns about a file before reading it in bulk.
type inputFile struct {
	path   string
	format files.Format
	header []string // column names as the file spells them, in file order
	empty  bool     // a header and no data rows (Parquet files are not sampled)
	// hive are the partition keys of the file's folders
	// (sales/date=2024-01-01/...), which the readers add as columns; for
	// CSV they follow the file's own columns in header.
	hive []string

	// Parquet, and a database query: the DuckDB type of each column
	types []string
	// set, for several Parquet files read as one, is the SQL list of their
	// paths.
	set string
	// table, for a database query, is the temporary table its rows were
	// copied into (with _row, each row's number from 1); they are read as
	// a Parquet file's are.
	table string

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
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &files.Error{Code: "file_not_found", Err: fmt.Errorf("%s: the file does not exist", path)}
		}
		return nil, &files.Error{Code: "unreadable_file", Err: fmt.Errorf("%s: %w", path, err)}
	}
	if st.IsDir() {
		return nil, &files.Error{Code: "unreadable_file", Err: fmt.Errorf("%s: is a folder, not a file", path)}
	}
	format, err := files.DetectFormat(path)
	if err != nil {
		return nil, err
	}
	in := &inputFile{path: path, format: format}
	switch format {
	case files.CSV:
		h, err := files.ReadCSVHead(path, sampleRows)
		if err != nil {
			return nil, err
		}
		in.delim, in.header, in.sample, in.empty = h.Delim, h.Header, h.Sample, h.Empty
		for _, k := range files.HiveKeys(path) {
			if indexFold(in.header, k) < 0 {
				in.hive = append(in.hive, k)
			}
		}
		in.header = append(in.header, in.hive...)
	case files.Parquet:
		if err := files.CheckParquet(path); err != nil {
			return nil, err
		}
		in.hive = files.HiveKeys(path)
		if err := in.readParquetHead(ctx, conn); err != nil {
			return nil, err
		}
		seen := map[string]int{}
		for i, h := range in.header {
			key := strings.ToLower(h)
			if j, dup := seen[key]; dup {
				return nil, &files.Error{Code: "bad_header", Err: fmt.Errorf("%s: columns %d and %d are both called %q; rename one", path, j+1, i+1, h)}
			}
			seen[key] = i
		}
	case files.XLSX:
		sh, err := files.ReadXLSX(path)
		if err != nil {
			return nil, err
		}
		in.sheet, in.header, in.rows, in.rowNums, in.empty = sh.Name, sh.Header, sh.Rows, sh.RowNums, sh.Empty
	}
	return in, nil
}

func (in *inputFile) readParquetHead(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "DESCRIBE SELECT * FROM "+in.parquetRelation(false))
	if err != nil && in.set != "" {
		return &files.Error{Code: "unreadable_file", Err: fmt.Errorf("%s: its Parquet files cannot be read together: their columns' types differ; export them again alike", in.path)}
	}
	if err != nil {
		return &files.Error{Code: "unreadable_file", Err: fmt.Errorf("%s: cannot be read as a Parquet file: it is damaged, cut short or written by a tool that did not finish; export it again", in.path)}
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			return err
		}
		in.header = append(in.header, name)
		in.types = append(in.types, typ)
	}
	return rows.Err()
}

// parquetRelation is the SQL that reads the Parquet file, its folders'
// partition keys as columns, and each row's number when asked.
func (in *inputFile) parquetRelation(rowNumbers bool) string {
	if in.set != "" {
		return fmt.Sprintf("read_parquet(%s, hive_partitioning = %t, union_by_name = true, filename = %t, file_row_number = %t)",
			in.set, len(in.hive) > 0, rowNumbers, rowNumbers)
	}
	return fmt.Sprintf("read_parquet(%s, hive_partitioning = %t, file_row_number = %t)", quoteString(in.path), len(in.hive) > 0, rowNumbers)
}

// relation is the SQL that reads a Parquet file's or a query's rows.
func (in *inputFile) relation() string {
	if in.table != "" {
		return in.table
	}
	return in.parquetRelation(false)
}

// fileColumns is how many of the header's columns are the file's own, not
// partition keys added from its folders.
func (in *inputFile) fileColumns() int {
	if in.format == files.CSV {
		return len(in.header) - len(in.hive)
	}
	return len(in.header)
}

func indexFold(xs []string, x string) int {
	for i, v := range xs {
		if strings.EqualFold(v, x) {
			return i
		}
	}
	return -1
}
