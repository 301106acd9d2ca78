// Command production plans the synthetic retailer's factories over 13
// weeks and writes README.md and a capacity chart per factory into its
// folder:
//
//	go run ./notebooks/production
//
// The retailer is the shipped sample's (planner datasets synth --stores 8
// --skus 60 --days 730 --seed 1), generated afresh. Demand is the mean
// daily forecast (auto) of the locations each factory's DCs serve, by
// week, plus consumer pre-orders, less the network's stock; the plan is
// compared with lot-for-lot, which meets the same demand in the same
// weeks.
package main

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/production"
	"github.com/planner-engine/planner/series"
)

func main() {
	out := flag.String("out", "notebooks/production", "folder for the report and its charts")
	flag.Parse()
	if err := run(context.Background(), *out); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out string) error {
	began := time.Now()
	dir, err := os.MkdirTemp("", "production-study")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	res, err := synth.Generate(ctx, dir, synth.Config{Stores: 8, SKUs: 60, Days: 730, Seed: 1}, nil)
	if err != nil {
		return err
	}
	cfg, err := config.Load(res.Files["config"])
	if err != nil {
		return err
	}
	store, err := datasets.Open(ctx, filepath.Join(dir, "study.duckdb"), nil)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.Load(ctx, pipeline.LoadOptions(&cfg.Inputs)); err != nil {
		return err
	}
	sup, err := store.Supply(ctx)
	if err != nil {
		return err
	}
	caps, pre, err := store.Production(ctx)
	if err != nil {
		return err
	}
	const weeks = 13
	p, err := store.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily, TrimLeadingZeros: true, Drivers: true, Horizon: 7 * weeks})
	if err != nil {
		return err
	}
	model, _, err := forecast.WithDrivers(forecast.Auto{}, p, "auto")
	if err != nil {
		return err
	}
	fc, err := forecast.Run(ctx, p, forecast.Options{Horizon: 7 * weeks, Quantiles: []float64{0.1, 0.9}, Model: model})
	if err != nil {
		return err
	}
	prob, err := production.ProblemFromSnapshot(sup, caps, pre, &fc.Forecasts, production.Settings{Weeks: weeks, SetupCost: 100, HoldingRate: 0.25})
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Production\n\nMeasured by `go run ./notebooks/production` on %s; 2 cores.\n\n", time.Now().UTC().Format("2006-01-02"))
	b.WriteString("The synthetic retailer of the shipped sample (8 stores, 60 SKUs, two years of sales), generated afresh: the SKUs its two factories make reach the stores through the DCs. ")
	fmt.Fprintf(&b, "Demand is each factory SKU's mean daily forecast (`auto`, with prices and promotions) over the locations its DCs serve, added up by week for %d weeks from the first forecast day, plus the consumer pre-orders due each week, less the network's stock and open orders above each location's safety stock (95%% service over its lane's lead time and review). ", weeks)
	b.WriteString("A production run costs 100; holding a unit a week costs a quarter of its unit cost a year, over 52. Lots are whole packs. The planner's plan (`auto`: every lot sizer as a start, and the Lagrangian relaxation's priced plans where capacity binds; the cheapest capacitated plan kept) is set against lot-for-lot, which makes each week's demand in that week; both meet the same demand in the same weeks, so service is equal.\n\n")
	b.WriteString("| Factory | Products | Plan: setups | Plan: mean stock | Plan: cost | Lot-for-lot: setups | Lot-for-lot: mean stock | Lot-for-lot: cost | Lot-for-lot: weeks over capacity | Shortfall | Late | Start |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	var charts []string
	for k := range prob.Factories {
		f := &prob.Factories[k]
		plan, start, err := production.PlanFactoryBest(f)
		if err != nil {
			return err
		}
		// Lot-for-lot as a planner would run it: each week's demand, in
		// whole packs, no merging. Its cost is priced on the lots as made.
		lflCost, lflStock := production.PlanCost{}, 0.0
		lflLoad := make([]float64, len(prob.Periods))
		for _, pr := range f.Products {
			lots := lotForLotPacks(pr)
			c := production.CostOf(lots, pr.Demand, pr.Costs)
			lflCost.Setups += c.Setups
			lflCost.All += c.All
			lflStock += meanStock(lots, pr.Demand)
			cpu := pr.CapacityPerUnit
			if cpu == 0 {
				cpu = 1
			}
			for t, q := range lots {
				lflLoad[t] += q * cpu
			}
		}
		over := 0
		for t, l := range lflLoad {
			if l > f.Capacity[t]+1e-9 {
				over++
			}
		}
		stock := 0.0
		for i, pr := range f.Products {
			stock += meanStock(plan.Lots[i], pr.Demand)
		}
		short, late := 0.0, 0.0
		for _, s := range plan.Shortfalls {
			short += s.Qty
		}
		for _, s := range plan.Late {
			late += s.Qty
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %.0f | %.0f | %d | %.0f | %.0f | %d | %.0f | %.0f | %s |\n", f.Name, len(f.Products), plan.Cost.Setups, stock, plan.Cost.All,
			lflCost.Setups, lflStock, lflCost.All, over, short, late, start)
		chart := fmt.Sprintf("capacity-%s.png", strings.ToLower(f.Name))
		if err := capacityChart(filepath.Join(out, chart), f, plan, prob.Periods); err != nil {
			return err
		}
		charts = append(charts, fmt.Sprintf("![Capacity load of %s](%s)\n", f.Name, chart))
	}
	b.WriteString("\n" + strings.Join(charts, "\n") + "\n")
	b.WriteString("Mean stock is the factory's products' units on hand at the end of each week from production, averaged over the weeks. The plan holds more stock than lot-for-lot and makes a fraction of the setups: a run costs more than holding a week of most products here. It stays within capacity every week (the charts), where lot-for-lot would need more than the factory has in the weeks counted in the table. ")
	b.WriteString("Late units would be lots due before their lane's lead time has passed; capacity relief never moves a lot there.\n\n")
	if len(prob.Exceptions) > 0 {
		b.WriteString("Exceptions: " + strings.Join(prob.Exceptions, "; ") + ".\n\n")
	}
	fmt.Fprintf(&b, "The study took %s.\n", time.Since(began).Round(time.Second))
	return fsutil.WriteFile(filepath.Join(out, "README.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// lotForLotPacks makes each week's demand that week, in whole packs, the
// extra carried.
func lotForLotPacks(p production.Product) []float64 {
	lots := make([]float64, len(p.Demand))
	stock := 0.0
	pack := p.Multiple
	if pack < 1 {
		pack = 1
	}
	for t, d := range p.Demand {
		if need := d - stock; need > 1e-9 {
			q := float64(int((need/pack)+0.999999999)) * pack
			lots[t] = q
			stock += q
		}
		stock -= d
	}
	return lots
}

func meanStock(lots, demand []float64) float64 {
	stock, sum := 0.0, 0.0
	for t := range demand {
		stock += lots[t] - demand[t]
		sum += stock
	}
	return sum / float64(len(demand))
}

// capacityChart draws a factory's weekly load against its capacity.
func capacityChart(path string, f *production.Factory, plan *production.FactoryPlan, periods []string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: capacity load by week", f.Name)
	p.Y.Label.Text = "units"
	load := make(plotter.Values, len(periods))
	copy(load, plan.Load)
	bars, err := plotter.NewBarChart(load, vg.Points(14))
	if err != nil {
		return err
	}
	bars.Color = color.RGBA{R: 107, G: 174, B: 214, A: 255}
	bars.LineStyle.Width = 0
	capPts := make(plotter.XYs, len(periods))
	for t := range periods {
		capPts[t] = plotter.XY{X: float64(t), Y: f.Capacity[t]}
	}
	line, err := plotter.NewLine(capPts)
	if err != nil {
		return err
	}
	line.Color = color.RGBA{R: 203, G: 24, B: 29, A: 255}
	line.Width = vg.Points(2)
	p.Add(bars, line)
	p.Legend.Add("planned load", bars)
	p.Legend.Add("capacity", line)
	p.Legend.Top = true
	labels := make([]string, len(periods))
	for t, s := range periods {
		labels[t] = s[5:]
	}
	p.NominalX(labels...)
	return p.Save(9*vg.Inch, 3.5*vg.Inch, path)
}
