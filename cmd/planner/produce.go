package main

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/production"
)

type produceSummary struct {
	Method         string  `json:"method"`
	Factories      int     `json:"factories"`
	Products       int     `json:"products"`
	Periods        int     `json:"periods"`
	TotalCost      float64 `json:"total_cost"`
	SetupCost      float64 `json:"setup_cost"`
	HoldingCost    float64 `json:"holding_cost"`
	Setups         int     `json:"setups"`
	ShortfallUnits float64 `json:"shortfall_units"`
	LateUnits      float64 `json:"late_units"`
	// LotForLotCost and LotForLotSetup price making each period's demand
	// in that period, the baseline.
	LotForLotCost  float64  `json:"lot_for_lot_cost"`
	LotForLotSetup int      `json:"lot_for_lot_setups"`
	Exceptions     []string `json:"exceptions"`
	Seconds        float64  `json:"seconds"`
	Out            string   `json:"out,omitempty"`
}

func (a *app) produceCmd() *cobra.Command {
	var demandFile, capacityFile, costsFile, method, out, outLoad, db string
	var settings pipeline.ProductionSettings
	var frozen int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "produce",
		Short: "Plan production orders per factory and period, within capacity",
		Long: "Produce plans each factory's lots from the demand due per SKU and period (demand.csv: factory,sku,period,qty;\n" +
			"periods are integers or dates), the capacity per factory and period (capacity.csv: factory,period,capacity)\n" +
			"and each SKU's costs (costs.csv: sku,setup_cost,holding_cost, optional capacity_per_unit, min_batch,\n" +
			"batch_multiple, lead_time in periods). --method sizes the lots: ww (Wagner-Whitin, least setup plus holding\n" +
			"cost), silver-meal, fpq (fixed period quantity), lfl (lot-for-lot), or auto (default: every one as a start,\n" +
			"the cheapest plan kept). Periods over capacity move their excess to the cheapest earlier period with room;\n" +
			"what no period can take is a shortfall. --out writes the production orders, --out-load the capacity load\n" +
			"per factory and period (columns in docs/schema.md). Shortfalls, late lots and other exceptions make the exit\n" +
			"code 3.",
		Example: "  planner produce --demand demand.csv --capacity capacity.csv --costs costs.csv --out production.csv --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var sizer production.LotSizer
			if method != "auto" {
				var err error
				if sizer, err = production.LotSizerNamed(method); err != nil {
					return usagef("--method: %v (or auto)", err)
				}
			}
			began := time.Now()
			var prob *pipeline.ProductionProblem
			var err error
			switch {
			case demandFile != "" || capacityFile != "" || costsFile != "":
				if demandFile == "" || capacityFile == "" || costsFile == "" {
					return usagef("give --demand, --capacity and --costs together (or none, to plan from --db)")
				}
				var in pipeline.ProductionInput
				if in.Demand, err = datasets.ReadProductionDemand(demandFile); err != nil {
					return err
				}
				if in.Capacity, err = datasets.ReadFactoryCapacity(capacityFile); err != nil {
					return err
				}
				if in.Costs, err = datasets.ReadProductionCosts(costsFile); err != nil {
					return err
				}
				if prob, err = pipeline.ProductionProblems(&in); err != nil {
					return &usageError{err}
				}
			default:
				if settings.Quantile < 0 || settings.Quantile >= 1 || settings.SetupCost < 0 || settings.HoldingRate < 0 || settings.Service >= 1 {
					return usagef("--quantile must be in [0, 1), --service below 1 and --setup-cost, --holding-rate at least 0")
				}
				store, sup, err := openSupply(cmd.Context(), db, ", or give --demand, --capacity and --costs")
				if err != nil {
					return err
				}
				defer store.Close()
				caps, pre, err := store.Production(cmd.Context())
				if err != nil {
					return err
				}
				res, err := a.forecastDaily(cmd.Context(), store, 7*settings.Weeks)
				if err != nil {
					return err
				}
				if prob, err = pipeline.ProductionFromSupply(sup, caps, pre, res, settings); err != nil {
					return &usageError{err}
				}
			}
			if frozen < 0 {
				return usagef("--frozen must be 0 or more periods (got %d)", frozen)
			}
			for k := range prob.Factories {
				prob.Factories[k].Frozen = frozen
			}
			sum := produceSummary{Method: method, Factories: len(prob.Factories), Periods: len(prob.Periods), Exceptions: prob.Exceptions, Out: out}
			if sum.Exceptions == nil {
				sum.Exceptions = []string{}
			}
			plans, err := production.PlanFactories(prob.Factories, sizer)
			if err != nil {
				return &usageError{err}
			}
			for k := range prob.Factories {
				f, plan := &prob.Factories[k], plans[k]
				sum.Products += len(f.Products)
				sum.TotalCost += plan.Cost.All
				sum.SetupCost += plan.Cost.Setup
				sum.HoldingCost += plan.Cost.Holding
				sum.Setups += plan.Cost.Setups
				for _, s := range plan.Shortfalls {
					sum.ShortfallUnits += s.Qty
					sum.Exceptions = append(sum.Exceptions, fmt.Sprintf("%s at %s: %g units due in %s cannot be made in time: no capacity left", s.SKU, f.Name, round2(s.Qty), prob.Periods[s.Period]))
				}
				for _, s := range plan.Late {
					sum.LateUnits += s.Qty
					sum.Exceptions = append(sum.Exceptions, fmt.Sprintf("%s at %s: %g units due in %s are late: the lead time does not fit", s.SKU, f.Name, round2(s.Qty), prob.Periods[s.Period]))
				}
				// The baseline: each period's demand made in that period.
				for _, p := range f.Products {
					lfl := production.CostOf(p.Demand, p.Demand, p.Costs)
					sum.LotForLotCost += lfl.All
					sum.LotForLotSetup += lfl.Setups
				}
			}
			if out != "" {
				if err := export.WriteProduction(out, prob.Periods, prob.Factories, plans, method); err != nil {
					return err
				}
			}
			if outLoad != "" {
				if err := export.WriteCapacityLoad(outLoad, prob.Periods, prob.Factories, plans); err != nil {
					return err
				}
			}
			for _, v := range []*float64{&sum.TotalCost, &sum.SetupCost, &sum.HoldingCost, &sum.ShortfallUnits, &sum.LateUnits, &sum.LotForLotCost} {
				*v = math.Round(*v*100) / 100
			}
			sum.Seconds = round2(time.Since(began).Seconds())
			if asJSON {
				if err := printJSON(a.stdout, sum); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(a.stdout, "Planned %d products in %d factories over %d periods (%s): cost %.2f (setups %.2f, holding %.2f), %d setups; lot-for-lot would cost %.2f with %d setups\n",
					sum.Products, sum.Factories, sum.Periods, method, sum.TotalCost, sum.SetupCost, sum.HoldingCost, sum.Setups, sum.LotForLotCost, sum.LotForLotSetup)
				printExceptions(a, sum.Exceptions)
			}
			if len(sum.Exceptions) > 0 {
				return &exitError{code: exitExceptions, err: errors.New(plural(len(sum.Exceptions), "exception") + " to review")}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", datasets.DefaultDB, "database to plan from when no --demand file is given")
	f.IntVar(&settings.Weeks, "weeks", 13, "with --db: weeks to plan")
	f.Float64Var(&settings.Quantile, "quantile", 0, "with --db: plan for this forecast quantile (0.9: the 90% level); 0 plans for the mean")
	f.Float64Var(&settings.SetupCost, "setup-cost", 100, "with --db: cost of one production run")
	f.Float64Var(&settings.HoldingRate, "holding-rate", 0.25, "with --db: yearly holding cost as a share of unit cost")
	f.Float64Var(&settings.Service, "service", 0.95, "with --db: only stock above the safety stock for this service level nets the demand (negative: all stock)")
	f.StringVar(&demandFile, "demand", "", "demand due: factory,sku,period,qty")
	f.StringVar(&capacityFile, "capacity", "", "capacity: factory,period,capacity")
	f.StringVar(&costsFile, "costs", "", "costs: sku,setup_cost,holding_cost (optional capacity_per_unit, min_batch, batch_multiple, lead_time)")
	f.StringVar(&method, "method", "auto", "auto, ww, silver-meal, lfl or fpq")
	f.IntVar(&frozen, "frozen", 0, "first periods whose production is released already: no new lots there")
	f.StringVar(&out, "out", "", "write the production orders: .csv, .parquet, .json or .jsonl")
	f.StringVar(&outLoad, "out-load", "", "write the capacity load per factory and period")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
