// Command peak studies peak readiness on the synthetic retailer with
// yearly peaks (planner datasets synth --peaks), and writes README.md and
// the timeline charts into its folder:
//
//	go run ./notebooks/peak [-stores 10 -skus 300]
//
// First the event backtest: the retailer's history cut a week before a
// peak whose type it has seen twice, the next four weeks forecast with
// the peaks learned and without, scored on the peak's day, its window
// (the dips around it) and the usual days; the uplifts learned beside
// the truth. Then the peak plan under tight capacity (every DC and
// factory at 1.2 times its busiest usual week): the share of the peak
// week's true demand the stores are ready for, beside nightly
// replenishment's alone, and the load of every factory and DC against
// its capacity week by week (timeline-*.png). With -data holding
// Rossmann's sales, the Christmas peak backtested on its stores.
package main

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/notebooks/peak/study"
	"github.com/planner-engine/planner/peak"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
)

func main() {
	out := flag.String("out", "notebooks/peak", "folder for the report and its charts")
	stores := flag.Int("stores", 10, "stores of the synthetic retailer")
	skus := flag.Int("skus", 300, "products of the synthetic retailer")
	tightness := flag.Float64("tightness", 1.2, "DCs' and factories' capacity as a multiple of their busiest usual week")
	data := flag.String("data", "../shared/data", "the shared data folder (Rossmann), when present")
	flag.Parse()
	ctx := context.Background()
	base := synth.Config{Stores: *stores, SKUs: *skus, Channels: []string{synth.ChannelStore}, Seed: 21}
	var b strings.Builder
	fmt.Fprintf(&b, "# Peak readiness\n\nWritten by `go run ./notebooks/peak -stores %d -skus %d -tightness %g`.\n\n", *stores, *skus, *tightness)
	b.WriteString("The synthetic retailer with yearly peaks (`planner datasets synth --peaks`): Singles Day (11 November) and an Anniversary Sale " +
		"(18 June) lift each category's demand on the day by a known mean uplift (truth/events.csv), drawn each year around it (log-normal, spread 0.07), " +
		"with a dip over the 3 days before and the 7 after, and returns in the fortnight after. Store channel only, seed 21.\n\n")

	b.WriteString("## The event backtest\n\n")
	b.WriteString("The history ends a week before the peak; the forecast (the default `auto` models, drivers on) learns the peaks from their past occurrences " +
		"and forecasts the next four weeks, and again with `forecast.peaks: off`. Scored against the held-out sales: the weighted absolute percentage error " +
		"of the mean and the share of sales inside the 10%-90% interval (nominal 80%), on the peak's day, on the rest of its window (the dips), and on the usual days.\n\n")
	b.WriteString("| Held-out peak | Days | Series-days | WAPE, peaks learned | WAPE, peaks off | Coverage, peaks learned | Coverage, peaks off |\n|---|---|---|---|---|---|---|\n")
	fc := config.DefaultForecast()
	var effects []study.Effect
	for _, h := range []struct {
		event string
		date  series.Date
	}{{"singles_day", series.MustParseDate("2025-11-11")}, {"anniversary_sale", series.MustParseDate("2025-06-18")}} {
		began := time.Now()
		dir, err := os.MkdirTemp("", "peak-backtest")
		if err != nil {
			log.Fatal(err)
		}
		start := h.date - 365*2 - 200 // two past occurrences of the held-out type
		cfg := base
		cfg.Start = start
		retailer := study.Retailer(cfg, h.event, h.date, 7, 28)
		bt, err := study.RunBacktest(ctx, dir, retailer, h.event, h.date, fc)
		os.RemoveAll(dir)
		if err != nil {
			log.Fatal(err)
		}
		for _, row := range []struct {
			name    string
			on, off study.Scores
		}{{"the peak's day", bt.PeakDays, bt.PeakDaysOff}, {"the dips around it", bt.Window, bt.WindowOff}, {"the usual days", bt.Usual, bt.Off}} {
			fmt.Fprintf(&b, "| %s %s | %s | %d | %.3f | %.3f | %.1f%% | %.1f%% |\n", h.event, h.date, row.name, row.on.Days, row.on.WAPE, row.off.WAPE,
				100*row.on.Coverage, 100*row.off.Coverage)
		}
		if h.event == "singles_day" {
			effects = bt.Effects
		}
		log.Printf("backtest of %s: %.0fs", h.event, time.Since(began).Seconds())
	}
	b.WriteString("\n### The uplifts learned, against the truth\n\nAt the Singles Day origin (two past Singles Days, three past Anniversary Sales), the multiplier of a category's demand on the peak's day, after the category was drawn toward its event type's others, and the central 80% of a new occurrence's:\n\n")
	b.WriteString("| Event | Category | Past occurrences | Truth | Learned | Error | 80% of a new occurrence |\n|---|---|---|---|---|---|---|\n")
	for _, e := range effects {
		fmt.Fprintf(&b, "| %s | %s | %d | %.2f | %.2f | %+.1f%% | %.2f to %.2f |\n", e.Type, e.Category, e.Past, e.Truth, e.Estimate, 100*(e.Estimate/e.Truth-1), e.Low, e.High)
	}

	b.WriteString("\n## The peak plan under tight capacity\n\n")
	began := time.Now()
	dir, err := os.MkdirTemp("", "peak-plan")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	date := series.MustParseDate("2025-11-11")
	retailer := study.Retailer(base, "singles_day", date, 42, 60)
	st, err := study.RunPlan(ctx, dir, retailer, fc, config.DefaultPeak(), *tightness)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("plan: %.0fs", time.Since(began).Seconds())
	sum := st.Result.Summary()
	fmt.Fprintf(&b, "The history ends six weeks before Singles Day 2025; the forecast runs through the peak's week, every DC's throughput and every factory's capacity is cut to %g times its busiest usual week before the peak, and the peak is planned as the nightly `peak` stage does (service 0.95). The stores' readiness is scored on the peak week's true sales (truth/future_sales.csv): each store and product serves the smaller of its sales and its stock ready for the peak.\n\n", *tightness)
	b.WriteString("| Plan | Share of the peak week's true demand served | Units short at the service level |\n|---|---|---|\n")
	var short float64
	for _, s := range st.Result.Plan.Shortfalls {
		short += s.Qty
	}
	fmt.Fprintf(&b, "| Peak plan: made ahead and pre-positioned over %d weeks | **%.1f%%** | %.0f |\n", len(st.Result.Plan.Buckets)-1, 100*st.Served, short)
	fmt.Fprintf(&b, "| Nightly replenishment alone (the peak's stock moved in the week before it) | %.1f%% | %.0f |\n\n", 100*st.ServedNoPreBuild, sum.Target-sum.NightlyOnly)
	fmt.Fprintf(&b, "The plan made %.0f units ahead in the factories and moved %.0f to the stores. Places over capacity in any week: %d (every factory's, DC's and store's load is checked week by week; `TestThePeakPlanServesThePeakWithinCapacity` checks it on a smaller retailer).\n\n", sum.Made, sum.Moved, len(st.Exceeded))
	b.WriteString("### Timeline\n\nEach factory's production and each DC's shipments (the usual flow and the peak's), against capacity, week by week up to the week before the peak, with the peak plan and with nightly replenishment alone:\n\n")
	for _, kind := range []string{"factory", "dc_out"} {
		name := "timeline-" + kind + ".png"
		if err := timeline(filepath.Join(*out, name), st.Result.Plan, st.Result.NoPreBuild, kind); err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(&b, "![%s](%s)\n\n", kind, name)
	}
	if _, err := os.Stat(filepath.Join(*data, "rossmann", "train.csv.gz")); err == nil {
		began := time.Now()
		if err := rossmann(ctx, *data, &b); err != nil {
			log.Fatal(err)
		}
		log.Printf("rossmann: %.0fs", time.Since(began).Seconds())
	}
	if err := os.WriteFile(filepath.Join(*out, "README.md"), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

// timeline draws, for the places of kind, the plan's load (usual and
// peak), nightly replenishment's alone, and the capacity, by week.
func timeline(path string, plan, nightly *peak.Result, kind string) error {
	var places []string
	for _, l := range plan.Loads {
		if l.Kind == kind && !slices.Contains(places, l.Place) {
			places = append(places, l.Place)
		}
	}
	p := plot.New()
	p.Title.Text = map[string]string{"factory": "Factories: production by week", "dc_out": "DCs: shipments by week"}[kind]
	p.X.Label.Text = "weeks before the peak (-1: the week before it)"
	p.Y.Label.Text = "units"
	weeks := len(plan.Buckets)
	palette := []color.RGBA{{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255}, {148, 103, 189, 255}, {140, 86, 75, 255}}
	for i, place := range places {
		c := palette[i%len(palette)]
		line := func(r *peak.Result, value func(peak.Load) float64) plotter.XYs {
			var pts plotter.XYs
			for _, l := range r.Loads {
				if l.Kind == kind && l.Place == place && !r.Buckets[l.Bucket].Event {
					pts = append(pts, plotter.XY{X: float64(l.Bucket - weeks + 1), Y: value(l)})
				}
			}
			return pts
		}
		for k, s := range []struct {
			label string
			pts   plotter.XYs
			dash  []vg.Length
			width vg.Length
		}{
			{place + " capacity", line(plan, func(l peak.Load) float64 { return l.Capacity }), []vg.Length{vg.Points(2), vg.Points(2)}, 1},
			{place + " with the peak plan", line(plan, func(l peak.Load) float64 { return l.Usual + l.Peak }), nil, 2},
			{place + " nightly only", line(nightly, func(l peak.Load) float64 { return l.Usual + l.Peak }), []vg.Length{vg.Points(6), vg.Points(3)}, 1},
		} {
			l, err := plotter.NewLine(s.pts)
			if err != nil {
				return err
			}
			l.Color, l.Dashes, l.Width = c, s.dash, vg.Points(float64(s.width))
			p.Add(l)
			if i < 3 || k == 0 {
				p.Legend.Add(s.label, l)
			}
		}
	}
	p.Legend.Top = true
	return p.Save(9*vg.Inch, 5*vg.Inch, path)
}
