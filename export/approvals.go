package export

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
}

// PlanSheet is a plan sheet of the workbook and the plan file behind it:
// its id column and the columns that say where a line goes (From: where
// it ships or is made; To: where it arrives or applies; "" when the plan
// has no such column). Approvals carry those values and are checked
// against the file by them.
type PlanSheet struct {
	Sheet, File, ID, From, To string
	doc                       *OutputFile
}

// Plan returns the plan's name, as approvals name it.
func (p PlanSheet) Plan() string { return p.doc.Name }

// Columns returns the plan file's columns, in the sheet's order; the
// approve column follows them on the sheet.
func (p PlanSheet) Columns() []string {
	out := make([]string, len(p.doc.Columns))
	for i, c := range p.doc.Columns {
		out[i] = c.Name
	}
	return out
}

// PlanSheets are the workbook's plan sheets, in order.
func PlanSheets() []PlanSheet { return planSheets }

var planSheets = []PlanSheet{
	{Sheet: OrdersSheet, File: "orders.csv", ID: "order_id", From: "from", To: "to", doc: &Outputs[0]},
	{Sheet: AllocationSheet, File: "allocation.csv", ID: "line_id", From: "from", To: "to", doc: &allocationFile},
	{Sheet: ProductionSheet, File: "production.csv", ID: "order_id", From: "factory", doc: &productionFile}, // made at a factory, sent nowhere
	{Sheet: PricesSheet, File: "prices.csv", ID: "line_id", To: "location", doc: &pricesFile},               // applies at a location
}

// ApprovalsSchema names the approvals file's layout and version.
const ApprovalsSchema = "approvals/1"

var approvalsFile = OutputFile{Name: "approvals", Schema: ApprovalsSchema,
	Doc: "Merchandisers' decisions read back from the workbook (`planner import-approvals`), one row per plan line " +
		"in the run's folder (`approvals.csv`): the lines whose decision is yes are the ones to send to the ERP.",
	Columns: []OutputColumn{
		{"plan", "text", "orders, allocation or production: the plan file the line is in."},
		{"line_id", "text", "The line's order_id or line_id in that file."},
		{"sku", "text", "SKU of the line."},
		{"from", "text", "Sender of the line."},
		{"to", "text", "Receiver of the line."},
		{"decision", "text", "yes, no, or pending when the approve cell was left empty."},
		schemaColumn,
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
		rows[i] = []any{a.Plan, a.LineID, a.SKU, a.From, a.To, d, ApprovalsSchema}
	}
	return writeTable(path, &approvalsFile, rows)
}
