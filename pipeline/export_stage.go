package pipeline

import (
	"context"
	"fmt"
	"math"
	"path/filepath"

	"github.com/planner-engine/planner/export"
)

// WorkbookName is the merchandisers' workbook in a run's folder.
const WorkbookName = "plan.xlsx"

// ExportStage writes the merchandisers' workbook: the run's key figures
// and exceptions, the orders and allocation with an approve column each,
// and the forecasts by SKU (export.WriteWorkbook). planner import-approvals
// reads the decisions back.
type ExportStage struct{}

// Name implements Stage.
func (ExportStage) Name() string { return "export" }

// Run implements Stage.
func (ExportStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	if r.forecasts == nil && r.orders == nil && r.allocs == nil && r.production == nil && r.prices == nil {
		return StageReport{Summary: "skipped: no plan in this run to export"}, nil
	}
	wb := &export.Workbook{Orders: r.orders, Allocation: r.allocs, Production: r.production, Forecasts: r.forecasts}
	if r.prices != nil {
		wb.Prices = r.prices.Lines
	}
	if r.forecasts != nil {
		wb.PlanDate = PlanStart(r.forecasts).String()
	}
	wb.Figures, wb.Exceptions = r.keyFigures()
	if err := export.WriteWorkbook(filepath.Join(r.Dir, WorkbookName), wb); err != nil {
		return StageReport{}, err
	}
	if err := r.record(WorkbookName); err != nil {
		return StageReport{}, err
	}
	return StageReport{Summary: fmt.Sprintf("%s: %d order lines, %d allocation problems, %d exceptions", WorkbookName, len(r.orders), len(r.allocs), len(wb.Exceptions)),
		Rows: map[string]int64{WorkbookName: int64(len(wb.Exceptions))}}, nil
}

// keyFigures are the run's key figures and exceptions, as the workbook and
// the report show them.
func (r *Run) keyFigures() ([]export.Figure, []string) {
	var figures []export.Figure
	var exceptions []string
	if r.forecasts != nil {
		figures = append(figures, export.Figure{Name: "Series forecast", Value: float64(len(r.forecasts.Keys))})
	}
	var purchases, transfers, units, value float64
	for _, l := range r.orders {
		if l.Exception != "" {
			exceptions = append(exceptions, fmt.Sprintf("%s %s -> %s: %s", l.SKU, l.From, l.To, l.Exception))
		}
		if l.Qty <= 0 {
			continue
		}
		if l.Transfer {
			transfers++
		} else {
			purchases++
		}
		units += l.Qty
		value += l.Qty * l.UnitCost
	}
	if r.orders != nil {
		figures = append(figures, export.Figure{Name: "Purchase orders", Value: purchases},
			export.Figure{Name: "Transfer orders", Value: transfers}, export.Figure{Name: "Units ordered", Value: units},
			export.Figure{Name: "Value ordered", Value: math.Round(value*100) / 100})
	}
	if r.allocs != nil {
		var allocated, expected float64
		for i := range r.allocs {
			a := &r.allocs[i]
			allocated += a.Allocated
			expected += a.TotalExpectedSales()
			if a.Exception != "" {
				exceptions = append(exceptions, fmt.Sprintf("%s at %s: %s", a.SKU, a.DC, a.Exception))
			}
		}
		exceptions = append(exceptions, r.allocExceptions...)
		figures = append(figures, export.Figure{Name: "Units allocated to stores", Value: allocated},
			export.Figure{Name: "Stores' expected sales over the allocation horizon", Value: math.Round(expected)})
	}
	if r.production != nil {
		orders, units := 0.0, 0.0
		for _, p := range r.production.Plans {
			orders += float64(p.Cost.Setups)
			for _, lots := range p.Lots {
				for _, q := range lots {
					units += q
				}
			}
		}
		exceptions = append(exceptions, r.productionExceptions...)
		figures = append(figures, export.Figure{Name: "Production orders", Value: orders}, export.Figure{Name: "Units to produce", Value: math.Round(units)})
	}
	if r.prices != nil {
		figures = append(figures, priceFigures(r.prices)...)
		exceptions = append(exceptions, r.prices.Exceptions...)
	}
	figures = append(figures, export.Figure{Name: "Exceptions to review", Value: float64(len(exceptions))})
	return figures, exceptions
}
