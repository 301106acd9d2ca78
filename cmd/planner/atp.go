package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/pipeline"
)

func (a *app) atpCmd() *cobra.Command {
	s := newSettings()
	ac := s.cfg.ATP
	var forecasts, out string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "atp",
		Short: "Decide what each sales channel may promise of each location's stock",
		Long: "ATP decides, for the day after the history, what each channel that sells at a location may promise of\n" +
			"its stock, one pool for every channel. Units are kept from a channel for the channels whose lost sale\n" +
			"costs more (the quantile of their demand over --horizon-days by Littlewood's rule; EMSR-b for more than\n" +
			"two channels) and for the other channels' reserves, within the channel's share cap. The channels'\n" +
			"rules (lost_sale, reserve, max_share) come from the atp section of --config; a channel it does not list\n" +
			"costs 1 a lost sale, with no reserve and no cap.\n" +
			"It is the nightly run's atp stage on its own, so it can be rerun when the stock moves during the day:\n" +
			"it forecasts the database as the forecast stage does (the forecast section of --config) unless\n" +
			"--forecasts names a file. --out writes one row per location, SKU and channel (.csv, .parquet, .json or\n" +
			".jsonl; columns in docs/schema.md). A location whose reserves are more than its stock makes the exit\n" +
			"code 3.",
		Example: "  planner atp --config planner.yaml --out atp.csv\n" +
			"  planner atp --config planner.yaml --forecasts out/latest/forecasts.csv --out atp.csv --json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.resolve(cmd, s.cfg.Forecast.Check, ac.Check); err != nil {
				return err
			}
			ctx := a.context(cmd)
			began := time.Now()
			store, plans, fc, err := s.demandFromDB(ctx, forecasts)
			if err != nil {
				return err
			}
			defer store.Close()
			res, err := pipeline.ATP(ctx, plans, fc, *ac)
			if err != nil {
				return err
			}
			if out != "" {
				if _, err := res.Write(out); err != nil {
					return err
				}
			}
			return a.finish(res.Report(), asJSON, "Promised", began, out, func() (any, error) {
				sum := res.Summary()
				sum.Out, sum.Seconds = out, seconds(time.Since(began))
				return sum, nil
			})
		},
	}
	s.dbFlag(cmd, "database with sales and inventory")
	s.configFlag(cmd)
	s.forecastFlags(cmd)
	f := cmd.Flags()
	f.IntVar(&ac.HorizonDays, "horizon-days", ac.HorizonDays, "days of demand the promises are sized for: until the stock is next replenished")
	f.StringVar(&forecasts, "forecasts", "", "promise from this forecasts file (planner forecast's columns, daily) instead of forecasting the database")
	f.StringVar(&out, "out", "", "write the promises: .csv, .parquet, .json or .jsonl")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
