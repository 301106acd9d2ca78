package synth

import (
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/planner-engine/planner/series"
)

// Sales row flags.
const (
	flagPromo uint8 = 1 << iota
	flagFeature
	flagDisplay
)

// productDays is what every series of one product shares, day by day over
// history and horizon.
type productDays struct {
	index        int
	mult         []float64 // trend x season x price response x promotion lifts x dip x launch ramp
	paid         []float64 // price paid
	regular      []float64 // regular price
	flags        []uint8
	first, final int // first and last active day (indexes)
}

func (r *retailer) productDays(i int, pd *productDays) {
	p := &r.products[i]
	n := r.total
	pd.index = i
	pd.mult = grow(pd.mult, n)
	pd.paid = grow(pd.paid, n)
	pd.regular = grow(pd.regular, n)
	if cap(pd.flags) < n {
		pd.flags = make([]uint8, n)
	}
	pd.flags = pd.flags[:n]
	pd.first, pd.final = 0, n-1
	if p.launch != 0 {
		pd.first = int(p.launch - r.start)
	}
	if p.end != 0 {
		pd.final = int(p.end - r.start)
	}
	// Regular price by day.
	changes := r.prices[i]
	k := 0
	for t := 0; t < n; t++ {
		d := r.start + series.Date(t)
		for k+1 < len(changes) && changes[k+1].from <= d {
			k++
		}
		pd.regular[t] = changes[k].price
		pd.paid[t] = changes[k].price
		pd.flags[t] = 0
	}
	dipped := make(map[int]bool)
	for _, pr := range r.productPromos(i) {
		for d := pr.start; d <= pr.end; d++ {
			t := int(d - r.start)
			if t < 0 || t >= n {
				continue
			}
			pd.paid[t] = math.Round(pd.regular[t]*(1-pr.discount)*100) / 100
			pd.flags[t] = flagPromo
			switch pr.mechanic {
			case "feature":
				pd.flags[t] |= flagFeature
			case "display":
				pd.flags[t] |= flagDisplay
			}
		}
		// Shoppers who stocked up buy less for a week afterwards.
		if pr.discount >= 0.2 && (p.cat == catGrocery || p.cat == catHome) {
			for d := pr.end + 1; d <= pr.end+7; d++ {
				dipped[int(d-r.start)] = true
			}
		}
	}
	for t := 0; t < n; t++ {
		d := r.start + series.Date(t)
		years := float64(t) / 365.25
		season := math.Exp(p.yearlyAmp * math.Cos(2*math.Pi*float64(d.DayOfYear()-p.peakDay)/365.25))
		m := p.base * math.Exp(p.trend*years) * season * math.Pow(pd.paid[t]/p.price, p.elasticity)
		if pd.flags[t]&flagFeature != 0 {
			m *= p.featureLift
		}
		if pd.flags[t]&flagDisplay != 0 {
			m *= p.displayLift
		}
		if dipped[t] && pd.flags[t] == 0 {
			m *= 0.85
		}
		if p.launch != 0 && t >= pd.first {
			m *= 1 - math.Exp(-float64(t-pd.first+1)/10)
		}
		pd.mult[t] = m
	}
}

func (r *retailer) productPromos(i int) []promo {
	// Promotions are generated product by product, so each product's are
	// one contiguous run.
	lo, hi := 0, len(r.promos)
	for lo < hi {
		mid := (lo + hi) / 2
		if r.promos[mid].product < i {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	end := lo
	for end < len(r.promos) && r.promos[end].product == i {
		end++
	}
	return r.promos[lo:end]
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// seriesSpec is one SKU x location x channel series.
type seriesSpec struct {
	product  int
	location string
	channel  string
	region   int     // region of the store; -1 for online
	store    int     // index of the store; -1 for online
	scale    float64 // store size x SKU-store affinity x channel share
	weekly   *[7]float64
}

// seriesList enumerates the series sorted by SKU, location and channel.
func (r *retailer) seriesList() []seriesSpec {
	var totalSize float64
	for _, s := range r.stores {
		totalSize += s.size
	}
	weekly := make([][7]float64, len(categories))
	for c := range categories {
		weekly[c] = normalize(categories[c].weekly)
	}
	instant := make([][7]float64, len(categories))
	for c := range categories {
		for d := 0; d < 7; d++ {
			instant[c][d] = instantWeekly[d] * math.Sqrt(categories[c].weekly[d])
		}
		instant[c] = normalize(instant[c])
	}
	online := normalize(onlineWeekly)
	var out []seriesSpec
	for i := range r.products {
		p := &r.products[i]
		for si, s := range r.stores {
			rng := newRand(r.cfg.Seed, streamSeries, seriesSeed(p.sku, s.id))
			affinity := math.Exp(rng.NormFloat64() * 0.25)
			if s.urban && r.cfg.has(ChannelInstant) {
				out = append(out, seriesSpec{product: i, location: s.id, channel: ChannelInstant, region: s.region, store: si,
					scale: s.size * affinity * 0.12, weekly: &instant[p.cat]})
			}
			if r.cfg.has(ChannelStore) {
				out = append(out, seriesSpec{product: i, location: s.id, channel: ChannelStore, region: s.region, store: si,
					scale: s.size * affinity, weekly: &weekly[p.cat]})
			}
		}
		if r.cfg.has(ChannelOnline) {
			out = append(out, seriesSpec{product: i, location: r.online.id, channel: ChannelOnline, region: -1, store: -1,
				scale: 0.1 * totalSize, weekly: &online})
		}
	}
	return out
}

func normalize(w [7]float64) [7]float64 {
	var s float64
	for _, x := range w {
		s += x
	}
	for i := range w {
		w[i] *= 7 / s
	}
	return w
}

// eventEffects returns, per region and category, the multiplier of events on
// each day for stores (index region) and for online (the last index).
func (r *retailer) eventEffects() [][4][]float64 {
	regions := len(r.dcs)
	out := make([][4][]float64, regions+1)
	for g := range out {
		for c := 0; c < 4; c++ {
			out[g][c] = make([]float64, r.total)
			for t := range out[g][c] {
				out[g][c][t] = 1
			}
		}
	}
	for _, e := range r.events {
		t := int(e.date - r.start)
		for g := 0; g < regions; g++ {
			if e.region != "*" && e.region != r.dcs[g].region {
				continue
			}
			for c := 0; c < 4; c++ {
				out[g][c][t] *= e.store[c]
			}
		}
		if e.region == "*" {
			for c := 0; c < 4; c++ {
				out[regions][c][t] *= e.online[c]
			}
		}
	}
	r.applyPeaks(out)
	return out
}

// seriesSummary is what the stock, capacity and pre-order files need to know
// about a simulated series.
type seriesSummary struct {
	recentMean   float64   // mean daily demand over the last 28 days of history
	horizonWeeks []float64 // true demand per week of the horizon
}

// simulate draws one series' daily sales and passes each active day to emit
// with its true mean and sales.
func (r *retailer) simulate(s *seriesSpec, pd *productDays, effects [][4][]float64, emit func(t int, mean, qty, returns float64)) seriesSummary {
	p := &r.products[s.product]
	rng := newRand(r.cfg.Seed, streamSeries, seriesSeed(p.sku, s.location, s.channel))
	g := len(effects) - 1
	if s.region >= 0 {
		g = s.region
	}
	eff := effects[g][p.cat]
	gamma := distuv.Gamma{Alpha: p.dispersion, Src: rng}
	pois := distuv.Poisson{Src: rng}
	weeks := (r.cfg.Horizon + 6) / 7
	sum := seriesSummary{horizonWeeks: make([]float64, weeks)}
	var recent float64
	var out []bool
	var extra []float64
	var ret []float64 // returns by day, after peaks
	var retRng *rand.Rand
	if r.peakOn != nil {
		ret = make([]float64, r.total)
		retRng = newRand(r.cfg.Seed, streamReturns, seriesSeed(p.sku, s.location, s.channel))
	}
	if r.stockouts != nil && s.channel == ChannelStore {
		key := [2]int{s.product, s.store}
		out, extra = r.stockouts.out[key], r.stockouts.extra[key]
	}
	for t := pd.first; t <= pd.final && t < r.total; t++ {
		mean := r.ownMean(s, pd, eff, t)
		if t < len(extra) {
			mean += extra[t]
		}
		if r.closed[s.location][t] {
			mean = 0
		}
		qty := 0.0
		if mean > 0 {
			gamma.Beta = p.dispersion / mean
			pois.Lambda = gamma.Rand()
			if pois.Lambda > 0 {
				qty = pois.Rand()
			}
		}
		if t < len(out) && out[t] {
			qty = 0 // the shelf is empty: its demand goes unserved
		}
		var returns float64
		if ret != nil {
			if k := r.peakOn[t]; k >= 0 {
				peakReturns(retRng, peakEvents[k].returnRate[p.cat], t, qty, ret)
			}
			returns = ret[t]
		}
		emit(t, mean, qty, returns)
		switch {
		case t >= r.cfg.Days:
			sum.horizonWeeks[(t-r.cfg.Days)/7] += mean
		case t >= r.cfg.Days-28:
			recent += mean
		}
	}
	sum.recentMean = recent / 28
	return sum
}

// ownMean is series s's mean demand on day t of its own: before what
// moves to it from products out of stock, and the store's closures.
func (r *retailer) ownMean(s *seriesSpec, pd *productDays, eff []float64, t int) float64 {
	startDow := (int(r.start.Weekday()) + 6) % 7 // Monday = 0
	return pd.mult[t] * s.scale * s.weekly[(startDow+t)%7] * eff[t]
}

// rowWriter formats sales and truth rows as CSV without allocating per row.
type rowWriter struct {
	start series.Date
	dates []string // "YYYY-MM-DD" per day index
}

func newRowWriter(start series.Date, n int) *rowWriter {
	w := &rowWriter{start: start, dates: make([]string, n)}
	for t := range w.dates {
		w.dates[t] = (start + series.Date(t)).String()
	}
	return w
}

// appendSale writes date,sku,location,channel,qty,price,base_price,promo,feature,display.
func (w *rowWriter) appendSale(b []byte, t int, key []byte, qty float64, pd *productDays) []byte {
	b = append(b, w.dates[t]...)
	b = append(b, ',')
	b = append(b, key...)
	b = strconv.AppendInt(b, int64(qty), 10)
	b = append(b, ',')
	b = strconv.AppendFloat(b, pd.paid[t], 'f', 2, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, pd.regular[t], 'f', 2, 64)
	f := pd.flags[t]
	b = append(b, ',', '0'+(f&flagPromo), ',', '0'+(f&flagFeature)>>1, ',', '0'+(f&flagDisplay)>>2, '\n')
	return b
}

// appendMean writes date,sku,location,channel,mean.
func (w *rowWriter) appendMean(b []byte, t int, key []byte, mean float64) []byte {
	b = append(b, w.dates[t]...)
	b = append(b, ',')
	b = append(b, key...)
	b = strconv.AppendFloat(b, mean, 'f', 4, 64)
	return append(b, '\n')
}
