// Command omnichannel replays the synthetic retailer's store and instant
// delivery demand against one pool of store stock, and its online orders
// through the fulfilment rules to the online point and the stores that
// ship them, and writes README.md and a chart into its folder:
//
//	go run ./notebooks/omnichannel
//
// At every store that sells both channels, each SKU starts each day of
// the 28-day horizon with the same stock under three policies: separate
// pools (the stock split between the channels in proportion to their
// forecast), one pool with no rules (first come, first served), and one
// pool where the store channel may promise only what atp.Plan leaves it
// (the units kept for instant delivery, whose lost sale costs more). The
// day's demand is the horizon's true sales (truth/future_sales.csv), its
// units arriving in a random order; the plans see only the true means and
// the products' true dispersion (truth/), as a forecast would at best.
package main

import (
	"context"
	"encoding/csv"
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
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/planner-engine/planner/atp"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/dist"
	"github.com/planner-engine/planner/internal/fsutil"
)

// The cost of a lost sale in each channel, per unit of the product's
// margin: a walk-in customer who finds the shelf empty is lost, while an
// instant order earns its margin less picking and delivery.
const (
	storeLostSale   = 1.0
	instantLostSale = 0.6
)

// arrivals are the orders in which a day's demand meets the shelf: the
// instant orders promised and picked before the walk-in customers shop
// (what the day's available-to-promise is for), or the two channels'
// units interleaved at random (the worst case for a fence fixed for the
// day).
var arrivalOrders = []string{"instant orders first", "interleaved"}

// sensitivity are the costs of a lost instant order, as a share of the
// margin, whose fence the report compares.
var sensitivity = []float64{0.9, 0.6, 0.3}

// stockLevels are the service levels of the pooled demand that set each
// day's stock: from short to ample.
var stockLevels = []float64{0.5, 0.7, 0.9}

// routingLevel is the quantile of its planned demand each location starts
// the day with in the replay of routed online orders.
const routingLevel = 0.9

func main() {
	out := flag.String("out", "notebooks/omnichannel", "folder for the report and its chart")
	flag.Parse()
	if err := run(context.Background(), *out); err != nil {
		log.Fatal(err)
	}
}

// key is one series' day.
type key struct{ sku, location, date string }

// day is one store-SKU-day: each channel's true mean and sales.
type day struct {
	mean, sales [2]float64 // store, instant
}

// result is one policy's totals at one stock level.
type result struct {
	demand, served, value, lost float64
}

func (r result) fill() float64 { return r.served / r.demand }

func run(ctx context.Context, out string) error {
	began := time.Now()
	dir, err := os.MkdirTemp("", "omnichannel-study")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := synth.Config{Stores: 20, SKUs: 150, Days: 120, Horizon: 28, Seed: 11}
	res, err := synth.Generate(ctx, dir, cfg, nil)
	if err != nil {
		return err
	}
	days := map[key]*day{}
	channel := map[string]int{synth.ChannelStore: 0, synth.ChannelInstant: 1}
	err = eachRow(filepath.Join(dir, "truth", "future_sales.csv"), func(col map[string]int, rec []string) error {
		c, ok := channel[rec[col["channel"]]]
		if !ok {
			return nil
		}
		k := key{rec[col["sku"]], rec[col["location"]], rec[col["date"]]}
		if days[k] == nil {
			days[k] = &day{}
		}
		q, err := strconv.ParseFloat(rec[col["qty"]], 64)
		days[k].sales[c] = q
		return err
	})
	if err != nil {
		return err
	}
	err = eachRow(filepath.Join(dir, "truth", "demand.csv"), func(col map[string]int, rec []string) error {
		c, ok := channel[rec[col["channel"]]]
		d := days[key{rec[col["sku"]], rec[col["location"]], rec[col["date"]]}]
		if !ok || d == nil {
			return nil // history, or another channel
		}
		m, err := strconv.ParseFloat(rec[col["mean"]], 64)
		d.mean[c] = m
		return err
	})
	if err != nil {
		return err
	}
	dispersion, margin := map[string]float64{}, map[string]float64{}
	if err := eachRow(filepath.Join(dir, "truth", "products.csv"), func(col map[string]int, rec []string) error {
		v, err := strconv.ParseFloat(rec[col["dispersion"]], 64)
		dispersion[rec[col["sku"]]] = v
		return err
	}); err != nil {
		return err
	}
	if err := eachRow(res.Files["products"], func(col map[string]int, rec []string) error {
		price, err1 := strconv.ParseFloat(rec[col["unit_price"]], 64)
		cost, err2 := strconv.ParseFloat(rec[col["unit_cost"]], 64)
		margin[rec[col["sku"]]] = price - cost
		if err1 != nil {
			return err1
		}
		return err2
	}); err != nil {
		return err
	}
	// Only the store-SKU-days where both channels sell from the shelf.
	var keys []key
	for k, d := range days {
		if d.mean[0] > 0 && d.mean[1] > 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(a, b int) bool {
		x, y := keys[a], keys[b]
		if x.sku != y.sku {
			return x.sku < y.sku
		}
		if x.location != y.location {
			return x.location < y.location
		}
		return x.date < y.date
	})
	names := []string{"separate pools", "one pool, no rules", "one pool, ring-fenced"}
	sim := &simulation{keys: keys, days: days, dispersion: dispersion, margin: margin, seed: uint64(cfg.Seed)}
	results, err := sim.run(instantLostSale)
	if err != nil {
		return err
	}
	// How the fence's worth moves with what a lost instant order costs.
	var costs []float64
	var gains [][]float64 // by cost, by stock level: fence vs no rules, instant orders first
	for _, c := range sensitivity {
		r, err := sim.run(c)
		if err != nil {
			return err
		}
		g := make([]float64, len(stockLevels))
		for li := range stockLevels {
			g[li] = r[0][li][2].value/r[0][li][1].value - 1
		}
		costs, gains = append(costs, c), append(gains, g)
	}
	routed, err := routing(dir, dispersion, margin, uint64(cfg.Seed), routingLevel)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := chart(filepath.Join(out, "pooling.png"), names, results[0]); err != nil {
		return err
	}
	return fsutil.WriteFile(filepath.Join(out, "README.md"), func(w io.Writer) error {
		fmt.Fprintf(w, "# One pool of stock across channels\n\n")
		fmt.Fprintf(w, "Generated by `go run ./notebooks/omnichannel` on %s in %.0f s.\n\n", time.Now().UTC().Format("2006-01-02"), time.Since(began).Seconds())
		fmt.Fprintf(w, "The synthetic retailer (`synth.Config{Stores: %d, SKUs: %d, Days: %d, Horizon: %d, Seed: %d}`): "+
			"the %d store-SKU-days of the 28-day horizon where walk-in customers and instant delivery both sell from the store's shelf. "+
			"Each day starts with the same stock under every policy: the %s quantile of the two channels' pooled demand. "+
			"The demand is the horizon's true sales; the plans see only the true means and dispersion, as the best forecast would. "+
			"A lost walk-in sale costs the product's margin; a lost instant order %.0f%% of it (the margin left after picking and delivery).\n\n",
			cfg.Stores, cfg.SKUs, cfg.Days, cfg.Horizon, cfg.Seed, len(keys), levelsText(), 100*instantLostSale)
		fmt.Fprintf(w, "- **Separate pools**: the stock split between the channels in proportion to their mean demand; a channel sells only its part.\n")
		fmt.Fprintf(w, "- **One pool, no rules**: either channel takes any unit while there is one.\n")
		fmt.Fprintf(w, "- **One pool, ring-fenced**: one pool, but instant delivery may promise only what `atp.Plan` leaves it: the stock less the units kept for walk-in customers (Littlewood's rule on their demand).\n\n")
		fmt.Fprintf(w, "Two orders of the day's demand: the instant orders promised and picked before the walk-ins shop (the case a day's available-to-promise is for), and both channels' units interleaved at random (the worst case for a fence fixed for the whole day).\n\n")
		fmt.Fprintf(w, "| Demand order | Stock (pooled quantile) | Policy | Fill | Margin earned | Margin lost |\n|---|---|---|---|---|---|\n")
		for ai, order := range arrivalOrders {
			for li, level := range stockLevels {
				for p, name := range names {
					r := results[ai][li][p]
					fmt.Fprintf(w, "| %s | %.1f | %s | %.1f%% | %.0f | %.0f |\n", order, level, name, 100*r.fill(), r.value, r.lost)
				}
			}
		}
		fmt.Fprintf(w, "\n![Margin by policy](pooling.png)\n\n")
		for ai, order := range arrivalOrders {
			for li, level := range stockLevels {
				sep, pool, fenced := results[ai][li][0], results[ai][li][1], results[ai][li][2]
				fmt.Fprintf(w, "- %s, stock at the %.1f quantile: ring-fenced one pool fills %+.1f points against separate pools and earns %+.2f%% margin against one pool without rules.\n",
					order, level, 100*(fenced.fill()-sep.fill()), 100*(fenced.value/pool.value-1))
			}
		}
		fmt.Fprintf(w, "\nWhat the fence earns against one pool without rules (instant orders promised first) as the cost of a lost instant order changes:\n\n")
		fmt.Fprintf(w, "| Lost instant order, share of the margin |")
		for _, level := range stockLevels {
			fmt.Fprintf(w, " stock at the %.1f quantile |", level)
		}
		fmt.Fprintf(w, "\n|---|")
		for range stockLevels {
			fmt.Fprintf(w, "---|")
		}
		fmt.Fprintf(w, "\n")
		for ci, c := range costs {
			fmt.Fprintf(w, "| %.1f |", c)
			for li := range stockLevels {
				fmt.Fprintf(w, " %+.2f%% |", 100*gains[ci][li])
			}
			fmt.Fprintf(w, "\n")
		}
		fmt.Fprintf(w, "\nOne pool fills 3 to 5 points more than separate pools at the same stock, with or without the fence: "+
			"a unit either channel can sell is sold more often (risk pooling). The fence moves margin only when stock is short, "+
			"and only one way when the instant orders are promised before the walk-ins shop, the case Littlewood's rule is exact for: "+
			"it then keeps units for the customers whose lost sale costs more, and the wider the gap between the channels' costs, "+
			"the more it earns (4%% of the margin at tight stock when an instant order earns 30%% of a walk-in's margin). "+
			"With both channels' units interleaved, a fence "+
			"fixed for the whole day keeps units for walk-in demand that has partly passed, and gives back as much margin as it saves; "+
			"a fence that shrinks as the day's walk-in demand passes would serve that case.\n")
		writeRouting(w, routingLevel, routed)
		return nil
	})
}

// simulation is the replay's data: the store-SKU-days both channels sell
// on, each with its true means and sales, and each product's dispersion
// and margin.
type simulation struct {
	keys               []key
	days               map[key]*day
	dispersion, margin map[string]float64
	seed               uint64
}

// run replays every day under the three policies at every stock level
// and both orders of demand, with a lost instant order costing
// instantCost of the margin: results by order, stock level and policy.
func (sim *simulation) run(instantCost float64) ([][][3]result, error) {
	channels := []atp.Channel{{Name: "store", LostSale: storeLostSale}, {Name: "instant", LostSale: instantCost}}
	results := make([][][3]result, len(arrivalOrders))
	for ai := range arrivalOrders {
		results[ai] = make([][3]result, len(stockLevels))
	}
	for li, level := range stockLevels {
		for _, k := range sim.keys {
			d := sim.days[k]
			variance := func(m float64) float64 { return m + m*m/sim.dispersion[k.sku] }
			pooled, err := dist.NewDemand(d.mean[0]+d.mean[1], variance(d.mean[0])+variance(d.mean[1]))
			if err != nil {
				return nil, err
			}
			stock := pooled.Quantile(level)
			lines, _, err := atp.Plan([]atp.Position{{SKU: k.sku, Location: k.location, Stock: stock,
				Demand: []atp.Demand{{Mean: d.mean[0], Variance: variance(d.mean[0])}, {Mean: d.mean[1], Variance: variance(d.mean[1])}}}}, channels)
			if err != nil {
				return nil, err
			}
			// Instant's units, then the walk-ins'; or both in a random order,
			// the same for every policy.
			first := make([]int, 0, int(d.sales[0]+d.sales[1]))
			for _, c := range []int{1, 0} {
				for range int(d.sales[c]) {
					first = append(first, c)
				}
			}
			rng := rand.New(rand.NewPCG(sim.seed, seedOf(k)))
			mixed := append([]int{}, first...)
			rng.Shuffle(len(mixed), func(i, j int) { mixed[i], mixed[j] = mixed[j], mixed[i] })
			worth := [2]float64{sim.margin[k.sku] * storeLostSale, sim.margin[k.sku] * instantCost}
			share := split(stock, d.mean)
			limits := [3][2]float64{share, {stock, stock}, {lines[0].Promise, lines[1].Promise}}
			for ai, arrivals := range [][]int{first, mixed} {
				for p := range 3 {
					left, taken := stock, [2]float64{}
					r := &results[ai][li][p]
					for _, c := range arrivals {
						r.demand++
						ok := left > 0 && taken[c] < limits[p][c]
						if p == 0 {
							ok = taken[c] < share[c] // each channel its own shelf
						}
						if ok {
							left--
							taken[c]++
							r.served++
							r.value += worth[c]
						} else {
							r.lost += worth[c]
						}
					}
				}
			}
		}
	}
	return results, nil
}

// split divides the stock between the channels in proportion to their
// means, by largest remainder.
func split(stock float64, mean [2]float64) [2]float64 {
	total := mean[0] + mean[1]
	a := stock * mean[0] / total
	out := [2]float64{math.Floor(a), math.Floor(stock - a)}
	if out[0]+out[1] < stock {
		if a-out[0] >= (stock-a)-out[1] {
			out[0]++
		} else {
			out[1]++
		}
	}
	return out
}

func seedOf(k key) uint64 {
	var h uint64 = 14695981039346656037
	for _, s := range []string{k.sku, k.location, k.date} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
	}
	return h
}

func levelsText() string {
	s := ""
	for i, l := range stockLevels {
		if i > 0 {
			s += ", "
		}
		s += strconv.FormatFloat(l, 'f', 1, 64)
	}
	return s
}

// eachRow calls fn on every record of a CSV file after its header.
func eachRow(path string, fn func(col map[string]int, rec []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(col, rec); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
}

// chart draws each policy's fill and margin at each stock level.
func chart(path string, names []string, results [][3]result) error {
	p := plot.New()
	p.Title.Text = "Margin earned, relative to separate pools (instant orders promised first)"
	p.Y.Label.Text = "margin / separate pools' margin"
	colors := []color.RGBA{{R: 189, G: 189, B: 189, A: 255}, {R: 107, G: 174, B: 214, A: 255}, {R: 49, G: 130, B: 189, A: 255}}
	w := vg.Points(18)
	for pi, name := range names {
		vals := make(plotter.Values, len(results))
		for li := range results {
			vals[li] = results[li][pi].value / results[li][0].value
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return err
		}
		bars.Color = colors[pi]
		bars.LineStyle.Width = 0
		bars.Offset = w * vg.Length(pi-1)
		p.Add(bars)
		p.Legend.Add(name, bars)
	}
	labels := make([]string, len(stockLevels))
	for i, l := range stockLevels {
		labels[i] = fmt.Sprintf("stock at the %.1f quantile", l)
	}
	p.NominalX(labels...)
	p.Legend.Top = true
	p.Legend.Left = true
	top := 1.0
	for _, r := range results {
		for _, x := range r {
			top = math.Max(top, x.value/r[0].value)
		}
	}
	p.Y.Min, p.Y.Max = 0.95, top+0.03
	return p.Save(8*vg.Inch, 4*vg.Inch, path)
}
