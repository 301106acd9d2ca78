package export

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// OrderColumns are the columns of an orders file, in order (docs/schema.md
// documents them; columns are only ever added at the end).
var OrderColumns = []string{"order_id", "type", "sku", "from", "to", "quantity", "order_date", "receipt_date",
	"unit_cost", "policy", "reason", "exception", "inventory_position", "reorder_point", "order_up_to",
	"safety_stock", "protection_demand", "class", "target"}

// OrdersSchema names the orders file's layout and version, written into
// Parquet metadata.
const OrdersSchema = "orders/1"

// orderRow is one line as the files hold it.
type orderRow struct {
	ID          string  `json:"order_id"`
	Type        string  `json:"type"`
	SKU         string  `json:"sku"`
	From        string  `json:"from"`
	To          string  `json:"to"`
	Qty         float64 `json:"quantity"`
	OrderDate   string  `json:"order_date"`
	ReceiptDate string  `json:"receipt_date"`
	UnitCost    float64 `json:"unit_cost"`
	Policy      string  `json:"policy"`
	Reason      string  `json:"reason"`
	Exception   string  `json:"exception"`
	Inventory   float64 `json:"inventory_position"`
	Reorder     float64 `json:"reorder_point"`
	UpTo        float64 `json:"order_up_to"`
	Safety      float64 `json:"safety_stock"`
	Demand      float64 `json:"protection_demand"`
	Class       string  `json:"class"`
	Target      string  `json:"target"`
}

func rowOf(l *replenish.Line) orderRow {
	r := orderRow{ID: l.ID, Type: l.Type(), SKU: l.SKU, From: l.From, To: l.To, Qty: l.Qty, OrderDate: l.OrderDate.String(),
		UnitCost: round4(l.UnitCost), Policy: l.Policy, Reason: l.Reason, Exception: l.Exception, Inventory: round4(l.Levels.Inventory),
		Reorder: round4(l.Levels.ReorderPoint), UpTo: round4(l.Levels.OrderUpTo), Safety: round4(l.Levels.SafetyStock), Demand: round4(l.Levels.Demand),
		Class: l.Class, Target: targetText(l.Target)}
	if l.ReceiptDate != 0 {
		r.ReceiptDate = l.ReceiptDate.String()
	}
	return r
}

// targetText writes a target as "0.95 fill" or "0.9 csl".
func targetText(t replenish.Target) string {
	if t.Level == 0 {
		return ""
	}
	return string(number(nil, t.Level)) + " " + t.Type.String()
}

// round4 rounds as number does, so JSON and Parquet hold what CSV shows.
func round4(v float64) float64 { return math.Round(v*1e4)/1e4 + 0 }

// WriteOrders writes the order lines with a quantity, as CSV, Parquet,
// JSON (one array) or JSON Lines by the extension of path (.csv,
// .parquet, .json, .jsonl), atomically.
func WriteOrders(path string, lines []replenish.Line) error {
	var rows []orderRow
	for i := range lines {
		if lines[i].Qty > 0 {
			rows = append(rows, rowOf(&lines[i]))
		}
	}
	var write func(io.Writer) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		write = func(w io.Writer) error { return writeOrdersCSV(w, rows) }
	case ".parquet":
		write = func(w io.Writer) error { return writeOrdersParquet(w, rows) }
	case ".json":
		write = func(w io.Writer) error {
			if rows == nil {
				rows = []orderRow{}
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(rows)
		}
	case ".jsonl":
		write = func(w io.Writer) error {
			enc := json.NewEncoder(w)
			for _, r := range rows {
				if err := enc.Encode(r); err != nil {
					return err
				}
			}
			return nil
		}
	default:
		return fmt.Errorf("export: %s: write orders to a .csv, .parquet, .json or .jsonl file", path)
	}
	return fsutil.WriteFile(path, write)
}

func writeOrdersCSV(w io.Writer, rows []orderRow) error {
	buf := []byte(strings.Join(OrderColumns, ",") + "\n")
	for _, r := range rows {
		for k, f := range []string{r.ID, r.Type, r.SKU, r.From, r.To} {
			if k > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, csvField(f)...)
		}
		buf = append(buf, ',')
		buf = number(buf, r.Qty)
		buf = append(buf, ',')
		buf = append(buf, r.OrderDate...)
		buf = append(buf, ',')
		buf = append(buf, r.ReceiptDate...)
		buf = append(buf, ',')
		buf = number(buf, r.UnitCost)
		for _, f := range []string{r.Policy, r.Reason, r.Exception} {
			buf = append(buf, ',')
			buf = append(buf, csvField(f)...)
		}
		for _, v := range []float64{r.Inventory, r.Reorder, r.UpTo, r.Safety, r.Demand} {
			buf = append(buf, ',')
			buf = number(buf, v)
		}
		buf = append(buf, ',')
		buf = append(buf, r.Class...)
		buf = append(buf, ',')
		buf = append(buf, r.Target...)
		buf = append(buf, '\n')
		var err error
		if buf, err = flushFull(w, buf); err != nil {
			return err
		}
	}
	_, err := w.Write(buf)
	return err
}

func writeOrdersParquet(w io.Writer, rows []orderRow) error {
	str, f64, date := arrow.BinaryTypes.String, arrow.PrimitiveTypes.Float64, arrow.FixedWidthTypes.Date32
	types := []arrow.DataType{str, str, str, str, str, f64, date, date, f64, str, str, str, f64, f64, f64, f64, f64, str, str}
	fields := make([]arrow.Field, len(OrderColumns))
	for i, c := range OrderColumns {
		fields[i] = arrow.Field{Name: c, Type: types[i], Nullable: types[i] == date}
	}
	schema, fw, err := newParquetWriter(w, fields, OrdersSchema)
	if err != nil {
		return err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, r := range rows {
		for k, s := range []string{r.ID, r.Type, r.SKU, r.From, r.To} {
			b.Field(k).(*array.StringBuilder).Append(s)
		}
		b.Field(5).(*array.Float64Builder).Append(r.Qty)
		for k, d := range []string{r.OrderDate, r.ReceiptDate} {
			db := b.Field(6 + k).(*array.Date32Builder)
			if t, err := series.ParseDate(d); d != "" && err == nil {
				db.Append(arrow.Date32(t))
			} else {
				db.AppendNull()
			}
		}
		b.Field(8).(*array.Float64Builder).Append(r.UnitCost)
		for k, s := range []string{r.Policy, r.Reason, r.Exception} {
			b.Field(9 + k).(*array.StringBuilder).Append(s)
		}
		for k, v := range []float64{r.Inventory, r.Reorder, r.UpTo, r.Safety, r.Demand} {
			b.Field(12 + k).(*array.Float64Builder).Append(v)
		}
		b.Field(17).(*array.StringBuilder).Append(r.Class)
		b.Field(18).(*array.StringBuilder).Append(r.Target)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}
