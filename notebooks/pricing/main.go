// Command pricing studies the price-elasticity estimates and the price
// and markdown recommendations, and writes README.md and the demand-curve
// charts into its folder:
//
//	go run ./notebooks/pricing -data ../shared/data -out notebooks/pricing
//
// Three parts: a synthetic retailer whose true elasticities are known
// (planner datasets synth --stores 8 --skus 300 --days 730 --seed 7),
// scored on the error of the estimates and on the profit of the
// recommended prices against an oracle that prices with the true demand
// curves; markdowns on end-of-season cases, replayed against random demand
// and compared with every fixed discount; and dunnhumby's weekly sales,
// with the last 26 weeks held out to see whether the price model predicts
// units better than the same model without prices and promotions.
package main

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"io"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

func main() {
	data := flag.String("data", "../shared/data", "the shared data folder (dunnhumby)")
	out := flag.String("out", "notebooks/pricing", "folder for the report and its charts")
	flag.Parse()
	s := &study{ctx: context.Background(), data: *data, out: *out}
	if err := s.run(); err != nil {
		log.Fatal(err)
	}
}

type study struct {
	ctx       context.Context
	data, out string
	md        strings.Builder
}

func (s *study) printf(format string, a ...any) { fmt.Fprintf(&s.md, format, a...) }

func (s *study) run() error {
	began := time.Now()
	s.printf("# Pricing: elasticities, prices and markdowns\n\n")
	s.printf("Reproduce with `go run ./notebooks/pricing -data ../shared/data -out notebooks/pricing` (also `make studies`).\n\n")
	if err := s.synthetic(); err != nil {
		return err
	}
	if err := s.markdowns(); err != nil {
		return err
	}
	if err := s.dunnhumby(); err != nil {
		return err
	}
	s.printf("---\nThe study took %s on this machine.\n", time.Since(began).Round(time.Second))
	return fsutil.WriteFile(filepath.Join(s.out, "README.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, s.md.String())
		return err
	})
}

// load reads files into an in-memory database.
func (s *study) load(byTable map[string]string, mapping string) (*datasets.Store, error) {
	store, err := datasets.Open(s.ctx, "", nil)
	if err != nil {
		return nil, err
	}
	m := files.Mapping{}
	if mapping != "" {
		if m, err = files.ParseMapping(mapping); err != nil {
			return nil, err
		}
	}
	if _, err := store.Load(s.ctx, datasets.LoadOptions{Files: byTable, Map: m}); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

func median(v []float64) float64 {
	c := append([]float64(nil), v...)
	sort.Float64s(c)
	if len(c) == 0 {
		return math.NaN()
	}
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

// synthetic scores the estimates and the everyday prices on a retailer
// whose true elasticities are known.
func (s *study) synthetic() error {
	dir, err := os.MkdirTemp("", "pricing-study")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := synth.Config{Stores: 8, SKUs: 300, Days: 730, Seed: 7}
	res, err := synth.Generate(s.ctx, dir, cfg, nil)
	if err != nil {
		return err
	}
	byTable := map[string]string{}
	for _, t := range []string{"sales", "products", "events", "inventory", "locations"} {
		byTable[t] = res.Files[t]
	}
	store, err := s.load(byTable, "")
	if err != nil {
		return err
	}
	defer store.Close()
	truth, err := readTruth(filepath.Join(dir, "truth", "products.csv"))
	if err != nil {
		return err
	}
	s.printf("## Synthetic retailer with known elasticities\n\n")
	s.printf("`planner datasets synth --stores %d --skus %d --days %d --seed %d`: %d series over two years, daily sales drawn "+
		"around a mean that multiplies the product's true constant elasticity with trend, yearly season, weekday, events, "+
		"feature and display lifts, post-promotion dips and launch ramps (the generator's truth/products.csv).\n\n",
		cfg.Stores, cfg.SKUs, cfg.Days, cfg.Seed, res.Series)
	var in pricing.Input
	for _, freq := range []series.Freq{series.Daily, series.Weekly} {
		if in.History, err = store.PriceHistory(s.ctx, freq); err != nil {
			return err
		}
		if in.Products, err = store.PricingTerms(s.ctx); err != nil {
			return err
		}
		t0 := time.Now()
		out, err := pricing.Price(s.ctx, &in, nil)
		if err != nil {
			return err
		}
		if freq == series.Daily {
			s.printf("### Elasticity estimates\n\nEstimating and pricing took %s (daily model, %d location-days).\n\n",
				time.Since(t0).Round(time.Millisecond), in.History.Observations())
			s.printf("| Model | Estimate | Median abs. error | Mean abs. error | Within 2 s.e. | Products |\n|---|---|---|---|---|---|\n")
		}
		var own, used, inside []float64
		for _, e := range out.Elasticities {
			tr := truth[e.SKU]
			if !math.IsNaN(e.Own) {
				own = append(own, math.Abs(e.Own-tr))
			}
			used = append(used, math.Abs(e.Elasticity-tr))
			if math.Abs(e.Elasticity-tr) <= 2*e.StdError {
				inside = append(inside, 1)
			} else {
				inside = append(inside, 0)
			}
		}
		s.printf("| %s | own (before pooling) | %.3f | %.3f | | %d |\n", freq, median(own), mean(own), len(own))
		s.printf("| %s | used (pooled, flagged replaced) | **%.3f** | %.3f | %.0f%% | %d |\n", freq, median(used), mean(used), 100*mean(inside), len(used))
		if freq == series.Daily {
			daily := in // the oracle section prices with the daily model
			defer s.oracle(&daily, truth)
		}
	}
	s.printf("\nThe target is a median absolute error of at most 0.2. Pooling shrinks each product towards its department's " +
		"estimate by their precisions; the few flagged estimates (wrong sign, huge error) take the department's.\n\n")
	return nil
}

func mean(v []float64) float64 {
	var t float64
	for _, x := range v {
		t += x
	}
	return t / float64(len(v))
}

// oracle compares the profit of the recommended everyday prices with the
// prices an oracle that knows each product's true elasticity would pick
// under the same rules, both valued on the true demand curves.
func (s *study) oracle(in *pricing.Input, truth map[string]float64) {
	s.printf("### Profit against an oracle\n\nEvery product's everyday price, recommended from the estimates, is valued on the product's true demand curve " +
		"(expected units at the current price times (price / current)^true elasticity, over 28 days; daily model) and compared with the price an oracle " +
		"picks with the true elasticity under the same rules (the .49/.99 ladder, the largest move per run). Profit is (price - unit cost) x units.\n\n")
	s.printf("| Largest move | Profit at current prices | Recommended | Oracle | Recommended / oracle | Share of the oracle's gain | Same price as the oracle |\n|---|---|---|---|---|---|---|\n")
	for _, move := range []float64{0.10, 0.25, 0.50} {
		settings := pricing.Settings{Rules: pricing.Rules{Objective: pricing.Profit, MaxChange: move, Ladder: pricing.DefaultLadder()}}
		out, err := pricing.Price(s.ctx, in, &settings)
		if err != nil {
			s.printf("| %.0f%% | failed: %v |\n", 100*move, err)
			continue
		}
		var items []pricing.Item
		var ours []float64
		for _, l := range out.Lines {
			if l.Kind != pricing.KindEveryday || math.IsNaN(l.UnitCost) {
				continue
			}
			items = append(items, pricing.Item{SKU: l.SKU, Location: l.Location, Price: l.Current, Units: l.UnitsCurrent, Cost: l.UnitCost,
				Elasticity: pricing.Elasticity{Elasticity: truth[l.SKU], StdError: 0},
				Size:       math.NaN(), MinPrice: math.NaN(), MaxPrice: math.NaN()})
			ours = append(ours, l.New)
		}
		oracle := pricing.Recommend(items, &settings.Rules)
		var base, got, best float64
		same := 0
		for i, it := range items {
			profit := func(p float64) float64 {
				return (p - it.Cost) * it.Units * math.Pow(p/it.Price, truth[it.SKU])
			}
			base += profit(it.Price)
			got += profit(ours[i])
			best += profit(oracle[i].New)
			if math.Abs(ours[i]-oracle[i].New) < 1e-9 {
				same++
			}
		}
		gain := math.NaN()
		if best > base {
			gain = (got - base) / (best - base)
		}
		s.printf("| %.0f%% | %.0f | %.0f | %.0f | **%.2f%%** | %.0f%% | %d of %d |\n", 100*move, base, got, best, 100*got/best, 100*gain, same, len(items))
	}
	s.printf("\nThe target is at least 97%% of the oracle's profit. The share of the oracle's gain is the stricter view: of the profit the oracle adds " +
		"to today's prices, how much the recommendations add. Products the run marked down (overstock, ending) are left out of both.\n\n")
}

// readTruth reads the true elasticities of the synthetic products.
func readTruth(path string) (map[string]float64, error) {
	t, err := files.ReadCSVTable(path, "sku", "elasticity")
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for i := 0; i < t.Len(); i++ {
		v, err := t.Number(i, "elasticity", math.NaN(), math.Inf(-1))
		if err != nil {
			return nil, err
		}
		out[t.String(i, "sku")] = v
	}
	return out, nil
}

// markdowns replays end-of-season cases against random demand.
func (s *study) markdowns() error {
	s.printf("## Markdowns at the end of a season\n\n")
	s.printf("A seasonal line at 29.99 with 8 weeks left and demand fading (120 units in the first week down to 35 in the last at the regular price), " +
		"3.00 salvage per unit left. Each case is replayed 500 times against negative-binomial demand (gamma-Poisson, shape 4) around the true " +
		"curve. The markdown plan is rerun every week from the stock actually left (what `planner price` does night after night); each fixed " +
		"discount holds one price all season. Same demand draws for every policy. The plan's dynamic programme draws demand as dispersed as the replay's (variance-to-mean ratio 1 + mean / 4, what a fit of the season's sales would measure).\n\n")
	s.printf("| Elasticity | Stock | Markdown plan (revenue + salvage) | Best fixed discount | Its revenue + salvage | Plan / best fixed |\n|---|---|---|---|---|---|\n")
	rules := pricing.DefaultMarkdownRules()
	for _, e := range []float64{-1.5, -2.2, -3.0} {
		for _, stock := range []float64{500, 900, 1400} {
			it := pricing.MarkdownItem{SKU: "SWIM", Location: "*", Regular: 29.99, Current: 29.99, Stock: stock, Salvage: 3,
				Demand: []float64{120, 110, 95, 85, 70, 60, 45, 35}, Elasticity: e}
			// The variance-to-mean ratio a weekly fit of this demand would
			// find: 1 + mean / shape for gamma-Poisson demand.
			it.Dispersion = 1 + mean(it.Demand)/4
			dyn, err := replay(it, 500, func(week int, left, current float64) (float64, error) {
				now := it
				now.Stock, now.Current, now.Demand = left, current, it.Demand[week:]
				plan, err := pricing.PlanMarkdown(now, &rules)
				if err != nil {
					return 0, err
				}
				return plan.Prices[0], nil
			})
			if err != nil {
				return err
			}
			best, bestD := math.Inf(-1), 0.0
			for _, d := range append([]float64{0}, rules.Discounts...) {
				price := it.Regular
				if d > 0 {
					price = rules.Ladder.Below(it.Regular * (1 - d))
				}
				v, _ := replay(it, 500, func(int, float64, float64) (float64, error) { return price, nil })
				if v > best {
					best, bestD = v, d
				}
			}
			s.printf("| %.1f | %.0f | %.0f | %.0f%% off | %.0f | **%.1f%%** |\n", e, stock, dyn, 100*bestD, best, 100*dyn/best)
		}
	}
	s.printf("\nThe target is at least the revenue of the best single fixed discount. The best fixed discount is chosen with hindsight " +
		"over the same draws; the plan is not.\n\n")
	return nil
}

// replay returns the mean revenue plus salvage of a pricing policy over
// runs random seasons.
func replay(it pricing.MarkdownItem, runs int, policy func(week int, left, current float64) (float64, error)) (float64, error) {
	var total float64
	for r := 0; r < runs; r++ {
		rng := rand.New(rand.NewPCG(uint64(r), 11))
		left, current, v := it.Stock, it.Current, 0.0
		for week := range it.Demand {
			p, err := policy(week, left, current)
			if err != nil {
				return 0, err
			}
			current = p
			m := it.Demand[week] * math.Pow(p/it.Regular, it.Elasticity)
			lambda := distuv.Gamma{Alpha: 4, Beta: 4 / m, Src: rng}.Rand()
			sold := math.Min(distuv.Poisson{Lambda: lambda, Src: rng}.Rand(), left)
			left -= sold
			v += p * sold
		}
		total += v + left*it.Salvage
	}
	return total / float64(runs), nil
}

// dunnhumby estimates every product's elasticity on the weekly data and
// checks the price model's predictions on the last 26 weeks.
func (s *study) dunnhumby() error {
	dir := filepath.Join(s.data, "dunnhumby")
	if _, err := os.Stat(filepath.Join(dir, "transaction.csv.gz")); err != nil {
		s.printf("## dunnhumby\n\nSkipped: %s is not here.\n\n", dir)
		return nil
	}
	store, err := s.load(map[string]string{"sales": filepath.Join(dir, "transaction.csv.gz"), "products": filepath.Join(dir, "product.csv")},
		"sku=upc_id,location=store_id,qty=units,date=week_end_date,promo=tpr_only,products.name=description,"+
			"products.department=sub_category,products.brand=manufacturer")
	if err != nil {
		return err
	}
	defer store.Close()
	h, err := store.PriceHistory(s.ctx, series.Weekly)
	if err != nil {
		return err
	}
	master, err := store.PricingTerms(s.ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	if err := eachName(store, names); err != nil {
		return err
	}
	last := 0
	for _, ps := range h.Series {
		for _, o := range ps.Obs {
			last = max(last, o.Period)
		}
	}
	cut := last - 26 // periods after cut are held out
	train := &series.PriceHistory{Freq: h.Freq, Start: h.Start, End: h.Freq.Add(h.Start, cut+1) - 1, Rows: h.Rows}
	type heldOut struct {
		sku, location string
		obs           series.PriceObservation
	}
	var test []heldOut
	for _, ps := range h.Series {
		tr := series.PriceSeries{SKU: ps.SKU, Location: ps.Location}
		for _, o := range ps.Obs {
			if o.Period <= cut {
				tr.Obs = append(tr.Obs, o)
			} else {
				test = append(test, heldOut{ps.SKU, ps.Location, o})
			}
		}
		if len(tr.Obs) > 0 {
			train.Series = append(train.Series, tr)
		}
	}
	s.printf("## dunnhumby\n\n%d store-product-weeks of 28 products in 77 stores (price paid, base price, feature, display, "+
		"temporary price reduction). Weekly model, one effect per store, pooled by sub-category.\n\n", h.Observations())

	// Out of sample: fit on all but the last 26 weeks, predict them with
	// their actual prices and promotions, with and without the drivers.
	full, err := pricing.Price(s.ctx, &pricing.Input{History: h, Products: master}, nil)
	if err != nil {
		return err
	}
	s.printf("### Out of sample: the last 26 weeks\n\n")
	s.printf("| Model | WAPE | RMSE | MAE | Bias | Products better |\n|---|---|---|---|---|---|\n")
	preds := map[bool][]float64{}
	products := pricing.GroupHistory(train, master, false)
	for _, without := range []bool{false, true} {
		fits, err := pricing.Estimate(s.ctx, pricing.Calendar{Freq: h.Freq, Start: h.Start}, products, &pricing.EstimateOptions{WithoutDrivers: without})
		if err != nil {
			return err
		}
		bySKU := map[string]int{}
		for i, p := range products {
			bySKU[p.SKU] = i
		}
		pred := make([]float64, len(test))
		for k, held := range test {
			i, ok := bySKU[held.sku]
			if !ok {
				continue
			}
			o := held.obs
			l := indexOf(products[i].Locations, held.location)
			pred[k] = fits[i].Predict(pricing.Observation{Location: l, Period: o.Period, Paid: o.Paid, Regular: o.Regular,
				Promo: o.Promo, Feature: o.Feature, Display: o.Display, Event: o.Event})
		}
		preds[without] = pred
	}
	perProduct := map[string][2]float64{}
	for k, held := range test {
		e := perProduct[held.sku]
		e[0] += math.Abs(held.obs.Units - preds[false][k])
		e[1] += math.Abs(held.obs.Units - preds[true][k])
		perProduct[held.sku] = e
	}
	better := 0
	for _, e := range perProduct {
		if e[0] < e[1] {
			better++
		}
	}
	for _, without := range []bool{false, true} {
		var abs, sq, sum, bias float64
		for k, held := range test {
			d := preds[without][k] - held.obs.Units
			abs += math.Abs(d)
			sq += d * d
			sum += held.obs.Units
			bias += d
		}
		n := float64(len(test))
		label, wins := "price model (price, discount, feature, display, TPR)", fmt.Sprintf("%d of %d", better, len(perProduct))
		if without {
			label, wins = "same model without price and promotions", fmt.Sprintf("%d of %d", len(perProduct)-better, len(perProduct))
		}
		s.printf("| %s | %.3f | %.2f | %.2f | %+.3f | %s |\n", label, abs/sum, math.Sqrt(sq/n), abs/n, bias/sum, wins)
	}
	s.printf("\nWAPE is the absolute error over the units sold, bias the signed error over the units; predictions use each week's actual " +
		"prices and promotions (what a planned price or promotion would be).\n\n")

	s.printf("### Elasticities of every product (all weeks)\n\n| UPC | Product | Sub-category | Own estimate | Used | Std. error | Method | Flag | Promo elasticity | Feature lift | Display lift |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	for i, e := range full.Elasticities {
		f := &full.Fits[i]
		s.printf("| %s | %s | %s | %.2f ± %.2f | **%.2f** | %.2f | %s | %s | %.2f | %.2f | %.2f |\n", e.SKU, names[e.SKU], e.Group, e.Own, e.OwnStdError,
			e.Elasticity, e.StdError, e.Method, e.Flag, f.PromoElasticity, f.FeatureLift, f.DisplayLift)
	}
	s.printf("\n")
	return s.curves(h, master, full, names)
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func eachName(store *datasets.Store, names map[string]string) error {
	rows, err := store.DB().Query(`SELECT sku, coalesce(name, '') FROM products`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sku, name string
		if err := rows.Scan(&sku, &name); err != nil {
			return err
		}
		names[sku] = name
	}
	return rows.Err()
}

// curves plots the demand curves of the four products whose price moved
// most: each store-week's units over the store's mean units against the
// price paid (promotion weeks apart), and the fitted curve of a regular
// week, (price / median regular price)^elasticity, scaled to the mean of
// the regular weeks.
func (s *study) curves(h *series.PriceHistory, master map[string]supply.PricingTerms, full *pricing.Result, names map[string]string) error {
	products := pricing.GroupHistory(h, master, false)
	order := make([]int, len(products))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return full.Fits[order[a]].PriceSD > full.Fits[order[b]].PriceSD })
	s.printf("### Demand curves\n\nThe four products whose price moved most. Points are store-weeks (units over the store's mean), " +
		"grey at the regular price, red on promotion; the line is the fitted response to the price, scaled to the regular weeks.\n\n")
	for _, i := range order[:4] {
		p, e := &products[i], full.Elasticities[i]
		storeMean := make([]float64, len(p.Locations))
		counts := make([]float64, len(p.Locations))
		for _, ob := range p.Obs {
			storeMean[ob.Location] += ob.Units
			counts[ob.Location]++
		}
		for l := range storeMean {
			storeMean[l] /= math.Max(1, counts[l])
		}
		var regular, promo plotter.XYs
		var regPrices []float64
		var regMean float64
		for _, ob := range p.Obs {
			if storeMean[ob.Location] <= 0 {
				continue
			}
			pt := plotter.XY{X: ob.Paid, Y: ob.Units / storeMean[ob.Location]}
			if ob.Promo > 0 || ob.Feature > 0 || ob.Display > 0 || ob.Paid < ob.Regular*0.97 {
				promo = append(promo, pt)
			} else {
				regular = append(regular, pt)
				regPrices = append(regPrices, ob.Paid)
				regMean += pt.Y
			}
		}
		if len(regular) == 0 {
			continue
		}
		regMean /= float64(len(regular))
		ref := median(regPrices)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, q := range append(append(plotter.XYs{}, regular...), promo...) {
			lo, hi = math.Min(lo, q.X), math.Max(hi, q.X)
		}
		var line plotter.XYs
		for k := 0; k <= 50; k++ {
			x := lo + (hi-lo)*float64(k)/50
			line = append(line, plotter.XY{X: x, Y: regMean * math.Pow(x/ref, e.Elasticity)})
		}
		pl := plot.New()
		pl.Title.Text = fmt.Sprintf("%s %s: elasticity %.2f ± %.2f", p.SKU, names[p.SKU], e.Elasticity, e.StdError)
		pl.X.Label.Text = "price paid"
		pl.Y.Label.Text = "units / store mean"
		sr, err := plotter.NewScatter(regular)
		if err != nil {
			return err
		}
		sr.GlyphStyle.Color = color.Gray{Y: 150}
		sr.GlyphStyle.Radius = vg.Points(1.2)
		pl.Add(sr)
		if len(promo) > 0 {
			sp, err := plotter.NewScatter(promo)
			if err != nil {
				return err
			}
			sp.GlyphStyle.Color = color.RGBA{R: 200, A: 255}
			sp.GlyphStyle.Radius = vg.Points(1.2)
			pl.Add(sp)
			pl.Legend.Add("promotion", sp)
		}
		ln, err := plotter.NewLine(line)
		if err != nil {
			return err
		}
		ln.Width = vg.Points(2)
		pl.Add(ln)
		pl.Legend.Add("regular", sr)
		pl.Legend.Add("fitted curve", ln)
		pl.Legend.Top = true
		pl.Y.Max = math.Min(pl.Y.Max, 6)
		name := fmt.Sprintf("curve-%s.png", p.SKU)
		if err := pl.Save(7*vg.Inch, 4*vg.Inch, filepath.Join(s.out, name)); err != nil {
			return err
		}
		s.printf("![%s](%s)\n\n", p.SKU, name)
	}
	return nil
}
