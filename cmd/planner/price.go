package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/pipeline"
)

type priceOptions struct {
	s                            *settings
	src                          source
	elasticities, out, markdowns string
	json                         bool
}

func (a *app) priceCmd() *cobra.Command {
	o := &priceOptions{s: newSettings()}
	pc := o.s.cfg.Price
	cmd := &cobra.Command{
		Use:   "price",
		Short: "Estimate price elasticities and recommend prices and markdowns",
		Long: "Price fits a log-log demand model per product on its sales (price paid, regular price, feature, display,\n" +
			"temporary price cuts, trend, season and events as controls, one effect per location), pools the estimates\n" +
			"of a department so sparse products borrow strength, and replaces an estimate it cannot trust (no price\n" +
			"variation, wrong sign, huge error) by its group's, flagged. It then picks each product's everyday price from\n" +
			"the price ladder to maximise profit (revenue without a cost) within the guardrails: maximum change per run,\n" +
			"minimum margin, min_price/max_price and price families of the product master. Products ending within\n" +
			"--exit-weeks, or holding more than --overstock-weeks of demand, get a markdown schedule instead (discount\n" +
			"steps that never go back up). Rerun it every period: it re-plans from what sold.\n" +
			"It is the nightly run's price stage on its own; its flags are the price section of planner.yaml.\n" +
			"Sales come from --sales (the canonical columns date,sku,location,qty,price,base_price,promo,feature,display;\n" +
			"rename with --map) or from the database. Columns of every output are in docs/schema.md.",
		Example: "  planner price --sales sales.csv --freq D --products products.csv --elasticities elasticities.csv --out prices.csv\n" +
			"  planner price --sales transaction.csv.gz --map date=week_end_date,sku=upc_id,location=store_id,qty=units,promo=tpr_only \\\n" +
			"      --freq W --elasticities elasticities.csv --out prices.csv --json\n" +
			"  planner price --db planner.duckdb --freq D --out prices.csv --markdowns markdowns.csv",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.s.resolve(cmd, pc.Check); err != nil {
				return err
			}
			ctx := a.context(cmd)
			began := time.Now()
			src, err := o.src.open(ctx, a)
			if err != nil {
				return err
			}
			defer src.Close()
			plans, err := pipeline.SourceFor(src, o.s.cfg)
			if err != nil {
				return err
			}
			res, err := pipeline.Price(ctx, plans, *pc)
			if err != nil {
				return err
			}
			if _, err := res.Write(pipeline.PriceFiles{Prices: o.out, Elasticities: o.elasticities, Markdowns: o.markdowns}); err != nil {
				return err
			}
			rep := res.Report()
			if o.json {
				sum := res.Summary()
				sum.Out, sum.Elasticities, sum.MarkdownsFile, sum.Seconds = o.out, o.elasticities, o.markdowns, seconds(time.Since(began))
				if err := printJSON(a.stdout, sum); err != nil {
					return err
				}
				return exceptions(rep.Exceptions)
			}
			a.printReport("Priced", rep, time.Since(began), o.out)
			return exceptions(rep.Exceptions)
		},
	}
	o.src.flags(cmd, o.s, "database to read sales, products, inventory and events from (without --sales)", "products", "inventory", "events")
	o.s.configFlag(cmd)
	f := cmd.Flags()
	f.StringVar(&pc.Freq, "freq", pc.Freq, "period of the demand model: D or W (default: the sales' own; monthly sales are modelled by week)")
	f.StringVar(&o.elasticities, "elasticities", "", "write the elasticities: sku,elasticity,std_error,n_obs,method,flag,...")
	f.StringVar(&o.out, "out", "", "write the price recommendations (.csv, .parquet, .json or .jsonl)")
	f.StringVar(&o.markdowns, "markdowns", "", "write the markdown schedules, week by week")
	f.StringVar(&pc.Objective, "objective", pc.Objective, "maximise profit or revenue")
	f.Float64Var(&pc.MinMargin, "min-margin", pc.MinMargin, "least (price - cost) / price of a new price")
	f.Float64Var(&pc.MaxChange, "max-change", pc.MaxChange, "largest price move per run, as a share of the current price")
	f.StringVar(&pc.Endings, "endings", pc.Endings, "price ladder: allowed price endings, or any (every cent)")
	f.StringVar(&pc.MarkdownSteps, "markdown-steps", pc.MarkdownSteps, "discounts a markdown may use")
	f.IntVar(&pc.HorizonDays, "horizon-days", pc.HorizonDays, "days the expected units, revenue and margin cover")
	f.IntVar(&pc.ExitWeeks, "exit-weeks", pc.ExitWeeks, "products ending within this many weeks get a markdown")
	f.Float64Var(&pc.OverstockWeeks, "overstock-weeks", pc.OverstockWeeks, "products holding more weeks of demand than this get a markdown over that many weeks (negative: never)")
	f.Float64Var(&pc.SalvageRate, "salvage-rate", pc.SalvageRate, "value of a unit left when a product ends, as a share of its unit cost")
	f.BoolVar(&o.json, "json", false, "print one JSON object")
	complete(cmd, "freq", "D", "W")
	complete(cmd, "objective", "profit", "revenue")
	return cmd
}
