package uplift

import (
	"cmp"
	"math"
	"slices"

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
	effect  map[typeCat]int
	// product deviations: the shrunk log deviation and its variance, by
	// event type and SKU, per segment.
	products map[typeSKU]*deviation
}

type typeCat struct{ typ, cat string }
type typeSKU struct{ typ, sku string }

type deviation struct {
	log, variance [3]float64
}

// sums are sales and baseline summed over a segment of one occurrence.
type sums struct{ sold, base float64 }

// Estimate learns the effects of the occurrences in occ that the panel's
// history holds whole (window included) from the panel, whose unobserved
// periods are left out of both the sales and the baseline.
func Estimate(p *series.Panel, occ []series.Occurrence, labels Labels, opts Options) *Model {
	opts = opts.withDefaults()
	m := &Model{Window: opts.Window, effect: map[typeCat]int{}, products: map[typeSKU]*deviation{}}
	if p.Len() == 0 || len(occ) == 0 {
		return m
	}
	// Per event type, category, occurrence and segment, and per product.
	type catKey struct {
		typ, cat string
		occ      int
		seg      Segment
	}
	type prodKey struct {
		typ, sku string
		occ      int
		seg      Segment
	}
	catSums := map[catKey]*sums{}
	prodSums := map[prodKey]*sums{}
	used := make([]bool, len(occ))
	season := p.Freq.SeasonLength()
	mask := []bool{}
	for i, k := range p.Keys {
		y := p.Series(i)
		n := len(y)
		observed := p.UnobservedOf(i)
		var windows [][3][]int
		var which []int
		for j, o := range occ {
			if !labels.applies(o, k.Location) {
				continue
			}
			if segs, ok := windowPeriods(p.Freq, p.Starts[i], n, o, opts.Window); ok {
				windows = append(windows, segs)
				which = append(which, j)
			}
		}
		if len(windows) == 0 {
			continue
		}
		mask = slices.Grow(mask[:0], n)[:n]
		for t := range mask {
			mask[t] = observed != nil && observed[t]
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
		for w, segs := range windows {
			j := which[w]
			o := occ[j]
			for s, seg := range segs {
				var sold, b float64
				for _, t := range seg {
					if observed != nil && observed[t] {
						continue
					}
					sold += y[t]
					b += base[t]
				}
				if b <= 0 {
					continue
				}
				used[j] = true
				ck := catKey{o.Type, cat, j, Segment(s)}
				if catSums[ck] == nil {
					catSums[ck] = &sums{}
				}
				catSums[ck].sold += sold
				catSums[ck].base += b
				pk := prodKey{o.Type, k.SKU, j, Segment(s)}
				if prodSums[pk] == nil {
					prodSums[pk] = &sums{}
				}
				prodSums[pk].sold += sold
				prodSums[pk].base += b
			}
		}
	}
	for j, o := range occ {
		if used[j] {
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
		pooled := make([]typeSeg, 0, len(den))
		for ts := range den {
			pooled = append(pooled, ts)
		}
		slices.SortFunc(pooled, func(a, b typeSeg) int { return cmp.Or(cmp.Compare(a.typ, b.typ), cmp.Compare(a.seg, b.seg)) })
		for _, ts := range pooled {
			allNum += num[ts]
			allDen += den[ts]
			allSamp += samp[ts]
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
	for c, ls := range logs {
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
	// The effects, by type and category.
	byTC := map[typeCat]*Effect{}
	for c, l := range shrunk {
		tc := typeCat{c.typ, c.cat}
		e := byTC[tc]
		if e == nil {
			e = &Effect{Type: c.typ, Category: c.cat, Lifts: [3]Lift{none, none, none}, Own: [3]float64{1, 1, 1}, ReturnRate: math.NaN()}
			byTC[tc] = e
		}
		e.Lifts[c.seg] = l
		e.Own[c.seg] = math.Exp(owns[c].log)
		e.Occurrences = max(e.Occurrences, owns[c].n)
	}
	for _, e := range byTC {
		m.Effects = append(m.Effects, *e)
	}
	slices.SortFunc(m.Effects, func(a, b Effect) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Category, b.Category))
	})
	for i, e := range m.Effects {
		m.effect[typeCat{e.Type, e.Category}] = i
	}

	// The products: each one's deviation from its category in the same
	// occurrences, drawn toward none.
	type prodCell struct {
		typ, sku string
		seg      Segment
	}
	type prodStat struct {
		sold, expected float64   // summed over occurrences: sales, and baseline x the category's ratio
		devs, weights  []float64 // per occurrence: log deviation, and its sales
		cat            string
	}
	stats := map[prodCell]*prodStat{}
	var order []prodCell // stats' keys in the order first met
	pkeys := make([]prodKey, 0, len(prodSums))
	for k := range prodSums {
		pkeys = append(pkeys, k)
	}
	slices.SortFunc(pkeys, func(a, b prodKey) int {
		return cmp.Or(cmp.Compare(a.typ, b.typ), cmp.Compare(a.sku, b.sku), cmp.Compare(a.seg, b.seg), cmp.Compare(a.occ, b.occ))
	})
	for _, k := range pkeys {
		s := prodSums[k]
		// The product's category: its SKU's label.
		cat := labels.Category[k.sku]
		r, ok := ratio[catKey{k.typ, cat, k.occ, k.seg}]
		if !ok || s.base <= 0 {
			continue
		}
		pc := prodCell{k.typ, k.sku, k.seg}
		st := stats[pc]
		if st == nil {
			st = &prodStat{cat: cat}
			stats[pc] = st
			order = append(order, pc)
		}
		st.sold += s.sold
		st.expected += s.base * r
		if s.sold > 0 {
			st.devs = append(st.devs, math.Log(s.sold/(s.base*r)))
			st.weights = append(st.weights, s.sold)
		}
	}
	// Overdispersion per type, category and segment: the spread of a
	// product's deviations across occurrences against what counts alone
	// would give.
	dispersion := map[cell]float64{}
	{
		num, den := map[cell]float64{}, map[cell]float64{}
		for _, pc := range order {
			st := stats[pc]
			if len(st.devs) < 2 {
				continue
			}
			c := cell{pc.typ, st.cat, pc.seg}
			var sw, swd float64
			for i, d := range st.devs {
				sw += st.weights[i]
				swd += st.weights[i] * d
			}
			mean := swd / sw
			for i, d := range st.devs {
				num[c] += st.weights[i] * (d - mean) * (d - mean)
			}
			den[c] += float64(len(st.devs) - 1)
		}
		for c := range den {
			dispersion[c] = math.Max(1, num[c]/den[c])
		}
	}
	type prodEst struct {
		pc    prodCell
		d, v  float64
		group cell
	}
	var ests []prodEst
	for _, pc := range order {
		st := stats[pc]
		if st.sold <= 0 || st.expected <= 0 {
			continue
		}
		c := cell{pc.typ, st.cat, pc.seg}
		phi := dispersion[c]
		if phi == 0 {
			phi = 1
		}
		ests = append(ests, prodEst{pc: pc, d: math.Log(st.sold / st.expected), v: phi * (1/st.sold + 1/st.expected), group: c})
	}
	// Between-product variance per group (DerSimonian-Laird around none).
	spread := map[cell]float64{}
	{
		byGroup := map[cell][]int{} // in the order of ests
		for i, e := range ests {
			byGroup[e.group] = append(byGroup[e.group], i)
		}
		for c, idx := range byGroup {
			ds, vs := make([]float64, len(idx)), make([]float64, len(idx))
			for j, i := range idx {
				ds[j], vs[j] = ests[i].d, ests[i].v
			}
			_, a := randomEffects(ds, vs)

			if math.IsInf(a, 1) {
				a = 0 // one product: nothing says it differs
			}
			spread[c] = a
		}
	}
	for _, e := range ests {
		a := spread[e.group]
		w := a / (a + e.v)
		k := typeSKU{e.pc.typ, e.pc.sku}
		dv := m.products[k]
		if dv == nil {
			dv = &deviation{}
			m.products[k] = dv
		}
		dv.log[e.pc.seg] = w * e.d
		dv.variance[e.pc.seg] = w * e.v
	}
	return m
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
	if dv := m.products[typeSKU{typ, sku}]; dv != nil && dv.variance[seg]+dv.log[seg] != 0 {
		v := l.SE*l.SE + dv.variance[seg]
		sd2 := l.SD*l.SD - l.SE*l.SE + v
		l = Lift{Mult: l.Mult * math.Exp(dv.log[seg]), SE: math.Sqrt(v), SD: math.Sqrt(sd2)}
	}
	return l, true
}
