package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/pipeline"
)

func (a *app) peakCmd() *cobra.Command {
	s := newSettings()
	pc := s.cfg.Peak
	var out string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "peak",
		Short: "Plan a calendar peak weeks ahead: pre-build and pre-position within every capacity",
		Long: "Peak plans a peak (an event of kind peak in the calendar, such as singles_day) from the day after the\n" +
			"history: each store's target for the peak's first week (its demand at --service, from forecasts that\n" +
			"learn the peak's uplift from its past occurrences), the production made ahead within each factory's\n" +
			"capacity, the DCs' receipts and the transfers to stores, week by week, as late as each DC's throughput\n" +
			"(locations.throughput) and each store's capacity allow, and what cannot be ready and why; beside it\n" +
			"the plan of nightly replenishment alone, and after the peak the markdowns for the expected leftovers\n" +
			"and the expected returns. --event and --date name the peak; without them, the calendar's next peak\n" +
			"within --weeks-ahead weeks. It is the nightly run's peak stage on its own: it forecasts the database as\n" +
			"the forecast stage does (the forecast section of --config), with the horizon through the peak's week.\n" +
			"--out names the folder of the plan's files (columns in docs/schema.md). Units that cannot be ready\n" +
			"make the exit code 3.",
		Example: "  planner peak --config planner.yaml --event singles_day --date 2025-11-11 --out peak\n" +
			"  planner peak --config planner.yaml --json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.resolve(cmd, s.cfg.Forecast.Check, pc.Check); err != nil {
				return err
			}
			ctx := a.context(cmd)
			began := time.Now()
			store, err := pipeline.OpenDatabase(ctx, s.cfg.DB, "")
			if err != nil {
				return err
			}
			defer store.Close()
			plans, err := pipeline.SourceFor(store, s.cfg)
			if err != nil {
				return err
			}
			fc, peaks, err := pipeline.UpstreamPeak(ctx, plans, s.cfg.Forecast, s.place(), s.assort(), *pc)
			if err != nil {
				return err
			}
			res, err := pipeline.PlanPeak(ctx, plans, fc, peaks, *pc)
			if err != nil {
				return err
			}
			if out != "" {
				if _, err := res.Write(out, fc.Quantiles); err != nil {
					return err
				}
			}
			rep := res.Report()
			rep.Exceptions = len(res.Plan.Shortfalls)
			return a.finish(rep, asJSON, "Planned", began, out, func() (any, error) {
				sum := res.Summary()
				sum.Out, sum.Seconds = out, seconds(time.Since(began))
				return sum, nil
			})
		},
	}
	s.dbFlag(cmd, "database with sales, inventory, the network and its capacities")
	s.configFlag(cmd)
	s.forecastFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&pc.Event, "event", pc.Event, "the peak's event type, such as singles_day (its name in the calendar, in lower case with underscores)")
	f.StringVar(&pc.Date, "date", pc.Date, "the peak's first day, YYYY-MM-DD (with --event)")
	f.IntVar(&pc.WeeksAhead, "weeks-ahead", pc.WeeksAhead, "without --event, plan the calendar's next peak within this many weeks")
	f.Float64Var(&pc.Service, "service", pc.Service, "probability that a store's stock when the peak starts covers its first week's demand")
	f.IntVar(&pc.MarkdownWeeks, "markdown-weeks", pc.MarkdownWeeks, "weeks after the peak its leftovers are to be sold in")
	f.StringVar(&out, "out", "", "write the plan's files into this folder")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
