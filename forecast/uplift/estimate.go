package uplift

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/planner-engine/planner/series"
)

// Options tune Estimate; the zero value means the defaults.
type Options struct {
	// Window is the reach of every event; DefaultWindow when zero.
	Window Window
	// MinBase is the least baseline demand (units summed over a segment of
	// one occurrence) a category's occurrence needs to count; 10 when 0.
	MinBase float64
	// PriorSD is the year-to-year spread of an effect's logarithm assumed
	// where no category has two occurrences to measure it; 0.2 when 0.
	PriorSD float64
}

func (o Options) withDefaults() Options {
	if o.Window == (Window{}) {
		o.Window = DefaultWindow
	}
	if o.MinBase == 0 {
		o.MinBase = 10
	}
	if o.PriorSD == 0 {
		o.PriorSD = 0.2
	}
	return o
}

// Model is what was learned of every peak: the effects per event type and
// category, and each product's own deviation from its category.
type Model struct {
	Window Window
	// Past are the occurrences learned from.
	Past []series.Occurrence
	// Effects are by event type, then category.
	Effects []Effect
	// Ratios and Groups are what LearnProducts weighs products with.
	Ratios []Ratio
	Groups []Group
	// Products are the products' own deviations from their category, by
	// event type and SKU; a product without one takes its category's.
	Products []Deviation

	once     sync.Once
	effect   map[typeCat]int
	products map[typeSKU]int
}

type typeCat struct{ typ, cat string }
type typeSKU struct{ typ, sku string }

// Deviation is a product's own effect of an event type beyond its
// category's, per segment: the logarithm of its multiplier, drawn toward
// none by how little its history bears it out, and that estimate's
// variance.
type Deviation struct {
	Type, SKU     string
	Log, Variance [3]float64
}

// index builds the lookups of effects and deviations (once: a model read
// back from JSON has only the slices).
func (m *Model) index() {
	m.once.Do(func() {
		m.effect = make(map[typeCat]int, len(m.Effects))
		for i, e := range m.Effects {
			m.effect[typeCat{e.Type, e.Category}] = i
		}
		m.products = make(map[typeSKU]int, len(m.Products))
		for i, d := range m.Products {
			m.products[typeSKU{d.Type, d.SKU}] = i
		}
	})
}

// sums are sales and baseline summed over a segment of one occurrence.
type sums struct{ sold, base float64 }

type catKey struct {
	typ, cat string
	occ      int // index of the occurrence in the list measured
	seg      Segment
}

type prodKey struct {
	typ, sku string
	occ      int
	seg      Segment
}

// measure sums, for every series of p and every occurrence of occ whose
// window the series' history holds whole, the sales of each segment and
// their baseline (the history with every such window left out and filled
// in), per category and per product; used says which occurrences counted.
func measure(p *series.Panel, occ []series.Occurrence, labels Labels, w Window) (catSums map[catKey]*sums, prodSums map[prodKey]*sums, used []bool) {
	catSums, prodSums = map[catKey]*sums{}, map[prodKey]*sums{}
	used = make([]bool, len(occ))
	season := p.Freq.SeasonLength()
	var mask []bool
	for i, k := range p.Keys {
		y := p.Series(i)
		n := len(y)
		unobserved := p.UnobservedOf(i)
		var windows [][3][]int
		var which []int
		for j, o := range occ {
			if !labels.applies(o, k.Location) {
				continue
			}
			if segs, ok := windowPeriods(p.Freq, p.Starts[i], n, o, w); ok {
				windows = append(windows, segs)
				which = append(which, j)
			}
		}
		if len(windows) == 0 {
			continue
		}
		mask = slices.Grow(mask[:0], n)[:n]
		for t := range mask {
			mask[t] = unobserved != nil && unobserved[t]
		}
		for _, segs := range windows {
			for _, seg := range segs {
				for _, t := range seg {
					mask[t] = true
				}
			}
		}
		base := series.FillUnobserved(y, mask, season)
		cat := labels.Category[k.SKU]
		for wi, segs := range windows {
			j := which[wi]
			for s, seg := range segs {
				var sold, b float64
				for _, t := range seg {
					if unobserved != nil && unobserved[t] {
						continue
					}
					sold += y[t]
					b += base[t]
				}
				if b <= 0 {
					continue
				}
				used[j] = true
				addSums(catSums, catKey{occ[j].Type, cat, j, Segment(s)}, sold, b)
				addSums(prodSums, prodKey{occ[j].Type, k.SKU, j, Segment(s)}, sold, b)
			}
		}
	}
	return catSums, prodSums, used
}

// addSums adds sales and baseline to m's sums at k.
func addSums[K comparable](m map[K]*sums, k K, sold, base float64) {
	if m[k] == nil {
		m[k] = &sums{}
	}
	m[k].sold += sold
	m[k].base += base
}

// Estimate learns the effects of the occurrences in occ from the panel
// (Learn) and its products' own deviations (Model.LearnProducts).
func Estimate(p *series.Panel, occ []series.Occurrence, labels Labels, opts Options) *Model {
	return Learn(p, occ, labels, opts).LearnProducts(p, labels)
}

// Learn learns the effects per event type and category of the
// occurrences in occ that the panel's history holds whole (window
// included), and what the products' deviations are weighed with (each
// category's ratio in each occurrence, the counts' overdispersion, the
// spread between products); the panel's unobserved periods are left out
// of both the sales and the baseline. A sample of the series serves: a
// run spread over shards learns on the sample its whole run does, then
// each shard its own products' deviations.
func Learn(p *series.Panel, occ []series.Occurrence, labels Labels, opts Options) *Model {
	opts = opts.withDefaults()
	m := &Model{Window: opts.Window}
	if p.Len() == 0 || len(occ) == 0 {
		return m
	}
	catSums, prodSums, used := measure(p, occ, labels, opts.Window)
	past := make([]int, len(occ)) // index in m.Past, by index in occ
	for j, o := range occ {
		past[j] = -1
		if used[j] {
			past[j] = len(m.Past)
			m.Past = append(m.Past, o)
		}
	}

	// The category level: each occurrence's log ratio, then the mean over
	// occurrences, the year-to-year variance pooled over the type's
	// categories.
	type cell struct {
		typ, cat string
		seg      Segment
	}
	logs := map[cell][]float64{}     // per occurrence
	sampling := map[cell][]float64{} // Poisson variance of each
	ratio := map[catKey]float64{}    // the category's ratio in each occurrence
	keys := make([]catKey, 0, len(catSums))
	for k := range catSums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b catKey) int {
		return cmp.Or(cmp.Compare(a.typ, b.typ), cmp.Compare(a.cat, b.cat), cmp.Compare(a.occ, b.occ), cmp.Compare(a.seg, b.seg))
	})
	for _, k := range keys {
		s := catSums[k]
		if s.base < opts.MinBase || s.sold <= 0 {
			continue
		}
		c := cell{k.typ, k.cat, k.seg}
		ratio[k] = s.sold / s.base
		m.Ratios = append(m.Ratios, Ratio{Type: k.typ, Category: k.cat, Occurrence: past[k.occ], Segment: k.seg, Ratio: s.sold / s.base})
		logs[c] = append(logs[c], math.Log(s.sold/s.base))
		sampling[c] = append(sampling[c], 1/s.sold+1/s.base)
	}
	cells := make([]cell, 0, len(logs))
	for c := range logs {
		cells = append(cells, c)
	}
	slices.SortFunc(cells, func(a, b cell) int {
		return cmp.Or(cmp.Compare(a.typ, b.typ), cmp.Compare(a.cat, b.cat), cmp.Compare(a.seg, b.seg))
	})
	type typeSeg struct {
		typ string
		seg Segment
	}
	between := map[typeSeg]float64{}
	{
		num, den, samp := map[typeSeg]float64{}, map[typeSeg]float64{}, map[typeSeg]float64{}
		var allNum, allDen, allSamp float64
		for _, c := range cells {
			ls := logs[c]
			if len(ls) < 2 {
				continue
			}
			mean := meanOf(ls)
			ts := typeSeg{c.typ, c.seg}
			for i, l := range ls {
				num[ts] += (l - mean) * (l - mean)
				samp[ts] += sampling[c][i] * float64(len(ls)-1) / float64(len(ls))
			}
			den[ts] += float64(len(ls) - 1)
		}
		for _, c := range cells {
			ls := logs[c]
			if len(ls) < 2 {
				continue
			}
			mean := meanOf(ls)
			for i, l := range ls {
				allNum += (l - mean) * (l - mean)
				allSamp += sampling[c][i] * float64(len(ls)-1) / float64(len(ls))
			}
			allDen += float64(len(ls) - 1)
		}
		for _, c := range cells {
			ts := typeSeg{c.typ, c.seg}
			switch {
			case den[ts] > 0:
				between[ts] = math.Max(0, (num[ts]-samp[ts])/den[ts])
			case allDen > 0:
				between[ts] = math.Max(0, (allNum-allSamp)/allDen)
			default:
				between[ts] = opts.PriorSD * opts.PriorSD
			}
		}
	}
	// Each category's own estimate and its standard error.
	type own struct {
		log, se2 float64
		n        int
	}
	owns := map[cell]own{}
	for _, c := range cells {
		ls := logs[c]
		tau2 := between[typeSeg{c.typ, c.seg}]
		owns[c] = own{log: meanOf(ls), se2: (tau2 + meanOf(sampling[c])) / float64(len(ls)), n: len(ls)}
	}
	// The categories drawn toward their type's mean (DerSimonian-Laird).
	shrunk := map[cell]Lift{}
	groups := map[typeSeg][]cell{}
	for _, c := range cells {
		ts := typeSeg{c.typ, c.seg}
		groups[ts] = append(groups[ts], c)
	}
	for ts, group := range groups {
		ls, vs := make([]float64, len(group)), make([]float64, len(group))
		for i, c := range group {
			ls[i], vs[i] = owns[c].log, owns[c].se2
		}
		mu, a := randomEffects(ls, vs)
		tau2 := between[ts]
		// The type's mean is itself uncertain: what a category drawn to it
		// takes of that stays in its variance.
		var precision float64
		for _, v := range vs {
			precision += 1 / (a + v)
		}
		for i, c := range group {
			l, v := ls[i], vs[i]
			if !math.IsInf(a, 1) {
				w := a / (a + v)
				l = mu + w*(l-mu)
				v = w*v + (1-w)*(1-w)/precision
			}
			shrunk[c] = Lift{Mult: math.Exp(l), SE: math.Sqrt(v), SD: math.Sqrt(tau2 + v)}
		}
	}
	// The effects, by type and category (the cells' order).
	for _, c := range cells {
		n := len(m.Effects)
		if n == 0 || m.Effects[n-1].Type != c.typ || m.Effects[n-1].Category != c.cat {
			m.Effects = append(m.Effects, Effect{Type: c.typ, Category: c.cat, Lifts: [3]Lift{none, none, none}, Own: [3]float64{1, 1, 1}})
			n++
		}
		e := &m.Effects[n-1]
		e.Lifts[c.seg] = shrunk[c]
		e.Own[c.seg] = math.Exp(owns[c].log)
		e.Occurrences = max(e.Occurrences, owns[c].n)
	}

	// What products' deviations are weighed with: the overdispersion of
	// their counts and the spread between them, per type, category and
	// segment, from this panel's products.
	inPast := make(map[prodKey]*sums, len(prodSums))
	for k, v := range prodSums {
		if past[k.occ] >= 0 {
			k.occ = past[k.occ]
			inPast[k] = v
		}
	}
	ests := deviations(inPast, m.ratioOf(), labels)
	byGroup := map[cell][]int{}
	var order []cell
	for i, e := range ests {
		c := cell{e.typ, e.cat, e.seg}
		if byGroup[c] == nil {
			order = append(order, c)
		}
		byGroup[c] = append(byGroup[c], i)
	}
	for _, c := range order {
		idx := byGroup[c]
		var num, den float64
		for _, i := range idx {
			num += ests[i].spread
			den += float64(ests[i].n - 1)
		}
		phi := 1.0
		if den > 0 {
			phi = math.Max(1, num/den)
		}
		ds, vs := make([]float64, len(idx)), make([]float64, len(idx))
		for j, i := range idx {
			ds[j], vs[j] = ests[i].d, phi*ests[i].v
		}
		_, a := randomEffects(ds, vs)
		if math.IsInf(a, 1) {
			a = 0 // one product: nothing says it differs
		}
		m.Groups = append(m.Groups, Group{Type: c.typ, Category: c.cat, Segment: c.seg, Dispersion: phi, Spread: a})
	}
	slices.SortFunc(m.Groups, func(a, b Group) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Category, b.Category), cmp.Compare(a.Segment, b.Segment))
	})
	return m
}

// Ratio is a category's sales over their baseline in a segment of one
// past occurrence (Model.Past[Occurrence]).
type Ratio struct {
	Type, Category string
	Occurrence     int
	Segment        Segment
	Ratio          float64
}

// Group is what a category's products' deviations are weighed with for
// an event type's segment: how much more their counts vary than Poisson
// counts, and the variance of the true deviations between products.
type Group struct {
	Type, Category string
	Segment        Segment
	Dispersion     float64
	Spread         float64
}

// ratioOf returns the model's ratios keyed for lookup.
func (m *Model) ratioOf() map[catKey]float64 {
	out := make(map[catKey]float64, len(m.Ratios))
	for _, r := range m.Ratios {
		out[catKey{r.Type, r.Category, r.Occurrence, r.Segment}] = r.Ratio
	}
	return out
}

// productEstimate is a product's deviation from its category for a
// segment, over the occurrences it saw: d the log of its sales over its
// baseline times the category's ratio, v its Poisson variance, n the
// occurrences and spread the weighted squares of their deviations from
// d (what the overdispersion is measured from).
type productEstimate struct {
	typ, sku, cat string
	seg           Segment
	d, v, spread  float64
	n             int
}

// deviations turns the products' sums into their estimates, in order of
// type, SKU and segment; ratio is keyed by the occurrences' index in the
// model's Past.
func deviations(prodSums map[prodKey]*sums, ratio map[catKey]float64, labels Labels) []productEstimate {
	keys := make([]prodKey, 0, len(prodSums))
	for k := range prodSums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b prodKey) int {
		return cmp.Or(cmp.Compare(a.typ, b.typ), cmp.Compare(a.sku, b.sku), cmp.Compare(a.seg, b.seg), cmp.Compare(a.occ, b.occ))
	})
	var out []productEstimate
	var sold, expected float64
	var devs, weights []float64
	flush := func(k prodKey) {
		if sold > 0 && expected > 0 {
			e := productEstimate{typ: k.typ, sku: k.sku, cat: labels.Category[k.sku], seg: k.seg,
				d: math.Log(sold / expected), v: 1/sold + 1/expected, n: len(devs)}
			if len(devs) >= 2 {
				var sw, swd float64
				for i, d := range devs {
					sw += weights[i]
					swd += weights[i] * d
				}
				mean := swd / sw
				for i, d := range devs {
					e.spread += weights[i] * (d - mean) * (d - mean)
				}
			}
			out = append(out, e)
		}
		sold, expected, devs, weights = 0, 0, devs[:0], weights[:0]
	}
	for i, k := range keys {
		s := prodSums[k]
		if r, ok := ratio[catKey{k.typ, labels.Category[k.sku], k.occ, k.seg}]; ok && s.base > 0 {
			sold += s.sold
			expected += s.base * r
			if s.sold > 0 {
				devs = append(devs, math.Log(s.sold/(s.base*r)))
				weights = append(weights, s.sold)
			}
		}
		if i+1 == len(keys) || keys[i+1].typ != k.typ || keys[i+1].sku != k.sku || keys[i+1].seg != k.seg {
			flush(k)
		}
	}
	return out
}

// LearnProducts returns the model with the product deviations of the
// panel's products (the model itself is not changed): each one's sales in the model's past occurrences
// against its baseline times its category's ratio in the same
// occurrence, drawn toward none by the category's spread between
// products against the product's own variance (its counts'
// overdispersion included).
func (m *Model) LearnProducts(p *series.Panel, labels Labels) *Model {
	out := &Model{Window: m.Window, Past: m.Past, Effects: m.Effects, Ratios: m.Ratios, Groups: m.Groups}
	if len(m.Past) == 0 {
		return out
	}
	_, prodSums, _ := measure(p, m.Past, labels, m.Window)
	type groupKey struct {
		typ, cat string
		seg      Segment
	}
	group := map[groupKey]Group{}
	for _, g := range m.Groups {
		group[groupKey{g.Type, g.Category, g.Segment}] = g
	}
	for _, e := range deviations(prodSums, m.ratioOf(), labels) {
		g, ok := group[groupKey{e.typ, e.cat, e.seg}]
		if !ok || g.Spread == 0 {
			continue
		}
		v := g.Dispersion * e.v
		w := g.Spread / (g.Spread + v)
		n := len(out.Products)
		if n == 0 || out.Products[n-1].Type != e.typ || out.Products[n-1].SKU != e.sku {
			out.Products = append(out.Products, Deviation{Type: e.typ, SKU: e.sku})
			n++
		}
		out.Products[n-1].Log[e.seg] = w * e.d
		out.Products[n-1].Variance[e.seg] = w * v
	}
	return out
}

// randomEffects returns the precision-weighted mean of estimates ls with
// variances vs and the between-estimate variance by the method of moments
// (DerSimonian & Laird, 1986); +Inf for a single estimate, whose spread
// nothing measures.
func randomEffects(ls, vs []float64) (mu, between float64) {
	if len(ls) == 1 {
		return ls[0], math.Inf(1)
	}
	var sw, sw2, swl float64
	for i, l := range ls {
		w := 1 / math.Max(vs[i], 1e-12)
		sw += w
		sw2 += w * w
		swl += w * l
	}
	mu = swl / sw
	var q float64
	for i, l := range ls {
		q += (l - mu) * (l - mu) / math.Max(vs[i], 1e-12)
	}
	between = math.Max(0, (q-float64(len(ls)-1))/(sw-sw2/sw))
	return mu, between
}

func meanOf(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func normalQuantile(p float64) float64 { return distuv.UnitNormal.Quantile(p) }

// Effect returns the effect of event type typ on category cat.
func (m *Model) Effect(typ, cat string) (Effect, bool) {
	m.index()
	i, ok := m.effect[typeCat{typ, cat}]
	if !ok {
		return Effect{}, false
	}
	return m.Effects[i], true
}

// Lift returns the effect of event type typ on the segment seg of a
// product of category cat: the category's, moved by the product's own
// deviation as far as its history bears it out. ok is false when nothing
// was learned of the type for the category.
func (m *Model) Lift(typ, cat, sku string, seg Segment) (Lift, bool) {
	e, ok := m.Effect(typ, cat)
	if !ok {
		return none, false
	}
	l := e.Lifts[seg]
	if l.Mult == 1 && l.SD == 0 {
		return l, true
	}
	if i, ok := m.products[typeSKU{typ, sku}]; ok {
		dv := &m.Products[i]
		v := l.SE*l.SE + dv.Variance[seg]
		sd2 := l.SD*l.SD - l.SE*l.SE + v
		l = Lift{Mult: l.Mult * math.Exp(dv.Log[seg]), SE: math.Sqrt(v), SD: math.Sqrt(sd2)}
	}
	return l, true
}
