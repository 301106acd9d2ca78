package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Approval is a merchandiser's decision on one plan line, read back from
// the workbook.
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

// PlanSheets are the workbook's plan sheets, in order.
func PlanSheets() []PlanSheet { return planSheets }

var planSheets = []PlanSheet{
	{Sheet: OrdersSheet, File: "orders.csv", ID: "order_id", From: "from", To: "to", doc: &Outputs[0]},
	{Sheet: AllocationSheet, File: "allocation.csv", ID: "line_id", From: "from", To: "to", doc: &allocationFile},
	{Sheet: ProductionSheet, File: "production.csv", ID: "order_id", From: "factory", doc: &productionFile}, // made at a factory, sent nowhere
	{Sheet: PricesSheet, File: "prices.csv", ID: "line_id", To: "location", doc: &pricesFile},               // applies at a location
}

// ReadApprovals reads the approve column of the workbook's plan sheets.
// It refuses a workbook whose sheets are not the ones WriteWorkbook wrote,
// whose plan headers were edited, or whose approve cells hold anything but
// yes or no (any case; y and n too) or nothing, naming the sheet, row and
// column.
func ReadApprovals(path string) ([]Approval, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	for _, s := range f.GetSheetList() {
		if !slices.Contains(WorkbookSheets, s) {
			return nil, fmt.Errorf("%s: unknown sheet %q; the plan workbook has %s", path, s, strings.Join(WorkbookSheets, ", "))
		}
	}
	var out []Approval
	for _, ps := range planSheets {
		want := make([]string, 0, len(ps.doc.Columns)+1)
		for _, c := range ps.doc.Columns {
			want = append(want, c.Name)
		}
		want = append(want, ApproveColumn)
		rows, err := f.Rows(ps.Sheet)
		if err != nil {
			return nil, fmt.Errorf("%s: no %s sheet: %w", path, ps.Sheet, err)
		}
		col := func(name string) int { return slices.Index(want, name) }
		for r := 1; rows.Next(); r++ {
			cells, err := rows.Columns()
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("%s, sheet %s row %d: %w", path, ps.Sheet, r, err)
			}
			if r == 1 {
				for i, w := range want {
					if i >= len(cells) || strings.TrimSpace(cells[i]) != w {
						got := ""
						if i < len(cells) {
							got = cells[i]
						}
						rows.Close()
						return nil, fmt.Errorf("%s, sheet %s: the header was edited: column %d is %q, the plan has %q there", path, ps.Sheet, i+1, got, w)
					}
				}
				continue
			}
			get := func(name string) string {
				if i := col(name); name != "" && i >= 0 && i < len(cells) {
					return strings.TrimSpace(cells[i])
				}
				return ""
			}
			a := Approval{Sheet: ps.Sheet, Row: r, Plan: ps.Plan(), LineID: get(ps.ID), SKU: get("sku"), From: get(ps.From), To: get(ps.To)}
			if a.LineID == "" && a.SKU == "" {
				continue // a blank row
			}
			switch strings.ToLower(get(ApproveColumn)) {
			case "yes", "y":
				a.Decision = "yes"
			case "no", "n":
				a.Decision = "no"
			case "":
			default:
				rows.Close()
				return nil, fmt.Errorf("%s, sheet %s row %d, column %s: %q is neither yes nor no", path, ps.Sheet, r, ApproveColumn, get(ApproveColumn))
			}
			out = append(out, a)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
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
