package export

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/planner-engine/planner/allocation"
	"github.com/planner-engine/planner/exceptions"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/series"
)

func sampleWorkbook(t *testing.T) *Workbook {
	p := &allocation.Problem{SKU: "A", DC: "DC1", Available: 30, Stores: []allocation.Store{
		{Location: "S1", Mean: 30, Variance: 40}, {Location: "S2", Mean: 10, Variance: 12, OnHand: 3},
	}}
	a, err := allocation.Marginal{}.Allocate(p)
	require.NoError(t, err)
	start := series.MustParseDate("2026-03-03")
	res := &forecast.Result{Forecasts: series.Forecasts{Freq: series.Daily, Horizon: 3, Quantiles: []float64{0.1, 0.9},
		Keys:   []series.Key{{SKU: "A", Location: "S1"}, {SKU: "A", Location: "S2"}, {SKU: "B", Location: "S1"}},
		Starts: []series.Date{start, start, start},
		Mean:   []float64{4, 5, 6, 1, 1, 1, 2, 2, 2},
		Q:      []float64{2, 6, 3, 7, 4, 8, 0, 2, 0, 2, 0, 2, 1, 3, 1, 3, 1, 3}}}
	prices, _, _ := samplePrices(t)
	return &Workbook{PlanDate: "2026-03-03",
		Figures:    []Figure{{"Series forecast", 3}, {"Purchase orders", 1}, {"Order value", 150.5}},
		Exceptions: []string{"A at DC1: DC stock short"}, Orders: sampleOrders(),
		Allocation: []allocation.Allocation{*a}, Prices: prices, Forecasts: res,
		ProductNames: map[string]string{"A": "Apple juice 1l"}, LocationNames: map[string]string{"S1": "High Street", "DC1": "North DC"},
		RootCauses: exceptions.Group([]exceptions.Finding{{Kind: exceptions.DCShort, SKU: "A", Location: "DC1", Plan: "orders", Line: "TO-1",
			Units: 3, Value: 7.5, Detail: "DC1 holds 2 of the 5 units ordered from it"}}, exceptions.Rules{}, series.MustParseDate("2026-03-03"))}
}

func TestWorkbookSheetsHeadersFormatsAndValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.xlsx")
	require.NoError(t, WriteWorkbook(path, sampleWorkbook(t)))
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, WorkbookSheets, f.GetSheetList())

	// Exceptions: the root causes, value at risk first, names beside codes.
	rows, err := f.GetRows(ExceptionsSheet)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"Value at risk", "Severity", "Kind", "SKU", "Product", "Location", "Location name", "Lines"}, rows[0][:8])
	assert.Equal(t, []string{"7.50", "low", "dc_short", "A", "Apple juice 1l", "DC1", "North DC", "1"}, rows[1][:8])
	formats, err := f.GetConditionalFormats(ExceptionsSheet)
	require.NoError(t, err)
	require.Len(t, formats["B2:B2"], 2, "high and medium in colour")
	assert.Equal(t, `"high"`, formats["B2:B2"][0].Value)

	// Orders: the keys with their names, then the quantity, approve and
	// note, then the rest of the orders file's columns but schema; headers
	// in words, each with its canonical name as a comment.
	rows, err = f.GetRows(OrdersSheet)
	require.NoError(t, err)
	assert.Equal(t, []string{"Order ID", "Type", "SKU", "Product", "From", "From name", "To", "To name", "Quantity", "Approve", "Note",
		"Order value", "Order date", "Receipt date", "Unit cost", "Policy", "Reason", "Exception", "Inventory position", "Reorder point", "Order up to",
		"Safety stock", "Protection demand", "Class", "Target", "Order multiple", "Max quantity", "Channel split"}, rows[0])
	comments, err := f.GetComments(OrdersSheet)
	require.NoError(t, err)
	byCell := map[string]string{}
	for _, c := range comments {
		byCell[c.Cell] = c.Text
	}
	assert.Equal(t, "order_id", byCell["A1"])
	assert.Equal(t, "sku_name", byCell["D1"])
	assert.Equal(t, "approve", byCell["J1"])
	assert.Equal(t, "order_value", byCell["L1"])
	assert.Equal(t, "protection_demand", byCell["W1"])
	// The order's value is quantity times unit cost, as a formula: an
	// edited quantity revalues it.
	formula, err := f.GetCellFormula(OrdersSheet, "L2")
	require.NoError(t, err)
	assert.Equal(t, "I2*O2", formula)
	require.Len(t, rows, 3, "two orders")
	assert.Regexp(t, `^(PO|TO)-[0-9a-f]{12}$`, rows[1][0])
	assert.Equal(t, "Apple juice 1l", rows[1][3])
	// Quantities are numbers with a thousands format, dates real dates.
	qty, err := f.GetCellValue(OrdersSheet, "I2", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9]+$`, qty)
	dateStyle, _ := f.GetCellStyle(OrdersSheet, "M2")
	ds, _ := f.GetStyle(dateStyle)
	require.NotNil(t, ds.CustomNumFmt)
	assert.Equal(t, "yyyy-mm-dd", *ds.CustomNumFmt)
	shown, _ := f.GetCellValue(OrdersSheet, "M2")
	assert.Equal(t, "2026-03-02", shown)
	// The cells a merchandiser fills in are shaded alike.
	for _, c := range []string{"I2", "J2", "K2"} {
		id, _ := f.GetCellStyle(OrdersSheet, c)
		st, _ := f.GetStyle(id)
		assert.Equal(t, []string{"FFF2CC"}, st.Fill.Color, c)
	}
	// Header and keys frozen, a filterable table, a yes / no approve list.
	panes, err := f.GetPanes(OrdersSheet)
	require.NoError(t, err)
	assert.True(t, panes.Freeze)
	assert.Equal(t, 1, panes.YSplit)
	assert.Equal(t, 8, panes.XSplit, "keys and names frozen")
	tables, err := f.GetTables(OrdersSheet)
	require.NoError(t, err)
	require.Len(t, tables, 1)
	assert.Equal(t, "A1:AB3", tables[0].Range)
	dvs, err := f.GetDataValidations(OrdersSheet)
	require.NoError(t, err)
	require.Len(t, dvs, 1)
	assert.Equal(t, "J2:J3", dvs[0].Sqref)
	assert.Contains(t, dvs[0].Formula1, "yes,no")
	// Printed landscape, one page wide, the header on every page.
	layout, err := f.GetPageLayout(OrdersSheet)
	require.NoError(t, err)
	assert.Equal(t, "landscape", *layout.Orientation)
	assert.Equal(t, 1, *layout.FitToWidth)
	names := f.GetDefinedName()
	titles := map[string]string{}
	for _, n := range names {
		if n.Name == "_xlnm.Print_Titles" {
			titles[n.Scope] = n.RefersTo
		}
	}
	assert.Equal(t, "'Orders'!$1:$1", titles[OrdersSheet])

	// Allocation: one row per store, the exception highlighted.
	rows, err = f.GetRows(AllocationSheet)
	require.NoError(t, err)
	assert.Equal(t, "Approve", rows[0][9])
	require.Len(t, rows, 3)
	assert.Equal(t, []string{"S1", "High Street"}, rows[1][6:8])
	assert.Equal(t, "Exception", rows[0][18])
	assert.Contains(t, rows[1][18], "DC stock short")
	exStyle, _ := f.GetCellStyle(AllocationSheet, "S2")
	es, _ := f.GetStyle(exStyle)
	assert.Equal(t, []string{"FFC7CE"}, es.Fill.Color)

	// Prices: one row per price line; no cost is an empty cell.
	rows, err = f.GetRows(PricesSheet)
	require.NoError(t, err)
	require.Len(t, rows, 4)
	assert.Equal(t, []string{"Line ID", "SKU", "Product", "Location", "Location name", "Kind", "New price", "Approve", "Note"}, rows[0][:9])
	assert.Equal(t, []string{"B", "", "S1", "High Street", "everyday"}, rows[2][1:6])
	assert.Equal(t, "Unit cost", rows[0][12])
	assert.Equal(t, "", rows[2][12], "no unit cost")
	assert.Equal(t, "markdown", rows[3][5])

	// Forecasts by SKU: A's two locations added day by day.
	rows, err = f.GetRows(ForecastSheet)
	require.NoError(t, err)
	assert.Equal(t, []string{"sku", "date", "mean", "p10", "p90", "locations"}, rows[0])
	require.Len(t, rows, 7, "two SKUs x three days")
	assert.Equal(t, []string{"A", "2026-03-03", "5.00"}, rows[1][:3])
	assert.Equal(t, "2", rows[1][5])

	// Summary: the figures, the exceptions, the chart's data.
	rows, err = f.GetRows(SummarySheet)
	require.NoError(t, err)
	text := ""
	for _, r := range rows {
		text += strings.Join(r, "|") + "\n"
	}
	assert.Contains(t, text, "Plan for 2026-03-03")
	assert.Contains(t, text, "Order value|150.50")
	assert.Contains(t, text, "Exceptions to review (1)")
	assert.Contains(t, text, "A at DC1: DC stock short")
	assert.Contains(t, text, "2026-03-03|7.00")
	// One landscape page, and a chart whose date axis shows dates.
	layout, err = f.GetPageLayout(SummarySheet)
	require.NoError(t, err)
	assert.Equal(t, "landscape", *layout.Orientation)
	assert.Equal(t, 1, *layout.FitToWidth)
	assert.Equal(t, 1, *layout.FitToHeight)
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	chart, err := zr.Open("xl/charts/chart1.xml")
	require.NoError(t, err)
	xml, err := io.ReadAll(chart)
	require.NoError(t, err)
	assert.Contains(t, string(xml), `formatCode="`+SummaryAxisFormat+`"`)
}

func TestWorkbookRefusesOtherExtensions(t *testing.T) {
	assert.ErrorContains(t, WriteWorkbook(filepath.Join(t.TempDir(), "plan.xls"), &Workbook{}), ".xlsx")
}

// The same plan gives the same bytes: excelize writes some parts from Go
// maps, and the workbook puts them in order.
func TestWorkbookIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	var first []byte
	for i := 0; i < 4; i++ {
		path := filepath.Join(dir, fmt.Sprint(i, ".xlsx"))
		require.NoError(t, WriteWorkbook(path, sampleWorkbook(t)))
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		if i == 0 {
			first = raw
			continue
		}
		require.True(t, bytes.Equal(first, raw), "write %d differs from the first", i)
	}
}

// An output folder that cannot be written to is an error naming it, for
// every format, and leaves nothing behind.
func TestUnwritableFolder(t *testing.T) {
	dir := t.TempDir()
	notADir := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(notADir, []byte("x"), 0o644))
	wb := sampleWorkbook(t)
	for _, name := range []string{"plan.xlsx", "orders.csv", "orders.parquet", "orders.jsonl"} {
		path := filepath.Join(notADir, name)
		var err error
		if name == "plan.xlsx" {
			err = WriteWorkbook(path, wb)
		} else {
			err = WriteOrders(path, wb.Orders)
		}
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), notADir, name)
	}
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary file left")
}

func TestWorkbookWithNaNIsNotWritten(t *testing.T) {
	lines := sampleOrders()
	for i := range lines {
		lines[i].Levels.Demand = math.Inf(-1)
	}
	path := filepath.Join(t.TempDir(), "plan.xlsx")
	err := WriteWorkbook(path, &Workbook{Orders: lines})
	var nf *NotFiniteError
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "protection_demand", nf.Column)
	assert.Contains(t, err.Error(), path+": sheet Orders: orders row 1 ")
	assert.NoFileExists(t, path)
}

// A plan with more lines than a sheet holds is refused in words, naming
// the sheet and the file that holds every line; nothing is written.
func TestAPlanLongerThanASheetIsRefused(t *testing.T) {
	saved := maxSheetLines
	maxSheetLines = 1
	defer func() { maxSheetLines = saved }()
	lines := sampleOrders()
	written := 0
	for i := range lines {
		if OrderWritten(&lines[i]) {
			written++
		}
	}
	require.Greater(t, written, 1)
	path := filepath.Join(t.TempDir(), "plan.xlsx")
	err := WriteWorkbook(path, &Workbook{Orders: lines})
	require.Error(t, err)
	assert.Equal(t, fmt.Sprintf("%s: sheet Orders: %d lines are more than a sheet holds (1 below its header); orders.csv has them all", path, written), err.Error())
	assert.NoFileExists(t, path)
}
