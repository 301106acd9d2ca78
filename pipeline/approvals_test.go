package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/planner-engine/planner/assortment"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/series"
)

// Keys are compared as they are: a SKU that starts with a tab, or with a
// character a spreadsheet would run, matches its plan line.
func TestApprovalsMatchKeysAsTheyAre(t *testing.T) {
	dir := t.TempDir()
	lines := planLines(3)
	lines[0].SKU = "\tTAB"
	lines[1].SKU = "=SUM(1)"
	lines[2].SKU = " SPACED "
	require.NoError(t, os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{}"), 0o644))
	require.NoError(t, export.WriteOrders(filepath.Join(dir, "orders.csv"), lines))
	book := filepath.Join(dir, "plan.xlsx")
	require.NoError(t, export.WriteWorkbook(book, &export.Workbook{PlanDate: "2026-03-02", Orders: lines}))
	f, err := excelize.OpenFile(book)
	require.NoError(t, err)
	rows, err := f.GetRows(export.OrdersSheet)
	require.NoError(t, err)
	col, _ := excelize.ColumnNumberToName(slices.Index(rows[0], "Approve") + 1)
	for r := 2; r <= 4; r++ {
		require.NoError(t, f.SetCellValue(export.OrdersSheet, col+strconv.Itoa(r), "yes"))
	}
	require.NoError(t, f.Save())
	f.Close()
	sum, err := ImportApprovals(dir, book)
	require.NoError(t, err)
	assert.Equal(t, 3, sum.Approved)
}

// The workbook export writes and the override reader reads the same sheet.
func TestOverridesSheetIsTheReadersOne(t *testing.T) {
	assert.Equal(t, files.OverridesSheet, export.OverridesSheet)
	assert.Contains(t, export.WorkbookSheets, files.OverridesSheet)
}

// A store's range on the Assortment sheet, which shows what it changes
// (an add and a drop; not the product it keeps): a merchandiser refuses
// the add, setting its facings to 0, and keeps the dropped product on
// half a facing, which is refused naming the sheet, row and column; on
// one facing, approved, it is read back.
func TestTheAssortmentSheetIsApprovedPerLine(t *testing.T) {
	dir := t.TempDir()
	day := series.MustParseDate("2026-03-02")
	ranges := []export.StoreRange{{Store: "S1", Category: "Snacks", Lines: []assortment.Line{
		{SKU: "A", Carry: true, Facings: 2, Units: 40, Margin: 12, Change: assortment.Keep, Reason: "earns 12"},
		{SKU: "B", Carry: true, Facings: 1, Units: 9, Margin: 1, Change: assortment.Add, Reason: "earns 1"},
		{SKU: "C", Change: assortment.Drop, Reason: "carrying it would earn 3 less"},
	}}}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{}"), 0o644))
	require.NoError(t, export.WriteAssortment(filepath.Join(dir, "assortment.csv"), day, ranges))
	book := filepath.Join(dir, "plan.xlsx")
	require.NoError(t, export.WriteWorkbook(book, &export.Workbook{Assortment: ranges, AssortmentDay: day}))
	f, err := excelize.OpenFile(book)
	require.NoError(t, err)
	rows, err := f.GetRows(export.AssortmentSheet)
	require.NoError(t, err)
	require.Len(t, rows, 3, "the adds and drops: keeping A changes nothing")
	approve, _ := excelize.ColumnNumberToName(slices.Index(rows[0], "Approve") + 1)
	facings, _ := excelize.ColumnNumberToName(slices.Index(rows[0], "Facings") + 1)
	assert.Equal(t, []string{"S1", "", "Snacks", "B", "", "add", "yes"}, rows[1][1:8], "the keys first, each code with its name beside it")
	require.NoError(t, f.SetCellValue(export.AssortmentSheet, approve+"2", "no"))
	require.NoError(t, f.SetCellValue(export.AssortmentSheet, facings+"2", 0))
	require.NoError(t, f.SetCellValue(export.AssortmentSheet, facings+"3", 1.5))
	require.NoError(t, f.Save())
	f.Close()
	_, err = ImportApprovals(dir, book)
	require.ErrorContains(t, err, "sheet Assortment row 3, column Facings: 1.5 is not a whole number of facings")
	assert.NoFileExists(t, filepath.Join(dir, ApprovalsName))
	f, err = excelize.OpenFile(book)
	require.NoError(t, err)
	require.NoError(t, f.SetCellValue(export.AssortmentSheet, facings+"3", 1))
	require.NoError(t, f.SetCellValue(export.AssortmentSheet, approve+"3", "yes"))
	require.NoError(t, f.Save())
	f.Close()
	sum, err := ImportApprovals(dir, book)
	require.NoError(t, err)
	assert.Equal(t, [4]int{1, 1, 0, 2}, [4]int{sum.Approved, sum.Rejected, sum.Pending, sum.Edited})
}
