package export

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/planner-engine/planner/allocation"
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
		Allocation: []allocation.Allocation{*a}, Prices: prices, Forecasts: res}
}

func TestWorkbookSheetsHeadersFormatsAndValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.xlsx")
	require.NoError(t, WriteWorkbook(path, sampleWorkbook(t)))
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, WorkbookSheets, f.GetSheetList())

	// Orders: the orders file's columns, then approve; one row per order.
	rows, err := f.GetRows(OrdersSheet)
	require.NoError(t, err)
	var want []string
	for _, c := range Outputs[0].Columns {
		want = append(want, c.Name)
	}
	assert.Equal(t, append(want, ApproveColumn), rows[0])
	require.Len(t, rows, 3, "two orders")
	assert.Regexp(t, `^(PO|TO)-[0-9a-f]{12}$`, rows[1][0])
	// Quantities are numbers with a thousands format, dates real dates.
	qty, err := f.GetCellValue(OrdersSheet, "F2", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9]+$`, qty)
	styleID, err := f.GetCellStyle(OrdersSheet, "F2")
	require.NoError(t, err)
	style, err := f.GetStyle(styleID)
	require.NoError(t, err)
	require.NotNil(t, style.CustomNumFmt)
	assert.Equal(t, "#,##0", *style.CustomNumFmt)
	dateStyle, _ := f.GetCellStyle(OrdersSheet, "G2")
	ds, _ := f.GetStyle(dateStyle)
	require.NotNil(t, ds.CustomNumFmt)
	assert.Equal(t, "yyyy-mm-dd", *ds.CustomNumFmt)
	shown, _ := f.GetCellValue(OrdersSheet, "G2")
	assert.Equal(t, "2026-03-02", shown)
	// Frozen header, a filterable table, a yes / no approve list.
	panes, err := f.GetPanes(OrdersSheet)
	require.NoError(t, err)
	assert.True(t, panes.Freeze)
	assert.Equal(t, 1, panes.YSplit)
	tables, err := f.GetTables(OrdersSheet)
	require.NoError(t, err)
	require.Len(t, tables, 1)
	assert.Equal(t, "A1:U3", tables[0].Range)
	dvs, err := f.GetDataValidations(OrdersSheet)
	require.NoError(t, err)
	require.Len(t, dvs, 1)
	assert.Equal(t, "U2:U3", dvs[0].Sqref)
	assert.Contains(t, dvs[0].Formula1, "yes,no")

	// Allocation: one row per store, the exception highlighted.
	rows, err = f.GetRows(AllocationSheet)
	require.NoError(t, err)
	assert.Equal(t, ApproveColumn, rows[0][len(rows[0])-1])
	require.Len(t, rows, 3)
	assert.Equal(t, "S1", rows[1][4])
	assert.Contains(t, rows[1][13], "DC stock short")
	exStyle, _ := f.GetCellStyle(AllocationSheet, "N2")
	es, _ := f.GetStyle(exStyle)
	assert.Equal(t, []string{"FFC7CE"}, es.Fill.Color)

	// Prices: one row per price line; no cost is an empty cell.
	rows, err = f.GetRows(PricesSheet)
	require.NoError(t, err)
	require.Len(t, rows, 4)
	assert.Equal(t, "line_id", rows[0][0])
	assert.Equal(t, ApproveColumn, rows[0][len(rows[0])-1])
	assert.Equal(t, []string{"B", "S1", "everyday"}, rows[2][1:4])
	assert.Equal(t, "", rows[2][8], "no unit cost")
	assert.Equal(t, "markdown", rows[3][3])

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
