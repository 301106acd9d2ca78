package synth

import (
	"fmt"

	"github.com/planner-engine/planner/series"
)

// subcategorySize is how many products of a department make a
// subcategory: the products shoppers take for one another.
const subcategorySize = 8

// buildSubstitution puts the products of each department, in order, into
// subcategories of subcategorySize, and draws each product's transfer
// share: the share of its walk-in demand that moves to the rest of its
// subcategory, in proportion to their base demand, on the days it is out
// of stock (Config.Stockouts).
func (r *retailer) buildSubstitution() {
	count := map[[2]int]int{}
	r.subcats = map[[3]int][]int{}
	for i := range r.products {
		p := &r.products[i]
		dept := [2]int{p.cat, p.dept}
		p.subcat = count[dept] / subcategorySize
		count[dept]++
		key := [3]int{p.cat, p.dept, p.subcat}
		r.subcats[key] = append(r.subcats[key], i)
		rng := newRand(r.cfg.Seed, streamSubstitution, uint64(i))
		p.transfer = round(0.2+0.6*rng.Float64(), 2)
	}
}

// subcategoryName is the product master's name of a product's
// subcategory.
func (r *retailer) subcategoryName(p *product) string {
	return fmt.Sprintf("%s %d", categories[p.cat].departments[p.dept].name, p.subcat+1)
}

// stockouts is where the walk-in series run out of stock, and the demand
// their subcategories take over on those days.
type stockouts struct {
	out   map[[2]int][]bool    // (product, store index) -> out of stock by history day
	extra map[[2]int][]float64 // (product, store index) -> demand moved to it by day
}

// buildStockouts draws, for each product at each store, Config.Stockouts
// spells a year of 3 to 10 days without stock over the history, and
// moves each missing day's demand (the product's mean that day, times its
// transfer share) to the rest of its subcategory on the store's shelf
// that day, in proportion to their base demand.
func (r *retailer) buildStockouts(specs []seriesSpec) *stockouts {
	if r.cfg.Stockouts <= 0 || !r.cfg.has(ChannelStore) {
		return nil
	}
	so := &stockouts{out: map[[2]int][]bool{}, extra: map[[2]int][]float64{}}
	// The spells first, so that a missing product's demand goes only to
	// the rest of its subcategory still on the shelf.
	for i := range specs {
		s := &specs[i]
		if s.channel != ChannelStore {
			continue
		}
		p := &r.products[s.product]
		rng := newRand(r.cfg.Seed, streamSubstitution, seriesSeed(p.sku, s.location, "stockouts"))
		spells := int(r.cfg.Stockouts*float64(r.cfg.Days)/365 + rng.Float64())
		var out []bool
		for range spells {
			length := 3 + rng.IntN(8)
			from := rng.IntN(max(1, r.cfg.Days-length))
			if out == nil {
				out = make([]bool, r.cfg.Days)
			}
			for t := from; t < min(r.cfg.Days, from+length); t++ {
				out[t] = true
			}
		}
		if out != nil {
			so.out[[2]int{s.product, s.store}] = out
		}
	}
	effects := r.eventEffects()
	var pd productDays
	for i := range specs {
		s := &specs[i]
		out := so.out[[2]int{s.product, s.store}]
		if s.channel != ChannelStore || out == nil {
			continue
		}
		p := &r.products[s.product]
		siblings := r.subcats[[3]int{p.cat, p.dept, p.subcat}]
		if pd.index != s.product || pd.mult == nil {
			r.productDays(s.product, &pd)
		}
		g := len(effects) - 1
		if s.region >= 0 {
			g = s.region
		}
		eff := effects[g][p.cat]
		for t, o := range out {
			if !o || t < pd.first || t > pd.final {
				continue
			}
			onShelf := func(j int) bool { return j != s.product && r.sells(j, t) && !so.outOn(j, s.store, t) }
			var total float64
			for _, j := range siblings {
				if onShelf(j) {
					total += r.products[j].base
				}
			}
			if total <= 0 {
				continue // the whole subcategory is out: the demand walks away
			}
			moved := p.transfer * r.ownMean(s, &pd, eff, t)
			for _, j := range siblings {
				if !onShelf(j) {
					continue
				}
				key := [2]int{j, s.store}
				if so.extra[key] == nil {
					so.extra[key] = make([]float64, r.cfg.Days)
				}
				so.extra[key][t] += moved * r.products[j].base / total
			}
		}
	}
	return so
}

// outOn reports whether product j is out of stock at store st on day t.
func (so *stockouts) outOn(j, st, t int) bool {
	out := so.out[[2]int{j, st}]
	return t < len(out) && out[t]
}

// sells reports whether product j is on sale on day t: launched and not
// ended.
func (r *retailer) sells(j, t int) bool {
	p := &r.products[j]
	d := r.start + series.Date(t)
	return (p.launch == 0 || d >= p.launch) && (p.end == 0 || d <= p.end)
}
