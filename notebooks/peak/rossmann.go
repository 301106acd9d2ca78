package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
)

// rossmann backtests the Christmas peak on Rossmann's daily store sales:
// the last two shopping days before Christmas (22 and 23 December; the
// 24th is a half day) marked as a peak in the
// calendar, the history cut on 7 December 2014 (one past Christmas,
// 2013's), the next four weeks forecast with the peak learned and
// without, each store's type its category.
func rossmann(ctx context.Context, data string, b *strings.Builder) error {
	train := filepath.Join(data, "rossmann", "train.csv.gz")
	stores := filepath.Join(data, "rossmann", "store.csv")
	origin := series.MustParseDate("2014-12-07")
	const horizon = 28
	dir, err := os.MkdirTemp("", "peak-rossmann")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := datasets.Open(ctx, "", nil)
	if err != nil {
		return err
	}
	defer db.Close()
	sales, products, events := filepath.Join(dir, "sales.csv"), filepath.Join(dir, "products.csv"), filepath.Join(dir, "events.csv")
	for _, q := range []string{
		fmt.Sprintf(`COPY (SELECT * FROM read_csv('%s') WHERE Date <= DATE '%s') TO '%s' (HEADER)`, train, origin, sales),
		fmt.Sprintf(`COPY (SELECT Store AS sku, 'type ' || StoreType AS category FROM read_csv('%s')) TO '%s' (HEADER)`, stores, products),
		fmt.Sprintf(`COPY (SELECT d::DATE AS date, 'Christmas' AS event, 'peak' AS kind FROM (SELECT unnest([DATE '2013-12-22', DATE '2013-12-23',
			DATE '2014-12-22', DATE '2014-12-23']) AS d)) TO '%s' (HEADER)`, events),
	} {
		if _, err := db.DB().ExecContext(ctx, q); err != nil {
			return err
		}
	}
	m, err := files.ParseMapping("sales.location=Store,sales.sku=Store,sales.qty=Sales,sales.available=Open,sales.promo=Promo")
	if err != nil {
		return err
	}
	if _, err := db.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": sales, "products": products, "events": events}, Map: m}); err != nil {
		return err
	}
	// The held-out days' sales, on the days each store was open.
	actual := map[string][]float64{}
	rows, err := db.DB().QueryContext(ctx, fmt.Sprintf(`SELECT CAST(Store AS VARCHAR), (Date - DATE '%s')::INTEGER, Sales FROM read_csv('%s')
		WHERE Date > DATE '%s' AND Date <= DATE '%s' + %d AND Open = 1`, origin, train, origin, origin, horizon))
	if err != nil {
		return err
	}
	for rows.Next() {
		var store string
		var t int
		var v float64
		if err := rows.Scan(&store, &t, &v); err != nil {
			rows.Close()
			return err
		}
		if actual[store] == nil {
			actual[store] = make([]float64, horizon)
			for i := range actual[store] {
				actual[store][i] = math.NaN()
			}
		}
		actual[store][t-1] = v
	}
	rows.Close()
	fc := config.DefaultForecast()
	fc.Horizon = horizon
	kind := func(d series.Date) int {
		switch {
		case d >= series.MustParseDate("2014-12-22") && d <= series.MustParseDate("2014-12-23"):
			return 0
		case d >= series.MustParseDate("2014-12-19") && d <= series.MustParseDate("2014-12-30"):
			return 1
		}
		return 2
	}
	type scores struct {
		abs, tot, in [3]float64
		n            [3]int
	}
	var results [2]scores
	var learned string
	for k, peaks := range []string{"auto", "off"} {
		fc.Peaks = peaks
		res, err := pipeline.Forecast(ctx, db, fc)
		if err != nil {
			return err
		}
		if res.Peaks != nil {
			for _, e := range res.Peaks.Effects {
				learned += fmt.Sprintf("%s x%.2f (80%% of a new one: %.2f to %.2f); ", e.Category, e.Lifts[1].Mult,
					lo(e.Lifts[1].Interval(0.8)), hi(e.Lifts[1].Interval(0.8)))
			}
		}
		f := &res.Forecasts.Forecasts
		nq := len(f.Quantiles)
		sc := &results[k]
		for i, key := range f.Keys {
			y := actual[key.SKU]
			for t := 0; t < f.Horizon && y != nil; t++ {
				d := f.Freq.Add(f.Starts[i], t)
				at := int(d - origin - 1)
				if at < 0 || at >= horizon || math.IsNaN(y[at]) {
					continue
				}
				c := kind(d)
				sc.abs[c] += math.Abs(y[at] - f.Mean[i*f.Horizon+t])
				sc.tot[c] += y[at]
				if y[at] >= f.Quantile(i, t, 0) && y[at] <= f.Quantile(i, t, nq-1) {
					sc.in[c]++
				}
				sc.n[c]++
			}
		}
	}
	b.WriteString("\n## Real data: Christmas at Rossmann\n\n")
	b.WriteString("Rossmann's daily sales of its stores (`../shared/data/rossmann`; each store a series, its store type its category), " +
		"loaded with `--map location=Store,sku=Store,qty=Sales,available=Open,promo=Promo` and a calendar that marks 22 and 23 December " +
		"(the last full shopping days: the 24th is a half day, the 25th and 26th closed) as a peak (`Christmas`, kind `peak`) in 2013 and 2014. The history is cut on 7 December 2014, so the forecast learns from one past " +
		"Christmas, 2013's (the year-to-year spread then is the prior's, 0.2), and the next 28 days are scored on the days each store " +
		"was open, with the peak learned and with `forecast.peaks: off`.\n\n")
	fmt.Fprintf(b, "Learned from 2013, on the peak's days: %s\n\n", strings.TrimSuffix(learned, "; "))
	b.WriteString("| Days | Store-days | WAPE, peak learned | WAPE, peaks off | Coverage, peak learned | Coverage, peaks off |\n|---|---|---|---|---|---|\n")
	for c, name := range []string{"22 and 23 December", "the rest of the window (19 to 30 December)", "the usual days"} {
		on, off := results[0], results[1]
		fmt.Fprintf(b, "| %s | %d | %.3f | %.3f | %.1f%% | %.1f%% |\n", name, on.n[c], on.abs[c]/on.tot[c], off.abs[c]/off.tot[c],
			100*on.in[c]/float64(on.n[c]), 100*off.in[c]/float64(off.n[c]))
	}
	b.WriteString("\nThe usual days' intervals are too narrow with the peak learned or not: this load has the promotion flags of the past " +
		"but nothing plans them ahead, so the forecast leaves them out, and the days they lift fall outside. With the peak's " +
		"window left out of the fit the models see a calmer history, which likely narrows their intervals further (not measured apart); the peak's own days " +
		"gain far more than the usual days lose. The four store types learned the same uplift: from one past Christmas, each " +
		"type's own estimate is as uncertain as the prior year-to-year spread makes it, and the types are drawn to their mean.\n")
	return nil
}

func lo(a, _ float64) float64 { return a }
func hi(_, b float64) float64 { return b }
