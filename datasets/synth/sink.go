package synth

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/planner-engine/planner/internal/fsutil"
)

// rowKind is what a file of series rows holds.
type rowKind int

const (
	kindSales        rowKind = iota // date,sku,location,channel,qty,price,base_price,promo,feature,display
	kindMean                        // date,sku,location,channel,mean
	kindSalesReturns                // the sales' columns, then returns
)

var headers = map[rowKind]string{
	kindSales:        salesHeader,
	kindMean:         "date,sku,location,channel,mean",
	kindSalesReturns: salesHeader + ",returns",
}

const salesHeader = "date,sku,location,channel,qty,price,base_price,promo,feature,display"

type seriesID struct{ sku, location, channel string }

// salesFields are the sales rows' columns (salesHeader).
var salesFields = []arrow.Field{
	{Name: "date", Type: arrow.FixedWidthTypes.Date32},
	{Name: "sku", Type: arrow.BinaryTypes.String},
	{Name: "location", Type: arrow.BinaryTypes.String},
	{Name: "channel", Type: arrow.BinaryTypes.String},
	{Name: "qty", Type: arrow.PrimitiveTypes.Float64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "base_price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "promo", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "feature", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "display", Type: arrow.FixedWidthTypes.Boolean},
}

var schemas = map[rowKind]*arrow.Schema{
	kindSales:        arrow.NewSchema(salesFields, nil),
	kindSalesReturns: arrow.NewSchema(append(slices.Clone(salesFields), arrow.Field{Name: "returns", Type: arrow.PrimitiveTypes.Float64}), nil),
	kindMean: arrow.NewSchema([]arrow.Field{
		{Name: "date", Type: arrow.FixedWidthTypes.Date32},
		{Name: "sku", Type: arrow.BinaryTypes.String},
		{Name: "location", Type: arrow.BinaryTypes.String},
		{Name: "channel", Type: arrow.BinaryTypes.String},
		{Name: "mean", Type: arrow.PrimitiveTypes.Float64},
	}, nil),
}

// rows collects one block's rows: formatted CSV, or columns for Parquet.
type rows struct {
	csv  bool
	kind rowKind
	buf  []byte
	n    int64

	date          []arrow.Date32
	keyOf         []int32 // index into keys, per row
	keys          []seriesID
	qty, paid, rg []float64
	ret           []float64
	flags         []uint8
	mean          []float64
	rec           arrow.RecordBatch // the columns as a batch, built by the worker
}

func (r *rows) init(csv bool, kind rowKind) { *r = rows{csv: csv, kind: kind} }

func (r *rows) key(id seriesID) {
	if len(r.keys) == 0 || r.keys[len(r.keys)-1] != id {
		r.keys = append(r.keys, id)
	}
	r.keyOf = append(r.keyOf, int32(len(r.keys)-1))
}

func (r *rows) addSale(rw *rowWriter, t int, key []byte, id seriesID, qty, returns float64, pd *productDays) {
	r.n++
	if r.csv {
		r.buf = rw.appendSale(r.buf, t, key, qty, pd)
		if r.kind == kindSalesReturns {
			r.buf = append(r.buf[:len(r.buf)-1], ',')
			r.buf = strconv.AppendInt(r.buf, int64(returns), 10)
			r.buf = append(r.buf, '\n')
		}
		return
	}
	if r.kind == kindSalesReturns {
		r.ret = append(r.ret, returns)
	}
	r.date = append(r.date, arrow.Date32(int32(rw.start)+int32(t)))
	r.key(id)
	r.qty = append(r.qty, qty)
	r.paid = append(r.paid, pd.paid[t])
	r.rg = append(r.rg, pd.regular[t])
	r.flags = append(r.flags, pd.flags[t])
}

func (r *rows) addMean(rw *rowWriter, t int, key []byte, id seriesID, mean float64) {
	r.n++
	if r.csv {
		r.buf = rw.appendMean(r.buf, t, key, mean)
		return
	}
	r.date = append(r.date, arrow.Date32(int32(rw.start)+int32(t)))
	r.key(id)
	r.mean = append(r.mean, mean)
}

// sink writes blocks of rows, in order, to one file.
type sink interface {
	add(*rows) error
	commit() error
	abort()
	rows() int64
}

func openSink(path, format string, kind rowKind) (sink, error) {
	f, err := fsutil.Create(path)
	if err != nil {
		return nil, err // cannot write <path>: ...
	}
	if format == "csv" {
		if _, err := f.WriteString(headers[kind] + "\n"); err != nil {
			f.Abort()
			return nil, err
		}
		return &csvSink{f: f}, nil
	}
	schema := schemas[kind]
	// Dictionaries pay for codes, prices and flags, which repeat; the true
	// means hardly ever repeat, so hashing them would only cost time.
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDictionaryDefault(true),
		parquet.WithDictionaryFor("mean", false), parquet.WithDictionaryFor("qty", false))
	fw, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		f.Abort()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &parquetSink{f: f, fw: fw, schema: schema, kind: kind}, nil
}

type csvSink struct {
	f *fsutil.File
	n int64
}

func (s *csvSink) add(r *rows) error {
	s.n += r.n
	_, err := s.f.Write(r.buf)
	return err
}
func (s *csvSink) commit() error { return s.f.Commit() }
func (s *csvSink) abort()        { s.f.Abort() }
func (s *csvSink) rows() int64   { return s.n }

type parquetSink struct {
	f      *fsutil.File
	fw     *pqarrow.FileWriter
	schema *arrow.Schema
	kind   rowKind
	n      int64
	closed bool
}

func (s *parquetSink) add(r *rows) error {
	if r.rec == nil {
		return nil
	}
	s.n += r.n
	defer r.rec.Release()
	return s.fw.Write(r.rec)
}

// build turns the columns into a record batch, on the worker's goroutine so
// that the writer only encodes.
func (r *rows) build() {
	if r.csv || r.n == 0 {
		return
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schemas[r.kind])
	defer b.Release()
	b.Field(0).(*array.Date32Builder).AppendValues(r.date, nil)
	for f, get := range []func(seriesID) string{
		func(k seriesID) string { return k.sku },
		func(k seriesID) string { return k.location },
		func(k seriesID) string { return k.channel },
	} {
		sb := b.Field(1 + f).(*array.StringBuilder)
		sb.Reserve(len(r.keyOf))
		for _, k := range r.keyOf {
			sb.Append(get(r.keys[k]))
		}
	}
	if r.kind != kindMean {
		b.Field(4).(*array.Float64Builder).AppendValues(r.qty, nil)
		b.Field(5).(*array.Float64Builder).AppendValues(r.paid, nil)
		b.Field(6).(*array.Float64Builder).AppendValues(r.rg, nil)
		for j, flag := range []uint8{flagPromo, flagFeature, flagDisplay} {
			fb := b.Field(7 + j).(*array.BooleanBuilder)
			fb.Reserve(len(r.flags))
			for _, f := range r.flags {
				fb.UnsafeAppend(f&flag != 0)
			}
		}
		if r.kind == kindSalesReturns {
			b.Field(10).(*array.Float64Builder).AppendValues(r.ret, nil)
		}
	} else {
		b.Field(4).(*array.Float64Builder).AppendValues(r.mean, nil)
	}
	r.rec = b.NewRecordBatch()
	// The columns now live in the batch.
	r.date, r.keyOf, r.qty, r.paid, r.rg, r.flags, r.mean, r.ret = nil, nil, nil, nil, nil, nil, nil, nil
}

func (s *parquetSink) commit() error {
	s.closed = true
	if err := s.fw.Close(); err != nil {
		s.f.Abort()
		return err
	}
	return s.f.Commit()
}

func (s *parquetSink) abort() {
	if !s.closed {
		s.closed = true
		s.fw.Close()
	}
	s.f.Abort()
}

func (s *parquetSink) rows() int64 { return s.n }
