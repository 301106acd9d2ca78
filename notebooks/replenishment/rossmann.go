package main

import (
	"context"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// rossLane is one way the Rossmann stores are replenished in the study.
type rossLane struct {
	name         string
	lead, review int
	policy       replenish.Policy
	// cover are the days of cover the baseline is swept over.
	coverFrom, coverTo float64
	chart              string
}

var rossLanes = []rossLane{
	{name: "weekly review, lead time 7 days", lead: 7, review: 7, policy: replenish.OrderUpTo{}, coverFrom: 10, coverTo: 20, chart: "rossmann-weekly.png"},
	{name: "daily review, lead time 2 days", lead: 2, review: 1, policy: replenish.BaseStock{}, coverFrom: 2, coverTo: 8, chart: "rossmann-daily.png"},
}

var rossTargets = []float64{0.85, 0.90, 0.95, 0.98, 0.99}

// rossmann replays the last 180 days of the Rossmann stores (units =
// round(Sales / 10)) with the promotion plan (each store's promoted days)
// and the closed days the sales mark, as planner simulate does, for each
// lane, and writes its section of the report with a chart per lane.
func rossmann(ctx context.Context, data, out string, b *strings.Builder) error {
	src := filepath.Join(data, "rossmann", "train.csv.gz")
	if _, err := os.Stat(src); err != nil {
		return nil // the chain's data is not here: no section
	}
	store, err := datasets.Open(ctx, "", nil)
	if err != nil {
		return err
	}
	defer store.Close()
	dir, err := os.MkdirTemp("", "rossmann")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sales, promos := filepath.Join(dir, "sales.csv"), filepath.Join(dir, "promotions.csv")
	for _, q := range []string{
		fmt.Sprintf(`COPY (SELECT Store, Date, round(Sales / 10)::INTEGER AS units, Open, Promo FROM read_csv('%s') ORDER BY Store, Date) TO '%s' (HEADER)`, src, sales),
		// One promotion per run of promoted days of a store.
		fmt.Sprintf(`COPY (WITH r AS (SELECT Store, Date, Date - (row_number() OVER (PARTITION BY Store ORDER BY Date))::INTEGER AS run
			FROM read_csv('%s') WHERE Promo = 1)
			SELECT Store AS sku, Store AS location, min(Date) AS start_date, max(Date) AS end_date FROM r GROUP BY Store, run ORDER BY 1, 3) TO '%s' (HEADER)`, src, promos),
	} {
		if _, err := store.DB().ExecContext(ctx, q); err != nil {
			return err
		}
	}
	m, err := files.ParseMapping("location=Store,sku=Store,qty=units,available=Open,promo=Promo")
	if err != nil {
		return err
	}
	if _, err := store.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": sales, "promotions": promos}, Map: m}); err != nil {
		return err
	}
	fmt.Fprintf(b, "\n## The Rossmann chain\n\n")
	for _, lane := range rossLanes {
		if err := rossLaneStudy(ctx, store, lane, out, b); err != nil {
			return err
		}
	}
	return nil
}

func rossLaneStudy(ctx context.Context, store *datasets.Store, lane rossLane, out string, b *strings.Builder) error {
	const holdout = 180
	opts := replenish.SimOptions{Holdout: holdout, LeadTime: float64(lane.lead), Review: lane.review,
		Target: replenish.Target{Level: 0.95, Type: replenish.FillRate}}
	p, err := store.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily, TrimLeadingZeros: true, Drivers: true,
		Horizon: opts.Horizon(), Replay: holdout})
	if err != nil {
		return err
	}
	model, _, err := forecast.WithDrivers(forecast.Auto{}, p, "auto")
	if err != nil {
		return err
	}
	var pols []replenish.PolicyFor
	for _, t := range rossTargets {
		pols = append(pols, func(float64) replenish.Policy {
			return replenish.WithTarget{Policy: lane.policy, Target: replenish.Target{Level: t, Type: replenish.FillRate}}
		})
	}
	var cover []float64
	for d := lane.coverFrom; d <= lane.coverTo; d += 0.25 {
		cover = append(cover, d)
		pols = append(pols, func(avg float64) replenish.Policy { return replenish.Cover{Days: d, Average: avg} })
	}
	opts.Forecaster = func() replenish.Forecaster { return &forecast.Updater{Model: model, Freq: series.Daily, Refit: 91} }
	res, err := replenish.Simulate(ctx, p, pols, opts)
	if err != nil {
		return err
	}
	ours, covers := res[:len(rossTargets)], res[len(rossTargets):]
	fmt.Fprintf(b, "### %s\n\n", lane.name)
	fmt.Fprintf(b, "%d stores, the last %d days replayed (to 2015-07-31), units = round(Sales / 10), unmet sales lost. ", ours[0].Series, holdout)
	fmt.Fprintf(b, "Each review's forecast (`auto` with the promotion, estimated every 91 days) knows the promotion plan and the closed days the sales mark, as `planner simulate --promotions` does; the cover rule orders up to so many days of the last 28 days' average sales (%g to %g days, every quarter day).\n\n", lane.coverFrom, lane.coverTo)
	fmt.Fprintf(b, "![Stock against fill rate, %s](%s)\n\n", lane.name, lane.chart)
	b.WriteString("| Target fill rate | Achieved | Off target | Average stock | Cover rule at the same fill rate | Stock against it |\n|---|---|---|---|---|---|\n")
	for k, r := range ours {
		c, cd := atFill(covers, cover, r.FillRate)
		fmt.Fprintf(b, "| %.0f%% | %.2f%% | %+.2f | %.0f | %.0f (%.2f days) | %+.1f%% |\n", 100*rossTargets[k], 100*r.FillRate, 100*(r.FillRate-rossTargets[k]),
			r.AvgInventoryUnits, c, cd, 100*(r.AvgInventoryUnits/c-1))
	}
	first, last := ours[0], ours[len(ours)-1]
	fmt.Fprintf(b, "\nOver targets %.0f%% to %.0f%%, the fill rate reached moves %.1f points.\n\n", 100*rossTargets[0], 100*rossTargets[len(rossTargets)-1], 100*(last.FillRate-first.FillRate))
	// The range where the two compete: the cover rule's tail (far more
	// stock for the last points of fill rate) would flatten the rest.
	c, _ := atFill(covers, cover, last.FillRate)
	return rossChart(filepath.Join(out, lane.chart), lane.name, ours, covers, 1.3*max(c, last.AvgInventoryUnits))
}

func rossChart(path, lane string, ours, covers []replenish.SimResult, most float64) error {
	pl := plot.New()
	pl.Title.Text = "Rossmann: stock needed for a fill rate (" + lane + ")"
	pl.X.Label.Text = "fill rate (%)"
	pl.Y.Label.Text = "average stock on hand (units, all stores)"
	for _, s := range []struct {
		rs   []replenish.SimResult
		c    color.Color
		name string
	}{
		{ours, color.RGBA{R: 8, G: 48, B: 107, A: 255}, "order-up-to from forecasts (targets 85-99%)"},
		{covers, color.RGBA{R: 203, G: 24, B: 29, A: 255}, "weeks of cover"},
	} {
		pts := make(plotter.XYs, 0, len(s.rs))
		for _, r := range s.rs {
			if r.FillRate >= 0.85 && r.AvgInventoryUnits <= most {
				pts = append(pts, plotter.XY{X: 100 * r.FillRate, Y: r.AvgInventoryUnits})
			}
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		l.Color, sc.Color = s.c, s.c
		l.Width = vg.Points(2)
		pl.Add(l, sc)
		pl.Legend.Add(s.name, l)
	}
	pl.Legend.Top, pl.Legend.Left = true, true
	return pl.Save(9*vg.Inch, 5*vg.Inch, path)
}
