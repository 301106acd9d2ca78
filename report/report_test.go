package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
)

func TestNumbersHaveOneFormat(t *testing.T) {
	for v, want := range map[float64]string{1234567: "1,234,567", 9415.21: "9,415.21", -1234.5: "-1,234.50", 0.999: "1.00", 12.345: "12.35"} {
		assert.Equal(t, want, Number(v), v)
	}
	assert.Equal(t, "3.00", Money(3))
	assert.Equal(t, "12,345.60", Money(12345.6))
}

func TestAnchorsAreSafeIDs(t *testing.T) {
	assert.Equal(t, "sku-A_1_x_", anchor("A 1/x>"))
	assert.Equal(t, "sku-SKU-9_", anchor("SKU-9\""))
}

func TestReportIsOneSelfContainedPage(t *testing.T) {
	start := series.MustParseDate("2025-01-01")
	d := &Data{Title: "Plan for 2025-01-01",
		Figures:    []Figure{{"Purchase orders", 8}, {"Value ordered", 9415.21}, {"Units", 1234567}},
		Exceptions: []string{"SKU1 DC01 -> S002: DC stock short <check>"},
		Charts: []SKUChart{
			{SKU: "SKU1", Why: "top seller", Freq: series.Daily, HistoryStart: start - 3, History: []float64{5, 6, 7},
				Start: start, Mean: []float64{6, 6, 7}, Lo: []float64{4, 4, 5}, Hi: []float64{8, 8, 9}, Stock: []float64{20, 14, 7}},
			{SKU: "SKU2", Why: "exception", Freq: series.Weekly, Start: start, Mean: []float64{1, 1}, Lo: []float64{0, 0}, Hi: []float64{2, 2}},
		}}
	path := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, Write(path, d))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	page := string(raw)
	assert.Contains(t, page, "<title>Plan for 2025-01-01</title>")
	assert.Contains(t, page, "<td>Value ordered</td><td class=\"n\">9,415.21</td>")
	assert.Contains(t, page, "1,234,567")
	// Text is escaped, not markup.
	assert.Contains(t, page, "DC stock short &lt;check&gt;")
	// The contents link every section and every charted SKU.
	assert.Contains(t, page, `<a href="#sku-SKU1">SKU1</a>`)
	assert.Contains(t, page, `<div class="chart" id="sku-SKU1">`)
	assert.Contains(t, page, `<h2 id="changes">Changed since last night</h2>`)
	// Nothing to fetch: no external links or scripts.
	assert.NotRegexp(t, `(src|href)="https?:`, page)
	assert.NotContains(t, page, "<script")
	// Three charts (two fans, one stock projection), each a real PNG.
	imgs := regexp.MustCompile(`src="data:image/png;base64,([^"]+)"`).FindAllStringSubmatch(page, -1)
	require.Len(t, imgs, 3)
	for _, m := range imgs {
		b, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(b))
		require.NoError(t, err)
		assert.Greater(t, img.Bounds().Dx(), 500)
	}
	assert.Equal(t, 2, strings.Count(page, `class="chart"`))

	// The same data, the same bytes.
	again := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, Write(again, d))
	raw2, _ := os.ReadFile(again)
	assert.True(t, bytes.Equal(raw, raw2))
}

func TestReportTables(t *testing.T) {
	d := &Data{Title: "Plan", Tables: []Table{{Title: "Price moves (1)", Note: "largest first",
		Header: []string{"SKU", "New price"}, Numeric: []bool{false, true}, Rows: [][]string{{"A<1>", "3.99"}}}}}
	path := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, Write(path, d))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	page := string(raw)
	assert.Contains(t, page, `<h2 id="table-0">Price moves (1)</h2>`)
	assert.Contains(t, page, `<a href="#table-0">Price moves (1)</a>`, "in the contents")
	assert.Contains(t, page, "<tr><th>SKU</th><th>New price</th></tr>")
	assert.Contains(t, page, `<tr><td>A&lt;1&gt;</td><td class="n">3.99</td></tr>`)
}

// Chart axes say dates, at whole periods.
func TestDateTicks(t *testing.T) {
	start := series.MustParseDate("2025-01-06")
	var labels []string
	for _, tk := range (dateTicks{start, series.Daily}).Ticks(-10, 27) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	assert.Equal(t, []string{"27 Dec", "6 Jan", "16 Jan", "26 Jan"}, labels)
	week := (dateTicks{start, series.Weekly}).Ticks(0, 4)
	assert.Equal(t, "6 Jan", week[0].Label)
}

// The report lists the first 50 exceptions and says how many more the
// run's files hold.
func TestLongExceptionListsAreCut(t *testing.T) {
	d := &Data{Title: "Plan"}
	for i := range 60 {
		d.Exceptions = append(d.Exceptions, fmt.Sprintf("exception %d", i))
	}
	path := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, Write(path, d))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	page := string(raw)
	assert.Equal(t, 50, strings.Count(page, "<li>exception "))
	assert.Contains(t, page, "<li>exception 49</li>")
	assert.Contains(t, page, "... and 10 more")
}
