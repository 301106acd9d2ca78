package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline"
)

type simulateOptions struct {
	s    *settings
	src  source
	sim  pipeline.SimulateOptions
	json bool
}

func (a *app) simulateCmd() *cobra.Command {
	o := &simulateOptions{s: newSettings(), sim: pipeline.DefaultSimulateOptions()}
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Replay a replenishment policy over held-out sales and measure service and stock",
		Long: "Simulate replays the last --holdout-days of every daily series: at each review (every --review days)\n" +
			"it forecasts from the sales up to that day, orders with the policy, receives the order after the lead\n" +
			"time (drawn per order when --lead-time-sd is set) and serves each day's actual sales from stock;\n" +
			"unmet sales are lost (or wait, with --backorders). Each forecast knows what was known that day: the\n" +
			"closed days ahead, and the drivers a plan gave (--promotions, --prices) or that keep to a schedule.\n" +
			"It runs two baselines beside the policy, each tuned to reach the policy's fill rate with the least\n" +
			"stock: a weeks-of-cover rule and the min / max reorder rule of ERPs, both from the average of the\n" +
			"last 28 days' sales.",
		Example: "  planner simulate --sales train.csv.gz --map qty=sales,location=store,sku=item --holdout-days 180 \\\n" +
			"    --lead-time 7 --review 7 --target 0.95 --target-type fill --json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runSimulate(cmd, o) },
	}
	o.src.flags(cmd, o.s, "database to read the sales from (without --sales)", "promotions", "prices")
	f := cmd.Flags()
	d := o.sim
	f.IntVar(&o.sim.Holdout, "holdout-days", d.Holdout, "days at the end of the sales to replay (required)")
	f.Float64Var(&o.sim.LeadTime, "lead-time", d.LeadTime, "mean lead time in days (required)")
	f.Float64Var(&o.sim.LeadTimeSD, "lead-time-sd", d.LeadTimeSD, "standard deviation of the lead time in days")
	f.IntVar(&o.sim.Review, "review", d.Review, "days between reviews")
	f.Float64Var(&o.sim.Target, "target", d.Target, "service target, between 0 and 1")
	f.StringVar(&o.sim.TargetType, "target-type", d.TargetType, "fill (fill rate) or csl (cycle service level)")
	f.StringVar(&o.sim.Policy, "policy", d.Policy, "auto (order-up-to, base-stock with a daily review), order-up-to, base-stock, reorder-point, min-max, or cover")
	f.Float64Var(&o.sim.CoverDays, "cover-days", d.CoverDays, "days of recent average sales --policy cover orders up to")
	f.BoolVar(&o.sim.Backorders, "backorders", false, "unmet sales wait for stock instead of being lost")
	f.IntVar(&o.sim.Refit, "refit", d.Refit, "days between re-estimations of each series' forecast model")
	f.Uint64Var(&o.sim.Seed, "seed", d.Seed, "seed of the random lead times")
	f.StringVar(&o.sim.Drivers, "drivers", d.Drivers, "demand drivers in the forecasts: auto (those a plan gave for the replayed days, or that keep to a schedule), on, or off")
	f.BoolVar(&o.json, "json", false, "print one JSON object")
	complete(cmd, "policy", "auto", "order-up-to", "base-stock", "reorder-point", "min-max", "cover")
	complete(cmd, "target-type", "fill", "csl")
	complete(cmd, "drivers", "auto", "on", "off")
	return cmd
}

func (a *app) runSimulate(cmd *cobra.Command, o *simulateOptions) error {
	if err := o.sim.Check(flagName); err != nil {
		return &usageError{err}
	}
	ctx := a.context(cmd)
	began := time.Now()
	src, err := o.src.open(ctx, a)
	if err != nil {
		return err
	}
	defer src.Close()
	c, err := pipeline.Simulate(ctx, src, o.sim)
	if err != nil {
		return err
	}
	out := simulateSummary{SimResult: c.Policy, Requested: o.sim.Policy, Series: c.Series, HoldoutDays: o.sim.Holdout,
		LeadTime: o.sim.LeadTime, LeadTimeSD: o.sim.LeadTimeSD, Review: o.sim.Review, Target: o.sim.Target, TargetType: o.sim.TargetType,
		Policies:  map[string]pipeline.SimResult{o.sim.Policy: c.Policy, "cover": c.Cover, "minmax": c.MinMax},
		CoverDays: c.CoverDays, MinMaxSafetyDays: c.MinMaxSafetyDays, Seconds: seconds(time.Since(began)),
		DriversLeftOut: c.DriverUse.LeftOut, DriversScheduled: c.DriverUse.Scheduled}
	if o.json {
		return printJSON(a.stdout, out)
	}
	fmt.Fprintf(a.stdout, "Simulated %s series over %d days (lead time %g days, review every %d, target %g %s) in %.1fs\n",
		words.Commas(int64(c.Series)), o.sim.Holdout, o.sim.LeadTime, o.sim.Review, o.sim.Target, o.sim.TargetType, out.Seconds)
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "policy\tfill rate\tcycle service\tavg stock\tpeak stock\tstock-out days\torders\texpired\t")
	for _, r := range []pipeline.SimResult{c.Policy, c.Cover, c.MinMax} {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%.0f\t%d\t%d\t%.0f\t\n", r.Policy, pct(r.FillRate), pct(r.CycleServiceLevel),
			r.AvgInventoryUnits, r.PeakInventoryUnits, r.StockoutDays, r.Orders, r.ExpiredUnits)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if u := c.DriverUse; len(u.LeftOut) > 0 || len(u.Scheduled) > 0 {
		fmt.Fprintf(a.stdout, "Drivers nothing planned for the replayed days: %s\n", driverUseText(u.LeftOut, u.Scheduled))
	}
	if n := c.Policy.Skipped; n > 0 {
		fmt.Fprintf(a.stdout, "%d series left out: fewer than 28 days of sales before the holdout\n", n)
	}
	if c.Cover.AvgInventoryUnits > 0 {
		fmt.Fprintf(a.stdout, "Stock against the cover rule at the same fill rate: %+.1f%%\n",
			100*(c.Policy.AvgInventoryUnits/c.Cover.AvgInventoryUnits-1))
	}
	return nil
}

type simulateSummary struct {
	pipeline.SimResult
	Requested        string                        `json:"requested_policy"`
	Series           int                           `json:"series"`
	HoldoutDays      int                           `json:"holdout_days"`
	LeadTime         float64                       `json:"lead_time"`
	LeadTimeSD       float64                       `json:"lead_time_sd"`
	Review           int                           `json:"review"`
	Target           float64                       `json:"target"`
	TargetType       string                        `json:"target_type"`
	Policies         map[string]pipeline.SimResult `json:"policies"`
	CoverDays        float64                       `json:"cover_days"`
	MinMaxSafetyDays float64                       `json:"minmax_safety_days"`
	Seconds          float64                       `json:"seconds"`
	// DriversLeftOut and DriversScheduled say which drivers nothing
	// planned for the replayed days were left out, or carried on by their
	// schedule, as in the forecast.
	DriversLeftOut   []string `json:"drivers_left_out,omitempty"`
	DriversScheduled []string `json:"drivers_scheduled,omitempty"`
}
