package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

func (a *app) produceCmd() *cobra.Command {
	s := newSettings()
	pc := s.cfg.Produce
	var sources pipeline.ProductionSources
	tables := &sources.Tables
	var out, outLoad string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "produce",
		Short: "Plan production orders per factory and period, within capacity",
		Long: "Produce plans each factory's lots. From the database it is the nightly run's produce stage on its own:\n" +
			"it forecasts as the forecast stage does (the forecast section of --config; --forecasts reads a file\n" +
			"instead), makes each SKU a factory supplies for its network's demand week by week, plus consumer\n" +
			"pre-orders, less the network's stock above its safety stock, within the capacity table; its flags are\n" +
			"the produce section of planner.yaml, and it plans as many weeks as the forecasts cover at most.\n" +
			"From tables: the demand due per SKU and period (--demand: factory,sku,period,qty; periods are integers\n" +
			"or dates), the capacity per factory and period (--capacity: factory,period,capacity) and each SKU's\n" +
			"costs (--costs: sku,setup_cost,holding_cost, optional capacity_per_unit, min_batch, batch_multiple,\n" +
			"lead_time in periods). --method sizes the lots: ww (Wagner-Whitin, least setup plus holding cost),\n" +
			"silver-meal, fpq (fixed period quantity), lfl (lot-for-lot), or auto (every one as a start, the\n" +
			"cheapest plan kept). Periods over capacity move their excess to the cheapest earlier period with room;\n" +
			"what no period can take is a shortfall. --out writes the production orders, --out-load the capacity load\n" +
			"per factory and period (columns in docs/schema.md). Shortfalls, late lots and other exceptions make the\n" +
			"exit code 3.",
		Example: "  planner produce --config planner.yaml --out production.csv --json\n" +
			"  planner produce --demand demand.csv --capacity capacity.csv --costs costs.csv --out production.csv",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.resolve(cmd, s.cfg.Forecast.Check, pc.Check); err != nil {
				return err
			}
			fromTables := *tables != (pipeline.ProductionFiles{})
			if fromTables && (tables.Demand == "" || tables.Capacity == "" || tables.Costs == "") {
				return usagef("give --demand, --capacity and --costs together (or none, to plan from --db)")
			}
			if fromTables && sources.Forecasts != "" {
				return usagef("--forecasts plans from the database's network; with --demand the demand is given")
			}
			ctx := a.context(cmd)
			began := time.Now()
			sources.DB = s.cfg.DB
			prob, notes, err := sources.Problem(ctx, s.cfg)
			if err != nil {
				return err
			}
			res, err := pipeline.Produce(ctx, prob, *pc)
			if err != nil {
				return err
			}
			res.Notes = notes
			if _, err := res.Write(pipeline.ProduceFiles{Orders: out, Load: outLoad}); err != nil {
				return err
			}
			return a.finish(res.Report(), asJSON, "Planned", began, out, func() (any, error) {
				sum := res.Summary()
				sum.Out, sum.Seconds = out, seconds(time.Since(began))
				return sum, nil
			})
		},
	}
	s.dbFlag(cmd, "database to plan from when no --demand file is given")
	s.configFlag(cmd)
	s.forecastFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&sources.Forecasts, "forecasts", "", "with --db: plan from this forecasts file (daily) instead of forecasting the database")
	f.IntVar(&pc.Weeks, "weeks", pc.Weeks, "with --db: weeks to plan, at most what the forecasts cover")
	f.Float64Var(&pc.Quantile, "quantile", pc.Quantile, "with --db: plan for this forecast quantile (0.9: the 90% level); 0 plans for the mean")
	f.Float64Var(&pc.SetupCost, "setup-cost", pc.SetupCost, "with --db: cost of one production run")
	f.Float64Var(&pc.HoldingRate, "holding-rate", pc.HoldingRate, "with --db: yearly holding cost as a share of unit cost")
	f.Float64Var(&pc.Service, "service", pc.Service, "with --db: only stock above the safety stock for this service level nets the demand (negative: all stock)")
	f.StringVar(&tables.Demand, "demand", "", "demand due: factory,sku,period,qty")
	f.StringVar(&tables.Capacity, "capacity", "", "capacity: factory,period,capacity")
	f.StringVar(&tables.Costs, "costs", "", "costs: sku,setup_cost,holding_cost (optional capacity_per_unit, min_batch, batch_multiple, lead_time)")
	f.StringVar(&pc.Method, "method", pc.Method, "auto, ww, silver-meal, lfl or fpq")
	f.IntVar(&pc.Frozen, "frozen", pc.Frozen, "first periods whose production is released already: no new lots there")
	f.StringVar(&out, "out", "", "write the production orders: .csv, .parquet, .json or .jsonl")
	f.StringVar(&outLoad, "out-load", "", "write the capacity load per factory and period")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	complete(cmd, "method", config.SizerNames()...)
	return cmd
}
