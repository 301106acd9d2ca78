package export

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/internal/csvcell"
	"github.com/planner-engine/planner/internal/fsutil"
)

// ForecastColumns returns the columns of a forecast file: sku, location,
// date, model, mean, one column per quantile (p10, p50, p2_5, ...), the
// channel, and the override a planner applied (empty for none). The first
// five and the quantiles' places are a contract (docs/cli.md); columns
// are only ever added after them.
func ForecastColumns(quantiles []float64) []string {
	cols := []string{"sku", "location", "date", "model", "mean"}
	for _, q := range quantiles {
		cols = append(cols, forecast.QuantileName(q))
	}
	return append(cols, "channel", "override")
}

// overrideOf is what an override did to step j of a result ("" for none).
func overrideOf(r *forecast.Result, j int) string {
	if r.Override == nil {
		return ""
	}
	return r.Override[j]
}

// WriteForecasts writes one row per series and forecast period, as CSV or
// Parquet by the extension of path (.csv, .parquet), atomically.
func WriteForecasts(path string, r *forecast.Result) error {
	if err := forecastsFinite(r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return fsutil.WriteFile(path, func(w io.Writer) error { return writeForecastsCSV(w, r) })
	case ".parquet":
		return fsutil.WriteFile(path, func(w io.Writer) error { return writeForecastsParquet(w, r) })
	}
	return fmt.Errorf("%s: write forecasts to a .csv or .parquet file", path)
}

// forecastsFinite refuses forecasts that hold NaN or an infinity.
func forecastsFinite(r *forecast.Result) error {
	f := &r.Forecasts
	for i := range f.Keys {
		for t := 0; t < f.Horizon; t++ {
			column, x := "mean", f.Mean[i*f.Horizon+t]
			for k := 0; k < len(f.Quantiles) && !math.IsNaN(x) && !math.IsInf(x, 0); k++ {
				column, x = forecast.QuantileName(f.Quantiles[k]), f.Quantile(i, t, k)
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				key := f.Keys[i]
				return &NotFiniteError{File: "forecasts", Column: column, Row: i*f.Horizon + t + 1,
					Key: key.SKU + ", " + key.Location + ", " + f.Freq.Add(f.Starts[i], t).String(), Value: x}
			}
		}
	}
	return nil
}

// number formats a value with at most four decimals, the same way every
// time, so that identical runs write identical files.
func number(b []byte, v float64) []byte {
	v = math.Round(v*1e4) / 1e4
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

func writeForecastsCSV(w io.Writer, r *forecast.Result) error {
	if _, err := io.WriteString(w, strings.Join(ForecastColumns(r.Quantiles), ",")+"\n"); err != nil {
		return err
	}
	nq := len(r.Quantiles)
	buf := make([]byte, 0, 1<<16)
	for i, key := range r.Keys {
		model := csvField(r.Model[i])
		sku, loc, ch := csvField(key.SKU), csvField(key.Location), csvField(key.Channel)
		for t := 0; t < r.Horizon; t++ {
			buf = append(buf, sku...)
			buf = append(buf, ',')
			buf = append(buf, loc...)
			buf = append(buf, ',')
			buf = r.Freq.Add(r.Starts[i], t).AppendFormat(buf)
			buf = append(buf, ',')
			buf = append(buf, model...)
			buf = append(buf, ',')
			buf = number(buf, r.Mean[i*r.Horizon+t])
			for k := 0; k < nq; k++ {
				buf = append(buf, ',')
				buf = number(buf, r.Quantile(i, t, k))
			}
			buf = append(buf, ',')
			buf = append(buf, ch...)
			buf = append(buf, ',')
			buf = append(buf, csvField(overrideOf(r, i*r.Horizon+t))...)
			buf = append(buf, '\n')
		}
		var err error
		if buf, err = flushFull(w, buf); err != nil {
			return err
		}
	}
	_, err := w.Write(buf)
	return err
}

// flushFull writes buf once it holds 32 KiB and returns it emptied, so a
// writer builds rows in one reused buffer without holding a whole file.
func flushFull(w io.Writer, buf []byte) ([]byte, error) {
	if len(buf) < 1<<15 {
		return buf, nil
	}
	_, err := w.Write(buf)
	return buf[:0], err
}

// newParquetWriter starts a Snappy-compressed Parquet file of the fields,
// naming its layout and version (such as orders/1) under planner.schema in
// the file's metadata.
func newParquetWriter(w io.Writer, fields []arrow.Field, layout string) (*arrow.Schema, *pqarrow.FileWriter, error) {
	meta := arrow.NewMetadata([]string{"planner.schema"}, []string{layout})
	schema := arrow.NewSchema(fields, &meta)
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy))
	fw, err := pqarrow.NewFileWriter(schema, w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	return schema, fw, err
}

// csvField writes a text value as a CSV cell: a value a spreadsheet would
// run as a formula gets a leading apostrophe (csvcell.Escape), and one
// that holds a comma, quote or line break is quoted.
func csvField(s string) string {
	s = csvcell.Escape(s)
	if !strings.ContainsAny(s, ",\"\n\r") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func writeForecastsParquet(w io.Writer, r *forecast.Result) error {
	fields := []arrow.Field{
		{Name: "sku", Type: arrow.BinaryTypes.String},
		{Name: "location", Type: arrow.BinaryTypes.String},
		{Name: "date", Type: arrow.FixedWidthTypes.Date32},
		{Name: "model", Type: arrow.BinaryTypes.String},
		{Name: "mean", Type: arrow.PrimitiveTypes.Float64},
	}
	for _, q := range r.Quantiles {
		fields = append(fields, arrow.Field{Name: forecast.QuantileName(q), Type: arrow.PrimitiveTypes.Float64})
	}
	fields = append(fields, arrow.Field{Name: "channel", Type: arrow.BinaryTypes.String}, arrow.Field{Name: "override", Type: arrow.BinaryTypes.String})
	schema, fw, err := newParquetWriter(w, fields, "forecasts/1")
	if err != nil {
		return err
	}
	nq := len(r.Quantiles)
	const batch = 4096 // series per record batch
	for lo := 0; lo < r.Len(); lo += batch {
		hi := min(lo+batch, r.Len())
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		for i := lo; i < hi; i++ {
			key := r.Keys[i]
			for t := 0; t < r.Horizon; t++ {
				b.Field(0).(*array.StringBuilder).Append(key.SKU)
				b.Field(1).(*array.StringBuilder).Append(key.Location)
				b.Field(2).(*array.Date32Builder).Append(arrow.Date32(r.Freq.Add(r.Starts[i], t)))
				b.Field(3).(*array.StringBuilder).Append(r.Model[i])
				b.Field(4).(*array.Float64Builder).Append(r.Mean[i*r.Horizon+t])
				for k := 0; k < nq; k++ {
					b.Field(5 + k).(*array.Float64Builder).Append(r.Quantile(i, t, k))
				}
				b.Field(5 + nq).(*array.StringBuilder).Append(key.Channel)
				b.Field(6 + nq).(*array.StringBuilder).Append(overrideOf(r, i*r.Horizon+t))
			}
		}
		rec := b.NewRecordBatch()
		err := fw.Write(rec)
		rec.Release()
		b.Release()
		if err != nil {
			fw.Close()
			return err
		}
	}
	return fw.Close()
}
