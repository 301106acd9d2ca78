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

	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/export"
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
