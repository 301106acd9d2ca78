package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/series"
)

func (a *app) datasetsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "datasets",
		Short: "Generate datasets to try and test the planner on",
		Args:  cobra.ArbitraryArgs,
		RunE:  groupRun,
	}
	cmd.SuggestionsMinimumDistance = 2
	cmd.AddCommand(a.synthCmd())
	return cmd
}

type synthOptions struct {
	cfg      synth.Config
	start    string
	channels string
	out      string
	json     bool
}

func (a *app) synthCmd() *cobra.Command {
	o := &synthOptions{}
	d := synth.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "synth",
		Short: "Write a synthetic retailer with its ground truth",
		Long: "Synth writes a complete retailer in the canonical files: products in a category > department\n" +
			"hierarchy, stores in regions served by DCs, an online fulfilment point, factories and suppliers,\n" +
			"sourcing rules, stock positions, factory capacity, consumer pre-orders, prices, promotions, events,\n" +
			"and daily sales with trend, weekly and yearly season, holidays, promotions and known price\n" +
			"elasticities. truth/ holds the true mean demand and each product's true parameters, and\n" +
			"planner.yaml runs the nightly job on the files. The same flags always give the same files.",
		Example: "  planner datasets synth --stores 8 --skus 60 --days 730 --seed 1 --out sample\n" +
			"  planner datasets synth --stores 10 --skus 3049 --days 1941 --channels store --format parquet --out m5like",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start, err := series.ParseDate(o.start)
			if err != nil {
				return usagef("--start: %v", err)
			}
			o.cfg.Start = start
			o.cfg.Channels = strings.Split(o.channels, ",")
			task := a.progress().Start("synth: series", 0)
			res, err := synth.Generate(cmd.Context(), o.out, o.cfg, func(done, total int) {
				if task != nil {
					task.Set(done)
				}
			})
			if err != nil {
				task.Fail()
				if strings.Contains(err.Error(), "--") {
					return &usageError{err}
				}
				return err
			}
			task.Done(fmt.Sprintf("%s series, %s sales rows", words.Commas(int64(res.Series)), words.Commas(res.Rows["sales"])))
			if o.json {
				return printJSON(a.stdout, res)
			}
			fmt.Fprintf(a.stdout, "Wrote a retailer of %s series (%s sales rows, %s to %s; horizon to %s) to %s in %.1fs.\n",
				words.Commas(int64(res.Series)), words.Commas(res.Rows["sales"]), res.FirstDate, res.LastDate, res.HorizonEnd, res.Dir, res.Seconds)
			fmt.Fprintf(a.stdout, "Run the nightly job on it with: planner run --config %s\n", res.Files["config"])
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.cfg.Stores, "stores", d.Stores, "number of stores")
	f.IntVar(&o.cfg.SKUs, "skus", d.SKUs, "number of products")
	f.IntVar(&o.cfg.Days, "days", d.Days, "days of sales history")
	f.IntVar(&o.cfg.Horizon, "horizon", d.Horizon, "days after the history with planned prices, promotions and the truth")
	f.Uint64Var(&o.cfg.Seed, "seed", d.Seed, "random seed")
	f.StringVar(&o.start, "start", d.Start.String(), "first day of the history")
	f.StringVar(&o.channels, "channels", strings.Join(d.Channels, ","), "channels to simulate: store, online, instant")
	f.StringVar(&o.cfg.Format, "format", d.Format, "format of the sales and truth files: csv or parquet")
	f.BoolVar(&o.cfg.NoTruth, "no-truth", false, "skip truth/demand and truth/future_sales (the big truth files)")
	f.Float64Var(&o.cfg.Stockouts, "stockouts", 0, "spells of 3 to 10 days a year each product is out of stock at each store, its subcategory selling its transfer share of its demand (truth/products.csv)")
	f.BoolVar(&o.cfg.Peaks, "peaks", false, "add two yearly peak trading days (Singles Day, an Anniversary Sale: events of kind peak) with uplift, dips before and after and returns; truth/events.csv holds the truth")
	f.IntVar(&o.cfg.Workers, "workers", 0, "series simulated at once (default GOMAXPROCS)")
	f.StringVar(&o.out, "out", "sample", "folder to write into")
	f.BoolVar(&o.json, "json", false, "print one JSON object describing what was written")
	return cmd
}
