package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/forecast/hierarchy"
	"github.com/planner-engine/planner/series"
)

// seriesSource are the flags that say where the sales history comes from:
// a file (loaded into a private in-memory database, validated as planner
// load validates) or the database.
type seriesSource struct {
	db        string
	sales     string
	maps      []string
	freq      string
	drivers   string
	reconcile string
	labels    *datasets.Labels // hierarchy labels of the masters, read with the panel
}

func (s *seriesSource) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.db, "db", datasets.DefaultDB, "database to read the sales from (without --sales)")
	f.StringVar(&s.sales, "sales", "", "read the sales from this file instead of the database")
	f.StringArrayVar(&s.maps, "map", nil, "rename the file's columns: canonical=source[,...]")
	f.StringVar(&s.freq, "freq", "", "period of the series: D, W or M (default: the data's own)")
	f.StringVar(&s.drivers, "drivers", "auto", "use prices and promotions as demand drivers: auto (when the sales have them), on or off")
	f.StringVar(&s.reconcile, "reconcile", "none", "reconcile across the product and location hierarchies: none, bu, td or mint")
}

// method returns the reconciliation method, or false for none.
func (s *seriesSource) method() (hierarchy.Method, bool, error) {
	if s.reconcile == "none" || s.reconcile == "" {
		return 0, false, nil
	}
	m, err := hierarchy.ParseMethod(s.reconcile)
	if err != nil {
		return 0, false, &usageError{err}
	}
	return m, true, nil
}

// structure builds the retail hierarchy over keys from the masters' labels.
func (s *seriesSource) structure(keys []series.Key) (*hierarchy.Structure, error) {
	l := s.labels
	if l == nil {
		l = &datasets.Labels{}
	}
	levels, tree := hierarchy.RetailLevels(keys, l.Category, l.Department, l.Region)
	return hierarchy.NewStructure(keys, levels, tree)
}

// panel reads the sales as a Panel of at most maxPeriods recent periods
// per series (0: all), with the drivers of horizon future periods unless
// --drivers off.
func (s *seriesSource) panel(ctx context.Context, a *app, horizon, maxPeriods int) (*series.Panel, error) {
	switch s.drivers {
	case "auto", "on", "off":
	default:
		return nil, usagef("--drivers %q is not auto, on or off", s.drivers)
	}
	var store *datasets.Store
	var err error
	if s.sales != "" {
		if store, err = a.loadPrivate(ctx, map[string]string{"sales": s.sales}, s.maps); err != nil {
			return nil, err
		}
		defer store.Close()
	} else {
		if len(s.maps) > 0 {
			return nil, usagef("--map applies to --sales files")
		}
		if _, err := os.Stat(s.db); err != nil {
			return nil, fmt.Errorf("no database at %s: load data first with planner load, or pass --sales", s.db)
		}
		store, err = datasets.Open(ctx, s.db, &datasets.StoreOptions{ReadOnly: true})
		if err != nil {
			return nil, err
		}
		defer store.Close()
	}
	var freq series.Freq
	if s.freq != "" {
		if freq, err = series.ParseFreq(s.freq); err != nil {
			return nil, &usageError{err}
		}
	} else {
		sum, err := store.Inspect(ctx)
		if err != nil {
			return nil, err
		}
		if sum.Frequency == "" {
			return nil, fmt.Errorf("no sales to forecast")
		}
		freq, _ = series.ParseFreq(sum.Frequency)
	}
	if s.reconcile != "none" && s.reconcile != "" {
		if s.labels, err = store.HierarchyLabels(ctx); err != nil {
			return nil, err
		}
	}
	task := a.progress().Start("read series", 0)
	p, err := store.ReadPanel(ctx, datasets.PanelOptions{Freq: freq, TrimLeadingZeros: true, MaxPeriods: maxPeriods,
		Drivers: s.drivers != "off", Horizon: horizon})
	if err != nil {
		task.Fail()
		return nil, err
	}
	task.Done(fmt.Sprintf("%s series", commas(int64(p.Len()))))
	if p.Len() == 0 {
		return nil, fmt.Errorf("no sales to forecast")
	}
	return p, nil
}

type forecastOptions struct {
	src           seriesSource
	horizon       int
	quantiles     string
	models        string
	window        int
	out           string
	outAggregates string
	outModels     string
	json          bool
}

func (a *app) forecastCmd() *cobra.Command {
	o := &forecastOptions{}
	cmd := &cobra.Command{
		Use:   "forecast",
		Short: "Forecast every SKU x location (x channel) series with calibrated quantiles",
		Long: "Forecast fits a model to every series and writes the mean forecast and quantiles of each future\n" +
			"period: sku,location,date,model,mean, then one column per quantile (p10, p50, p90; p2_5 for\n" +
			"0.025), then channel. The file type follows --out: .csv or .parquet. --models auto (the default)\n" +
			"chooses per series; a list such as snaive,ets,theta chooses among those; one name uses that model.\n" +
			"Models: " + strings.Join(forecast.ModelNames(), ", ") + ".",
		Example: "  planner forecast --horizon 28 --out forecasts.csv\n" +
			"  planner forecast --sales train.csv.gz --map qty=sales,location=store,sku=item --freq D --horizon 28 \\\n" +
			"      --quantiles 0.1,0.5,0.9 --models auto --out forecasts.parquet",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runForecast(cmd, o) },
	}
	o.src.flags(cmd)
	f := cmd.Flags()
	f.IntVar(&o.horizon, "horizon", 0, "periods to forecast (required)")
	f.StringVar(&o.quantiles, "quantiles", "0.1,0.5,0.9", "quantiles to write, each strictly between 0 and 1")
	f.StringVar(&o.models, "models", "auto", "auto, a model, or a comma-separated list to choose among")
	f.IntVar(&o.window, "window", 0, "fit on at most this many recent periods (default 3 years; -1 all)")
	f.StringVar(&o.out, "out", "", "file to write: .csv or .parquet (required)")
	f.StringVar(&o.outAggregates, "out-aggregates", "", "with --reconcile, also write the aggregates' forecasts (same columns; sku names the node)")
	f.StringVar(&o.outModels, "out-models", "", "also write which model forecast each series and why (CSV: "+strings.Join(export.ModelColumns, ",")+")")
	f.BoolVar(&o.json, "json", false, "print one JSON object summarising the run")
	return cmd
}

func (a *app) runForecast(cmd *cobra.Command, o *forecastOptions) error {
	if o.horizon < 1 {
		return usagef("--horizon must be at least 1 (got %d)", o.horizon)
	}
	if o.out == "" {
		return usagef("--out is required: the forecasts file (.csv or .parquet)")
	}
	if ext := strings.ToLower(o.out[strings.LastIndex(o.out, ".")+1:]); ext != "csv" && ext != "parquet" {
		return usagef("--out %s: write forecasts to a .csv or .parquet file", o.out)
	}
	probs, err := forecast.ParseQuantiles(o.quantiles)
	if err != nil {
		return &usageError{err}
	}
	method, reconcile, err := o.src.method()
	if err != nil {
		return err
	}
	if o.outAggregates != "" && !reconcile {
		return usagef("--out-aggregates needs --reconcile")
	}
	model, err := forecast.ParseModels(o.models)
	if err != nil {
		return &usageError{err}
	}
	ctx := cmd.Context()
	began := time.Now()
	maxPeriods := 0
	if o.window >= 0 {
		maxPeriods = o.window
		if maxPeriods == 0 {
			maxPeriods = forecast.DefaultWindow(freqOf(o.src.freq))
		}
	}
	p, err := o.src.panel(ctx, a, o.horizon, maxPeriods)
	if err != nil {
		return err
	}
	if model, err = forecast.WithDrivers(model, p, o.src.drivers); err != nil {
		return &usageError{err}
	}
	task := a.progress().Start("forecast", p.Len())
	runOpts := forecast.Options{Horizon: o.horizon, Quantiles: probs, Model: model, Window: o.window,
		Progress: func(done, _ int) { task.Set(done) }}
	var res, aggRes *forecast.Result
	if reconcile {
		st, err := o.src.structure(p.Keys)
		if err != nil {
			task.Fail()
			return err
		}
		rec, err := forecast.RunReconciled(ctx, p, st, method, runOpts)
		if err != nil {
			task.Fail()
			return err
		}
		res, aggRes = rec.Bottom, rec.Aggregates
	} else {
		res, err = forecast.Run(ctx, p, runOpts)
		if err != nil {
			task.Fail()
			return err
		}
	}
	task.Done(fmt.Sprintf("%s series", commas(int64(res.Len()))))
	if err := export.WriteForecasts(o.out, res); err != nil {
		return err
	}
	if o.outAggregates != "" {
		if err := export.WriteForecasts(o.outAggregates, aggRes); err != nil {
			return err
		}
	}
	if o.outModels != "" {
		if err := export.WriteModels(o.outModels, res); err != nil {
			return err
		}
	}
	summary := forecastSummary(res, o.out, time.Since(began))
	if o.json {
		return printJSON(a.stdout, summary)
	}
	fmt.Fprintf(a.stdout, "Forecast %s series, %d periods ahead, in %.1fs: %s\n", commas(int64(summary.Series)), summary.Horizon, summary.Seconds, o.out)
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	for _, m := range summary.Models {
		fmt.Fprintf(tw, "  %s\t%s series\n", m.Model, commas(int64(m.Series)))
	}
	tw.Flush()
	if summary.Fallbacks > 0 {
		fmt.Fprintf(a.stdout, "%d series fell back to a simpler model\n", summary.Fallbacks)
	}
	return nil
}

// forecastRunSummary is forecast --json's object.
type forecastRunSummary struct {
	Out       string       `json:"out"`
	Series    int          `json:"series"`
	Horizon   int          `json:"horizon"`
	Quantiles []string     `json:"quantiles"`
	Models    []modelCount `json:"models"`
	Fallbacks int          `json:"fallbacks"`
	Seconds   float64      `json:"seconds"`
}

type modelCount struct {
	Model  string `json:"model"`
	Series int    `json:"series"`
}

func forecastSummary(res *forecast.Result, out string, took time.Duration) forecastRunSummary {
	counts := map[string]int{}
	fallbacks := 0
	for i, m := range res.Model {
		counts[m]++
		if res.Note[i] != "" {
			fallbacks++
		}
	}
	s := forecastRunSummary{Out: out, Series: res.Len(), Horizon: res.Horizon, Fallbacks: fallbacks, Seconds: took.Seconds()}
	for _, q := range res.Quantiles {
		s.Quantiles = append(s.Quantiles, forecast.QuantileName(q))
	}
	for m, n := range counts {
		s.Models = append(s.Models, modelCount{Model: m, Series: n})
	}
	sort.Slice(s.Models, func(i, j int) bool {
		if s.Models[i].Series != s.Models[j].Series {
			return s.Models[i].Series > s.Models[j].Series
		}
		return s.Models[i].Model < s.Models[j].Model
	})
	return s
}

// freqOf reads a --freq value already checked, or daily when empty (the
// reader then finds the data's own; a daily window is the longest).
func freqOf(s string) series.Freq {
	f, err := series.ParseFreq(s)
	if err != nil {
		return series.Daily
	}
	return f
}
