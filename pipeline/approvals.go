package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/internal/csvcell"
)

// ApprovalsName is the decisions file in a run's folder.
const ApprovalsName = "approvals.csv"

// ApprovalsSummary counts the decisions imported.
type ApprovalsSummary struct {
	Lines    int    `json:"lines"`
	Approved int    `json:"approved"`
	Rejected int    `json:"rejected"`
	Pending  int    `json:"pending"`
	Out      string `json:"out"`
}

// workbookLayout is the plan workbook's layout as export writes it, for
// the reader of the approve column.
func workbookLayout() files.Workbook {
	wb := files.Workbook{Sheets: export.WorkbookSheets, Approve: export.ApproveColumn}
	for _, p := range export.PlanSheets() {
		wb.Plans = append(wb.Plans, files.PlanSheet{Sheet: p.Sheet, Plan: p.Plan(), Columns: p.Columns(), ID: p.ID, From: p.From, To: p.To})
	}
	return wb
}

// ImportApprovals reads the merchandisers' decisions from a workbook and
// writes them to the run's approvals.csv, after checking every line
// against the run's plan files: a line id that is not in them, or whose
// SKU, sender or receiver was edited, stops the import with the sheet and
// row named, and nothing is written.
func ImportApprovals(runDir, book string) (*ApprovalsSummary, error) {
	approvals, err := files.ReadApprovals(book, workbookLayout())
	if err != nil {
		return nil, err
	}
	plans := map[string]map[string][3]string{}
	for _, p := range export.PlanSheets() {
		path := filepath.Join(runDir, p.File)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		required := []string{p.ID, "sku"}
		for _, c := range []string{p.From, p.To} {
			if c != "" {
				required = append(required, c)
			}
		}
		t, err := files.ReadCSVTable(path, required...)
		if err != nil {
			return nil, err
		}
		lines := map[string][3]string{}
		for i := 0; i < t.Len(); i++ {
			// Raw of a column the plan does not have ("") is "".
			lines[cell(t, i, p.ID)] = [3]string{cell(t, i, "sku"), cell(t, i, p.From), cell(t, i, p.To)}
		}
		plans[p.Plan()] = lines
	}
	sum := &ApprovalsSummary{Out: filepath.Join(runDir, ApprovalsName)}
	out := make([]export.Approval, 0, len(approvals))
	for _, a := range approvals {
		where := fmt.Sprintf("%s, sheet %s row %d", book, a.Sheet, a.Row)
		lines, ok := plans[a.Plan]
		if !ok {
			return nil, fmt.Errorf("%s: the run in %s has no %s file to approve lines of", where, runDir, a.Plan)
		}
		want, ok := lines[a.LineID]
		if !ok {
			return nil, fmt.Errorf("%s: line %q is not in the run's %s plan (was the id edited, or is the workbook from another run?)", where, a.LineID, a.Plan)
		}
		for k, name := range []string{"sku", "from", "to"} {
			got := [3]string{a.SKU, a.From, a.To}[k]
			if got != want[k] {
				return nil, fmt.Errorf("%s, column %s: %q, but line %s has %q in the plan; edit quantities in the ERP, not the keys here", where, name, got, a.LineID, want[k])
			}
		}
		sum.Lines++
		switch a.Decision {
		case "yes":
			sum.Approved++
		case "no":
			sum.Rejected++
		default:
			sum.Pending++
		}
		out = append(out, export.Approval(a))
	}
	if err := export.WriteApprovals(sum.Out, out); err != nil {
		return nil, err
	}
	return sum, nil
}

// cell is a plan file's value as the plan holds it: untrimmed, without
// the apostrophe the CSV writer puts before text a spreadsheet would run.
func cell(t *files.CSVTable, i int, col string) string { return csvcell.Unescape(t.Raw(i, col)) }
