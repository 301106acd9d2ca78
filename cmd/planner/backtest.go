package main

import (
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/forecast"
)

type backtestOptions struct {
	src     seriesSource
	horizon int
	windows int
	models  string
	window  int
	out     string
	json    bool
}

func (a *app) backtestCmd() *cobra.Command {
	o := &backtestOptions{}
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.horizon < 1 {
				return usagef("--horizon must be at least 1 (got %d)", o.horizon)
			}
			if o.windows < 1 {
				return usagef("--windows must be at least 1 (got %d)", o.windows)
			}
			var models []forecast.Model
			for _, name := range strings.Split(o.models, ",") {
				if strings.TrimSpace(name) == "" {
					continue
				}
				m, err := forecast.ModelNamed(name)
				if err != nil {
					return &usageError{err}
				}
				models = append(models, m)
			}
			if len(models) == 0 {
				return usagef("--models names no model")
			}
			method, reconcile, err := o.src.method()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			began := time.Now()
			// The whole history: scaled errors divide by the in-sample error
			// from the first sale, as in the M5 competition.
			p, err := o.src.panel(ctx, a, o.horizon, 0)
			if err != nil {
				return err
			}
			if p.Exog != nil {
				exog := p.Exog
				for i, m := range models {
					p.Exog = exog
					if models[i], err = forecast.WithDrivers(m, p, o.src.drivers); err != nil {
						return &usageError{err}
					}
				}
			}
			task := a.progress().Start("backtest", len(models)*o.windows)
			bo := forecast.BacktestOptions{Horizon: o.horizon, Windows: o.windows, Models: models,
				Window: o.window, Progress: func(done, _ int) { task.Set(done) }}
			if reconcile {
				bo.Hierarchy, bo.Method = o.src.structure, method
			}
			res, err := forecast.Backtest(ctx, p, bo)
			if err != nil {
				task.Fail()
				return err
			}
			task.Done("")
			if o.out != "" {
				if err := export.WriteBacktest(o.out, res); err != nil {
					return err
				}
			}
			if o.json {
				return printJSON(a.stdout, backtestSummary{Series: p.Len(), Horizon: o.horizon, Windows: o.windows,
					Origins: dates(res), Overall: res.Overall, Seconds: time.Since(began).Seconds(), Out: o.out})
			}
			fmt.Fprintf(a.stdout, "Backtest of %s series, %d windows of %d periods (origins %s), in %.1fs\n",
				commas(int64(p.Len())), o.windows, o.horizon, strings.Join(dates(res), ", "), time.Since(began).Seconds())
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "model\tMAE\tRMSE\tMASE\tRMSSE\tsMAPE\tWAPE\tbias\tSPL\tcover80\tcover95\tWRMSSE\t")
			for _, s := range res.Overall {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.Model, f3(s.MAE), f3(s.RMSE), f3(s.MASE), f3(s.RMSSE),
					f3(s.SMAPE), f3(s.WAPE), f3(s.Bias), f3(s.SPL), pct(s.Coverage80), pct(s.Coverage95), f3(s.WRMSSE))
			}
			return tw.Flush()
		},
	}
	o.src.flags(cmd)
	f := cmd.Flags()
	f.IntVar(&o.horizon, "horizon", 0, "periods per window (required)")
	f.IntVar(&o.windows, "windows", 3, "rolling origins")
	f.StringVar(&o.models, "models", "auto,snaive,ets,theta", "comma-separated models, each evaluated on its own")
	f.IntVar(&o.window, "window", 0, "fit on at most this many recent periods (default 3 years; -1 all)")
	f.StringVar(&o.out, "out", "", "write the per-series scores to this CSV file")
	f.BoolVar(&o.json, "json", false, "print one JSON object")
	return cmd
}

type backtestSummary struct {
	Series  int              `json:"series"`
	Horizon int              `json:"horizon"`
	Windows int              `json:"windows"`
	Origins []string         `json:"origins"`
	Overall []forecast.Score `json:"overall"`
	Seconds float64          `json:"seconds"`
	Out     string           `json:"out,omitempty"`
}

func dates(r *forecast.BacktestResult) []string {
	out := make([]string, len(r.Origins))
	for i, d := range r.Origins {
		out[i] = d.String()
	}
	return out
}

func f3(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}

func pct(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }
