package export

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/series"
)

// writeTable writes rows whose values follow the documented columns of f
// (a string for text and dates, a float64 for numbers) as CSV, Parquet,
// JSON (one array of objects) or JSON Lines by the extension of path,
// atomically. One writer for every plan file keeps them alike: the same
// number formatting, quoting, column order and schema metadata.
// NullableNumber is the type of a column whose cells are numbers or empty
// (null in JSON and Parquet), such as a margin without a cost; rows hold
// nil for the empty cells.
const NullableNumber = "number or null"

func writeTable(path string, f *OutputFile, rows [][]any) error {
	if err := checkFinite(f, rows); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var write func(io.Writer) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		write = func(w io.Writer) error { return tableCSV(w, f, rows) }
	case ".parquet":
		write = func(w io.Writer) error { return tableParquet(w, f, rows) }
	case ".json":
		write = func(w io.Writer) error { return tableJSON(w, f, rows, true) }
	case ".jsonl":
		write = func(w io.Writer) error { return tableJSON(w, f, rows, false) }
	default:
		return fmt.Errorf("%s: write %s to a .csv, .parquet, .json or .jsonl file", path, f.Name)
	}
	return fsutil.WriteFile(path, write)
}

// NotFiniteError reports a plan value that is not a number (NaN) or is
// infinite. Such a value is a defect upstream; a file that carried it would
// read as empty, 0 or "NaN" to the ERP depending on its parser, so nothing
// is written.
type NotFiniteError struct {
	File, Column string
	Row          int    // 1-based data row
	Key          string // the row's first text values, to find it by
	Value        float64
}

func (e *NotFiniteError) Error() string {
	return fmt.Sprintf("%s row %d (%s), column %s: the value %v is not a finite number; nothing was written",
		e.File, e.Row, e.Key, e.Column, e.Value)
}

// checkFinite refuses a table that holds NaN or an infinity anywhere.
func checkFinite(f *OutputFile, rows [][]any) error {
	for r, row := range rows {
		for i, v := range row {
			x, ok := v.(float64)
			if !ok || !(math.IsNaN(x) || math.IsInf(x, 0)) {
				continue
			}
			var key []string
			for _, k := range row {
				if s, ok := k.(string); ok && len(key) < 3 {
					key = append(key, s)
				}
			}
			return &NotFiniteError{File: f.Name, Column: f.Columns[i].Name, Row: r + 1, Key: strings.Join(key, ", "), Value: x}
		}
	}
	return nil
}

func tableCSV(w io.Writer, f *OutputFile, rows [][]any) error {
	var buf []byte
	for i, c := range f.Columns {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, c.Name...)
	}
	buf = append(buf, '\n')
	for _, r := range rows {
		for i, v := range r {
			if i > 0 {
				buf = append(buf, ',')
			}
			switch x := v.(type) {
			case float64:
				buf = number(buf, x)
			case int:
				buf = strconv.AppendInt(buf, int64(x), 10)
			case string:
				buf = append(buf, csvField(x)...)
			}
		}
		buf = append(buf, '\n')
		var err error
		if buf, err = flushFull(w, buf); err != nil {
			return err
		}
	}
	_, err := w.Write(buf)
	return err
}

// tableJSON writes objects with their keys in column order (a map would
// sort them), as one indented array or one object per line.
func tableJSON(w io.Writer, f *OutputFile, rows [][]any, array bool) error {
	var buf []byte
	if array {
		buf = append(buf, '[')
	}
	for k, r := range rows {
		if array {
			if k > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, "\n  "...)
		}
		buf = append(buf, '{')
		for i, v := range r {
			if i > 0 {
				buf = append(buf, ',')
			}
			key, _ := json.Marshal(f.Columns[i].Name)
			buf = append(buf, key...)
			buf = append(buf, ':')
			switch x := v.(type) {
			case float64:
				buf = number(buf, x)
			case int:
				buf = strconv.AppendInt(buf, int64(x), 10)
			case string:
				s, _ := json.Marshal(x)
				buf = append(buf, s...)
			case nil:
				buf = append(buf, "null"...)
			}
		}
		buf = append(buf, '}')
		if !array {
			buf = append(buf, '\n')
		}
		var err error
		if buf, err = flushFull(w, buf); err != nil {
			return err
		}
	}
	if array {
		if len(rows) > 0 {
			buf = append(buf, '\n')
		}
		buf = append(buf, "]\n"...)
	}
	_, err := w.Write(buf)
	return err
}

func tableParquet(w io.Writer, f *OutputFile, rows [][]any) error {
	fields := make([]arrow.Field, len(f.Columns))
	for i, c := range f.Columns {
		switch c.Type {
		case "number":
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.PrimitiveTypes.Float64}
		case NullableNumber:
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.PrimitiveTypes.Float64, Nullable: true}
		case "integer":
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.PrimitiveTypes.Int64}
		case "date":
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.FixedWidthTypes.Date32, Nullable: true}
		default:
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.BinaryTypes.String}
		}
	}
	schema, fw, err := newParquetWriter(w, fields, f.Schema)
	if err != nil {
		return err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, r := range rows {
		for i, v := range r {
			if v == nil {
				b.Field(i).AppendNull()
				continue
			}
			switch fb := b.Field(i).(type) {
			case *array.Int64Builder:
				fb.Append(int64(v.(int)))
			case *array.Float64Builder:
				fb.Append(v.(float64))
			case *array.Date32Builder:
				if d, err := series.ParseDate(v.(string)); err == nil {
					fb.Append(arrow.Date32(d))
				} else {
					fb.AppendNull()
				}
			case *array.StringBuilder:
				fb.Append(v.(string))
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}
