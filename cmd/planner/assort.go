package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/pipeline"
)

func (a *app) assortCmd() *cobra.Command {
	s := newSettings()
	ac := s.cfg.Assort
	var forecasts, out string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "assort",
		Short: "Choose each store's range per category, within its shelf",
		Long: "Assort chooses, for each store and category with a shelf (the shelves table), the products the store\n" +
			"carries: those that earn most after the demand that moves to their subcategory's products on the shelf\n" +
			"when they are not carried (a share estimated from the days each could not be bought, drawn toward\n" +
			"--transfer as far as the estimate is uncertain),\n" +
			"less what carrying each costs (--carry-cost), within the shelf's space (minimum facings × facing width),\n" +
			"the must-carry products, the shelf's max_changes and its price tiers. A product's demand is its forecast\n" +
			"over --horizon-days where the store sells it; where it does not, what the stores of its cluster\n" +
			"(--clusters, by sales mix) sell of it, scaled to the store (every store that sells it, where none of\n" +
			"the cluster does).\n" +
			"It is the nightly run's assort stage on its own, with the assort section of --config: it forecasts the\n" +
			"database as the forecast stage does unless --forecasts names a file. --out writes one row per store,\n" +
			"category and product (.csv, .parquet, .json or .jsonl; columns in docs/schema.md). A shelf that cannot be\n" +
			"planned makes the exit code 3.",
		Example: "  planner assort --config planner.yaml --out assortment.csv\n" +
			"  planner assort --config planner.yaml --forecasts out/latest/forecasts.csv --carry-cost 8 --json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.resolve(cmd, s.cfg.Forecast.Check, ac.Check); err != nil {
				return err
			}
			ctx := a.context(cmd)
			began := time.Now()
			store, plans, fc, err := s.forecastsFromDB(ctx, forecasts)
			if err != nil {
				return err
			}
			defer store.Close()
			res, err := pipeline.Assort(ctx, plans, fc, *ac)
			if err != nil {
				return err
			}
			if out != "" {
				if _, err := res.Write(out); err != nil {
					return err
				}
			}
			return a.finish(res.Report(), asJSON, "Ranged", began, out, func() (any, error) {
				sum := res.Summary()
				sum.Out, sum.Seconds = out, seconds(time.Since(began))
				return sum, nil
			})
		},
	}
	s.dbFlag(cmd, "database with sales, products and shelves")
	s.configFlag(cmd)
	s.forecastFlags(cmd)
	f := cmd.Flags()
	f.IntVar(&ac.HorizonDays, "horizon-days", ac.HorizonDays, "days of forecast a range is chosen for")
	f.Float64Var(&ac.CarryCost, "carry-cost", ac.CarryCost, "cost of carrying one product at one store over the horizon")
	f.Float64Var(&ac.Transfer, "transfer", ac.Transfer, "share of a product's demand that moves to its subcategory's products when it is not carried, where the history cannot say")
	f.IntVar(&ac.Clusters, "clusters", ac.Clusters, "store clusters by sales mix, for what a product would sell where it is not carried")
	f.StringVar(&forecasts, "forecasts", "", "choose from this forecasts file (planner forecast's columns, daily) instead of forecasting the database")
	f.StringVar(&out, "out", "", "write the ranges: .csv, .parquet, .json or .jsonl")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
