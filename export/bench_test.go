package export

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// planLines makes n transfer and purchase order lines with reasons, the
// size of a large nightly plan.
func planLines(n int) []replenish.Line {
	day := series.MustParseDate("2026-03-02")
	lines := make([]replenish.Line, n)
	for i := range lines {
		l := &lines[i]
		l.SKU, l.From, l.To = fmt.Sprintf("SKU%06d", i/10), fmt.Sprintf("DC%d", i%3), fmt.Sprintf("S%04d", i%1000)
		l.Transfer = i%50 != 0
		l.Qty = float64(6 * (1 + i%7))
		l.UnitCost = 1.25 + float64(i%100)/10
		l.Policy = "order-up-to"
		l.Reason = fmt.Sprintf("inventory position %d < order-up-to level %d; rounded up to a multiple of 6", i%13, 20+i%13)
		l.Levels = replenish.Levels{Inventory: float64(i % 13), ReorderPoint: 20, OrderUpTo: float64(20 + i%13), SafetyStock: 4.5, Demand: 15.5}
		l.Class, l.Target = "AX", replenish.Target{Level: 0.95, Type: replenish.FillRate}
		l.OrderDate, l.ReceiptDate = day, day+2
		l.ID = fmt.Sprintf("TO-%012x", i)
		if i%97 == 0 {
			l.Exception = "DC stock short"
		}
	}
	return lines
}

// BenchmarkWritePlan writes a 100,000-line plan in each format the
// planner writes: the workbook (streamed sheets) and the ERP files.
func BenchmarkWritePlan(b *testing.B) {
	lines := planLines(100_000)
	dir := b.TempDir()
	for _, ext := range []string{"xlsx", "csv", "jsonl", "parquet"} {
		b.Run(ext, func(b *testing.B) {
			path := filepath.Join(dir, "plan."+ext)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if ext == "xlsx" {
					err = WriteWorkbook(path, &Workbook{PlanDate: "2026-03-02", Orders: lines})
				} else {
					err = WriteOrders(path, lines)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
