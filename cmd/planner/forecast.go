package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

type forecastOptions struct {
	s             *settings
	src           source
	out           string
	outAggregates string
	outModels     string
	outUplift     string
	json          bool
}

func (a *app) forecastCmd() *cobra.Command {
	o := &forecastOptions{s: newSettings()}
	cmd := &cobra.Command{
		Use:   "forecast",
		Short: "Forecast every SKU x location (x channel) series with calibrated quantiles",
		Long: "Forecast fits a model to every series and writes the mean forecast and quantiles of each future\n" +
			"period: sku,location,date,model,mean, then one column per quantile (p10, p50, p90; p2_5 for\n" +
			"0.025), then channel. The file type follows --out: .csv or .parquet. --models auto (the default)\n" +
			"chooses per series; a list such as snaive,ets,theta chooses among those; one name uses that model.\n" +
			"It is the nightly run's forecast stage on its own: the flags are the forecast section of planner.yaml.\n" +
			"Models: " + strings.Join(config.ModelNames(), ", ") + ".",
		Example: "  planner forecast --horizon 28 --out forecasts.csv\n" +
			"  planner forecast --sales train.csv.gz --map qty=sales,location=store,sku=item --freq D --horizon 28 \\\n" +
			"      --quantiles 0.1,0.5,0.9 --models auto --out forecasts.parquet",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runForecast(cmd, o) },
	}
	o.src.flags(cmd, o.s, "database to read the sales from (without --sales)", "promotions", "prices")
	o.s.configFlag(cmd)
	o.s.forecastFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "", "file to write: .csv or .parquet (required)")
	f.StringVar(&o.outAggregates, "out-aggregates", "", "with --reconcile, also write the aggregates' forecasts (same columns; sku names the node)")
	f.StringVar(&o.outModels, "out-models", "", "also write which model forecast each series and why (models.csv's columns)")
	f.StringVar(&o.outUplift, "out-uplift", "", "also write what was learned of the calendar's peaks (uplift.csv's columns), when it has any")
	f.BoolVar(&o.json, "json", false, "print one JSON object summarising the run")
	return cmd
}

func (a *app) runForecast(cmd *cobra.Command, o *forecastOptions) error {
	fc := &o.s.cfg.Forecast
	if err := o.s.resolve(cmd, fc.Check); err != nil {
		return err
	}
	if o.out == "" {
		return usagef("--out is required: the forecasts file (.csv or .parquet)")
	}
	if ext := strings.ToLower(o.out[strings.LastIndex(o.out, ".")+1:]); ext != "csv" && ext != "parquet" {
		return usagef("--out %s: write forecasts to a .csv or .parquet file", o.out)
	}
	if o.outAggregates != "" && fc.Reconcile == "none" {
		return usagef("--out-aggregates needs --reconcile")
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
	res, err := pipeline.Forecast(ctx, plans, *fc)
	if err != nil {
		return err
	}
	if _, err := res.Write(pipeline.ForecastFiles{Forecasts: o.out, Aggregates: o.outAggregates, Models: o.outModels, Uplift: o.outUplift}); err != nil {
		return err
	}
	if o.json {
		sum := res.Summary()
		sum.Out, sum.Seconds = o.out, seconds(time.Since(began))
		return printJSON(a.stdout, sum)
	}
	a.printReport("Forecast", res.Report(), time.Since(began), o.out)
	return nil
}
