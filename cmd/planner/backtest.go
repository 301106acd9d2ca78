package main

import (
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

type backtestOptions struct {
	s    *settings
	src  source
	bt   pipeline.BacktestOptions
	out  string
	json bool
}

func (a *app) backtestCmd() *cobra.Command {
	o := &backtestOptions{s: newSettings(), bt: pipeline.DefaultBacktestOptions()}
	cmd := &cobra.Command{
		Use:   "backtest",
		Short: "Measure how accurate each model, and the automatic choice, would have been",
		Long: "Backtest runs rolling-origin evaluation: for each of --windows origins (the last one --horizon\n" +
			"periods before the end, each earlier one --horizon periods before the next) it fits every model on\n" +
			"the history up to the origin and scores the next --horizon periods. It prints, per model: MAE, RMSE,\n" +
			"MASE, RMSSE, sMAPE, WAPE, bias, scaled pinball loss, the coverage of the 80% and 95% intervals and\n" +
			"the sales-weighted RMSSE; --out writes the per-series scores.",
		Example: "  planner backtest --windows 3 --horizon 28 --models auto,snaive,ets,theta --out backtest.csv",
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return a.runBacktest(cmd, o) },
	}
	o.src.flags(cmd, o.s, "database to read the sales from (without --sales)", "promotions", "prices")
	o.s.configFlag(cmd)
	o.s.historyFlags(cmd)
	f := cmd.Flags()
	f.IntVar(&o.bt.Horizon, "horizon", o.bt.Horizon, "periods per window (required)")
	f.IntVar(&o.bt.Windows, "windows", o.bt.Windows, "rolling origins")
	f.StringVar(&o.bt.Models, "models", o.bt.Models, "comma-separated models, each evaluated on its own")
	f.IntVar(&o.s.cfg.Forecast.Window, "window", o.s.cfg.Forecast.Window, "fit on at most this many recent periods (0: three years; -1: all)")
	f.StringVar(&o.out, "out", "", "write the per-series scores to this CSV file")
	f.BoolVar(&o.json, "json", false, "print one JSON object")
	complete(cmd, "models", config.ModelNames()...)
	return cmd
}

func (a *app) runBacktest(cmd *cobra.Command, o *backtestOptions) error {
	fc := &o.s.cfg.Forecast
	if err := o.s.resolve(cmd, fc.Check); err != nil {
		return err
	}
	if o.bt.Horizon < 1 {
		return usagef("--horizon must be at least 1 (got %d)", o.bt.Horizon)
	}
	if o.bt.Windows < 1 {
		return usagef("--windows must be at least 1 (got %d)", o.bt.Windows)
	}
	ctx := a.context(cmd)
	began := time.Now()
	src, err := o.src.open(ctx, a)
	if err != nil {
		return err
	}
	defer src.Close()
	res, err := pipeline.Backtest(ctx, src, *fc, o.bt)
	if err != nil {
		return err
	}
	if o.out != "" {
		if err := pipeline.WriteBacktest(o.out, res); err != nil {
			return err
		}
	}
	origins := make([]string, len(res.Origins))
	for i, d := range res.Origins {
		origins[i] = d.String()
	}
	if o.json {
		return printJSON(a.stdout, backtestSummary{Series: res.Series, Horizon: o.bt.Horizon, Windows: o.bt.Windows,
			Origins: origins, Overall: res.Overall, Seconds: seconds(time.Since(began)), Out: o.out, DriversLeftOut: res.DriverUse.LeftOut, DriversScheduled: res.DriverUse.Scheduled})
	}
	fmt.Fprintf(a.stdout, "Backtest of %s series, %d windows of %d periods (origins %s), in %.1fs\n",
		words.Commas(int64(res.Series)), o.bt.Windows, o.bt.Horizon, strings.Join(origins, ", "), time.Since(began).Seconds())
	if u := res.DriverUse; len(u.LeftOut) > 0 || len(u.Scheduled) > 0 {
		fmt.Fprintf(a.stdout, "Drivers nothing plans (as in the forecast): %s\n", driverUseText(u.LeftOut, u.Scheduled))
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\tMAE\tRMSE\tMASE\tRMSSE\tsMAPE\tWAPE\tbias\tSPL\tcover80\tcover95\tWRMSSE\t")
	for _, s := range res.Overall {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.Model, f3(s.MAE), f3(s.RMSE), f3(s.MASE), f3(s.RMSSE),
			f3(s.SMAPE), f3(s.WAPE), f3(s.Bias), f3(s.SPL), pct(s.Coverage80), pct(s.Coverage95), f3(s.WRMSSE))
	}
	return tw.Flush()
}

type backtestSummary struct {
	Series  int              `json:"series"`
	Horizon int              `json:"horizon"`
	Windows int              `json:"windows"`
	Origins []string         `json:"origins"`
	Overall []pipeline.Score `json:"overall"`
	Seconds float64          `json:"seconds"`
	Out     string           `json:"out,omitempty"`
	// DriversLeftOut names the drivers the forecast would leave out for
	// want of a plan of their future.
	DriversLeftOut []string `json:"drivers_left_out,omitempty"`
	// DriversScheduled says which drivers nothing plans were carried on by
	// their schedule, such as "promo every 14 days".
	DriversScheduled []string `json:"drivers_scheduled,omitempty"`
}

// driverUseText says which drivers were left out and which carried on.
func driverUseText(leftOut, scheduled []string) string {
	var parts []string
	if len(leftOut) > 0 {
		parts = append(parts, "left out "+strings.Join(leftOut, ", "))
	}
	if len(scheduled) > 0 {
		parts = append(parts, "carried on by their schedule "+strings.Join(scheduled, ", "))
	}
	return strings.Join(parts, "; ")
}

func f3(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}

func pct(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }
