package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

type simulateOptions struct {
	src        seriesSource
	holdout    int
	leadTime   float64
	leadTimeSD float64
	review     int
	target     float64
	targetType string
	policy     string
	coverDays  float64
	backorders bool
	refit      int
	seed       uint64
	json       bool
}

func (a *app) simulateCmd() *cobra.Command {
	o := &simulateOptions{}
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Replay a replenishment policy over held-out sales and measure service and stock",
		Long: "Simulate replays the last --holdout-days of every daily series: at each review (every --review days)\n" +
			"it forecasts from the sales up to that day, orders with the policy, receives the order after the lead\n" +
			"time (drawn per order when --lead-time-sd is set) and serves each day's actual sales from stock;\n" +
			"unmet sales are lost (or wait, with --backorders). It runs two baselines beside the policy, each\n" +
			"tuned to reach the policy's fill rate with the least stock: a weeks-of-cover rule and the min / max\n" +
			"reorder rule of ERPs, both from the average of the last 28 days' sales.",
		Example: "  planner simulate --sales train.csv.gz --map qty=sales,location=store,sku=item --holdout-days 180 \\\n" +
			"    --lead-time 7 --review 7 --target 0.95 --target-type fill --json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tt, err := replenish.ParseTargetType(o.targetType)
			if err != nil {
				return &usageError{err}
			}
			var main replenish.PolicyFor
			switch o.policy {
			case "auto":
				main = func(float64) replenish.Policy { return replenish.OrderUpTo{} }
				if o.review == 1 {
					main = func(float64) replenish.Policy { return replenish.BaseStock{} }
				}
			case "minmax":
				main = func(float64) replenish.Policy { return replenish.MinMax{} }
			case "reorder-point":
				main = func(float64) replenish.Policy { return replenish.ReorderPoint{} }
			case "base-stock":
				main = func(float64) replenish.Policy { return replenish.BaseStock{} }
			case "cover":
				if o.coverDays <= 0 {
					return usagef("--cover-days must be more than 0 (got %v)", o.coverDays)
				}
				main = func(avg float64) replenish.Policy { return replenish.Cover{Days: o.coverDays, Average: avg} }
			default:
				return usagef("--policy %q is not auto, minmax, reorder-point, base-stock or cover", o.policy)
			}
			if o.holdout < 1 {
				return usagef("--holdout-days must be at least 1 (got %d)", o.holdout)
			}
			o.src.freq, o.src.drivers = "D", "off"
			ctx := cmd.Context()
			began := time.Now()
			p, err := o.src.panel(ctx, a, 0, 0)
			if err != nil {
				return err
			}
			task := a.progress().Start("simulate", p.Len())
			opts := replenish.SimOptions{Holdout: o.holdout, LeadTime: o.leadTime, LeadTimeSD: o.leadTimeSD, Review: o.review,
				Target: replenish.Target{Level: o.target, Type: tt}, Backorders: o.backorders, Seed: o.seed,
				Forecaster: func() replenish.Forecaster { return &forecast.Updater{Freq: series.Daily, Refit: o.refit} },
				Progress:   func(done, _ int) { task.Set(done) }}
			c, err := replenish.Compare(ctx, p, main, opts)
			if err != nil {
				task.Fail()
				return &usageError{err}
			}
			task.Done("")
			out := simulateSummary{SimResult: c.Policy, Requested: o.policy, Series: p.Len(), HoldoutDays: o.holdout,
				LeadTime: o.leadTime, LeadTimeSD: o.leadTimeSD, Review: o.review, Target: o.target, TargetType: tt.String(),
				Policies:  map[string]replenish.SimResult{o.policy: c.Policy, "cover": c.Cover, "minmax": c.MinMax},
				CoverDays: c.CoverDays, MinMaxSafetyDays: c.MinMaxSafetyDays, Seconds: time.Since(began).Seconds()}
			if o.json {
				return printJSON(a.stdout, out)
			}
			fmt.Fprintf(a.stdout, "Simulated %s series over %d days (lead time %g days, review every %d, target %s) in %.1fs\n",
				commas(int64(p.Len())), o.holdout, o.leadTime, o.review, opts.Target, out.Seconds)
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "policy\tfill rate\tcycle service\tavg stock\tpeak stock\tstock-out days\torders\texpired\t")
			for _, r := range []replenish.SimResult{c.Policy, c.Cover, c.MinMax} {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%.0f\t%d\t%d\t%.0f\t\n", r.Policy, pct(r.FillRate), pct(r.CycleServiceLevel),
					r.AvgInventoryUnits, r.PeakInventoryUnits, r.StockoutDays, r.Orders, r.ExpiredUnits)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if n := c.Policy.Skipped; n > 0 {
				fmt.Fprintf(a.stdout, "%d series left out: fewer than 28 days of sales before the holdout\n", n)
			}
			if c.Cover.AvgInventoryUnits > 0 {
				fmt.Fprintf(a.stdout, "Stock against the cover rule at the same fill rate: %+.1f%%\n",
					100*(c.Policy.AvgInventoryUnits/c.Cover.AvgInventoryUnits-1))
			}
			return nil
		},
	}
	o.src.flags(cmd)
	f := cmd.Flags()
	f.IntVar(&o.holdout, "holdout-days", 0, "days at the end of the sales to replay (required)")
	f.Float64Var(&o.leadTime, "lead-time", 0, "mean lead time in days (required)")
	f.Float64Var(&o.leadTimeSD, "lead-time-sd", 0, "standard deviation of the lead time in days")
	f.IntVar(&o.review, "review", 7, "days between reviews")
	f.Float64Var(&o.target, "target", 0.95, "service target, between 0 and 1")
	f.StringVar(&o.targetType, "target-type", "fill", "fill (fill rate) or csl (cycle service level)")
	f.StringVar(&o.policy, "policy", "auto", "auto (order-up-to from forecasts), minmax (s, S), reorder-point (s, Q), base-stock or cover")
	f.Float64Var(&o.coverDays, "cover-days", 14, "days of recent average sales --policy cover orders up to")
	f.BoolVar(&o.backorders, "backorders", false, "unmet sales wait for stock instead of being lost")
	f.IntVar(&o.refit, "refit", 91, "days between re-estimations of each series' forecast model")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the random lead times")
	f.BoolVar(&o.json, "json", false, "print one JSON object")
	return cmd
}

type simulateSummary struct {
	replenish.SimResult
	Requested        string                         `json:"requested_policy"`
	Series           int                            `json:"series"`
	HoldoutDays      int                            `json:"holdout_days"`
	LeadTime         float64                        `json:"lead_time"`
	LeadTimeSD       float64                        `json:"lead_time_sd"`
	Review           int                            `json:"review"`
	Target           float64                        `json:"target"`
	TargetType       string                         `json:"target_type"`
	Policies         map[string]replenish.SimResult `json:"policies"`
	CoverDays        float64                        `json:"cover_days"`
	MinMaxSafetyDays float64                        `json:"minmax_safety_days"`
	Seconds          float64                        `json:"seconds"`
}
