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
	if r.forecasts == nil && r.orders == nil && r.allocation == nil && r.production == nil && r.prices == nil && r.atp == nil && r.place == nil && r.assort == nil {
		return StageReport{Summary: "skipped: no plan in this run to export"}, nil
	}
	wb := &export.Workbook{Orders: r.orderLines()}
	if r.forecasts != nil {
		wb.Forecasts = r.forecasts.Forecasts
		wb.PlanDate = r.forecasts.Values().First().String()
	}
	if r.allocation != nil {
		wb.Allocation = r.allocation.Allocations
	}
	if r.production != nil {
		p := r.production
		wb.Production = &export.ProductionPlan{Periods: p.Problem.Periods, Factories: p.Problem.Factories, Plans: p.Plans, Method: p.Method}
	}
	if r.prices != nil {
		wb.Prices = r.prices.Lines
	}
	if r.atp != nil {
		wb.Promises, wb.PromiseDay = r.atp.Lines, r.atp.Day
	}
	if r.place != nil {
		wb.Placement, wb.PlacementDay, wb.PlacementStock = r.place.Lines, r.place.Day, r.place.Stock
	}
	if r.assort != nil {
		wb.Assortment, wb.AssortmentDay = r.assort.Ranges, r.assort.Day
	}
	if r.peak != nil {
		wb.Peak = r.peak.plan(r.forecasts.Forecasts.Quantiles)
	}
	wb.Figures, wb.Exceptions = r.keyFigures()
	labels, err := r.masterLabels(ctx)
	if err != nil {
		return StageReport{}, err
	}
	wb.ProductNames, wb.LocationNames = labels.Name, labels.LocationName
	wb.RootCauses = r.exceptions
	if err := export.WriteWorkbook(filepath.Join(r.Dir, WorkbookName), wb); err != nil {
		return StageReport{}, err
	}
	if err := r.record(WorkbookName); err != nil {
		return StageReport{}, err
	}
	orders := 0
	for i := range wb.Orders {
		if export.OrderWritten(&wb.Orders[i]) {
			orders++
		}
	}
	return StageReport{Summary: fmt.Sprintf("%s: %d order lines, %d allocation lines, %d exceptions", WorkbookName, orders, r.allocationLines(), len(wb.Exceptions)),
		Rows: map[string]int64{WorkbookName: int64(len(wb.Exceptions))}}, nil
}

// allocationLines counts the allocation file's lines: the stores that
// need stock or get some.
func (r *Run) allocationLines() int {
	if r.allocation == nil {
		return 0
	}
	n := 0
	for i := range r.allocation.Allocations {
		a := &r.allocation.Allocations[i]
		for j := range a.Qty {
			if a.Qty[j] > 0 || a.Need[j] > 0 {
				n++
			}
		}
	}
	return n
}

// keyFigures are the run's key figures and exceptions, as the workbook and
// the report show them.
func (r *Run) keyFigures() ([]export.Figure, []string) {
	var figures []export.Figure
	var exceptions []string
	if r.forecasts != nil {
		figures = append(figures, export.Figure{Name: seriesFigure, Value: float64(r.forecasts.Forecasts.Len())})
	}
	if r.orders != nil {
		s := r.orders.Summary()
		exceptions = append(exceptions, r.orders.exceptions()...)
		figures = append(figures, export.Figure{Name: "Purchase orders", Value: float64(s.PurchaseOrders)},
			export.Figure{Name: "Transfer orders", Value: float64(s.TransferOrders)}, export.Figure{Name: "Units ordered", Value: s.Units},
			export.Figure{Name: "Value ordered", Value: s.Value})
	}
	if r.allocation != nil {
		var allocated, expected float64
		for i := range r.allocation.Allocations {
			a := &r.allocation.Allocations[i]
			allocated += a.Allocated
			expected += a.TotalExpectedSales()
		}
		exceptions = append(exceptions, r.allocation.Exceptions...)
		figures = append(figures, export.Figure{Name: "Units allocated to stores", Value: allocated},
			export.Figure{Name: "Stores' expected sales over the allocation horizon", Value: math.Round(expected)})
	}
	if r.production != nil {
		exceptions = append(exceptions, r.production.Exceptions...)
		figures = append(figures, r.production.figures()...)
	}
	if r.prices != nil {
		figures = append(figures, priceFigures(r.prices)...)
		exceptions = append(exceptions, r.prices.Exceptions...)
	}
	if r.exceptions != nil {
		// The root causes, ranked, rather than every plan's flags.
		exceptions = exceptions[:0]
		for i := range r.exceptions {
			exceptions = append(exceptions, exceptionLine(&r.exceptions[i]))
		}
	}
	figures = append(figures, export.Figure{Name: exceptionsFigure, Value: float64(len(exceptions))})
	return figures, exceptions
}

// figures are production's key figures: its orders (setups) and units.
func (r *ProduceResult) figures() []export.Figure {
	orders, units := 0.0, 0.0
	for _, p := range r.Plans {
		orders += float64(p.Cost.Setups)
		for _, lots := range p.Lots {
			for _, q := range lots {
				units += q
			}
		}
	}
	return []export.Figure{{Name: "Production orders", Value: orders}, {Name: "Units to produce", Value: math.Round(units)}}
}

// summary is what the run's manifest says of its plans: the key figures
// and the first exceptions.
func (r *Run) summary() ([]Figure, []TopException) {
	figures, _ := r.keyFigures()
	out := make([]Figure, len(figures))
	for i, f := range figures {
		out[i] = Figure(f)
	}
	return out, topOf(r.exceptions)
}
