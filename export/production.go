package export

import (
	"fmt"

	"github.com/planner-engine/planner/production"
)

// ProductionSchema and CapacityLoadSchema name the production files'
// layouts and versions.
const (
	ProductionSchema   = "production/1"
	CapacityLoadSchema = "capacity_load/1"
)

var productionFile = OutputFile{Name: "production", Schema: ProductionSchema,
	Doc: "Production orders (`planner produce --out`): one row per factory, SKU and lot. " +
		"CSV, Parquet, JSON (one array) or JSON Lines by the file's extension.",
	Columns: []OutputColumn{
		{"order_id", "text", "MO- and 12 hex digits; the same for the same factory, SKU and due period on every rerun."},
		{"factory", "text", "Factory that makes the lot."},
		{"sku", "text", "SKU made."},
		{"quantity", "number", "Units to make, after minimum batch and multiples."},
		{"start_period", "text", "Period production starts: the due period less the lead time (the first period when that is earlier)."},
		{"due_period", "text", "Period the lot is finished in."},
		{"demand_from", "text", "First period whose demand the lot covers."},
		{"demand_to", "text", "Last period whose demand the lot covers."},
		{"method", "text", "Lot sizing the plan started from: ww, silver-meal, fpq or lfl."},
		{"exception", "text", "Late: the lead time does not fit before the due period; empty when nothing."},
		schemaColumn,
	}}

var capacityLoadFile = OutputFile{Name: "capacity_load", Schema: CapacityLoadSchema,
	Doc: "Capacity load per factory and period (`planner produce --out-load`).",
	Columns: []OutputColumn{
		{"factory", "text", "Factory."},
		{"period", "text", "Period."},
		{"capacity", "number", "Capacity available (units, or hours where products use capacity per unit)."},
		{"load", "number", "Capacity the plan uses."},
		{"utilisation", "number", "load / capacity (0 when there is no capacity)."},
		{"shortfall_units", "number", "Units due in the period that no period had the capacity for."},
		schemaColumn,
	}}

func init() { Outputs = append(Outputs, productionFile, capacityLoadFile) }

// WriteProduction writes every factory's lots as production orders.
func WriteProduction(path string, periods []string, factories []production.Factory, plans []*production.FactoryPlan, method string) error {
	return writeTable(path, &productionFile, productionRows(periods, factories, plans, method))
}

// productionRows are the production file's rows, values in column order.
func productionRows(periods []string, factories []production.Factory, plans []*production.FactoryPlan, method string) [][]any {
	var rows [][]any
	for k := range factories {
		f, plan := &factories[k], plans[k]
		for i, p := range f.Products {
			lots := plan.Lots[i]
			for t, q := range lots {
				if q <= 0 {
					continue
				}
				next := t + 1
				for next < len(lots) && lots[next] <= 0 {
					next++
				}
				start, exception := t-p.LeadTime, ""
				if start < 0 {
					start, exception = 0, fmt.Sprintf("late: the lead time of %d periods does not fit before %s", p.LeadTime, periods[t])
				}
				rows = append(rows, []any{lineID("MO", periods[t], p.SKU, f.Name, ""), f.Name, p.SKU, round4(q), periods[start], periods[t],
					periods[t], periods[next-1], method, exception, ProductionSchema})
			}
		}
	}
	return rows
}

// WriteCapacityLoad writes each factory's load against its capacity by
// period.
func WriteCapacityLoad(path string, periods []string, factories []production.Factory, plans []*production.FactoryPlan) error {
	var rows [][]any
	for k := range factories {
		f, plan := &factories[k], plans[k]
		short := make([]float64, len(periods))
		for _, s := range plan.Shortfalls {
			short[s.Period] += s.Qty
		}
		for t := range periods {
			u := 0.0
			if f.Capacity[t] > 0 {
				u = plan.Load[t] / f.Capacity[t]
			}
			rows = append(rows, []any{f.Name, periods[t], round4(f.Capacity[t]), round4(plan.Load[t]), round4(u), round4(short[t]), CapacityLoadSchema})
		}
	}
	return writeTable(path, &capacityLoadFile, rows)
}
