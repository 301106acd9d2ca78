package export

import (
	"fmt"
	"strconv"
	"strings"
)

// Approval is a merchandiser's decision on one plan line, as
// approvals.csv records it.
type Approval struct {
	// Sheet and Row locate the line in the workbook (Row as Excel numbers
	// it, the header being 1).
	Sheet string
	Row   int
	// Plan is orders or allocation: the plan file the line comes from.
	Plan          string
	LineID        string
	SKU, From, To string
	// Decision is yes, no, or "" when the line was left undecided.
	Decision string
	// Edit is the merchandiser's value of the plan's editable column
	// (quantity; new_price for prices), "" when it was left as planned;
	// Note is what they wrote beside the line.
	Edit, Note string
}

// PlanSheet is a plan sheet of the workbook and the plan file behind it:
// its id column and the columns that say where a line goes (From: where
// it ships or is made; To: where it arrives or applies; "" when the plan
// has no such column). Approvals carry those values and are checked
// against the file by them. Keys are the columns shown first, and Edit
// the one a merchandiser may change (quantity, or new_price), shown just
// before the approve and note columns.
type PlanSheet struct {
	Sheet, File, ID, From, To string
	Keys                      []string
	Edit                      string
	// Value, when set, names a column after Note that values the line:
	// the Edit column times unit_cost.
	Value string
	doc   *OutputFile
}

// Plan returns the plan's name, as approvals name it.
func (p PlanSheet) Plan() string { return p.doc.Name }

// The columns a person fills in on every plan sheet, after its Edit
// column.
const (
	ApproveColumn = "approve"
	NoteColumn    = "note"
)

// SheetColumn is one column of a plan sheet: a column of the plan file,
// the approve or note column, or a name beside a code (sku_name, to_name,
// ...). Name is canonical; Header is what the sheet shows, in words, with
// Name in the header cell's comment.
type SheetColumn struct {
	Name, Header string
	// Input marks the columns a person fills in.
	Input bool
	// Of is the code column a name column names ("" for the others).
	Of string
	// Times names the two columns whose product a value column is (a
	// formula, so that an edited quantity revalues the line).
	Times [2]string
}

// Columns returns the sheet's columns in order: the keys, each code
// followed by its name, the Edit column, approve and note, then the
// plan file's other columns (but schema, which every row of the file
// carries).
func (p PlanSheet) Columns() []SheetColumn {
	var out []SheetColumn
	placed := map[string]bool{}
	add := func(name string) {
		placed[name] = true
		out = append(out, SheetColumn{Name: name, Header: headerWords(name), Input: name == p.Edit})
		if namedCodes[name] {
			h := headerWords(name) + " name"
			if name == "sku" {
				h = "Product"
			}
			out = append(out, SheetColumn{Name: name + "_name", Header: h, Of: name})
		}
	}
	for _, k := range p.Keys {
		add(k)
	}
	add(p.Edit)
	out = append(out, SheetColumn{Name: ApproveColumn, Header: "Approve", Input: true}, SheetColumn{Name: NoteColumn, Header: "Note", Input: true})
	if p.Value != "" {
		out = append(out, SheetColumn{Name: p.Value, Header: headerWords(p.Value), Times: [2]string{p.Edit, "unit_cost"}})
	}
	for _, c := range p.doc.Columns {
		if !placed[c.Name] && c.Name != schemaColumn.Name {
			add(c.Name)
		}
	}
	return out
}

// namedCodes are the code columns whose names the sheets show beside them.
var namedCodes = map[string]bool{"sku": true, "from": true, "to": true, "factory": true, "location": true, "store": true}

// headerWords is a column's header on a sheet: its canonical name in
// words ("protection_demand" is "Protection demand"; "sku" is "SKU").
func headerWords(name string) string {
	words := strings.Split(name, "_")
	for i, w := range words {
		switch w {
		case "sku":
			words[i] = "SKU"
		case "id":
			words[i] = "ID"
		case "pct":
			words[i] = "%"
		}
	}
	s := strings.Join(words, " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// PlanSheets are the workbook's plan sheets, in order.
func PlanSheets() []PlanSheet { return planSheets }

var planSheets = []PlanSheet{
	{Sheet: OrdersSheet, File: "orders.csv", ID: "order_id", From: "from", To: "to", Keys: []string{"order_id", "type", "sku", "from", "to"},
		Edit: "quantity", Value: "order_value", doc: &Outputs[0]},
	{Sheet: AllocationSheet, File: "allocation.csv", ID: "line_id", From: "from", To: "to", Keys: []string{"line_id", "type", "sku", "from", "to"},
		Edit: "quantity", doc: &allocationFile},
	{Sheet: ProductionSheet, File: "production.csv", ID: "order_id", From: "factory", Keys: []string{"order_id", "factory", "sku"}, // made at a factory, sent nowhere
		Edit: "quantity", doc: &productionFile},
	{Sheet: PricesSheet, File: "prices.csv", ID: "line_id", To: "location", Keys: []string{"line_id", "sku", "location", "kind"}, // applies at a location
		Edit: "new_price", doc: &pricesFile},
	{Sheet: AssortmentSheet, File: "assortment.csv", ID: "line_id", To: "store", Keys: []string{"line_id", "store", "category", "sku", "change", "carry"}, // applies at a store
		Edit: "facings", doc: &assortmentFile},
}

// ApprovalsSchema names the approvals file's layout and version.
const ApprovalsSchema = "approvals/1"

var approvalsFile = OutputFile{Name: "approvals", Schema: ApprovalsSchema,
	Doc: "Merchandisers' decisions read back from the workbook (`planner import-approvals`), one row per plan line " +
		"in the run's folder (`approvals.csv`): the lines whose decision is yes are the ones to send to the ERP.",
	Columns: []OutputColumn{
		{"plan", "text", "orders, allocation, production, prices or assortment: the plan file the line is in."},
		{"line_id", "text", "The line's order_id or line_id in that file."},
		{"sku", "text", "SKU of the line."},
		{"from", "text", "Sender of the line."},
		{"to", "text", "Receiver of the line."},
		{"decision", "text", "yes, no, or pending when the approve cell was left empty."},
		schemaColumn,
		{"edited_value", NullableNumber, "The merchandiser's value of the plan's editable column (quantity; new_price for prices; facings for assortment, 0 to carry none), which planner push --approved-only sends; empty when left as planned."},
		{"note", "text", "What the merchandiser wrote beside the line."},
	}}

func init() { Outputs = append(Outputs, approvalsFile) }

// WriteApprovals writes the decisions as CSV, Parquet, JSON or JSON Lines
// by the extension of path, atomically.
func WriteApprovals(path string, approvals []Approval) error {
	rows := make([][]any, len(approvals))
	for i, a := range approvals {
		d := a.Decision
		if d == "" {
			d = "pending"
		}
		var edit any
		if a.Edit != "" {
			v, err := strconv.ParseFloat(a.Edit, 64)
			if err != nil {
				return fmt.Errorf("%s: line %s: edited value %q is not a number", path, a.LineID, a.Edit)
			}
			edit = v
		}
		rows[i] = []any{a.Plan, a.LineID, a.SKU, a.From, a.To, d, ApprovalsSchema, edit, a.Note}
	}
	return writeTable(path, &approvalsFile, rows)
}
