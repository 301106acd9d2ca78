package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pricing"
)

// priceSummary is what planner price --json prints.
type priceSummary struct {
	Products        int            `json:"products"`
	PlanDate        string         `json:"plan_date"`
	MedianElastic   *float64       `json:"median_elasticity"`
	Methods         map[string]int `json:"methods"`
	Flags           map[string]int `json:"flags"`
	Recommendations int            `json:"recommendations"`
	PriceUp         int            `json:"price_up"`
	PriceDown       int            `json:"price_down"`
	Unchanged       int            `json:"unchanged"`
	Markdowns       int            `json:"markdowns"`
	Bounds          map[string]int `json:"bounds"`
	// Everyday lines' expected revenue and margin before and after, over
	// their horizon (margins of the lines with a cost).
	RevenueCurrent float64  `json:"revenue_current"`
	RevenueNew     float64  `json:"revenue_new"`
	MarginCurrent  float64  `json:"margin_current"`
	MarginNew      float64  `json:"margin_new"`
	Notes          []string `json:"notes"`
	Exceptions     []string `json:"exceptions"`
	Seconds        float64  `json:"seconds"`
	Out            string   `json:"out,omitempty"`
	Elasticities   string   `json:"elasticities,omitempty"`
	MarkdownsFile  string   `json:"markdowns_file,omitempty"`
}

type priceOptions struct {
	db, sales, products, inventory, events string
	maps                                   []string
	elasticities, out, markdowns           string
	cfg                                    pipeline.PriceConfig // the price section's settings, from flags
	json                                   bool
}

func (a *app) priceCmd() *cobra.Command {
	o := &priceOptions{}
	cmd := &cobra.Command{
		Use:   "price",
		Short: "Estimate price elasticities and recommend prices and markdowns",
		Long: "Price fits a log-log demand model per product on its sales (price paid, regular price, feature, display,\n" +
			"temporary price cuts, trend, season and events as controls, one effect per location), pools the estimates\n" +
			"of a department so sparse products borrow strength, and replaces an estimate it cannot trust (no price\n" +
			"variation, wrong sign, huge error) by its group's, flagged. It then picks each product's everyday price from\n" +
			"the price ladder to maximise profit (revenue without a cost) within the guardrails: maximum change per run,\n" +
			"minimum margin, min_price/max_price and price families of the product master. Products ending within\n" +
			"--exit-weeks, or holding more than --overstock-weeks of demand, get a markdown schedule instead (discount\n" +
			"steps that never go back up). Rerun it every period: it re-plans from what sold.\n" +
			"Sales come from --sales (the canonical columns date,sku,location,qty,price,base_price,promo,feature,display;\n" +
			"rename with --map) or from the database. Columns of every output are in docs/schema.md.",
		Example: "  planner price --sales sales.csv --freq D --products products.csv --elasticities elasticities.csv --out prices.csv\n" +
			"  planner price --sales transaction.csv.gz --map date=week_end_date,sku=upc_id,location=store_id,qty=units,promo=tpr_only \\\n" +
			"      --freq W --elasticities elasticities.csv --out prices.csv --json\n" +
			"  planner price --db planner.duckdb --freq D --out prices.csv --markdowns markdowns.csv",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.price(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.db, "db", datasets.DefaultDB, "database to read sales, products, inventory and events from (without --sales)")
	f.StringVar(&o.sales, "sales", "", "read the sales from this file instead of the database")
	f.StringArrayVar(&o.maps, "map", nil, "rename the files' columns: canonical=source[,...]")
	f.StringVar(&o.products, "products", "", "with --sales: product master (unit_cost, department, end_date, price_family, size, min_price, max_price)")
	f.StringVar(&o.inventory, "inventory", "", "with --sales: stock positions, for markdowns")
	f.StringVar(&o.events, "events", "", "with --sales: calendar events, a control of the demand model")
	d := pipeline.DefaultPriceConfig()
	f.StringVar(&o.cfg.Freq, "freq", "", "period of the demand model: D or W (default: the sales' own; monthly sales are modelled by week)")
	f.StringVar(&o.elasticities, "elasticities", "", "write the elasticities: sku,elasticity,std_error,n_obs,method,flag,...")
	f.StringVar(&o.out, "out", "", "write the price recommendations (.csv, .parquet, .json or .jsonl)")
	f.StringVar(&o.markdowns, "markdowns", "", "write the markdown schedules, week by week")
	f.StringVar(&o.cfg.Objective, "objective", d.Objective, "maximise profit or revenue")
	f.Float64Var(&o.cfg.MinMargin, "min-margin", d.MinMargin, "least (price - cost) / price of a new price")
	f.Float64Var(&o.cfg.MaxChange, "max-change", d.MaxChange, "largest price move per run, as a share of the current price")
	f.StringVar(&o.cfg.Endings, "endings", d.Endings, "price ladder: allowed price endings, or any (every cent)")
	f.StringVar(&o.cfg.MarkdownSteps, "markdown-steps", d.MarkdownSteps, "discounts a markdown may use")
	f.IntVar(&o.cfg.HorizonDays, "horizon-days", d.HorizonDays, "days the expected units, revenue and margin cover")
	f.IntVar(&o.cfg.ExitWeeks, "exit-weeks", d.ExitWeeks, "products ending within this many weeks get a markdown")
	f.Float64Var(&o.cfg.OverstockWeeks, "overstock-weeks", d.OverstockWeeks, "products holding more weeks of demand than this get a markdown over that many weeks (negative: never)")
	f.Float64Var(&o.cfg.SalvageRate, "salvage-rate", d.SalvageRate, "value of a unit left when a product ends, as a share of its unit cost")
	f.BoolVar(&o.json, "json", false, "print one JSON object")
	return cmd
}

// settings checks the flags and turns them into pricing settings.
func (o *priceOptions) settings() (pipeline.PricingSettings, error) {
	if o.sales == "" && (o.products != "" || o.inventory != "" || o.events != "" || len(o.maps) > 0) {
		return pipeline.PricingSettings{}, usagef("--products, --inventory, --events and --map go with --sales (the database has its own)")
	}
	s, err := o.cfg.Settings(func(key string) string { return "--" + strings.ReplaceAll(key, "_", "-") })
	if err != nil {
		return s, &usageError{err}
	}
	return s, nil
}

func (a *app) price(ctx context.Context, o *priceOptions) error {
	settings, err := o.settings()
	if err != nil {
		return err
	}
	began := time.Now()
	store, err := o.open(ctx, a)
	if err != nil {
		return err
	}
	defer store.Close()
	task := a.progress().Start("price: read history", 0)
	in, err := pipeline.ReadPricingInput(ctx, store, o.cfg.Period())
	if err != nil {
		task.Fail()
		return err
	}
	task.Done(fmt.Sprintf("%s location-periods", commas(int64(in.History.Observations()))))
	settings.ReleaseHistory = true
	task = a.progress().Start("price: estimate and recommend", 0)
	res, err := pipeline.Price(ctx, in, &settings)
	if err != nil {
		task.Fail()
		return &usageError{err}
	}
	task.Done(fmt.Sprintf("%d products", len(res.Elasticities)))
	if o.elasticities != "" {
		if err := export.WriteElasticities(o.elasticities, res.Elasticities, res.Fits); err != nil {
			return err
		}
	}
	if o.out != "" {
		if err := export.WritePrices(o.out, res.Lines); err != nil {
			return err
		}
	}
	if o.markdowns != "" {
		if err := export.WriteMarkdowns(o.markdowns, res.Lines); err != nil {
			return err
		}
	}
	sum := summarisePrices(res)
	sum.Out, sum.Elasticities, sum.MarkdownsFile = o.out, o.elasticities, o.markdowns
	sum.Seconds = round2(time.Since(began).Seconds())
	if o.json {
		if err := printJSON(a.stdout, sum); err != nil {
			return err
		}
	} else {
		med := "none"
		if sum.MedianElastic != nil {
			med = fmt.Sprintf("%.2f", *sum.MedianElastic)
		}
		fmt.Fprintf(a.stdout, "Priced %d products from %s: median elasticity %s; %d prices up, %d down, %d unchanged, %d markdowns.\n",
			sum.Products, sum.PlanDate, med, sum.PriceUp, sum.PriceDown, sum.Unchanged, sum.Markdowns)
		if sum.MarginCurrent != 0 {
			fmt.Fprintf(a.stdout, "Expected margin of the everyday prices %.2f -> %.2f, revenue %.2f -> %.2f.\n",
				sum.MarginCurrent, sum.MarginNew, sum.RevenueCurrent, sum.RevenueNew)
		}
		for _, k := range slices.Sorted(maps.Keys(sum.Flags)) {
			fmt.Fprintf(a.stdout, "  %d elasticities flagged %s: their group's estimate used\n", sum.Flags[k], k)
		}
		for _, n := range sum.Notes {
			fmt.Fprintf(a.stdout, "  note: %s\n", n)
		}
		printExceptions(a, sum.Exceptions)
	}
	if len(sum.Exceptions) > 0 {
		return &exitError{code: exitExceptions, err: errors.New(plural(len(sum.Exceptions), "exception") + " to review")}
	}
	return nil
}

// open loads the --sales files into a private in-memory database, or
// opens the database read-only.
func (o *priceOptions) open(ctx context.Context, a *app) (*datasets.Store, error) {
	if o.sales == "" {
		if _, err := os.Stat(o.db); err != nil {
			return nil, fmt.Errorf("no database at %s: load data first with planner load, or pass --sales", o.db)
		}
		return datasets.Open(ctx, o.db, &datasets.StoreOptions{ReadOnly: true})
	}
	files := map[string]string{"sales": o.sales}
	for name, path := range map[string]string{"products": o.products, "inventory": o.inventory, "events": o.events} {
		if path != "" {
			files[name] = path
		}
	}
	return a.loadPrivate(ctx, files, o.maps)
}

// loadPrivate loads files into a private in-memory database, validated as
// planner load validates; the problems are printed when the load fails.
func (a *app) loadPrivate(ctx context.Context, files map[string]string, maps []string) (*datasets.Store, error) {
	m := datasets.Mapping{}
	for _, raw := range maps {
		parsed, err := datasets.ParseMapping(raw)
		if err != nil {
			return nil, &usageError{err}
		}
		m = m.Merge(parsed)
	}
	store, err := datasets.Open(ctx, "", nil)
	if err != nil {
		return nil, err
	}
	rep, err := store.Load(ctx, datasets.LoadOptions{Files: files, Map: m, Logger: a.logger()})
	if err != nil {
		if rep != nil {
			printProblems(a.stderr, rep.Problems)
		}
		store.Close()
		return nil, err
	}
	return store, nil
}

func summarisePrices(res *pipeline.PricingResult) priceSummary {
	sum := priceSummary{Products: len(res.Elasticities), PlanDate: res.PlanDate.String(), Methods: map[string]int{}, Flags: map[string]int{},
		Bounds: map[string]int{}, Notes: res.Notes, Exceptions: res.Exceptions}
	if sum.Notes == nil {
		sum.Notes = []string{}
	}
	if sum.Exceptions == nil {
		sum.Exceptions = []string{}
	}
	var el []float64
	for _, e := range res.Elasticities {
		sum.Methods[e.Method]++
		if e.Flag != "" {
			sum.Flags[strings.Split(e.Flag, ";")[0]]++
		}
		if !math.IsNaN(e.Elasticity) {
			el = append(el, e.Elasticity)
		}
	}
	if len(el) > 0 {
		sort.Float64s(el)
		m := round4(el[len(el)/2])
		sum.MedianElastic = &m
	}
	for i := range res.Lines {
		l := &res.Lines[i]
		sum.Recommendations++
		if l.Kind == pricing.KindMarkdown {
			sum.Markdowns++
			continue
		}
		sum.Bounds[l.Bound]++
		switch {
		case l.New > l.Current+1e-9:
			sum.PriceUp++
		case l.New < l.Current-1e-9:
			sum.PriceDown++
		default:
			sum.Unchanged++
		}
		sum.RevenueCurrent += l.RevenueCurrent
		sum.RevenueNew += l.RevenueNew
		if !math.IsNaN(l.MarginCurrent) {
			sum.MarginCurrent += l.MarginCurrent
			sum.MarginNew += l.MarginNew
		}
	}
	for _, v := range []*float64{&sum.RevenueCurrent, &sum.RevenueNew, &sum.MarginCurrent, &sum.MarginNew} {
		*v = round2(*v)
	}
	return sum
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
