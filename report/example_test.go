package report_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/planner-engine/planner/report"
	"github.com/planner-engine/planner/series"
)

// A report with one SKU's forecast and projected stock: one HTML file,
// the charts inside it.
func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "report")
	defer os.RemoveAll(dir)
	start := series.MustParseDate("2025-01-01")
	d := &report.Data{Title: "Plan for 2025-01-01", Figures: []report.Figure{{Name: "Transfer orders", Value: 231}},
		Charts: []report.SKUChart{{SKU: "SKU1", Why: "top seller", Freq: series.Daily, Start: start,
			HistoryStart: start - 2, History: []float64{5, 7},
			Mean: []float64{6, 6}, Lo: []float64{4, 4}, Hi: []float64{8, 8}, Stock: []float64{30, 24}}}}
	path := filepath.Join(dir, "report.html")
	if err := report.Write(path, d); err != nil {
		panic(err)
	}
	page, _ := os.ReadFile(path)
	fmt.Println(strings.Count(string(page), "data:image/png;base64,"), "charts")
	// Output: 2 charts
}
