package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

type replenishOptions struct {
	s         *settings
	forecasts string
	out       string
	json      bool
}

func (a *app) replenishCmd() *cobra.Command {
	o := &replenishOptions{s: newSettings()}
	cmd := &cobra.Command{
		Use:   "replenish",
		Short: "Plan purchase and transfer orders from forecasts, stock positions and sourcing rules",
		Long: "Replenish plans, for the day after the latest stock positions, transfer orders from DCs to the\n" +
			"locations they serve and purchase orders for the DCs, whose demand is their locations' demand (all\n" +
			"channels of a location share its stock). Order-up-to levels come from the forecast's own distribution\n" +
			"over the lead time and review period, for a cycle service level or fill rate target; minimum orders,\n" +
			"multiples, pack sizes, order days and shelf life shape each order, and every line says why. Locations\n" +
			"that sell without a sourcing rule, negative stock and similar problems become exception lines.\n" +
			"It is the nightly run's replenish stage on its own: it forecasts the database as the forecast stage\n" +
			"does (the forecast section of --config) unless --forecasts names a file, and its flags are the\n" +
			"replenish section of planner.yaml. --out writes the orders (.csv, .parquet, .json or .jsonl; columns\n" +
			"in docs/schema.md).",
		Example: "  planner replenish --target 0.95 --target-type fill --out orders.csv\n" +
			"  planner replenish --config planner.yaml --out orders.csv --json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runReplenish(cmd, o) },
	}
	o.s.dbFlag(cmd, "database with sales, inventory, sourcing, products and locations")
	o.s.configFlag(cmd)
	o.s.forecastFlags(cmd)
	f := cmd.Flags()
	rc := &o.s.cfg.Replenish
	f.StringVar(&rc.Policy, "policy", rc.Policy, "auto, order-up-to, base-stock, reorder-point or min-max")
	f.Float64Var(&rc.Target, "target", rc.Target, "service target, between 0 and 1")
	f.StringVar(&rc.TargetType, "target-type", rc.TargetType, "fill (fill rate) or csl (cycle service level)")
	f.StringVar(&rc.ClassTargets, "class-targets", rc.ClassTargets, "targets per ABC / XYZ class, such as A=0.98,B=0.95,C=0.9,CZ=0.85 (unmatched classes use --target)")
	f.StringVar(&rc.Targets, "targets", rc.Targets, "CSV of per-SKU targets: sku,target or sku,location,target (overrides classes)")
	f.StringVar(&o.forecasts, "forecasts", "", "plan from this forecasts file (planner forecast's columns, daily) instead of forecasting the database")
	f.StringVar(&o.out, "out", "", "write the orders: .csv, .parquet, .json or .jsonl")
	f.BoolVar(&o.json, "json", false, "print one JSON object")
	complete(cmd, "policy", config.PolicyNames()...)
	complete(cmd, "target-type", "fill", "csl")
	return cmd
}

func (a *app) runReplenish(cmd *cobra.Command, o *replenishOptions) error {
	rc := &o.s.cfg.Replenish
	if err := o.s.resolve(cmd, o.s.cfg.Forecast.Check, rc.Check); err != nil {
		return err
	}
	ctx := a.context(cmd)
	began := time.Now()
	store, plans, fc, err := o.s.demandFromDB(ctx, o.forecasts)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := pipeline.Replenish(ctx, plans, fc, *rc)
	if err != nil {
		return err
	}
	if o.out != "" {
		if _, err := res.Write(o.out); err != nil {
			return err
		}
	}
	return a.finish(res.Report(), o.json, "Planned", began, o.out, func() (any, error) {
		sum := res.Summary()
		sum.Out, sum.Seconds = o.out, seconds(time.Since(began))
		return sum, nil
	})
}

// finish ends a plan command: it prints the plan's --json object (which
// summary builds) or its report line, and returns the exit code its
// exceptions give.
func (a *app) finish(rep pipeline.StageReport, asJSON bool, verb string, began time.Time, out string, summary func() (any, error)) error {
	if asJSON {
		sum, err := summary()
		if err != nil {
			return err
		}
		if err := printJSON(a.stdout, sum); err != nil {
			return err
		}
		return quietExceptions(rep.Exceptions)
	}
	a.printReport(verb, rep, time.Since(began), out)
	return exceptions(rep.Exceptions)
}

// quietExceptions exits 3 without a message: --json printed them.
func quietExceptions(n int) error {
	if n == 0 {
		return nil
	}
	return &exitError{code: exitExceptions}
}
