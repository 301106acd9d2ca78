package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

func (a *app) overrideCmd() *cobra.Command {
	var db, file string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "override",
		Short: "Store planners' forecast overrides, which every later run applies",
		Long: "Override reads a CSV of forecast overrides (sku, from, to, and qty a day or change_pct; optional\n" +
			"location, note, who) and stores them in the database. Every later run applies them to the days\n" +
			"they cover and shows them in forecasts.csv (override column); planner accuracy scores whether\n" +
			"they helped (FVA). An override for the same SKU, location and days replaces the stored one.",
		Example: "  planner override --file overrides.csv\n  planner accuracy",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return usagef("--file is missing: the overrides' CSV (sku,location,from,to,qty,change_pct,note,who)")
			}
			n, err := pipeline.SaveOverrides(cmd.Context(), db, file)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(a.stdout, map[string]any{"overrides": n, "db": db})
			}
			fmt.Fprintf(a.stdout, "%s stored in %s; the next run applies them\n", words.Plural(n, "override"), db)
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", config.DefaultDB, "database file")
	cmd.Flags().StringVar(&file, "file", "", "the overrides' CSV")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

func (a *app) accuracyCmd() *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "accuracy",
		Short: "Score past runs' forecasts against the sales that arrived since",
		Long: "Accuracy scores the forecasts every nightly run logged in the database (keep_runs of them)\n" +
			"against the sales loaded since: WAPE, bias and the share of days within the run's outermost\n" +
			"quantiles, per run, horizon band, category and model family; and, on the days planners\n" +
			"overrode, the forecast value the overrides added (FVA: the statistical forecast's WAPE less\n" +
			"the final one's). --json prints runs and groups (docs/cli.md).",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := pipeline.Accuracy(cmd.Context(), db)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(a.stdout, res)
			}
			if len(res.Runs) == 0 {
				fmt.Fprintln(a.stdout, "No past forecast has sales to score yet: load the days after a run, then ask again")
				return nil
			}
			fmt.Fprintf(a.stdout, "%-20s %-10s %9s %7s %7s %8s %10s %7s\n", "run", "plan date", "days", "WAPE", "bias", "coverage", "overridden", "FVA")
			for _, r := range res.Runs {
				fmt.Fprintf(a.stdout, "%-20s %-10s %9d %7s %7s %8s %10d %7s\n", r.RunID, r.PlanDate, r.Days, share(r.WAPE), share(r.Bias), share(r.Coverage), r.OverriddenDays, share(r.FVA))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", config.DefaultDB, "database file")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// share writes a share as a percentage (pct), or "-" for none.
func share(v *float64) string {
	if v == nil {
		return "-"
	}
	return pct(*v)
}

func (a *app) snoozeCmd() *cobra.Command {
	var db string
	o := pipeline.SnoozeOptions{Grows: -1}
	cmd := &cobra.Command{
		Use:   "snooze EXCEPTION_ID...",
		Short: "Snooze or acknowledge exceptions, for the nights to come",
		Long: "Snooze records a decision on exceptions the runs raised (the exception_id column of\n" +
			"exceptions.csv): --until a plan date, --until-grows a share (snoozed while the value at risk\n" +
			"grows by at most that share of what it is now; both may be given, and both must hold), or\n" +
			"--ack (someone owns it). Later runs mark them snoozed or acknowledged in exceptions.csv; a\n" +
			"snoozed exception does not count towards the run's exit code.",
		Example: "  planner snooze EX-3f2a9c0b11de --until 2025-01-15\n  planner snooze EX-3f2a9c0b11de --until-grows 0.5 --note 'supplier confirmed' --who ana",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, ids []string) error {
			if cmd.Flags().Changed("until-grows") && !(o.Grows >= 0 && o.Grows < 1e6) {
				return usagef("--until-grows must be 0 or more, a share of the value at risk (got %v)", o.Grows)
			}
			o.IDs = ids
			if err := pipeline.Snooze(cmd.Context(), db, o); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s recorded in %s\n", words.Plural(len(ids), "decision"), db)
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", config.DefaultDB, "database file")
	cmd.Flags().StringVar(&o.Until, "until", "", "snoozed up to and including this plan date (YYYY-MM-DD)")
	cmd.Flags().Float64Var(&o.Grows, "until-grows", -1, "snoozed while the value at risk grows by at most this share (0.5: half again)")
	cmd.Flags().BoolVar(&o.Acknowledge, "ack", false, "acknowledge: someone owns it")
	cmd.Flags().StringVar(&o.Note, "note", "", "why")
	cmd.Flags().StringVar(&o.Who, "who", "", "who decided")
	return cmd
}
