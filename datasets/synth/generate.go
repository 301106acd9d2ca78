package synth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/series"
)

// Result says what Generate wrote.
type Result struct {
	Dir        string            `json:"dir"`
	Files      map[string]string `json:"files"` // table (or truth file) -> path
	Rows       map[string]int64  `json:"rows"`
	Series     int               `json:"series"`
	FirstDate  string            `json:"first_date"`
	LastDate   string            `json:"last_date"`   // last day of history
	HorizonEnd string            `json:"horizon_end"` // last day of the horizon
	Seconds    float64           `json:"seconds"`
}

// Inputs returns the canonical tables' files by table name: what a load
// of the generated retailer reads (the truth files left out).
func (r *Result) Inputs() map[string]string {
	out := map[string]string{}
	for _, t := range configTables {
		if p, ok := r.Files[t]; ok {
			out[t] = p
		}
	}
	return out
}

// Generate writes a synthetic retailer into dir (created if needed): the
// canonical files, truth/ and a planner.yaml that loads them. Each file is
// written atomically. Progress, when not nil, is told how many of the series
// are done.
func Generate(ctx context.Context, dir string, cfg Config, progress func(done, total int)) (*Result, error) {
	began := time.Now()
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "truth"), 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the folder %s: %w", filepath.Join(dir, "truth"), errors.Unwrap(err))
	}
	r := buildRetailer(cfg)
	res := &Result{Dir: dir, Files: map[string]string{}, Rows: map[string]int64{},
		FirstDate: r.start.String(), LastDate: r.end.String(), HorizonEnd: r.last.String()}
	write := func(name, file string, header string, rows func(emit func(...any))) error {
		path := filepath.Join(dir, file)
		var n int64
		err := fsutil.WriteFile(path, func(w io.Writer) error {
			if _, err := io.WriteString(w, header+"\n"); err != nil {
				return err
			}
			var werr error
			rows(func(vals ...any) {
				if werr != nil {
					return
				}
				n++
				werr = writeCSVRow(w, vals)
			})
			return werr
		})
		if err != nil {
			return err // fsutil's own words: cannot write <path>: ...
		}
		res.Files[name], res.Rows[name] = path, n
		return nil
	}
	if err := r.writePeakTruth(write); err != nil {
		return nil, err
	}
	if err := r.writeMasters(write); err != nil {
		return nil, err
	}
	sums, err := r.writeSeries(ctx, dir, res, progress)
	if err != nil {
		return nil, err
	}
	if err := r.writePositions(write, sums); err != nil {
		return nil, err
	}
	if err := writeConfig(dir, res, cfg); err != nil {
		return nil, err
	}
	res.Seconds = time.Since(began).Seconds()
	return res, nil
}

func writeCSVRow(w io.Writer, vals []any) error {
	buf := make([]byte, 0, 128)
	for i, v := range vals {
		if i > 0 {
			buf = append(buf, ',')
		}
		switch x := v.(type) {
		case string:
			buf = appendCSVString(buf, x)
		case series.Date:
			if x != 0 {
				buf = x.AppendFormat(buf)
			}
		case float64:
			if !math.IsNaN(x) {
				buf = fmt.Appendf(buf, "%g", x)
			}
		case int:
			buf = fmt.Appendf(buf, "%d", x)
		case bool:
			buf = fmt.Appendf(buf, "%t", x)
		default:
			buf = fmt.Appendf(buf, "%v", x)
		}
	}
	buf = append(buf, '\n')
	_, err := w.Write(buf)
	return err
}

func appendCSVString(b []byte, s string) []byte {
	for _, c := range []byte(s) {
		if c == ',' || c == '"' || c == '\n' {
			b = append(b, '"')
			for _, c := range []byte(s) {
				if c == '"' {
					b = append(b, '"')
				}
				b = append(b, c)
			}
			return append(b, '"')
		}
	}
	return append(b, s...)
}

type writeFunc func(name, file, header string, rows func(emit func(...any))) error

var none = math.NaN()

func optDate(d series.Date) any { return d }

func (r *retailer) writeMasters(write writeFunc) error {
	err := write("products", "products.csv",
		"sku,name,category,department,brand,unit_cost,unit_price,pack_size,shelf_life_days,launch_date,end_date,unit_volume,facing_width,min_facings,price_tier,subcategory",
		func(emit func(...any)) {
			for i := range r.products {
				p := &r.products[i]
				cat := categories[p.cat]
				shelf := any("")
				if p.shelfLife > 0 {
					shelf = p.shelfLife
				}
				emit(p.sku, p.name, cat.name, cat.departments[p.dept].name, p.brand, p.cost, p.price, p.pack, shelf,
					optDate(p.launch), optDate(p.end), p.volume(), 1.0, p.minFacings(), p.tier(cat.priceMedian), r.subcategoryName(p))
			}
		})
	if err != nil {
		return err
	}
	err = write("zones", "zones.csv", "zone,name,region,online_share", func(emit func(...any)) {
		for _, z := range r.zones {
			emit(z.id, z.name, z.region, z.onlineShare)
		}
	})
	if err != nil {
		return err
	}
	err = write("locations", "locations.csv", "location,name,type,region,dc,capacity,zone,handling_cost,throughput", func(emit func(...any)) {
		for _, l := range r.allLocations() {
			capacity, handling, throughput := any(""), any(""), any("")
			if l.capacity > 0 {
				capacity = l.capacity
			}
			if l.handling > 0 {
				handling = l.handling
			}
			if l.throughput > 0 {
				throughput = l.throughput
			}
			emit(l.id, l.name, l.typ, l.region, l.dc, capacity, l.zone, handling, throughput)
		}
	})
	if err != nil {
		return err
	}
	err = write("shelves", "shelves.csv", "location,category,space,max_changes", func(emit func(...any)) {
		r.shelves(emit)
	})
	if err != nil {
		return err
	}
	err = write("must_carry", "must_carry.csv", "location,sku", func(emit func(...any)) {
		// Every store carries each category's first product (a range's
		// anchor).
		seen := map[int]bool{}
		for _, p := range r.products {
			if !seen[p.cat] {
				seen[p.cat] = true
				emit("*", p.sku)
			}
		}
	})
	if err != nil {
		return err
	}
	err = write("lanes", "lanes.csv", "node,zone,lead_time_hours,cost_per_unit", func(emit func(...any)) {
		for _, l := range r.lanes {
			emit(l.node, l.zone, l.hours, l.cost)
		}
	})
	if err != nil {
		return err
	}
	err = write("fulfilment", "fulfilment.csv", "channel,zone,rank,location,max_share,cutoff", func(emit func(...any)) {
		r.fulfilment(emit)
	})
	if err != nil {
		return err
	}
	err = write("prices", "prices.csv", "sku,location,start_date,end_date,price", func(emit func(...any)) {
		for i, changes := range r.prices {
			p := r.products[i]
			for k, c := range changes {
				end := p.end
				if k+1 < len(changes) {
					end = changes[k+1].from - 1
				}
				emit(p.sku, "*", c.from, optDate(end), c.price)
			}
		}
	})
	if err != nil {
		return err
	}
	err = write("promotions", "promotions.csv", "promo_id,sku,location,start_date,end_date,mechanic,discount", func(emit func(...any)) {
		for _, pr := range r.promos {
			emit(pr.id, r.products[pr.product].sku, "*", pr.start, pr.end, pr.mechanic, pr.discount)
		}
	})
	if err != nil {
		return err
	}
	err = write("events", "events.csv", "date,event,kind,region", func(emit func(...any)) {
		for _, e := range r.events {
			emit(e.date, e.name, e.kind, e.region)
		}
	})
	if err != nil {
		return err
	}
	err = write("sourcing", "sourcing.csv",
		"sku,from_location,to_location,lead_time_days,lead_time_sd_days,moq,order_multiple,review_days,unit_cost,order_days",
		func(emit func(...any)) { r.sourcing(emit) })
	if err != nil {
		return err
	}
	return write("truth_products", "truth/products.csv",
		"sku,elasticity,feature_lift,display_lift,trend_per_year,yearly_amplitude,peak_day,base_daily,dispersion,made_to_order,source,subcategory,transfer_share",
		func(emit func(...any)) {
			for i := range r.products {
				p := &r.products[i]
				emit(p.sku, round(p.elasticity, 4), round(p.featureLift, 4), round(p.displayLift, 4), round(p.trend, 4),
					round(p.yearlyAmp, 4), p.peakDay, round(p.base, 4), round(p.dispersion, 4), p.madeToOrder, p.source,
					r.subcategoryName(p), p.transfer)
			}
		})
}

func round(x float64, digits int) float64 {
	f := math.Pow(10, float64(digits))
	return math.Round(x*f) / f
}

func (r *retailer) allLocations() []location {
	var out []location
	out = append(out, r.dcs...)
	for _, s := range r.stores {
		out = append(out, s.location)
	}
	out = append(out, r.online)
	out = append(out, r.forwards...)
	out = append(out, r.factories...)
	out = append(out, r.suppliers...)
	return out
}

// shelves writes each store's shelf for each category: room for about
// four fifths of the category's products on their minimum facings, more
// in a bigger store, so that a store's range is a choice.
func (r *retailer) shelves(emit func(...any)) {
	need := make([]float64, len(categories))
	for _, p := range r.products {
		need[p.cat] += float64(p.minFacings())
	}
	for _, st := range r.stores {
		for c, cat := range categories {
			if need[c] == 0 {
				continue
			}
			emit(st.id, cat.name, math.Max(1, math.Round(need[c]*0.8*math.Min(1.2, st.size))), "")
		}
	}
}

// fulfilment writes the fulfilment rules: online orders from a zone go
// to the online fulfilment point first, up to 80% of them, then to the
// zone's first store (ship-from-store); orders after 20:00 are served the
// next day. Instant orders are picked at the store that takes them, so no
// rule routes them.
func (r *retailer) fulfilment(emit func(...any)) {
	for _, z := range r.zones {
		for _, st := range r.stores {
			if st.location.zone == z.id {
				emit(ChannelOnline, z.id, 1, r.online.id, 0.8, "20:00")
				emit(ChannelOnline, z.id, 2, st.id, 1.0, "20:00")
				break
			}
		}
	}
}

// sourcing writes the lanes: stores, the online point and the forward
// warehouses from their DC, DCs from a supplier or, for made-to-order
// products, a factory.
func (r *retailer) sourcing(emit func(...any)) {
	for _, p := range r.products {
		rng := newRand(r.cfg.Seed, streamStock, uint64(p.index))
		review := 7.0
		if categories[p.cat].perishable {
			review = 2
		}
		for _, s := range r.stores {
			emit(p.sku, s.dc, s.id, float64(1+rng.IntN(2)), 0.3, 0.0, p.pack, review, p.cost, "")
		}
		emit(p.sku, r.online.dc, r.online.id, 1.0, 0.2, 0.0, p.pack, 1.0, p.cost, "")
		for _, f := range r.forwards {
			emit(p.sku, f.dc, f.id, 1.0, 0.2, 0.0, p.pack, 1.0, p.cost, "")
		}
		for _, dc := range r.dcs {
			if p.madeToOrder {
				emit(p.sku, p.source, dc.id, float64(3+rng.IntN(5)), round(0.5+rng.Float64()*0.5, 2), p.pack*5, p.pack, 7.0,
					round(p.cost*0.95, 2), "")
			} else {
				days := "Mon"
				if rng.Float64() < 0.5 {
					days = "Mon,Thu"
				}
				emit(p.sku, p.source, dc.id, float64(7+rng.IntN(8)), round(1+rng.Float64()*2, 2), p.pack*float64(10+rng.IntN(40)),
					p.pack*10, 7.0, p.cost, days)
			}
		}
	}
}

// block is a run of consecutive series simulated by one worker.
type block struct {
	lo, hi  int
	sales   rows
	future  rows
	truth   rows
	summary []seriesSummary
	err     error
}

// writeSeries simulates every series on Workers goroutines and writes the
// sales, the truth and the horizon's sales in series order.
func (r *retailer) writeSeries(ctx context.Context, dir string, res *Result, progress func(int, int)) ([]seriesSummary, error) {
	specs := r.seriesList()
	r.stockouts = r.buildStockouts(specs)
	res.Series = len(specs)
	ext := "." + r.cfg.Format
	newSink := func(name, file string, kind rowKind) (sink, error) {
		path := filepath.Join(dir, file+ext)
		res.Files[name] = path
		return openSink(path, r.cfg.Format, kind)
	}
	salesKind := kindSales
	if r.peakOn != nil {
		salesKind = kindSalesReturns
	}
	sales, err := newSink("sales", "sales", salesKind)
	if err != nil {
		return nil, err
	}
	defer sales.abort()
	var truth, future sink
	if !r.cfg.NoTruth {
		if truth, err = newSink("truth_demand", "truth/demand", kindMean); err != nil {
			return nil, err
		}
		defer truth.abort()
		if future, err = newSink("truth_future_sales", "truth/future_sales", salesKind); err != nil {
			return nil, err
		}
		defer future.abort()
	}

	// Blocks of about a quarter of a million rows keep workers busy and
	// memory bounded.
	per := max(1, (1<<18)/r.total)
	var blocks []*block
	for lo := 0; lo < len(specs); lo += per {
		blocks = append(blocks, &block{lo: lo, hi: min(len(specs), lo+per)})
	}
	effects := r.eventEffects()
	rw := newRowWriter(r.start, r.total)
	ready := make([]chan struct{}, len(blocks))
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	slots := make(chan struct{}, 2*r.cfg.Workers) // blocks simulated but not yet written
	var wg sync.WaitGroup
	for w := 0; w < r.cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var pd productDays
			pd.index = -1
			for i := range jobs {
				r.simulateBlock(blocks[i], specs, &pd, effects, rw)
				close(ready[i])
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range blocks {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer wg.Wait()
	sums := make([]seriesSummary, 0, len(specs))
	for i, b := range blocks {
		select {
		case <-ready[i]:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if err := sales.add(&b.sales); err != nil {
			return nil, err
		}
		if truth != nil {
			if err := truth.add(&b.truth); err != nil {
				return nil, err
			}
			if err := future.add(&b.future); err != nil {
				return nil, err
			}
		}
		sums = append(sums, b.summary...)
		*b = block{} // free the rows
		<-slots
		if progress != nil {
			progress(blocks[i].hi, len(specs))
		}
	}
	for _, s := range []sink{sales, truth, future} {
		if s == nil {
			continue
		}
		if err := s.commit(); err != nil {
			return nil, err
		}
	}
	res.Rows["sales"] = sales.rows()
	if truth != nil {
		res.Rows["truth_demand"] = truth.rows()
		res.Rows["truth_future_sales"] = future.rows()
	}
	return sums, nil
}

func (r *retailer) simulateBlock(b *block, specs []seriesSpec, pd *productDays, effects [][4][]float64, rw *rowWriter) {
	csv := r.cfg.Format == "csv"
	salesKind := kindSales
	if r.peakOn != nil {
		salesKind = kindSalesReturns
	}
	b.sales.init(csv, salesKind)
	b.future.init(csv, salesKind)
	b.truth.init(csv, kindMean)
	key := make([]byte, 0, 64)
	for i := b.lo; i < b.hi; i++ {
		s := &specs[i]
		if pd.index != s.product {
			r.productDays(s.product, pd)
		}
		p := &r.products[s.product]
		key = append(key[:0], p.sku...)
		key = append(key, ',')
		key = append(key, s.location...)
		key = append(key, ',')
		key = append(key, s.channel...)
		key = append(key, ',')
		id := seriesID{sku: p.sku, location: s.location, channel: s.channel}
		sum := r.simulate(s, pd, effects, func(t int, mean, qty, returns float64) {
			if t < r.cfg.Days {
				b.sales.addSale(rw, t, key, id, qty, returns, pd)
			} else if !r.cfg.NoTruth {
				b.future.addSale(rw, t, key, id, qty, returns, pd)
			}
			if !r.cfg.NoTruth {
				b.truth.addMean(rw, t, key, id, mean)
			}
		})
		b.summary = append(b.summary, sum)
	}
	b.sales.build()
	b.future.build()
	b.truth.build()
}
