package synth

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/series"
)

// writePositions writes what depends on simulated demand: stock positions
// at the end of history, factory capacity over the horizon and consumer
// pre-orders for made-to-order products.
func (r *retailer) writePositions(write writeFunc, sums []seriesSummary) error {
	specs := r.seriesList()
	type demand struct{ store, instant, online float64 }
	perLoc := map[[2]int]*demand{} // (product, store index or -1 for online)
	storeIndex := map[string]int{}
	for i, s := range r.stores {
		storeIndex[s.id] = i
	}
	horizon := make([][]float64, len(r.products))
	for i, s := range specs {
		key := [2]int{s.product, -1}
		if s.region >= 0 {
			key[1] = storeIndex[s.location]
		}
		d := perLoc[key]
		if d == nil {
			d = &demand{}
			perLoc[key] = d
		}
		switch s.channel {
		case ChannelStore:
			d.store += sums[i].recentMean
		case ChannelInstant:
			d.instant += sums[i].recentMean
		case ChannelOnline:
			d.online += sums[i].recentMean
		}
		if horizon[s.product] == nil {
			horizon[s.product] = make([]float64, len(sums[i].horizonWeeks))
		}
		for w, m := range sums[i].horizonWeeks {
			horizon[s.product][w] += m
		}
	}
	active := func(p *product) bool {
		return (p.launch == 0 || p.launch <= r.end) && (p.end == 0 || p.end >= r.end)
	}
	err := write("inventory", "inventory.csv", "as_of,sku,location,on_hand,on_order,in_transit,backorders,reserved", func(emit func(...any)) {
		for i := range r.products {
			p := &r.products[i]
			if !active(p) {
				continue
			}
			rng := newRand(r.cfg.Seed, streamStock, uint64(1_000_000+i))
			regional := make([]float64, len(r.dcs))
			for si, s := range r.stores {
				d := perLoc[[2]int{i, si}]
				if d == nil {
					continue
				}
				daily := d.store + d.instant
				regional[s.region] += daily
				onHand := math.Round(daily * (2 + 12*rng.Float64()))
				switch u := rng.Float64(); {
				case u < 0.08:
					onHand = 0 // out of stock
				case u < 0.13:
					onHand = math.Round(onHand*4 + 10) // overstocked
				}
				inTransit := 0.0
				if rng.Float64() < 0.3 {
					inTransit = p.pack * math.Max(1, math.Ceil(daily*3/p.pack))
				}
				reserved := math.Min(onHand, math.Round(d.instant*rng.Float64()))
				emit(r.end, p.sku, s.id, onHand, 0.0, inTransit, 0.0, reserved)
			}
			if d := perLoc[[2]int{i, -1}]; d != nil {
				regional[0] += d.online
				backorders := 0.0
				if rng.Float64() < 0.2 {
					backorders = math.Round(d.online * 0.5)
				}
				emit(r.end, p.sku, r.online.id, math.Round(d.online*(7+13*rng.Float64())), 0.0, 0.0, backorders, 0.0)
			}
			for g, dc := range r.dcs {
				onOrder, inTransit := 0.0, 0.0
				if rng.Float64() < 0.5 {
					onOrder = p.pack * math.Ceil(regional[g]*14/p.pack)
				}
				if rng.Float64() < 0.3 {
					inTransit = p.pack * math.Ceil(regional[g]*7/p.pack)
				}
				emit(r.end, p.sku, dc.id, math.Round(regional[g]*(10+20*rng.Float64())), onOrder, inTransit, 0.0, 0.0)
			}
		}
	})
	if err != nil {
		return err
	}
	weeks := (r.cfg.Horizon + 6) / 7
	err = write("capacity", "capacity.csv", "factory,period_start,period_end,capacity,unit", func(emit func(...any)) {
		for fi, f := range r.factories {
			load := make([]float64, weeks)
			for i, p := range r.products {
				if p.source != f.id || horizon[i] == nil {
					continue
				}
				for w := range load {
					load[w] += horizon[i][w]
				}
			}
			var total float64
			for _, x := range load {
				total += x
			}
			// Capacity is flat around the average load, so peak weeks are
			// short and production has to be pulled forward.
			rng := newRand(r.cfg.Seed, streamCapacity, uint64(fi))
			perWeek := math.Max(100, math.Round(total/float64(weeks)*(0.9+0.25*rng.Float64())))
			for w := 0; w < weeks; w++ {
				start := r.end + 1 + series.Date(7*w)
				end := min(start+6, r.last)
				emit(f.id, start, end, perWeek, "units")
			}
		}
	})
	if err != nil {
		return err
	}
	err = write("openings", "openings.csv", "location,date,open", func(emit func(...any)) {
		for _, st := range r.stores {
			days := make([]int, 0, len(r.closed[st.id]))
			for t := range r.closed[st.id] {
				days = append(days, t)
			}
			slices.Sort(days)
			for _, t := range days {
				emit(st.id, r.start+series.Date(t), false)
			}
		}
	})
	if err != nil {
		return err
	}
	return write("preorders", "preorders.csv", "order_id,sku,location,channel,order_date,due_date,qty", func(emit func(...any)) {
		n := 0
		for i, p := range r.products {
			if !p.madeToOrder || !active(&p) || horizon[i] == nil {
				continue
			}
			rng := newRand(r.cfg.Seed, streamPreorders, uint64(i))
			for w, m := range horizon[i] {
				for k := poisson(rng, math.Min(50, 0.05*m)); k > 0; k-- {
					n++
					loc := r.online.id
					if rng.Float64() < 0.3 {
						loc = r.stores[rng.IntN(len(r.stores))].id
					}
					due := min(r.end+series.Date(7*w+1+rng.IntN(7)), r.last)
					emit(fmt.Sprintf("PRE%07d", n), p.sku, loc, ChannelOnline, r.end-series.Date(rng.IntN(14)), due, float64(1+rng.IntN(3)))
				}
			}
		}
	})
}

// configTables lists the tables planner.yaml names, in load order.
var configTables = []string{"sales", "zones", "products", "locations", "prices", "promotions", "events", "inventory", "sourcing", "capacity", "preorders", "openings", "fulfilment", "lanes", "shelves", "must_carry"}

// writeConfig writes planner.yaml, which runs the nightly job on the
// generated files (paths are relative to the file's folder).
func writeConfig(dir string, res *Result, cfg Config) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# The nightly run on a synthetic retailer (%d stores, %d SKUs, %d days, seed %d):\n", cfg.Stores, cfg.SKUs, cfg.Days, cfg.Seed)
	fmt.Fprintf(&b, "#   planner run --config %s\n", filepath.Join(dir, "planner.yaml"))
	b.WriteString("# Paths are relative to this file's folder.\n")
	b.WriteString("db: planner.duckdb\nout: out\ninputs:\n")
	names := make([]string, 0, len(configTables))
	for _, t := range configTables {
		if _, ok := res.Files[t]; ok {
			names = append(names, t)
		}
	}
	sort.SliceStable(names, func(i, j int) bool { return indexOf(configTables, names[i]) < indexOf(configTables, names[j]) })
	for _, t := range names {
		rel, err := filepath.Rel(dir, res.Files[t])
		if err != nil {
			rel = res.Files[t]
		}
		fmt.Fprintf(&b, "  %s: %s\n", t, filepath.ToSlash(rel))
	}
	path := filepath.Join(dir, "planner.yaml")
	res.Files["config"] = path
	return fsutil.WriteFile(path, func(w io.Writer) error {
		_, err := io.WriteString(w, b.String())
		return err
	})
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
