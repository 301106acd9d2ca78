// Command replenishment measures replenishment policies on the shared
// data and writes README.md, with the inventory / service trade-off chart,
// into its folder:
//
//	go run ./notebooks/replenishment -data ../shared/data
//
// Store Item Demand: the last 180 days of the 500 series replayed day by
// day, lead time 7 days, weekly review, lost sales. The forecast-driven
// order-up-to policy runs at several fill-rate targets, and the
// weeks-of-cover rule and the ERP min / max at many settings, all in one
// replay that shares the forecasts.
//
// The Rossmann chain, when its data is there: the last 180 days of its 915
// stores replayed with the promotion plan and the closed days known ahead,
// at a weekly and at a daily review, the policy at several targets against
// the weeks-of-cover rule swept over its days.
package main

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"io"
	"log"
	"math"
	"path/filepath"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

func main() {
	data := flag.String("data", "../shared/data", "the shared data folder")
	out := flag.String("out", "notebooks/replenishment", "folder for the report and its chart")
	flag.Parse()
	if err := run(context.Background(), *data, *out); err != nil {
		log.Fatal(err)
	}
}

var targets = []float64{0.85, 0.90, 0.95, 0.97, 0.99}

func run(ctx context.Context, data, out string) error {
	began := time.Now()
	store, err := datasets.Open(ctx, "", nil)
	if err != nil {
		return err
	}
	defer store.Close()
	m, _ := files.ParseMapping("qty=sales,location=store,sku=item")
	if _, err := store.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": filepath.Join(data, "store-item-demand", "train.csv.gz")}, Map: m}); err != nil {
		return err
	}
	p, err := store.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily, TrimLeadingZeros: true})
	if err != nil {
		return err
	}
	var pols []replenish.PolicyFor
	for _, t := range targets {
		pols = append(pols, func(float64) replenish.Policy {
			return replenish.WithTarget{Policy: replenish.OrderUpTo{}, Target: replenish.Target{Level: t, Type: replenish.FillRate}}
		})
	}
	var cover, safety []float64
	for d := 8.0; d <= 30; d += 0.5 {
		cover = append(cover, d)
		pols = append(pols, func(avg float64) replenish.Policy { return replenish.Cover{Days: d, Average: avg} })
	}
	for s := 0.0; s <= 20; s += 0.5 {
		safety = append(safety, s)
		pols = append(pols, func(avg float64) replenish.Policy { return replenish.ERPMinMax{SafetyDays: s, Average: avg} })
	}
	res, err := replenish.Simulate(ctx, p, pols, replenish.SimOptions{Holdout: 180, LeadTime: 7, Review: 7,
		Target:     replenish.Target{Level: 0.95, Type: replenish.FillRate},
		Forecaster: func() replenish.Forecaster { return &forecast.Updater{Freq: series.Daily, Refit: 91} }})
	if err != nil {
		return err
	}
	ours := res[:len(targets)]
	covers := res[len(targets) : len(targets)+len(cover)]
	minmax := res[len(targets)+len(cover):]

	var b strings.Builder
	fmt.Fprintf(&b, "# Replenishment\n\nMeasured by `go run ./notebooks/replenishment -data ../shared/data` on %s; 2 cores.\n\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&b, "Store Item Demand, %d series: the last 180 days replayed day by day. Lead time 7 days (an order placed after a day's sales is on the shelf 8 days later), a review every 7 days, unmet sales lost. ", p.Len())
	b.WriteString("At each review the forecast-driven order-up-to policy forecasts from the sales up to that day (`auto`, estimated every 91 days and run forward in between) and orders up to the level its fill-rate target needs over the 14 days of lead time and review; ")
	b.WriteString("the weeks-of-cover rule orders up to so many days of the last 28 days' average sales; the ERP min / max (Odoo's minimum / maximum quantity) orders up to the maximum when the position falls below the minimum, the minimum being 7 days plus some safety days of that average and the maximum 7 days more. ")
	b.WriteString("Stock is end-of-day units on hand, averaged over the days and summed over the series.\n\n")
	b.WriteString("![Inventory against fill rate](tradeoff.png)\n\n")
	b.WriteString("| Target fill rate | Achieved | Cycle service | Average stock | Cover rule at the same fill rate | Stock saved | ERP min / max at the same fill rate | Stock saved |\n|---|---|---|---|---|---|---|---|\n")
	for k, r := range ours {
		c, cd := atFill(covers, cover, r.FillRate)
		mm, sd := atFill(minmax, safety, r.FillRate)
		fmt.Fprintf(&b, "| %.0f%% | %.1f%% | %.1f%% | %.0f | %.0f (%.1f days) | %s | %.0f (%.1f safety days) | %s |\n", 100*targets[k], 100*r.FillRate, 100*r.CycleServiceLevel,
			r.AvgInventoryUnits, c, cd, saved(r.AvgInventoryUnits, c), mm, sd, saved(r.AvgInventoryUnits, mm))
	}
	d := ours[2]
	demand := d.Demand / float64(d.Days) / float64(d.Series)
	cycle := demand * 6 / 2
	fmt.Fprintf(&b, "\nThe baselines' stock at the same fill rate is interpolated between their two nearest settings (every half day). ")
	fmt.Fprintf(&b, "Mean demand is %.1f units per series and day, so with a weekly review about %.0f units per series are cycle stock, the same for every policy (end of day, (R-1)·D/2); ", demand, cycle)
	fmt.Fprintf(&b, "at the 95%% target the policy holds %.0f units per series above it, the cover rule at the same fill rate %.0f: ", d.AvgInventoryUnits/float64(d.Series)-cycle, func() float64 { c, _ := atFill(covers, cover, d.FillRate); return c/float64(d.Series) - cycle }())
	b.WriteString("the forecasts cut the stock held against uncertainty most, and the total by less, because the weekly order dominates the average. ")
	// The floor: with the mean known exactly, demand over the 15 days an
	// order covers still varies like a count, sd ≈ sqrt(15·D); the fill
	// target allows (1 - 0.95)·7·D units short per cycle, and the stock
	// left at the cycle's end, E[(S - X)+], is all the policy holds above
	// the cycle stock.
	sd15 := math.Sqrt(15 * demand)
	short := 0.05 * 7 * demand
	z := -5.0
	for ; z < 5; z += 0.001 {
		if sd15*(normPDF(z)-z*(1-normCDF(z))) <= short {
			break
		}
	}
	leftover := sd15 * (normPDF(z) + z*normCDF(z))
	fmt.Fprintf(&b, "Even a forecast that knew each day's mean exactly would leave Poisson-like noise of about %.0f units over the 15 days an order covers; meeting 95%% fill then leaves about %.0f units at the end of an average cycle, so no policy holds much less than %.0f units per series here, %.0f%% below the cover rule's %.0f.", sd15, leftover, cycle+leftover, 100*(1-(cycle+leftover)/(func() float64 { c, _ := atFill(covers, cover, d.FillRate); return c / float64(d.Series) }())), func() float64 { c, _ := atFill(covers, cover, d.FillRate); return c / float64(d.Series) }())
	// The rule as planners set it: whole weeks of cover.
	for k, c := range cover {
		if c == 14 && covers[k].FillRate >= d.FillRate {
			fmt.Fprintf(&b, " Set in whole weeks, as planners usually set it, the cover rule needs 2 weeks to reach the policy's fill rate (%.1f%% with %.0f units), and the policy holds %s less.", 100*covers[k].FillRate, covers[k].AvgInventoryUnits, saved(d.AvgInventoryUnits, covers[k].AvgInventoryUnits))
		}
	}
	b.WriteString("\n")
	if err := rossmann(ctx, data, out, &b); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\nThe study took %s.\n", time.Since(began).Round(time.Second))
	if err := tradeoffChart(filepath.Join(out, "tradeoff.png"), ours, covers, minmax); err != nil {
		return err
	}
	return fsutil.WriteFile(filepath.Join(out, "README.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// atFill interpolates a baseline's stock (and setting) at a fill rate from
// its results ordered by rising stock.
func atFill(res []replenish.SimResult, setting []float64, fill float64) (float64, float64) {
	for k := 1; k < len(res); k++ {
		a, c := res[k-1], res[k]
		if c.FillRate >= fill && a.FillRate < fill {
			w := (fill - a.FillRate) / (c.FillRate - a.FillRate)
			return a.AvgInventoryUnits + w*(c.AvgInventoryUnits-a.AvgInventoryUnits), setting[k-1] + w*(setting[k]-setting[k-1])
		}
	}
	last := res[len(res)-1]
	return last.AvgInventoryUnits, setting[len(setting)-1]
}

func saved(ours, base float64) string {
	if base <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*(1-ours/base))
}

func tradeoffChart(path string, ours, covers, minmax []replenish.SimResult) error {
	pl := plot.New()
	pl.Title.Text = "Store Item Demand: stock needed for a fill rate (lead time 7 days, weekly review)"
	pl.X.Label.Text = "fill rate (%)"
	pl.Y.Label.Text = "average stock on hand (units, all series)"
	// The range where the policies compete: the baselines' tails (far more
	// stock for the last points of fill rate) would flatten the rest.
	most := 0.0
	for _, r := range ours {
		most = math.Max(most, r.AvgInventoryUnits)
	}
	line := func(rs []replenish.SimResult, c color.Color, name string, dots bool) error {
		pts := make(plotter.XYs, 0, len(rs))
		for _, r := range rs {
			if r.FillRate < 0.85 || r.AvgInventoryUnits > 2.5*most {
				continue
			}
			pts = append(pts, plotter.XY{X: 100 * r.FillRate, Y: r.AvgInventoryUnits})
		}
		l, s, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		l.Color, s.Color = c, c
		l.Width = vg.Points(2)
		if !dots {
			s.Radius = 0
		}
		pl.Add(l, s)
		pl.Legend.Add(name, l)
		return nil
	}
	if err := line(ours, color.RGBA{R: 8, G: 48, B: 107, A: 255}, "order-up-to from forecasts (targets 85-99%)", true); err != nil {
		return err
	}
	if err := line(covers, color.RGBA{R: 203, G: 24, B: 29, A: 255}, "weeks of cover (8-30 days)", false); err != nil {
		return err
	}
	if err := line(minmax, color.RGBA{R: 84, G: 39, B: 143, A: 255}, "ERP min / max (0-20 safety days)", false); err != nil {
		return err
	}
	pl.Legend.Top, pl.Legend.Left = true, true
	return pl.Save(9*vg.Inch, 5*vg.Inch, path)
}

func normPDF(z float64) float64 { return math.Exp(-z*z/2) / math.Sqrt(2*math.Pi) }
func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
