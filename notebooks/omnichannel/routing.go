package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/planner-engine/planner/dist"
	"github.com/planner-engine/planner/fulfil"
)

// routingPolicies are the ways the replay stocks the online point and the
// stores that ship online orders.
var routingPolicies = []string{
	"no ship-from-store: every online order to the online point, planned for all of them",
	"ship-from-store, stores planned for walk-ins only",
	"ship-from-store, each location planned for its routed share (the planner)",
}

// routingResult is one policy's totals over the replay.
type routingResult struct {
	online, onlineServed, walkin, walkinServed float64
	fellThrough, stock, value                  float64
}

// routing replays the horizon's online orders through the fulfilment
// rules the synthetic retailer writes (each zone's orders to the online
// point first, up to its share, then to the zone's store), with the
// stores' walk-in customers shopping after the online orders are picked.
// Each day every location starts with the stock its plan gives: the
// level quantile of the demand it was planned for.
func routing(dir string, dispersion, margin map[string]float64, seed uint64, level float64) ([]routingResult, error) {
	zoneShare := map[string]float64{}
	if err := eachRow(filepath.Join(dir, "zones.csv"), func(col map[string]int, rec []string) error {
		v, err := strconv.ParseFloat(rec[col["online_share"]], 64)
		zoneShare[rec[col["zone"]]] = v
		return err
	}); err != nil {
		return nil, err
	}
	rules := map[string][]fulfil.Candidate{}
	if err := eachRow(filepath.Join(dir, "fulfilment.csv"), func(col map[string]int, rec []string) error {
		if rec[col["channel"]] != "online" {
			return nil
		}
		v, err := strconv.ParseFloat(rec[col["max_share"]], 64)
		z := rec[col["zone"]]
		rules[z] = append(rules[z], fulfil.Candidate{Location: rec[col["location"]], MaxShare: v}) // in rank order
		return err
	}); err != nil {
		return nil, err
	}
	zones := slices.Sorted(func(yield func(string) bool) {
		for z := range rules {
			if !yield(z) {
				return
			}
		}
	})
	// The online point's and the shipping stores' days: true means and
	// sales.
	type cell struct{ sku, location, channel, date string }
	type obs struct{ mean, sales float64 }
	days := map[cell]*obs{}
	shipping := map[string]bool{}
	for _, z := range zones {
		shipping[rules[z][len(rules[z])-1].Location] = true
	}
	keep := func(loc, ch string) bool { return (loc == "WEB" && ch == "online") || (shipping[loc] && ch == "store") }
	if err := eachRow(filepath.Join(dir, "truth", "future_sales.csv"), func(col map[string]int, rec []string) error {
		if !keep(rec[col["location"]], rec[col["channel"]]) {
			return nil
		}
		q, err := strconv.ParseFloat(rec[col["qty"]], 64)
		days[cell{rec[col["sku"]], rec[col["location"]], rec[col["channel"]], rec[col["date"]]}] = &obs{sales: q}
		return err
	}); err != nil {
		return nil, err
	}
	if err := eachRow(filepath.Join(dir, "truth", "demand.csv"), func(col map[string]int, rec []string) error {
		d := days[cell{rec[col["sku"]], rec[col["location"]], rec[col["channel"]], rec[col["date"]]}]
		if d == nil {
			return nil
		}
		m, err := strconv.ParseFloat(rec[col["mean"]], 64)
		d.mean = m
		return err
	}); err != nil {
		return nil, err
	}
	var webDays []cell
	for c := range days {
		if c.location == "WEB" {
			webDays = append(webDays, c)
		}
	}
	slices.SortFunc(webDays, func(a, b cell) int {
		if a.sku != b.sku {
			return compareStrings(a.sku, b.sku)
		}
		return compareStrings(a.date, b.date)
	})
	quantile := func(sku string, mean, variance float64) (float64, error) {
		if mean <= 0 {
			return 0, nil
		}
		d, err := dist.NewDemand(mean, variance)
		if err != nil {
			return 0, err
		}
		return d.Quantile(level), nil
	}
	results := make([]routingResult, len(routingPolicies))
	for _, wc := range webDays {
		web := days[wc]
		size := dispersion[wc.sku]
		nb := func(m float64) float64 { return m + m*m/size }
		// The day's online orders, each from a zone drawn by the zones'
		// shares: the same draw for every policy.
		rng := rand.New(rand.NewPCG(seed, seedOf(key{wc.sku, "WEB", wc.date})))
		orders := make([]float64, len(zones))
		for range int(web.sales) {
			u, acc := rng.Float64(), 0.0
			for zi, z := range zones {
				acc += zoneShare[z]
				if u < acc || zi == len(zones)-1 {
					orders[zi]++
					break
				}
			}
		}
		for p := range routingPolicies {
			r := &results[p]
			// The stock each location starts the day with.
			webPlanned := web.mean
			if p == 2 {
				webPlanned = 0
				for _, z := range zones {
					shares, _ := fulfil.Split(rules[z])
					webPlanned += zoneShare[z] * shares[0] * web.mean
				}
			}
			webStock, err := quantile(wc.sku, webPlanned, thinned(webPlanned/max(web.mean, 1e-12), web.mean, nb(web.mean)))
			if err != nil {
				return nil, err
			}
			r.stock += webStock
			for zi, z := range zones {
				store := rules[z][len(rules[z])-1].Location
				walk := days[cell{wc.sku, store, "store", wc.date}]
				if walk == nil {
					walk = &obs{}
				}
				planned, variance := walk.mean, nb(walk.mean)
				if p == 2 {
					shares, _ := fulfil.Split(rules[z])
					share := zoneShare[z] * shares[len(shares)-1]
					planned += share * web.mean
					variance += thinned(share, web.mean, nb(web.mean))
				}
				storeStock, err := quantile(wc.sku, planned, variance)
				if err != nil {
					return nil, err
				}
				r.stock += storeStock
				// The zone's online orders, picked first.
				cands := rules[z]
				if p == 0 {
					cands = []fulfil.Candidate{{Location: rules[z][0].Location, MaxShare: 1}}
				}
				stock := []float64{webStock, storeStock}[:len(cands)]
				day := fulfil.Serve(orders[zi], cands, stock)
				webStock = stock[0]
				if len(stock) > 1 {
					storeStock = stock[1]
				}
				served := 0.0
				for _, s := range day.Served {
					served += s
				}
				r.online += orders[zi]
				r.onlineServed += served
				if len(day.FellThrough) > 1 {
					r.fellThrough += day.FellThrough[1]
				}
				// Then the walk-ins.
				walked := min(walk.sales, storeStock)
				r.walkin += walk.sales
				r.walkinServed += walked
				r.value += (served + walked) * margin[wc.sku]
			}
		}
	}
	return results, nil
}

// thinned is the variance of a share p of a demand of mean m and
// variance v, each unit taken or not.
func thinned(p, m, v float64) float64 { return p*p*max(0, v-m) + p*m }

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func writeRouting(w io.Writer, level float64, results []routingResult) {
	fmt.Fprintf(w, "\n## Online orders routed to stores\n\n")
	fmt.Fprintf(w, "The same retailer's fulfilment rules send each zone's online orders to the online fulfilment point first, up to "+
		"80%% of them, then to the zone's store (ship-from-store). The replay draws each day's online orders of the online point's "+
		"true sales into zones by their online share, offers them to the candidates in rank order (`fulfil.Serve`: what the point "+
		"cannot fill falls to the store), and then lets the store's walk-in customers shop. Each location starts each day with the "+
		"%.1f quantile of the demand its plan was made for.\n\n", level)
	fmt.Fprintf(w, "| Policy | Online fill | Walk-in fill | Total fill | Online units that fell through to a store | Stock held | Margin earned |\n|---|---|---|---|---|---|---|\n")
	for p, name := range routingPolicies {
		r := results[p]
		fmt.Fprintf(w, "| %s | %.1f%% | %.1f%% | %.1f%% | %.0f | %.0f | %.0f |\n", name, 100*r.onlineServed/r.online, 100*r.walkinServed/r.walkin,
			100*(r.onlineServed+r.walkinServed)/(r.online+r.walkin), r.fellThrough, r.stock, r.value)
	}
	base, ship, planned := results[0], results[1], results[2]
	fill := func(r routingResult) float64 { return (r.onlineServed + r.walkinServed) / (r.online + r.walkin) }
	fmt.Fprintf(w, "\nShip-from-store with stores stocked for walk-ins only fills %+.1f points against no ship-from-store, "+
		"with %.0f online units falling through to the stores, which the walk-ins then miss (walk-in fill %+.1f points). "+
		"Planning each location for its routed share, as replenishment and allocation do with fulfilment rules loaded, "+
		"fills %+.1f points against no ship-from-store with %+.1f%% of the stock.\n",
		100*(fill(ship)-fill(base)), ship.fellThrough, 100*(ship.walkinServed/ship.walkin-base.walkinServed/base.walkin),
		100*(fill(planned)-fill(base)), 100*(planned.stock/base.stock-1))
}
