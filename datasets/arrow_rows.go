//go:build !duckdb_arrow

package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// scanArrow is the portable path for builds without DuckDB's Arrow
// interface (the duckdb_arrow build tag, which the Makefile sets): it scans
// rows through database/sql and packs them into Arrow batches, so callers
// see the same columns either way, only more slowly.
func scanArrow(ctx context.Context, conn *sql.Conn, query string, fn func(arrow.RecordBatch) error) error {
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	fields := make([]arrow.Field, len(types))
	for i, t := range types {
		var dt arrow.DataType
		switch t.DatabaseTypeName() {
		case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "HUGEINT":
			dt = arrow.PrimitiveTypes.Int64
		case "DOUBLE", "FLOAT", "DECIMAL":
			dt = arrow.PrimitiveTypes.Float64
		case "DATE":
			dt = arrow.FixedWidthTypes.Date32
		case "BOOLEAN":
			dt = arrow.FixedWidthTypes.Boolean
		case "VARCHAR":
			dt = arrow.BinaryTypes.String
		default:
			return fmt.Errorf("column %s has type %s, which the portable reader does not handle", t.Name(), t.DatabaseTypeName())
		}
		fields[i] = arrow.Field{Name: t.Name(), Type: dt, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	vals := make([]any, len(fields))
	ptrs := make([]any, len(fields))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	const batch = 1 << 14
	n := 0
	flush := func() error {
		rec := b.NewRecordBatch()
		defer rec.Release()
		n = 0
		return fn(rec)
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			fb := b.Field(i)
			if v == nil {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.Int64Builder:
				fb.Append(toInt64(v))
			case *array.Float64Builder:
				fb.Append(toFloat64(v))
			case *array.Date32Builder:
				fb.Append(arrow.Date32FromTime(v.(time.Time)))
			case *array.BooleanBuilder:
				fb.Append(v.(bool))
			case *array.StringBuilder:
				fb.Append(fmt.Sprint(v))
			}
		}
		if n++; n == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n > 0 {
		return flush()
	}
	return nil
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	}
	return 0
}

func toFloat64(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	}
	return float64(toInt64(v))
}
