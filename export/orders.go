package export

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// OrderColumns are the columns of an orders file, in order (docs/schema.md
// documents them; columns are only ever added at the end).
var OrderColumns = []string{"order_id", "type", "sku", "from", "to", "quantity", "order_date", "receipt_date",
	"unit_cost", "policy", "reason", "exception", "inventory_position", "reorder_point", "order_up_to",
	"safety_stock", "protection_demand", "class", "target", "schema", "order_multiple", "max_quantity", "channel_split"}

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
	Multiple    float64 `json:"order_multiple"`
	Max         float64 `json:"max_quantity"`
	Channels    string  `json:"channel_split"`
}

func rowOf(l *replenish.Line) orderRow {
	r := orderRow{ID: l.ID, Type: l.Type(), SKU: l.SKU, From: l.From, To: l.To, Qty: l.Qty, OrderDate: l.OrderDate.String(),
		UnitCost: round4(l.UnitCost), Policy: l.Policy, Reason: l.Reason, Exception: l.Exception, Inventory: round4(l.Levels.Inventory),
		Reorder: round4(l.Levels.ReorderPoint), UpTo: round4(l.Levels.OrderUpTo), Safety: round4(l.Levels.SafetyStock), Demand: round4(l.Levels.Demand),
		Class: l.Class, Target: targetText(l.Target), Multiple: math.Max(1, l.Multiple), Max: MaxOrder(l), Channels: ChannelSplit(l.Channels)}
	if l.ReceiptDate != 0 {
		r.ReceiptDate = l.ReceiptDate.String()
	}
	return r
}

// ChannelSplit writes each channel's share of the demand, largest first,
// as "store 68%; instant 32%": empty without demand or without named
// channels.
func ChannelSplit(channels []series.ChannelUnits) string {
	total := 0.0
	for _, c := range channels {
		if c.Channel == "" {
			return ""
		}
		total += c.Units
	}
	if total <= 0 {
		return ""
	}
	sorted := slices.Clone(channels)
	slices.SortStableFunc(sorted, func(a, b series.ChannelUnits) int { return cmp.Compare(b.Units, a.Units) })
	parts := make([]string, len(sorted))
	for i, c := range sorted {
		parts[i] = fmt.Sprintf("%s %.0f%%", c.Channel, 100*c.Units/total)
	}
	return strings.Join(parts, "; ")
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

// WriteOrders writes the order lines with a quantity, and the lines with
// an exception and none (OrderWritten), as CSV, Parquet, JSON (one array) or JSON
// Lines by the extension of path (.csv, .parquet, .json, .jsonl),
// atomically.
func WriteOrders(path string, lines []replenish.Line) error {
	var rows [][]any
	for i := range lines {
		if OrderWritten(&lines[i]) {
			r := rowOf(&lines[i])
			rows = append(rows, r.values())
		}
	}
	return writeTable(path, &Outputs[0], rows)
}

// MaxOrder is the largest quantity a merchandiser may set on an order
// line: the whole order-up-to level, or the planned quantity when a
// minimum order or the cut it came from made that larger, in whole
// multiples.
func MaxOrder(l *replenish.Line) float64 {
	m := math.Max(1, l.Multiple)
	return math.Max(l.Qty+l.Cut, math.Ceil(l.Levels.OrderUpTo/m-1e-9)*m)
}

// OrderWritten says whether an order line is in the orders file: it
// orders something, or it raised an exception without a quantity (a short
// DC cut it to nothing, or it could not be planned), so that the
// exception points at a row.
func OrderWritten(l *replenish.Line) bool { return l.Qty > 0 || l.Cut > 0 || l.Exception != "" }

// values lists the row's values in OrderColumns' order, as writeTable and
// the workbook take them.
func (r *orderRow) values() []any {
	return []any{r.ID, r.Type, r.SKU, r.From, r.To, r.Qty, r.OrderDate, r.ReceiptDate, r.UnitCost, r.Policy, r.Reason,
		r.Exception, r.Inventory, r.Reorder, r.UpTo, r.Safety, r.Demand, r.Class, r.Target, OrdersSchema, r.Multiple, r.Max, r.Channels}
}
