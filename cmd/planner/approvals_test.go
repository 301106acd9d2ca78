package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// runSample runs the nightly job on a small synthetic retailer, with the
// sections given added to its planner.yaml, and returns the run's folder.
// The small retailer's run has a few exceptions (stock-out risks,
// perishables that will not sell in time): it runs as a scheduler would,
// with exit code 0 for them.
func runSample(t *testing.T, sections ...string) string {
	dir := synthSample(t)
	cfg := filepath.Join(dir, "planner.yaml")
	if len(sections) > 0 {
		f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = f.WriteString(strings.Join(sections, ""))
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	code, _, errOut := planner(t, "run", "--config", cfg, "--exceptions-exit-code", "0")
	require.Equal(t, 0, code, errOut)
	run, err := filepath.EvalSymlinks(filepath.Join(dir, "out", "latest"))
	require.NoError(t, err)
	return run
}

// decide writes yes / no into the approve column of the first rows of a
// copy of the run's workbook and returns the copy.
func decide(t *testing.T, run string, edit func(f *excelize.File)) string {
	f, err := excelize.OpenFile(filepath.Join(run, "plan.xlsx"))
	require.NoError(t, err)
	defer f.Close()
	edit(f)
	book := filepath.Join(t.TempDir(), "reviewed.xlsx")
	require.NoError(t, f.SaveAs(book))
	return book
}

// approveCell is the sheet's approve cell of a row; column, the cell of
// the column with that header.
func approveCell(t *testing.T, f *excelize.File, sheet string, row int) string {
	return column(t, f, sheet, "Approve", row)
}

func column(t *testing.T, f *excelize.File, sheet, header string, row int) string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	require.NoError(t, err)
	i := slices.Index(rows[0], header)
	require.GreaterOrEqual(t, i, 0, "no %s column on %s", header, sheet)
	col, _ := excelize.ColumnNumberToName(i + 1)
	return col + strconv.Itoa(row)
}

// importApprovals imports the decisions of book into run and returns the
// command's JSON summary and the approvals.csv it wrote.
func importApprovals(t *testing.T, book, run string) (map[string]any, string) {
	t.Helper()
	code, out, errOut := planner(t, "import-approvals", book, "--run", run, "--json")
	require.Equal(t, 0, code, errOut)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &sum))
	raw, err := os.ReadFile(filepath.Join(run, "approvals.csv"))
	require.NoError(t, err)
	return sum, string(raw)
}

func TestImportApprovals(t *testing.T) {
	run := runSample(t)
	book := decide(t, run, func(f *excelize.File) {
		require.NoError(t, f.SetCellValue("Orders", approveCell(t, f, "Orders", 2), "yes"))
		require.NoError(t, f.SetCellValue("Orders", approveCell(t, f, "Orders", 3), "No"))
	})
	sum, written := importApprovals(t, book, run)
	assert.Equal(t, 1.0, sum["approved"])
	assert.Equal(t, 1.0, sum["rejected"])
	assert.Equal(t, sum["lines"].(float64)-2, sum["pending"])
	lines := strings.Split(strings.TrimSpace(written), "\n")
	assert.Equal(t, "plan,line_id,sku,from,to,decision,schema,edited_value,note", lines[0])
	assert.Contains(t, lines[1], ",yes,approvals/1,,")
	assert.Contains(t, lines[2], ",no,approvals/1,,")
}

func TestImportApprovalsRefusesEditedWorkbooks(t *testing.T) {
	run := runSample(t)
	for name, c := range map[string]struct {
		edit func(f *excelize.File)
		want string
	}{
		"edited id":     {func(f *excelize.File) { require.NoError(t, f.SetCellValue("Orders", "A2", "TO-000000000000")) }, `sheet Orders row 2: line "TO-000000000000" is not in the run's orders plan`},
		"edited sku":    {func(f *excelize.File) { require.NoError(t, f.SetCellValue("Orders", "C2", "OTHER")) }, "sheet Orders row 2, column sku"},
		"unknown sheet": {func(f *excelize.File) { _, err := f.NewSheet("My notes"); require.NoError(t, err) }, `unknown sheet "My notes"`},
		"bad decision": {func(f *excelize.File) {
			require.NoError(t, f.SetCellValue("Orders", approveCell(t, f, "Orders", 2), "maybe"))
		}, `row 2, column Approve: "maybe" is neither yes nor no`},
		"edited header": {func(f *excelize.File) { require.NoError(t, f.SetCellValue("Orders", "I1", "qty")) }, "the header was edited: column 9"},
	} {
		book := decide(t, run, c.edit)
		code, _, errOut := planner(t, "import-approvals", book, "--run", run)
		assert.Equal(t, 2, code, name)
		assert.Contains(t, errOut, c.want, name)
		assert.NoFileExists(t, filepath.Join(run, "approvals.csv"), name)
	}
}

// With prices in the run, decisions on the Prices sheet read back too (it
// has a location where other sheets have from and to).
func TestImportApprovalsOfPrices(t *testing.T) {
	run := runSample(t, "price:\n  max_change: 0.3\n")
	book := decide(t, run, func(f *excelize.File) {
		require.NoError(t, f.SetCellValue("Prices", approveCell(t, f, "Prices", 2), "yes"))
		require.NoError(t, f.SetCellValue("Prices", approveCell(t, f, "Prices", 3), "no"))
	})
	sum, written := importApprovals(t, book, run)
	assert.Equal(t, 1.0, sum["approved"])
	assert.Equal(t, 1.0, sum["rejected"])
	assert.Regexp(t, `prices,PR-[0-9a-f]{12},SKU\d+,,\*,yes,approvals/1,,`, written)
	assert.Regexp(t, `prices,PR-[0-9a-f]{12},SKU\d+,,\*,no,approvals/1,,`, written)
}
