package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pipeline/config"
)

// The assort stage chooses every store's range per category on the
// synthetic retailer: each range fits its shelf, keeps the must-carry
// products, and reaches the report; a product wider than its shelf
// leaves that shelf unplanned as an exception, and the others planned.
func TestTheAssortStageFitsEveryShelf(t *testing.T) {
	cfg := sampleConfig(t)
	ac := config.DefaultAssort()
	cfg.Assort = &ac
	cfg.Stages = []string{"load", "forecast", "assort", "exceptions", "report"}
	dir := filepath.Dir(cfg.DB)
	m, err := Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	run := filepath.Join(cfg.Out, "runs", m.RunID)
	rows := csvRecords(t, filepath.Join(run, "assortment.csv"))
	require.NotEmpty(t, rows)
	space := map[[2]string]float64{}
	for _, s := range csvRecords(t, filepath.Join(dir, "shelves.csv")) {
		space[[2]string{s["location"], s["category"]}] = atofOr0(s["space"])
	}
	must := map[string]bool{}
	for _, r := range csvRecords(t, filepath.Join(dir, "must_carry.csv")) {
		must[r["sku"]] = true
	}
	used := map[[2]string]float64{}
	for _, r := range rows {
		assert.Equal(t, export.AssortmentSchema, r["schema"])
		if r["carry"] == "yes" {
			used[[2]string{r["store"], r["category"]}] += atofOr0(r["facings"]) // facing_width is 1 in the sample
		} else if must[r["sku"]] {
			t.Errorf("%s at %s: a must-carry product is not carried", r["sku"], r["store"])
		}
	}
	require.NotEmpty(t, used)
	for k, u := range used {
		assert.LessOrEqual(t, u, space[k], "%v", k)
	}
	html, err := os.ReadFile(filepath.Join(run, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "Store ranges (assortment.csv)")

	// A product wider than every shelf: its category's shelves are not
	// planned, and say why.
	var wide string
	rewriteCSV(t, filepath.Join(dir, "products.csv"), func(_ []string, row map[string]string) {
		if wide == "" && row["category"] == "Home" {
			wide = row["sku"]
			row["min_facings"] = "999"
		}
	}, "")
	m, err = Execute(context.Background(), cfg, Options{Now: clock(time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	exs := csvRecords(t, filepath.Join(cfg.Out, "runs", m.RunID, "exceptions.csv"))
	found := 0
	for _, e := range exs {
		if e["kind"] == "input_check" && strings.Contains(e["detail"], wide+"'s minimum facings take 999") {
			found++
		}
	}
	assert.Positive(t, found, "the shelves %s does not fit", wide)
}
