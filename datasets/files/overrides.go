package files

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/planner-engine/planner/series"
)

// ReadOverrides reads forecast overrides: a CSV whose header names sku,
// from and to (first and last day, inclusive), and either qty (units a
// day) or change_pct (+20 for a fifth more, -15), with optional location
// (empty or * for every location), note and who. A row with both or
// neither of qty and change_pct, a negative quantity, a change of -100%
// or less, or a to before from is an error naming the file, line and
// column.
//
// A workbook (.xlsx) is read from its Overrides sheet, the one the plan
// workbook carries for them; its dates may be the workbook's own.
func ReadOverrides(path string) ([]series.Override, error) {
	var t *CSVTable
	var err error
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		t, err = readOverridesSheet(path)
	} else {
		t, err = ReadCSVTable(path, "sku", "from", "to")
	}
	if err != nil {
		return nil, err
	}
	out := make([]series.Override, 0, t.Len())
	for i := 0; i < t.Len(); i++ {
		o := series.Override{Location: t.String(i, "location"), Note: t.String(i, "note"), Who: t.String(i, "who")}
		if o.SKU, err = t.Key(i, "sku"); err != nil {
			return nil, err
		}
		if o.Location == "" {
			o.Location = "*"
		}
		for _, c := range []struct {
			col string
			d   *series.Date
		}{{"from", &o.From}, {"to", &o.To}} {
			s := t.String(i, c.col)
			if *c.d, err = parseDay(s, t.sheet); err != nil {
				return nil, t.Errorf(i, c.col, "%q is not a date (YYYY-MM-DD)", s)
			}
		}
		if o.To < o.From {
			return nil, t.Errorf(i, "to", "%s is before from (%s)", o.To, o.From)
		}
		qty, pct := t.String(i, "qty"), strings.TrimSuffix(t.String(i, "change_pct"), "%")
		switch {
		case (qty == "") == (pct == ""):
			return nil, t.Errorf(i, "qty", "give either qty (units a day) or change_pct (+20, -15), not both or neither")
		case qty != "":
			v, err := strconv.ParseFloat(qty, 64)
			if err != nil || !(v >= 0) || math.IsInf(v, 0) {
				return nil, t.Errorf(i, "qty", "%q is not a quantity of 0 or more", qty)
			}
			o.Set, o.Qty = true, v
		default:
			v, err := strconv.ParseFloat(pct, 64)
			if err != nil || !(v > -100) || math.IsInf(v, 0) {
				return nil, t.Errorf(i, "change_pct", "%q is not a change above -100 (percent: +20, -15)", pct)
			}
			o.Change = v / 100
		}
		out = append(out, o)
	}
	return out, nil
}

// OverridesSheet is the plan workbook's sheet of forecast overrides.
const OverridesSheet = "Overrides"

// readOverridesSheet reads a workbook's Overrides sheet as a table: the
// first row names the columns.
func readOverridesSheet(path string) (*CSVTable, error) {
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, inputErrorf("%s: cannot open the workbook (%s); is it an .xlsx file?", path, plainError(err))
	}
	defer f.Close()
	rows, err := f.GetRows(OverridesSheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, inputErrorf("%s: no %s sheet; fill in the plan workbook's, or give a CSV", path, OverridesSheet)
	}
	t := &CSVTable{Path: path + " sheet " + OverridesSheet, header: map[string]int{}, sheet: true}
	if len(rows) == 0 {
		return nil, inputErrorf("%s: the header must name sku, from and to", t.Path)
	}
	for i, h := range rows[0] {
		name := strings.TrimSpace(h)
		t.header[strings.ToLower(name)] = i
		t.names = append(t.names, name)
	}
	for _, c := range []string{"sku", "from", "to"} {
		if _, ok := t.header[c]; !ok {
			return nil, inputErrorf("%s: no %s column; the header must name sku, from and to", t.Path, c)
		}
	}
	for r, row := range rows[1:] {
		blank := true
		for _, v := range row {
			blank = blank && strings.TrimSpace(v) == ""
		}
		if blank {
			continue
		}
		for len(row) < len(t.names) {
			row = append(row, "")
		}
		t.rows = append(t.rows, row[:len(t.names)])
		t.lines = append(t.lines, r+2)
	}
	return t, nil
}

// parseDay reads a date as written, or, in a workbook, as the serial
// number a date cell stores.
func parseDay(s string, sheet bool) (series.Date, error) {
	d, err := series.ParseDate(s)
	if err == nil || !sheet {
		return d, err
	}
	v, ferr := strconv.ParseFloat(s, 64)
	if ferr != nil || v < 1 || v > 2958465 {
		return 0, err
	}
	tm, terr := excelize.ExcelDateToTime(v, false)
	if terr != nil {
		return 0, err
	}
	return series.ParseDate(tm.Format("2006-01-02"))
}
