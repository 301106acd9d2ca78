package export

import (
	"fmt"
	"strings"
)

// OutputColumn documents one column of an output file.
type OutputColumn struct {
	Name, Type, Doc string
}

// OutputFile documents one output file: its schema name (written into
// Parquet metadata) and columns, in order.
type OutputFile struct {
	Name, Schema, Doc string
	Columns           []OutputColumn
}

// Outputs documents the files the planner writes for ERPs and scripts.
var Outputs = []OutputFile{
	{Name: "orders", Schema: OrdersSchema,
		Doc: "Replenishment orders (`planner replenish --out`): one row per order line with a quantity, and the lines with an exception " +
			"and no quantity (cut to nothing by a short DC, or not planned: quantity 0, with the why in reason and exception), which exceptions.csv points at. " +
			"CSV, Parquet, JSON (one array) or JSON Lines by the file's extension.",
		Columns: []OutputColumn{
			{"order_id", "text", "PO- (purchase) or TO- (transfer) and 12 hex digits; the same for the same day, SKU and lane on every rerun."},
			{"type", "text", "purchase (from a supplier or factory) or transfer (from a DC)."},
			{"sku", "text", "SKU ordered."},
			{"from", "text", "Location that ships: supplier, factory or DC."},
			{"to", "text", "Location that receives."},
			{"quantity", "number", "Units to order, after order days, minimum order, multiples and shelf life; 0 for a line cut to nothing or not planned (never sent by planner push)."},
			{"order_date", "date", "Day the order is placed: the day of the stock positions."},
			{"receipt_date", "date", "Day the order is expected: order date + lead time (rounded up)."},
			{"unit_cost", "number", "Cost per unit on the lane (the product's unit cost when the lane has none)."},
			{"policy", "text", "Policy that decided the order: order-up-to, base-stock, reorder-point, min-max."},
			{"reason", "text", "Why, in words: the position against the level, then each constraint that changed the quantity."},
			{"exception", "text", "What a planner should check (such as an MOQ above 90 days of demand); empty when nothing."},
			{"inventory_position", "number", "On hand + on order + in transit - backorders - reserved, before the order."},
			{"reorder_point", "number", "Position below which the policy orders."},
			{"order_up_to", "number", "Level the order raises the position to (for batch policies: reorder point + batch)."},
			{"safety_stock", "number", "Reorder point minus the mean demand over the protection interval."},
			{"protection_demand", "number", "Mean demand over the lead time and review period."},
			{"class", "text", "ABC / XYZ class of the SKU at the location: A, B, C by forecast sales value (80%, 15%, 5%), X, Y, Z by forecast variability."},
			{"target", "text", "Service target the order was planned for, such as 0.95 fill or 0.9 csl."},
			schemaColumn,
			{"order_multiple", "number", "The lane's order multiple (case or pack; 1 when none): an edited quantity is a whole number of it."},
			{"max_quantity", "number", "The largest quantity a merchandiser may set (planner import-approvals): the order-up-to level, or the planned quantity when a minimum order made it larger, in whole multiples."},
			{"channel_split", "text", "Each sales channel's share of the receiver's demand, largest first, such as store 68%; instant 32% (a location's channels sell from its one stock; a DC's are its locations'); empty without demand."},
		}},
}

// schemaColumn closes every plan file: the layout and version on every
// row, so that a CSV or JSON Lines file (which have no metadata) says what
// it is too.
var schemaColumn = OutputColumn{"schema", "text", "The file's layout and version, such as orders/1, on every row (Parquet files also carry it in their metadata)."}

// OutputsMarkdown documents the output files as Markdown, after the inputs
// in docs/schema.md.
func OutputsMarkdown() string {
	var b strings.Builder
	b.WriteString("\n# Output files\n\nFiles the planner writes for ERPs and scripts. Columns are only ever added at the end; ")
	b.WriteString("a Parquet file names its layout and version in the key `planner.schema` of its metadata. ")
	b.WriteString("In CSV files, a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a ")
	b.WriteString("leading apostrophe (`'=SUM(A1)`), as OWASP recommends against CSV injection, so that a spreadsheet shows it as ")
	b.WriteString("text instead of running it; numbers are never escaped. The planner's own readers of these files (`import-approvals`, ")
	b.WriteString("`push`) take the apostrophe off, so an ERP receives the value as it was. Parquet, JSON and the workbook hold values as they are.\n")
	for _, f := range Outputs {
		fmt.Fprintf(&b, "\n## %s\n\n%s Schema `%s`; JSON Schema [schemas/%s.schema.json](schemas/%s.schema.json).\n\n| Column | Type | Meaning |\n|---|---|---|\n", f.Name, f.Doc, f.Schema, f.Name, f.Name)
		for _, c := range f.Columns {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.Name, c.Type, c.Doc)
		}
	}
	return b.String()
}
