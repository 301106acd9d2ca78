package files

import (
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Approval is a merchandiser's decision on one plan line, read back from
// the plan workbook.
type Approval struct {
	// Sheet and Row locate the line in the workbook (Row as Excel numbers
	// it, the header being 1).
	Sheet string
	Row   int
	// Plan names the plan the line is in (orders, allocation, ...).
	Plan          string
	LineID        string
	SKU, From, To string
	// Decision is yes, no, or "" when the line was left undecided.
	Decision string
	// Edit is the sheet's value of the plan's editable column (quantity,
	// new_price) as stored, for the plan file's to be checked against;
	// Note is what the merchandiser wrote beside the line.
	Edit, Note string
}

// Workbook is the layout of a plan workbook: every sheet it has, the plan
// sheets among them and the names of their approve and note columns.
type Workbook struct {
	Sheets        []string
	Plans         []PlanSheet
	Approve, Note string
}

// PlanSheet is the layout of one plan sheet: its columns in order, by
// canonical name and by the header the sheet shows; the id column; the
// columns that say where a line comes from and goes to ("" when the plan
// has none); and the column a merchandiser may edit.
type PlanSheet struct {
	Sheet, Plan        string
	Columns, Headers   []string
	ID, From, To, Edit string
}

// ReadApprovals reads the approve column of a workbook's plan sheets. It
// refuses a workbook whose sheets are not the layout's, whose plan headers
// were edited, or whose approve cells hold anything but yes or no (any
// case; y and n too) or nothing, naming the sheet, row and column. Cells
// are read as written: a code with a leading space or tab stays as it is.
func ReadApprovals(path string, layout Workbook) ([]Approval, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, inputErrorf("%s: cannot open the workbook (%s); is it the plan workbook a run wrote?", path, plainError(err))
	}
	defer f.Close()
	return readApprovals(path, f, layout)
}

// readApprovals reads an open workbook's decisions; path names it in
// errors.
func readApprovals(path string, f *excelize.File, layout Workbook) ([]Approval, error) {
	for _, s := range f.GetSheetList() {
		if !slices.Contains(layout.Sheets, s) {
			return nil, inputErrorf("%s: unknown sheet %q; the plan workbook has %s", path, s, strings.Join(layout.Sheets, ", "))
		}
	}
	var out []Approval
	for _, ps := range layout.Plans {
		got, err := readPlanSheet(f, path, ps, layout)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

func readPlanSheet(f *excelize.File, path string, ps PlanSheet, layout Workbook) ([]Approval, error) {
	approve, want := layout.Approve, ps.Headers
	rows, err := f.Rows(ps.Sheet)
	if err != nil {
		return nil, inputErrorf("%s: no %s sheet; is it the plan workbook a run wrote?", path, ps.Sheet)
	}
	defer rows.Close()
	col := func(name string) int { return slices.Index(ps.Columns, name) }
	var out []Approval
	for r := 1; rows.Next(); r++ {
		// Raw values: a quantity formatted 1,200 is read as 1200.
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, inputErrorf("%s, sheet %s row %d: cannot be read (%s)", path, ps.Sheet, r, plainError(err))
		}
		if r == 1 {
			for i, w := range want {
				if i >= len(cells) || strings.TrimSpace(cells[i]) != w {
					got := ""
					if i < len(cells) {
						got = cells[i]
					}
					return nil, inputErrorf("%s, sheet %s: the header was edited: column %d is %q, the plan has %q there", path, ps.Sheet, i+1, got, w)
				}
			}
			continue
		}
		get := func(name string) string {
			if i := col(name); name != "" && i >= 0 && i < len(cells) {
				return cells[i]
			}
			return ""
		}
		a := Approval{Sheet: ps.Sheet, Row: r, Plan: ps.Plan, LineID: get(ps.ID), SKU: get("sku"), From: get(ps.From), To: get(ps.To),
			Edit: strings.TrimSpace(get(ps.Edit)), Note: strings.TrimSpace(get(layout.Note))}
		if strings.TrimSpace(a.LineID) == "" && strings.TrimSpace(a.SKU) == "" {
			continue // a blank row
		}
		switch d := strings.TrimSpace(get(approve)); strings.ToLower(d) {
		case "yes", "y":
			a.Decision = "yes"
		case "no", "n":
			a.Decision = "no"
		case "":
		default:
			return nil, inputErrorf("%s, sheet %s row %d, column %s: %q is neither yes nor no", path, ps.Sheet, r, ps.Headers[col(approve)], d)
		}
		out = append(out, a)
	}
	if err := rows.Error(); err != nil {
		return nil, inputErrorf("%s, sheet %s: cannot be read (%s)", path, ps.Sheet, plainError(err))
	}
	return out, nil
}
