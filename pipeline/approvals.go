package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/internal/csvcell"
	"github.com/planner-engine/planner/internal/words"
)

// ApprovalsName is the decisions file in a run's folder.
const ApprovalsName = "approvals.csv"

// ApprovalsSummary counts the decisions imported.
type ApprovalsSummary struct {
	Lines    int `json:"lines"`
	Approved int `json:"approved"`
	Rejected int `json:"rejected"`
	Pending  int `json:"pending"`
	// Edited counts the lines whose quantity (or price) was changed.
	Edited int    `json:"edited"`
	Out    string `json:"out"`
}

// workbookLayout is the plan workbook's layout as export writes it, for
// the reader of the approve column.
func workbookLayout() files.Workbook {
	wb := files.Workbook{Sheets: export.WorkbookSheets, Approve: export.ApproveColumn, Note: export.NoteColumn}
	for _, p := range export.PlanSheets() {
		ps := files.PlanSheet{Sheet: p.Sheet, Plan: p.Plan(), ID: p.ID, From: p.From, To: p.To, Edit: p.Edit}
		for _, c := range p.Columns() {
			ps.Columns, ps.Headers = append(ps.Columns, c.Name), append(ps.Headers, c.Header)
		}
		wb.Plans = append(wb.Plans, ps)
	}
	return wb
}

// ImportApprovals reads the merchandisers' decisions and edits from a
// workbook and writes them to the run's approvals.csv, after checking
// every line against the run's plan files: a line id that is not in them,
// a SKU, sender or receiver that was edited, or an edited quantity
// outside [0, the line's maximum] or off its order multiple (a new price
// at or below 0) is an error naming the sheet, row and column. Every line
// is checked before anything is written, the errors come together, and
// nothing is written when there is one.
func ImportApprovals(runDir, book string) (*ApprovalsSummary, error) {
	approvals, err := files.ReadApprovals(book, workbookLayout())
	if err != nil {
		return nil, err
	}
	plans := map[string]map[string]planLine{}
	editHeader := map[string]string{}
	for _, p := range export.PlanSheets() {
		for _, c := range p.Columns() {
			if c.Name == p.Edit {
				editHeader[p.Plan()] = c.Header
			}
		}
		path := filepath.Join(runDir, p.File)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		required := []string{p.ID, "sku", p.Edit}
		for _, c := range []string{p.From, p.To} {
			if c != "" {
				required = append(required, c)
			}
		}
		t, err := files.ReadCSVTable(path, required...)
		if err != nil {
			return nil, err
		}
		lines := map[string]planLine{}
		for i := 0; i < t.Len(); i++ {
			// Raw of a column the plan does not have ("") is "".
			l := planLine{keys: [3]string{cell(t, i, "sku"), cell(t, i, p.From), cell(t, i, p.To)}, multiple: 1}
			l.value, _ = strconv.ParseFloat(cell(t, i, p.Edit), 64)
			l.max = l.value
			switch p.Plan() {
			case "orders":
				if m, err := strconv.ParseFloat(cell(t, i, "max_quantity"), 64); err == nil {
					l.max = math.Max(l.max, m)
				}
				if m, err := strconv.ParseFloat(cell(t, i, "order_multiple"), 64); err == nil && m > 0 {
					l.multiple = m
				}
			case "allocation":
				if need, err := strconv.ParseFloat(cell(t, i, "need"), 64); err == nil {
					l.max = math.Max(l.max, need)
				}
			case "prices":
				l.max, l.multiple = math.Inf(1), 0
			case "assortment":
				l.max, l.whole = math.Inf(1), true
			}
			lines[cell(t, i, p.ID)] = l
		}
		plans[p.Plan()] = lines
	}
	sum := &ApprovalsSummary{Out: filepath.Join(runDir, ApprovalsName)}
	out := make([]export.Approval, 0, len(approvals))
	var problems []string
	for _, a := range approvals {
		where := fmt.Sprintf("%s, sheet %s row %d", book, a.Sheet, a.Row)
		lines, ok := plans[a.Plan]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: the run in %s has no %s file to approve lines of", where, runDir, a.Plan))
			continue
		}
		want, ok := lines[a.LineID]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: line %q is not in the run's %s plan (was the id edited, or is the workbook from another run?)", where, a.LineID, a.Plan))
			continue
		}
		for k, name := range []string{"sku", "from", "to"} {
			got := [3]string{a.SKU, a.From, a.To}[k]
			if got != want.keys[k] {
				problems = append(problems, fmt.Sprintf("%s, column %s: %q, but line %s has %q in the plan; the keys cannot be edited", where, name, got, a.LineID, want.keys[k]))
			}
		}
		edit, problem := want.check(a.Edit)
		if problem != "" {
			problems = append(problems, fmt.Sprintf("%s, column %s: %s", where, editHeader[a.Plan], problem))
		}
		a.Edit = edit
		sum.Lines++
		switch a.Decision {
		case "yes":
			sum.Approved++
		case "no":
			sum.Rejected++
		default:
			sum.Pending++
		}
		if a.Edit != "" {
			sum.Edited++
		}
		out = append(out, export.Approval(a))
	}
	if len(problems) > 0 {
		const shown = 20
		msg := strings.Join(problems[:min(len(problems), shown)], "\n")
		if len(problems) > shown {
			msg += fmt.Sprintf("\n... and %d more", len(problems)-shown)
		}
		return nil, &InputError{fmt.Errorf("%s in the workbook; nothing was imported:\n%s", words.Plural(len(problems), "error"), msg)}
	}
	if err := export.WriteApprovals(sum.Out, out); err != nil {
		return nil, err
	}
	return sum, nil
}

// planLine is what an imported line is checked against: its keys (SKU,
// sender, receiver), the planned value of its editable column, and the
// bounds of an edit.
type planLine struct {
	keys       [3]string
	value, max float64
	multiple   float64 // 0: a price, any value above 0
	whole      bool    // facings: whole numbers
}

// check reads a sheet's value of the editable column: "" when it is the
// planned one, else the edit, or why it is refused.
func (l planLine) check(cell string) (edit, problem string) {
	if cell == "" {
		return "", "empty: write 0 to cancel the line, or the planned " + fmtNum(l.value)
	}
	v, err := strconv.ParseFloat(cell, 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		return "", fmt.Sprintf("%q is not a number", cell)
	case math.Abs(v-l.value) < 1e-9:
		return "", ""
	case l.multiple == 0 && v <= 0:
		return "", fmt.Sprintf("%s: a price is more than 0", fmtNum(v))
	case v < 0 || v > l.max+1e-9:
		return "", fmt.Sprintf("%s is outside 0 to %s, the line's maximum", fmtNum(v), fmtNum(l.max))
	case l.whole && v != math.Round(v):
		return "", fmt.Sprintf("%s is not a whole number of facings", fmtNum(v))
	case l.multiple > 1 && math.Abs(v/l.multiple-math.Round(v/l.multiple)) > 1e-9:
		return "", fmt.Sprintf("%s is not a multiple of %s, the line's order multiple", fmtNum(v), fmtNum(l.multiple))
	}
	return strconv.FormatFloat(v, 'f', -1, 64), ""
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// cell is a plan file's value as the plan holds it: untrimmed, without
// the apostrophe the CSV writer puts before text a spreadsheet would run.
func cell(t *files.CSVTable, i int, col string) string { return csvcell.Unescape(t.Raw(i, col)) }
