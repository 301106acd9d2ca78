package export

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/planner-engine/planner/allocation"
	"github.com/planner-engine/planner/atp"
	"github.com/planner-engine/planner/exceptions"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/placement"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/production"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// Workbook is what the merchandisers' workbook shows of one run: a summary
// with the key figures and exceptions, one sheet per plan with an approve
// column, and the forecasts by SKU.
//
// It names no run: the same inputs give the same workbook, byte for byte,
// as they give the same plan files.
type Workbook struct {
	// Title heads the summary, such as the retailer's name; "Plan" when
	// empty.
	Title    string
	PlanDate string
	// Figures are the summary's key figures, in order.
	Figures    []Figure
	Exceptions []string
	Orders     []replenish.Line
	Allocation []allocation.Allocation
	Transfers  []allocation.Transfer
	// Production is the factories' plan, when the run made one.
	Production *ProductionPlan
	// Prices are the price recommendations and markdowns, when the run
	// made them.
	Prices []pricing.Line
	// Promises are what each channel may promise of a location's stock on
	// PromiseDay, when the run planned them.
	Promises   []atp.Line
	PromiseDay series.Date
	// Placement is which fulfilment nodes hold each SKU, planned on
	// PlacementDay, when the run placed stock.
	Placement    []placement.Line
	PlacementDay series.Date
	// PlacementStock is a node's stock of a SKU on hand today.
	PlacementStock func(sku, node string) float64
	// Assortment is the stores' ranges, planned on AssortmentDay, when
	// the run chose them; the sheet shows the lines that change a range
	// (adds and drops), which are what a merchandiser approves.
	Assortment    []StoreRange
	AssortmentDay series.Date
	// Peak is the plan for the calendar's next peak, when the run made
	// one; the Peak sheet shows it.
	Peak      *PeakPlan
	Forecasts *forecast.Result
	// Root causes are the run's exceptions, for the Exceptions sheet.
	RootCauses []exceptions.Exception
	// ProductNames and LocationNames are shown beside the codes; a code
	// without a name shows none.
	ProductNames, LocationNames map[string]string
}

// ProductionPlan is the factories' production for the workbook: the
// plan's periods, the factories and each one's plan, and the lot sizer
// it started from.
type ProductionPlan struct {
	Periods   []string
	Factories []production.Factory
	Plans     []*production.FactoryPlan
	Method    string
}

// Figure is one key figure of the summary.
type Figure struct {
	Name  string
	Value float64
}

// Sheet names, and the column merchandisers fill in. ImportApprovals reads
// the plan sheets back by these names.
const (
	SummarySheet    = "Summary"
	ExceptionsSheet = "Exceptions"
	OrdersSheet     = "Orders"
	AllocationSheet = "Allocation"
	ProductionSheet = "Production"
	PricesSheet     = "Prices"
	// AssortmentSheet is what the stores' ranges change (assortment.csv's
	// adds and drops), with an approve column.
	AssortmentSheet = "Assortment"
	// PromisesSheet is what each channel may promise of a location's
	// stock (atp.csv), to read, not to approve.
	PromisesSheet = "Promises"
	// PlacementSheet is which nodes hold each SKU (placement.csv), to
	// read, not to approve.
	PlacementSheet = "Placement"
	// PeakSheet is the peak plan (the peak folder), to read, not to
	// approve: each factory's and DC's load by week against its capacity,
	// and each store's readiness; only when the run planned a peak.
	PeakSheet     = "Peak"
	ForecastSheet = "Forecasts"
	// OverridesSheet is an empty form for forecast overrides, which
	// planner override --file plan.xlsx reads.
	OverridesSheet = "Overrides"
)

// WorkbookSheets lists the sheets of a workbook, in order.
var WorkbookSheets = []string{SummarySheet, ExceptionsSheet, OrdersSheet, AllocationSheet, ProductionSheet, PricesSheet, AssortmentSheet,
	PromisesSheet, PlacementSheet, ForecastSheet, OverridesSheet}

// workbookStyles are the cell styles every sheet shares.
type workbookStyles struct {
	header, title, text, units, decimals, date, exception, approve int
}

// WriteWorkbook writes the workbook (.xlsx) atomically, every sheet through
// excelize's streaming writer so that a plan of 100,000 lines stays fast
// and small in memory: frozen header rows, filters, number and date
// formats, widths that fit, exception lines in red, a yes / no list in the
// approve column, and a chart of the forecast demand by day.
func WriteWorkbook(path string, wb *Workbook) error {
	if !strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return fmt.Errorf("%s: write the workbook to a .xlsx file", path)
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newWorkbookStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SummarySheet); err != nil {
		return err
	}
	for _, s := range WorkbookSheets[1:] {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
		if s == PlacementSheet && wb.Peak != nil {
			if _, err := f.NewSheet(PeakSheet); err != nil {
				return err
			}
		}
	}
	if err := exceptionsSheet(f, wb, st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := overridesSheet(f, st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var orders [][]any
	for i := range wb.Orders {
		// The lines orders.csv has.
		if OrderWritten(&wb.Orders[i]) {
			r := rowOf(&wb.Orders[i])
			orders = append(orders, r.values())
		}
	}
	if err := planSheet(f, &planSheets[0], orders, wb, st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := planSheet(f, &planSheets[1], allocationRows(wb.PlanDate, wb.Allocation, wb.Transfers), wb, st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var prodRows [][]any
	if pp := wb.Production; pp != nil {
		prodRows = productionRows(pp.Periods, pp.Factories, pp.Plans, pp.Method)
	}
	if err := planSheet(f, &planSheets[2], prodRows, wb, st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := planSheet(f, &planSheets[3], priceRows(wb.Prices), wb, st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := planSheet(f, &planSheets[4], assortmentRows(wb.AssortmentDay, rangeChanges(wb.Assortment)), wb, st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := promisesSheet(f, wb, st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := placementSheet(f, wb, st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if wb.Peak != nil {
		if err := peakSheet(f, wb.Peak, st); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if wb.Forecasts != nil {
		if err := forecastsFinite(wb.Forecasts); err != nil {
			return fmt.Errorf("%s: sheet %s: %w", path, ForecastSheet, err)
		}
	}
	daily, err := forecastSheet(f, wb.Forecasts, st)
	if err != nil {
		return err
	}
	if err := summarySheet(f, wb, daily, st); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	return fsutil.WriteFile(path, func(w io.Writer) error { return canonicalZip(w, buf.Bytes()) })
}

// defaultTypeRE matches one <Default .../> entry of [Content_Types].xml.
var defaultTypeRE = regexp.MustCompile(`<Default [^>]*>(</Default>)?`)

// canonicalZip copies an .xlsx package with its entries and the <Default>
// entries of its [Content_Types].xml in sorted order. excelize writes both
// from Go maps, so their order changes from run to run, and the same plan
// must give the same bytes.
func canonicalZip(w io.Writer, pkg []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return err
	}
	// Entries in a fixed order too (excelize writes them from a map):
	// [Content_Types].xml first, as packages usually have it, then by name.
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(a, b int) bool {
		ca, cb := files[a].Name == "[Content_Types].xml", files[b].Name == "[Content_Types].xml"
		if ca != cb {
			return ca
		}
		return files[a].Name < files[b].Name
	})
	zw := zip.NewWriter(w)
	for _, file := range files {
		if file.Name != "[Content_Types].xml" {
			if err := zw.Copy(file); err != nil {
				return err
			}
			continue
		}
		rc, err := file.Open()
		if err != nil {
			return err
		}
		xml, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		defaults := defaultTypeRE.FindAll(xml, -1)
		sort.Slice(defaults, func(a, b int) bool { return bytes.Compare(defaults[a], defaults[b]) < 0 })
		k := 0
		xml = defaultTypeRE.ReplaceAllFunc(xml, func([]byte) []byte { k++; return defaults[k-1] })
		out, err := zw.CreateHeader(&zip.FileHeader{Name: file.Name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		if _, err := out.Write(xml); err != nil {
			return err
		}
	}
	return zw.Close()
}

func newWorkbookStyles(f *excelize.File) (*workbookStyles, error) {
	var st workbookStyles
	var err error
	mk := func(dst *int, s *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(s)
		}
	}
	dateFmt := "yyyy-mm-dd"
	unitsFmt, decFmt := "#,##0", "#,##0.00"
	mk(&st.header, &excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"305496"}}, Alignment: &excelize.Alignment{Vertical: "center"}})
	mk(&st.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	mk(&st.text, &excelize.Style{})
	mk(&st.units, &excelize.Style{CustomNumFmt: &unitsFmt})
	mk(&st.decimals, &excelize.Style{CustomNumFmt: &decFmt})
	mk(&st.date, &excelize.Style{CustomNumFmt: &dateFmt})
	mk(&st.exception, &excelize.Style{Font: &excelize.Font{Color: "9C0006"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	mk(&st.approve, &excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}},
		Border: []excelize.Border{{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1}}})
	return &st, err
}

// maxSheetLines is the most lines a plan sheet holds below its header
// (a variable so that a test can lower it).
var maxSheetLines = excelize.TotalRows - 1

// planSheet writes one plan's rows (values in the plan file's column
// order) in the sheet's columns (PlanSheet.Columns): keys and names
// first, frozen with the header, then the column a merchandiser may edit,
// approve (a yes / no list) and note, shaded as inputs, then the rest.
// Headers are in words, each with its canonical name as a comment; the
// page prints landscape, one page wide, the header on every page.
func planSheet(f *excelize.File, ps *PlanSheet, rows [][]any, wb *Workbook, st *workbookStyles) error {
	doc, sheet := ps.doc, ps.Sheet
	if len(rows) > maxSheetLines {
		return fmt.Errorf("sheet %s: %s lines are more than a sheet holds (%s below its header); %s has them all",
			sheet, words.Commas(int64(len(rows))), words.Commas(int64(maxSheetLines)), ps.File)
	}
	if err := checkFinite(doc, rows); err != nil {
		return fmt.Errorf("sheet %s: %w", sheet, err)
	}
	cols := ps.Columns()
	// Set before the stream writer, which writes the sheet's settings as
	// it finds them.
	if err := printSetup(f, sheet); err != nil {
		return err
	}
	for i, c := range cols {
		if err := f.AddComment(sheet, excelize.Comment{Cell: cellName(i+1, 1), Text: c.Name}); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	fileCol := map[string]int{}
	for i, c := range doc.Columns {
		fileCol[c.Name] = i
	}
	ncol := len(cols)
	widths := make([]float64, ncol)
	header := make([]any, ncol)
	frozen, approveAt := 0, 0
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.Header}
		widths[i] = float64(len(c.Header)) + 3
		if c.Name == ps.Edit {
			frozen = i
		}
		if c.Name == ApproveColumn {
			approveAt = i
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: frozen, YSplit: 1, TopLeftCell: cellName(frozen+1, 2), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	colName := map[string]string{}
	for i, c := range cols {
		colName[c.Name], _ = excelize.ColumnNumberToName(i + 1)
	}
	value := func(r []any, c SheetColumn) any {
		switch {
		case c.Times[0] != "":
			a, _ := r[fileCol[c.Times[0]]].(float64)
			b, _ := r[fileCol[c.Times[1]]].(float64)
			return round4(a * b)
		case c.Of != "":
			code, _ := r[fileCol[c.Of]].(string)
			if c.Of == "sku" {
				return wb.ProductNames[code]
			}
			return wb.LocationNames[code]
		case c.Input && c.Name != ps.Edit:
			return ""
		}
		return r[fileCol[c.Name]]
	}
	// Widths from the first rows' contents: enough to read, capped so a
	// long reason does not push everything off screen.
	for _, r := range rows[:min(len(rows), 200)] {
		for i, c := range cols {
			n := 10.0
			if s, ok := value(r, c).(string); ok {
				n = float64(len(s)) + 2
			}
			widths[i] = math.Min(60, math.Max(widths[i], n))
		}
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	cells := make([]any, ncol)
	for k, r := range rows {
		flagged := false
		if i, ok := fileCol["exception"]; ok {
			flagged = r[i] != ""
		}
		for i, c := range cols {
			v := value(r, c)
			style := st.text
			switch x := v.(type) {
			case int:
				style = st.units
			case float64:
				style = st.decimals
				if x == math.Trunc(x) {
					style = st.units
				}
			case string:
				if j, ok := fileCol[c.Name]; ok && doc.Columns[j].Type == "date" && x != "" {
					if d, err := series.ParseDate(x); err == nil {
						v = d.Time()
						style = st.date
					}
				}
			}
			formula := ""
			switch {
			case c.Input:
				style = st.approve
			case flagged && c.Name == "exception":
				style = st.exception
			case c.Times[0] != "":
				style = st.decimals
				formula = fmt.Sprintf("%s%d*%s%d", colName[c.Times[0]], k+2, colName[c.Times[1]], k+2)
			}
			cells[i] = excelize.Cell{StyleID: style, Value: v, Formula: formula}
		}
		if err := sw.SetRow(cellName(1, k+2), cells); err != nil {
			return err
		}
	}
	if len(rows) > 0 {
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + cellName(ncol, len(rows)+1), Name: sheet + "Plan", StyleName: "TableStyleLight1", ShowRowStripes: boolPtr(true)}); err != nil {
			return err
		}
		// The yes / no list goes into the sheet the stream writes: set
		// before Flush, it is written with it.
		approve, _ := excelize.ColumnNumberToName(approveAt + 1)
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s2:%s%d", approve, approve, len(rows)+1))
		if err := dv.SetDropList([]string{"yes", "no"}); err != nil {
			return err
		}
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// exceptionsSheet lists the run's exceptions as exceptions.csv has them,
// the largest value at risk first, with names beside the codes.
func exceptionsSheet(f *excelize.File, wb *Workbook, st *workbookStyles) error {
	s := ExceptionsSheet
	if err := printSetup(f, s); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(s)
	if err != nil {
		return err
	}
	header := []string{"Value at risk", "Severity", "Kind", "SKU", "Product", "Location", "Location name", "Lines", "Units", "Owner",
		"Status", "First seen", "Action", "Detail", "Exception ID", "Line IDs"}
	widths := []float64{13, 9, 15, 12, 24, 10, 18, 7, 9, 12, 12, 11, 40, 60, 16, 40}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: st.header, Value: h}
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for k, e := range wb.RootCauses {
		var first any = ""
		if e.FirstSeen != 0 {
			first = excelize.Cell{StyleID: st.date, Value: e.FirstSeen.Time()}
		}
		row := []any{excelize.Cell{StyleID: st.decimals, Value: e.ValueAtRisk}, string(e.Severity), string(e.Kind), e.SKU, wb.ProductNames[e.SKU],
			e.Location, wb.LocationNames[e.Location], len(e.Lines), excelize.Cell{StyleID: st.decimals, Value: e.Units}, e.Owner, e.Status, first,
			e.Action, excelize.Cell{StyleID: st.exception, Value: e.Detail}, e.ID, strings.Join(e.Lines, " ")}
		if err := sw.SetRow(cellName(1, k+2), row); err != nil {
			return err
		}
	}
	if n := len(wb.RootCauses); n > 0 {
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + cellName(len(header), n+1), Name: "ExceptionsList",
			StyleName: "TableStyleLight1", ShowRowStripes: boolPtr(true)}); err != nil {
			return err
		}
		// Severity in colour, so a row that becomes high on a rerun of
		// the sheet's data reads as such: set before Flush, it is
		// written with the sheet.
		for _, c := range []struct{ severity, fill string }{{"high", "FFC7CE"}, {"medium", "FFEB9C"}} {
			style, err := f.NewConditionalStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.fill}}})
			if err != nil {
				return err
			}
			if err := f.SetConditionalFormat(s, fmt.Sprintf("B2:B%d", n+1), []excelize.ConditionalFormatOptions{
				{Type: "cell", Criteria: "==", Format: &style, Value: `"` + c.severity + `"`}}); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}

// overrideColumns are the Overrides sheet's columns, each with what to
// write in it (the header cell's comment).
var overrideColumns = [][2]string{
	{"sku", "SKU to override"},
	{"location", "Location; empty or * for all"},
	{"from", "First day (a date)"},
	{"to", "Last day, inclusive"},
	{"qty", "Units a day; or leave empty and give change_pct"},
	{"change_pct", "Change in percent: 50 for half as much again, -15"},
	{"note", "Why"},
	{"who", "Who asked"},
}

// overridesSheet writes an empty form for forecast overrides: planner
// override --file plan.xlsx stores what is filled in, for the next runs.
func overridesSheet(f *excelize.File, st *workbookStyles) error {
	s := OverridesSheet
	for i, c := range overrideColumns {
		cell := cellName(i+1, 1)
		if err := f.SetCellValue(s, cell, c[0]); err != nil {
			return err
		}
		if err := f.SetCellStyle(s, cell, cell, st.header); err != nil {
			return err
		}
		if err := f.AddComment(s, excelize.Comment{Cell: cell, Text: c[1]}); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(overrideColumns))
	if err := f.SetColWidth(s, "A", last, 16); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, "A2", last+"200", st.approve); err != nil {
		return err
	}
	return f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// printSetup prints a sheet landscape, one page wide, with its header row
// on every page.
func printSetup(f *excelize.File, sheet string) error {
	landscape, wide, tall := "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: boolPtr(true)}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$1", Scope: sheet})
}

// cellName is the A1 name of a cell (1-based column and row).
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func boolPtr(b bool) *bool { return &b }

// z90 is the standard normal's 90% quantile: sums of forecasts get their
// 10% and 90% levels from a normal approximation.
var z90 = distuv.UnitNormal.Quantile(0.9)

// dayTotal is the forecast of all series on one day.
type dayTotal struct {
	date           series.Date
	mean, variance float64
}

// promisesSheet lists atp.csv's rows: what each channel may promise of
// each location's stock.
func promisesSheet(f *excelize.File, wb *Workbook, st *workbookStyles) error {
	sw, err := f.NewStreamWriter(PromisesSheet)
	if err != nil {
		return err
	}
	header := []any{}
	for _, h := range []string{"date", "location", "sku", "channel", "stock", "promise", "kept", "reason"} {
		header = append(header, excelize.Cell{StyleID: st.header, Value: h})
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, w := range []float64{12, 12, 16, 12, 10, 10, 10, 48} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i := range wb.Promises {
		l := &wb.Promises[i]
		cellName, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cellName, []any{excelize.Cell{StyleID: st.date, Value: wb.PromiseDay.Time()}, l.Location, l.SKU, l.Channel,
			excelize.Cell{StyleID: st.units, Value: l.Stock}, excelize.Cell{StyleID: st.units, Value: l.Promise},
			excelize.Cell{StyleID: st.units, Value: l.Kept}, l.Reason}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// placementSheet lists placement.csv's rows: which nodes hold each SKU,
// the stock they target and the zones they serve.
func placementSheet(f *excelize.File, wb *Workbook, st *workbookStyles) error {
	sw, err := f.NewStreamWriter(PlacementSheet)
	if err != nil {
		return err
	}
	header := []any{}
	for _, h := range []string{"date", "sku", "node", "hold", "target_stock", "units_per_day", "on_hand", "zones_served", "service_hours", "reason"} {
		header = append(header, excelize.Cell{StyleID: st.header, Value: h})
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, w := range []float64{12, 16, 10, 6, 12, 12, 10, 24, 12, 60} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i := range wb.Placement {
		l := &wb.Placement[i]
		hold := "no"
		if l.Hold {
			hold = "yes"
		}
		var hours any
		if !math.IsNaN(l.Hours) {
			hours = excelize.Cell{StyleID: st.units, Value: round2(l.Hours)}
		}
		cellName, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cellName, []any{excelize.Cell{StyleID: st.date, Value: wb.PlacementDay.Time()}, l.SKU, l.Node, hold,
			excelize.Cell{StyleID: st.units, Value: round2(l.Target)}, round4(l.Units),
			excelize.Cell{StyleID: st.units, Value: wb.PlacementStock(l.SKU, l.Node)}, strings.Join(l.Zones, ";"), hours, l.Reason}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// forecastSheet writes the forecasts by SKU: each SKU's daily demand over
// all its locations and channels (means added; the 10% and 90% levels
// from the added variances, a normal approximation), and returns the
// totals by day for the summary's chart.
func forecastSheet(f *excelize.File, res *forecast.Result, st *workbookStyles) ([]dayTotal, error) {
	sw, err := f.NewStreamWriter(ForecastSheet)
	if err != nil {
		return nil, err
	}
	header := []any{}
	for _, h := range []string{"sku", "date", "mean", "p10", "p90", "locations"} {
		header = append(header, excelize.Cell{StyleID: st.header, Value: h})
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	for i, w := range []float64{16, 12, 12, 12, 12, 11} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, err
	}
	if res == nil || len(res.Keys) == 0 {
		return nil, sw.Flush()
	}
	type cell struct{ mean, variance float64 }
	bySKU := map[string]map[series.Date]*cell{}
	locations := map[string]map[string]bool{}
	byDay := map[series.Date]*dayTotal{}
	for i, k := range res.Keys {
		if bySKU[k.SKU] == nil {
			bySKU[k.SKU] = map[series.Date]*cell{}
			locations[k.SKU] = map[string]bool{}
		}
		locations[k.SKU][k.Location] = true
		for t := 0; t < res.Horizon; t++ {
			d := res.Freq.Add(res.Starts[i], t)
			m, v := res.Mean[i*res.Horizon+t], res.Variance(i, t)
			c := bySKU[k.SKU][d]
			if c == nil {
				c = &cell{}
				bySKU[k.SKU][d] = c
			}
			c.mean += m
			c.variance += v
			tot := byDay[d]
			if tot == nil {
				tot = &dayTotal{date: d}
				byDay[d] = tot
			}
			tot.mean += m
			tot.variance += v
		}
	}
	skus := make([]string, 0, len(bySKU))
	for s := range bySKU {
		skus = append(skus, s)
	}
	sort.Strings(skus)
	row := 2
	for _, s := range skus {
		days := make([]series.Date, 0, len(bySKU[s]))
		for d := range bySKU[s] {
			days = append(days, d)
		}
		sort.Slice(days, func(a, b int) bool { return days[a] < days[b] })
		for _, d := range days {
			c := bySKU[s][d]
			sd := math.Sqrt(c.variance)
			cellName, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cellName, []any{s, excelize.Cell{StyleID: st.date, Value: d.Time()},
				excelize.Cell{StyleID: st.decimals, Value: round4(c.mean)},
				excelize.Cell{StyleID: st.decimals, Value: round4(math.Max(0, c.mean-z90*sd))},
				excelize.Cell{StyleID: st.decimals, Value: round4(c.mean + z90*sd)}, len(locations[s])}); err != nil {
				return nil, err
			}
			row++
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	daily := make([]dayTotal, 0, len(byDay))
	for _, t := range byDay {
		daily = append(daily, *t)
	}
	sort.Slice(daily, func(a, b int) bool { return daily[a].date < daily[b].date })
	return daily, nil
}

// summaryExceptions is how many exceptions the Summary lists, the first
// by value at risk; exceptions.csv has them all.
const summaryExceptions = 20

// SummaryAxisFormat is the number format of the Summary chart's date axis.
const SummaryAxisFormat = "d mmm"

// summarySheet writes the run's key figures and first exceptions, and the
// total forecast by day with its chart, on one landscape page.
func summarySheet(f *excelize.File, wb *Workbook, daily []dayTotal, st *workbookStyles) error {
	s := SummarySheet
	landscape, one := "landscape", 1
	if err := f.SetPageLayout(s, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: &one}); err != nil {
		return err
	}
	if err := f.SetSheetProps(s, &excelize.SheetPropsOptions{FitToPage: boolPtr(true)}); err != nil {
		return err
	}
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(s, cell, v); err != nil {
			return err
		}
		return f.SetCellStyle(s, cell, cell, style)
	}
	title := wb.Title
	if title == "" {
		title = "Plan"
	}
	if wb.PlanDate != "" {
		title += " for " + wb.PlanDate
	}
	if err := set("A1", title, st.title); err != nil {
		return err
	}
	if err := set("A2", "Plan date", st.text); err != nil {
		return err
	}
	if d, err := series.ParseDate(wb.PlanDate); err == nil {
		if err := set("B2", d.Time(), st.date); err != nil {
			return err
		}
	}
	if err := set("A4", "Key figure", st.header); err != nil {
		return err
	}
	if err := set("B4", "Value", st.header); err != nil {
		return err
	}
	row := 5
	for _, fig := range wb.Figures {
		style := st.decimals
		if fig.Value == math.Trunc(fig.Value) {
			style = st.units
		}
		if err := set(fmt.Sprintf("A%d", row), fig.Name, st.text); err != nil {
			return err
		}
		if err := set(fmt.Sprintf("B%d", row), fig.Value, style); err != nil {
			return err
		}
		row++
	}
	row++
	if err := set(fmt.Sprintf("A%d", row), fmt.Sprintf("Exceptions to review (%d)", len(wb.Exceptions)), st.header); err != nil {
		return err
	}
	if err := set(fmt.Sprintf("B%d", row), "", st.header); err != nil {
		return err
	}
	for i, e := range wb.Exceptions {
		if i == summaryExceptions {
			if err := set(fmt.Sprintf("A%d", row+1), fmt.Sprintf("... and %d more: see exceptions.csv", len(wb.Exceptions)-summaryExceptions), st.text); err != nil {
				return err
			}
			break
		}
		row++
		if err := set(fmt.Sprintf("A%d", row), e, st.exception); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(s, "A", "A", 60); err != nil {
		return err
	}
	if err := f.SetColWidth(s, "B", "B", 14); err != nil {
		return err
	}
	if len(daily) == 0 {
		return nil
	}
	// The total forecast by day, and its chart beside the figures.
	for i, h := range []string{"Date", "Forecast", "p10", "p90"} {
		cell, _ := excelize.CoordinatesToCellName(4+i, 4)
		if err := set(cell, h, st.header); err != nil {
			return err
		}
	}
	for k, d := range daily {
		r := 5 + k
		sd := math.Sqrt(d.variance)
		for i, v := range []any{d.date.Time(), round4(d.mean), round4(math.Max(0, d.mean-z90*sd)), round4(d.mean + z90*sd)} {
			cell, _ := excelize.CoordinatesToCellName(4+i, r)
			style := st.decimals
			if i == 0 {
				style = st.date
			}
			if err := set(cell, v, style); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(s, "D", "G", 12); err != nil {
		return err
	}
	last := 4 + len(daily)
	var chartSeries []excelize.ChartSeries
	for i := range 3 {
		col := string(rune('E' + i))
		chartSeries = append(chartSeries, excelize.ChartSeries{
			Name:       fmt.Sprintf("%s!$%s$4", s, col),
			Categories: fmt.Sprintf("%s!$D$5:$D$%d", s, last),
			Values:     fmt.Sprintf("%s!$%s$5:$%s$%d", s, col, col, last),
		})
	}
	return f.AddChart(s, "I4", &excelize.Chart{Type: excelize.Line, Series: chartSeries,
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Forecast demand, all SKUs and locations"}}},
		XAxis:  excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: SummaryAxisFormat}},
		Legend: excelize.ChartLegend{Position: "bottom"}, Dimension: excelize.ChartDimension{Width: 640, Height: 320}})
}
