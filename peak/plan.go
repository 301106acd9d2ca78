package peak

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/planner-engine/planner/dist"
	"github.com/planner-engine/planner/series"
)

// Problem is a peak to plan for: the event's days, the network's stores,
// DCs, factories and products, and each store's demand and stock of each
// product.
type Problem struct {
	// Start is the first day planned (the day after the stock positions);
	// First and Last are the event's first and last day.
	Start, First, Last series.Date
	Stores             []Store
	DCs                []DC
	Factories          []Factory
	Items              []Item
	Lines              []Line
	DCStock            []DCStock
	// Service is the probability that what a store holds when the event
	// starts covers the event week's demand; 0 means 0.95.
	Service float64
}

// Store is a store (or an online fulfilment point) the event is sold
// from: the DC that ships to it, its capacity (units of every product,
// shelf and backroom; 0 for unlimited), and the days from its DC.
type Store struct {
	Name, DC string
	Capacity float64
	LeadDays float64
}

// DC is a distribution centre and the units a day it can receive, and as
// many it can ship (0 for unlimited).
type DC struct {
	Name       string
	Throughput float64
}

// Factory is a factory and its capacity in units on each day from the
// problem's Start (a missing day has none).
type Factory struct {
	Name  string
	Daily []float64
}

// Item is a product: where its DCs get it (a factory, or a supplier with
// no capacity limit) and in how many days, and what a unit costs and
// sells for.
type Item struct {
	SKU, Source     string
	Factory         bool
	LeadDays        float64
	UnitCost, Price float64
}

// Line is a product at a store: its mean demand on each day from Start
// up to the event (the days before it), its demand over the event's week
// (mean and variance), and its stock (the inventory position).
type Line struct {
	SKU, Store          string
	Daily               []float64
	EventMean, EventVar float64
	Stock               float64
}

// DCStock is a DC's stock of a product (its inventory position): the
// peak's needs draw on it before any receipt, as if the usual flow were
// fed by its usual receipts.
type DCStock struct {
	SKU, DC string
	Qty     float64
}

// Options choose the plan.
type Options struct {
	// NoPreBuild plans the event as nightly replenishment alone would:
	// it orders a lead time and a review ahead, so every flow of the
	// event's stock is in the week before it, nothing made or moved
	// earlier.
	NoPreBuild bool
	// Produce sizes a factory's lots within its capacity per period (the
	// capacity left beside its usual production) for the demand due in
	// each period, by SKU: it returns what is made in each period and
	// what cannot be made in time, by SKU and the period it was due.
	// Required when a product comes from a factory.
	Produce func(factory string, capacity []float64, due map[string][]float64) (made map[string][]float64, short map[string][]float64, err error)
}

// Bucket is a week of the plan: its first and last day.
type Bucket struct {
	First, Last series.Date
	Event       bool
}

// Transfer moves a product from a DC to a store: shipped in one week,
// arriving in another.
type Transfer struct {
	SKU, DC, Store string
	Ship, Arrive   int
	Qty            float64
}

// Receipt is a DC receiving a product from its source in a week.
type Receipt struct {
	SKU, DC, Source string
	Bucket          int
	Qty             float64
}

// Lot is a factory making a product in a week for the peak.
type Lot struct {
	Factory, SKU string
	Bucket       int
	Qty          float64
}

// Load is a place's load in a week beside its capacity: a factory's
// production, a DC's receipts (dc_in) or shipments (dc_out) in units, or
// a store's stock on hand at the week's end (store). Usual is the flow
// (or stock) that goes on anyway, Peak what the peak adds; Capacity is 0
// for unlimited.
type Load struct {
	Bucket      int
	Kind, Place string
	Usual, Peak float64
	Capacity    float64
	Unlimited   bool
}

// Shortfall is what a store will lack of a product when the event starts:
// the units and why.
type Shortfall struct {
	SKU, Store string
	Qty        float64
	Cause      string
	// Value is the margin the units would have earned (their price less
	// their unit cost, when positive).
	Value float64
}

// Causes of a shortfall.
const (
	CauseSpace   = "store space"
	CauseDCOut   = "DC shipping capacity"
	CauseDCIn    = "DC receiving capacity"
	CauseFactory = "factory capacity"
	CauseTime    = "lead time"
)

// Ready is a store's readiness for the event in one product: the units
// it needs when the event starts (Target, the event week's demand at the
// service level), what it holds, and what arrives in time.
type Ready struct {
	SKU, Store      string
	Target          float64
	Stock, Arriving float64
	// Mean is the event week's mean demand; Leftover the units expected
	// left when it ends (the stock ready less the expected sales).
	Mean, Leftover float64
}

// Result is a peak plan.
type Result struct {
	Buckets    []Bucket
	Transfers  []Transfer
	Receipts   []Receipt
	Lots       []Lot
	Loads      []Load
	Shortfalls []Shortfall
	Ready      []Ready
}

// ErrBadProblem wraps every input error Plan reports.
var ErrBadProblem = errors.New("bad peak problem")

// Plan plans the peak: see the package documentation.
func Plan(p *Problem, opts Options) (*Result, error) {
	if p.First <= p.Start {
		return nil, fmt.Errorf("%w: the event starts %s, on or before the plan's first day %s", ErrBadProblem, p.First, p.Start)
	}
	service := p.Service
	if service == 0 {
		service = 0.95
	}
	if !(service > 0 && service < 1) {
		return nil, fmt.Errorf("%w: the service level %v is not between 0 and 1", ErrBadProblem, service)
	}
	pl, err := newPlanner(p, opts)
	if err != nil {
		return nil, err
	}
	pl.targets(service)
	pl.storeSpace()
	pl.shipToStores()
	pl.receiveAtDCs()
	if err := pl.supply(); err != nil {
		return nil, err
	}
	return pl.result(), nil
}

// planner holds a plan as it is made.
type planner struct {
	p       *Problem
	opts    Options
	buckets []Bucket
	days    []int // days in each bucket
	event   int   // the event's bucket
	// the window of buckets the peak's stock may arrive at stores in
	from, to int

	store   map[string]int
	dc      map[string]int
	factory map[string]int
	item    map[string]int

	// Per line: its store, DC and item, and the weeks from its DC.
	lineStore, lineDC, lineItem, lineOff []int
	// The usual flow per bucket of each DC and each factory (the lines'
	// mean demand), and each factory's capacity per bucket.
	usualDC, usualMade, factoryCap [][]float64

	need   []float64   // per line: what must arrive before the event
	target []float64   // per line: the event week's demand at the service level
	ship   [][]float64 // per line, per bucket: shipped from its DC
	short  []Shortfall
	recv   map[[2]int][]float64 // (DC, item) -> received per bucket
	// byDCItem are the lines by DC and item (linesOf).
	byDCItem map[[2]int][]int
	lots     map[[2]int][]float64 // (factory, item) -> made per bucket
}

func newPlanner(p *Problem, opts Options) (*planner, error) {
	pl := &planner{p: p, opts: opts, store: map[string]int{}, dc: map[string]int{}, factory: map[string]int{}, item: map[string]int{},
		recv: map[[2]int][]float64{}, lots: map[[2]int][]float64{}}
	// Weeks ending the day before the event, the first cut at Start.
	before := (int(p.First-p.Start) + 6) / 7
	for w := 0; w < before; w++ {
		last := p.First - 1 - series.Date(7*(before-1-w))
		first := max(p.Start, last-6)
		pl.buckets = append(pl.buckets, Bucket{First: first, Last: last})
	}
	pl.buckets = append(pl.buckets, Bucket{First: p.First, Last: p.First + 6, Event: true})
	pl.event = len(pl.buckets) - 1
	for _, b := range pl.buckets {
		pl.days = append(pl.days, int(b.Last-b.First)+1)
	}
	pl.from, pl.to = 0, pl.event-1
	if opts.NoPreBuild {
		pl.from = pl.to // the week before the event only
	}
	for i, d := range p.DCs {
		pl.dc[d.Name] = i
	}
	for i, s := range p.Stores {
		if _, ok := pl.dc[s.DC]; !ok {
			return nil, fmt.Errorf("%w: store %s is served by %q, which is not a DC of the problem", ErrBadProblem, s.Name, s.DC)
		}
		pl.store[s.Name] = i
	}
	for i, f := range p.Factories {
		pl.factory[f.Name] = i
	}
	for i, it := range p.Items {
		if it.Factory {
			if _, ok := pl.factory[it.Source]; !ok {
				return nil, fmt.Errorf("%w: %s is made by %q, which is not a factory of the problem", ErrBadProblem, it.SKU, it.Source)
			}
			if opts.Produce == nil {
				return nil, fmt.Errorf("%w: %s is made in a factory, and no lot sizer was given", ErrBadProblem, it.SKU)
			}
		}
		pl.item[it.SKU] = i
	}
	for _, l := range p.Lines {
		if _, ok := pl.store[l.Store]; !ok {
			return nil, fmt.Errorf("%w: %s is sold at %q, which is not a store of the problem", ErrBadProblem, l.SKU, l.Store)
		}
		if _, ok := pl.item[l.SKU]; !ok {
			return nil, fmt.Errorf("%w: %s at %s has no item", ErrBadProblem, l.SKU, l.Store)
		}
	}
	nb := len(pl.buckets)
	grid := func(n int) [][]float64 {
		out := make([][]float64, n)
		for i := range out {
			out[i] = make([]float64, nb)
		}
		return out
	}
	pl.ship = grid(len(p.Lines))
	pl.usualDC, pl.usualMade, pl.factoryCap = grid(len(p.DCs)), grid(len(p.Factories)), grid(len(p.Factories))
	for i := range p.Lines {
		l := &p.Lines[i]
		st := pl.store[l.Store]
		pl.lineStore = append(pl.lineStore, st)
		pl.lineDC = append(pl.lineDC, pl.dc[p.Stores[st].DC])
		pl.lineItem = append(pl.lineItem, pl.item[l.SKU])
		pl.lineOff = append(pl.lineOff, weeks(p.Stores[st].LeadDays))
		it := p.Items[pl.item[l.SKU]]
		for b := 0; b < nb; b++ {
			u := pl.usual(l, b)
			pl.usualDC[pl.lineDC[i]][b] += u
			if it.Factory {
				pl.usualMade[pl.factory[it.Source]][b] += u
			}
		}
	}
	for f, fac := range p.Factories {
		for b := 0; b < nb; b++ {
			lo := int(pl.buckets[b].First - p.Start)
			for t := lo; t < lo+pl.days[b] && t < len(fac.Daily); t++ {
				pl.factoryCap[f][b] += fac.Daily[t]
			}
		}
	}
	return pl, nil
}

// usual returns a line's mean demand over bucket b (none in the event's:
// its demand is what the peak's stock is for).
func (pl *planner) usual(l *Line, b int) float64 {
	if b >= pl.event {
		return 0
	}
	var s float64
	lo := int(pl.buckets[b].First - pl.p.Start)
	for t := lo; t < lo+pl.days[b] && t < len(l.Daily); t++ {
		s += l.Daily[t]
	}
	return s
}

// targets sets each line's target and need: the event week's demand at
// the service level, in whole units, and that less its stock.
func (pl *planner) targets(service float64) {
	pl.need = make([]float64, len(pl.p.Lines))
	pl.target = make([]float64, len(pl.p.Lines))
	q := make([]float64, 1)
	for i, l := range pl.p.Lines {
		if l.EventMean <= 0 {
			continue
		}
		dist.CountQuantiles(l.EventMean, math.Max(l.EventVar, l.EventMean), []float64{service}, q)
		pl.target[i] = math.Ceil(q[0])
		pl.need[i] = math.Max(0, pl.target[i]-math.Max(0, math.Floor(l.Stock)))
	}
}

// storeSpace fits each store's needs into the room its capacity leaves
// beside its stock.
func (pl *planner) storeSpace() {
	byStore := map[int][]int{}
	for i := range pl.p.Lines {
		byStore[pl.lineStore[i]] = append(byStore[pl.lineStore[i]], i)
	}
	for s, st := range pl.p.Stores {
		if st.Capacity <= 0 {
			continue
		}
		lines := byStore[s]
		var stock float64
		wants := make([]float64, len(lines))
		for j, i := range lines {
			stock += math.Max(0, pl.p.Lines[i].Stock)
			wants[j] = pl.need[i]
		}
		got := share(st.Capacity-stock, wants)
		for j, i := range lines {
			pl.cut(i, wants[j]-got[j], CauseSpace)
			pl.need[i] = got[j]
		}
	}
}

// cut records a shortfall of line i.
func (pl *planner) cut(i int, qty float64, cause string) {
	if qty <= 0 {
		return
	}
	l := pl.p.Lines[i]
	it := pl.p.Items[pl.lineItem[i]]
	pl.short = append(pl.short, Shortfall{SKU: l.SKU, Store: l.Store, Qty: qty, Cause: cause, Value: qty * max(0, it.Price-it.UnitCost)})
}

// weeks returns the whole weeks a lead time of days takes: a lane shorter
// than a week delivers in the week it ships.
func weeks(days float64) int { return int(math.Floor(days / 7)) }

// dcCapacity is what a DC can handle in bucket b beside its usual flow;
// +Inf when unlimited.
func (pl *planner) dcCapacity(d, b int, usual float64) float64 {
	t := pl.p.DCs[d].Throughput
	if t <= 0 {
		return math.Inf(1)
	}
	return math.Max(0, math.Floor(t*float64(pl.days[b])-usual))
}

// shipToStores ships each line's need from its DC, as late as the DC's
// shipping capacity allows for it to arrive in the window.
func (pl *planner) shipToStores() {
	byDC := make([][]int, len(pl.p.DCs))
	for i := range pl.p.Lines {
		byDC[pl.lineDC[i]] = append(byDC[pl.lineDC[i]], i)
	}
	for d, lines := range byDC {
		rem := make([]float64, len(lines))
		for j, i := range lines {
			rem[j] = pl.need[i]
		}
		for b := pl.to; b >= 0; b-- {
			var idx []int
			var wants []float64
			for j, i := range lines {
				off := pl.lineOff[i]
				if rem[j] > 0 && b+off >= pl.from && b+off <= pl.to {
					idx = append(idx, j)
					wants = append(wants, rem[j])
				}
			}
			if len(idx) == 0 {
				continue
			}
			got := share(pl.dcCapacity(d, b, pl.usualDC[d][b]), wants)
			for k, j := range idx {
				pl.ship[lines[j]][b] += got[k]
				rem[j] -= got[k]
			}
		}
		for j, i := range lines {
			cause := CauseDCOut
			if pl.lineOff[i] > pl.to {
				cause = CauseTime
			}
			pl.cut(i, rem[j], cause)
		}
	}
}

// linesOf returns the lines a DC ships an item to, in the problem's
// order.
func (pl *planner) linesOf(d, it int) []int {
	if pl.byDCItem == nil {
		pl.byDCItem = map[[2]int][]int{}
		for i := range pl.p.Lines {
			k := [2]int{pl.lineDC[i], pl.lineItem[i]}
			pl.byDCItem[k] = append(pl.byDCItem[k], i)
		}
	}
	return pl.byDCItem[[2]int{d, it}]
}

// take takes qty of what lines ship back, earliest weeks first (shared
// among the lines of a week in proportion), recording the cause.
func (pl *planner) take(lines []int, qty float64, cause string) {
	for b := 0; b < len(pl.buckets) && qty > 0; b++ {
		wants := make([]float64, len(lines))
		var total float64
		for j, i := range lines {
			wants[j] = pl.ship[i][b]
			total += wants[j]
		}
		if total == 0 {
			continue
		}
		got := share(math.Min(qty, total), wants)
		for j, i := range lines {
			pl.ship[i][b] -= got[j]
			pl.cut(i, got[j], cause)
			qty -= got[j]
		}
	}
}

// receiveAtDCs schedules each DC's receipts of each product: what it
// ships in each week, net of its stock (used first), received in that
// week or, as its receiving capacity requires, earlier (never earlier
// without pre-building).
func (pl *planner) receiveAtDCs() {
	stock := map[[2]int]float64{}
	for _, s := range pl.p.DCStock {
		d, ok1 := pl.dc[s.DC]
		it, ok2 := pl.item[s.SKU]
		if ok1 && ok2 {
			stock[[2]int{d, it}] += math.Max(0, math.Floor(s.Qty))
		}
	}
	nb := len(pl.buckets)
	for d := range pl.p.DCs {
		// Each item's needs per bucket, net of the DC's stock.
		type itemNeed struct {
			it    int
			lines []int
			need  []float64
		}
		var items []itemNeed
		for it := range pl.p.Items {
			lines := pl.linesOf(d, it)
			if len(lines) == 0 {
				continue
			}
			need := make([]float64, nb)
			for b := 0; b < nb; b++ {
				for _, i := range lines {
					need[b] += pl.ship[i][b]
				}
			}
			left := stock[[2]int{d, it}]
			for b := 0; b < nb && left > 0; b++ {
				use := math.Min(left, need[b])
				need[b] -= use
				left -= use
			}
			items = append(items, itemNeed{it: it, lines: lines, need: need})
		}
		pending := make([]float64, len(items))
		for b := nb - 1; b >= 0; b-- {
			wants := make([]float64, len(items))
			for k := range items {
				if pl.opts.NoPreBuild {
					pending[k] = 0 // nothing received ahead of its week
				}
				pending[k] += items[k].need[b]
				wants[k] = pending[k]
			}
			got := share(pl.dcCapacity(d, b, pl.usualDC[d][b]), wants)
			for k := range items {
				if got[k] > 0 {
					key := [2]int{d, items[k].it}
					if pl.recv[key] == nil {
						pl.recv[key] = make([]float64, nb)
					}
					pl.recv[key][b] += got[k]
				}
				pending[k] -= got[k]
				if pl.opts.NoPreBuild && pending[k] > 0 {
					pl.take(items[k].lines, pending[k], CauseDCIn)
					pending[k] = 0
				}
			}
		}
		for k := range items {
			pl.take(items[k].lines, pending[k], CauseDCIn)
		}
	}
}

// supply has each DC's receipts sent by their source: a supplier's a lead
// time ahead (short, when that is before the plan's first week), a
// factory's made by the lot sizer within the capacity its usual
// production leaves (without pre-building, none before the first week a
// receipt is due).
func (pl *planner) supply() error {
	nb := len(pl.buckets)
	keys := make([][2]int, 0, len(pl.recv))
	for k := range pl.recv {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[1], b[1]), cmp.Compare(a[0], b[0])) })
	// What each factory's products are due, by the bucket they must be
	// made in.
	due := make([]map[string][]float64, len(pl.p.Factories))
	first := make([]int, len(pl.p.Factories))
	for f := range due {
		due[f] = map[string][]float64{}
		first[f] = nb
	}
	for _, k := range keys {
		it := pl.p.Items[k[1]]
		off := weeks(it.LeadDays)
		var late float64
		for b, q := range pl.recv[k] {
			if q == 0 {
				continue
			}
			if b-off < 0 {
				late += q
				continue
			}
			if it.Factory {
				f := pl.factory[it.Source]
				if due[f][it.SKU] == nil {
					due[f][it.SKU] = make([]float64, nb)
				}
				due[f][it.SKU][b-off] += q
				first[f] = min(first[f], b-off)
			}
		}
		pl.takeReceipts(k, late, CauseTime)
	}
	for f, fac := range pl.p.Factories {
		if len(due[f]) == 0 {
			continue
		}
		capacity := make([]float64, nb)
		for b := 0; b < nb; b++ {
			if pl.opts.NoPreBuild && b < first[f] {
				continue
			}
			capacity[b] = math.Max(0, math.Floor(pl.factoryCap[f][b]-pl.usualMade[f][b]))
		}
		made, short, err := pl.opts.Produce(fac.Name, capacity, due[f])
		if err != nil {
			return fmt.Errorf("planning %s's production for the peak: %w", fac.Name, err)
		}
		skus := make([]string, 0, len(due[f]))
		for sku := range due[f] {
			skus = append(skus, sku)
		}
		slices.Sort(skus)
		for _, sku := range skus {
			it := pl.item[sku]
			if m := made[sku]; m != nil {
				pl.lots[[2]int{f, it}] = append([]float64(nil), m...)
			}
			var s float64
			for _, q := range short[sku] {
				s += q
			}
			// A product short at its factory is short at its DCs, in
			// the order of their receipts.
			for _, k := range keys {
				if k[1] == it && s > 0 {
					var r float64
					for _, q := range pl.recv[k] {
						r += q
					}
					take := math.Min(s, r)
					pl.takeReceipts(k, take, CauseFactory)
					s -= take
				}
			}
		}
	}
	return nil
}

// takeReceipts takes qty of a DC's receipts of an item back, earliest
// weeks first, and as much of what it ships.
func (pl *planner) takeReceipts(key [2]int, qty float64, cause string) {
	if qty <= 0 {
		return
	}
	r := pl.recv[key]
	left := qty
	for b := range r {
		t := math.Min(left, r[b])
		r[b] -= t
		left -= t
	}
	pl.take(pl.linesOf(key[0], key[1]), qty, cause)
}

// result puts the plan's parts together, with each place's load by week.
func (pl *planner) result() *Result {
	p := pl.p
	out := &Result{Buckets: pl.buckets}
	arriving := make([]float64, len(p.Lines))
	storeIn := make([][]float64, len(p.Stores)) // arrivals per store and bucket
	for s := range storeIn {
		storeIn[s] = make([]float64, len(pl.buckets))
	}
	dcOut := make([][]float64, len(p.DCs))
	dcIn := make([][]float64, len(p.DCs))
	for d := range dcOut {
		dcOut[d] = make([]float64, len(pl.buckets))
		dcIn[d] = make([]float64, len(pl.buckets))
	}
	for i, l := range p.Lines {
		st, d, off := pl.lineStore[i], pl.lineDC[i], pl.lineOff[i]
		for b, q := range pl.ship[i] {
			if q <= 0 {
				continue
			}
			out.Transfers = append(out.Transfers, Transfer{SKU: l.SKU, DC: p.Stores[st].DC, Store: l.Store, Ship: b, Arrive: b + off, Qty: q})
			arriving[i] += q
			storeIn[st][min(b+off, len(pl.buckets)-1)] += q
			dcOut[d][b] += q
		}
	}
	keys := make([][2]int, 0, len(pl.recv))
	for k := range pl.recv {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[1], b[1]), cmp.Compare(a[0], b[0])) })
	for _, k := range keys {
		it := p.Items[k[1]]
		for b, q := range pl.recv[k] {
			if q > 0 {
				out.Receipts = append(out.Receipts, Receipt{SKU: it.SKU, DC: p.DCs[k[0]].Name, Source: it.Source, Bucket: b, Qty: q})
				dcIn[k[0]][b] += q
			}
		}
	}
	lotKeys := make([][2]int, 0, len(pl.lots))
	for k := range pl.lots {
		lotKeys = append(lotKeys, k)
	}
	slices.SortFunc(lotKeys, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	made := make([][]float64, len(p.Factories))
	for f := range made {
		made[f] = make([]float64, len(pl.buckets))
	}
	for _, k := range lotKeys {
		for b, q := range pl.lots[k] {
			if q > 0 {
				out.Lots = append(out.Lots, Lot{Factory: p.Factories[k[0]].Name, SKU: p.Items[k[1]].SKU, Bucket: b, Qty: q})
				made[k[0]][b] += q
			}
		}
	}
	// Loads, week by week.
	stockAt := make([]float64, len(p.Stores))
	for i := range p.Lines {
		stockAt[pl.lineStore[i]] += math.Max(0, p.Lines[i].Stock)
	}
	for b := range pl.buckets {
		for f, fac := range p.Factories {
			out.Loads = append(out.Loads, Load{Bucket: b, Kind: "factory", Place: fac.Name, Usual: pl.usualMade[f][b], Peak: made[f][b], Capacity: pl.factoryCap[f][b]})
		}
		for d, dc := range p.DCs {
			c := dc.Throughput * float64(pl.days[b])
			out.Loads = append(out.Loads,
				Load{Bucket: b, Kind: "dc_in", Place: dc.Name, Usual: pl.usualDC[d][b], Peak: dcIn[d][b], Capacity: c, Unlimited: dc.Throughput <= 0},
				Load{Bucket: b, Kind: "dc_out", Place: dc.Name, Usual: pl.usualDC[d][b], Peak: dcOut[d][b], Capacity: c, Unlimited: dc.Throughput <= 0})
		}
		for s, st := range p.Stores {
			var arrived float64
			for bb := 0; bb <= b; bb++ {
				arrived += storeIn[s][bb]
			}
			out.Loads = append(out.Loads, Load{Bucket: b, Kind: "store", Place: st.Name, Usual: stockAt[s], Peak: arrived, Capacity: st.Capacity, Unlimited: st.Capacity <= 0})
		}
	}
	for i, l := range p.Lines {
		ready := math.Max(0, math.Floor(l.Stock)) + arriving[i]
		r := Ready{SKU: l.SKU, Store: l.Store, Target: pl.target[i], Stock: math.Max(0, math.Floor(l.Stock)), Arriving: arriving[i], Mean: l.EventMean}
		if l.EventMean > 0 {
			d, err := dist.NewDemand(l.EventMean, math.Max(l.EventVar, l.EventMean))
			if err == nil {
				sold := l.EventMean - d.Shortage(ready)
				r.Leftover = math.Max(0, ready-sold)
			}
		} else {
			r.Leftover = ready
		}
		out.Ready = append(out.Ready, r)
	}
	out.Shortfalls = mergeShortfalls(pl.short)
	return out
}

// mergeShortfalls sums the shortfalls of one product, store and cause, in
// that order.
func mergeShortfalls(in []Shortfall) []Shortfall {
	slices.SortStableFunc(in, func(a, b Shortfall) int {
		return cmp.Or(cmp.Compare(a.SKU, b.SKU), cmp.Compare(a.Store, b.Store), cmp.Compare(a.Cause, b.Cause))
	})
	var out []Shortfall
	for _, s := range in {
		if n := len(out); n > 0 && out[n-1].SKU == s.SKU && out[n-1].Store == s.Store && out[n-1].Cause == s.Cause {
			out[n-1].Qty += s.Qty
			out[n-1].Value += s.Value
			continue
		}
		out = append(out, s)
	}
	return out
}

// share splits capacity (whole units; +Inf for unlimited) among wants in
// proportion to them, in whole units by largest remainder (ties to the
// earlier want), none above its want.
func share(capacity float64, wants []float64) []float64 {
	out := make([]float64, len(wants))
	var total float64
	for _, w := range wants {
		total += math.Max(0, w)
	}
	capacity = math.Floor(math.Max(0, capacity))
	if total <= capacity {
		for i, w := range wants {
			out[i] = math.Max(0, w)
		}
		return out
	}
	type rest struct {
		i    int
		frac float64
	}
	rests := make([]rest, 0, len(wants))
	var given float64
	for i, w := range wants {
		if w <= 0 {
			continue
		}
		x := capacity * w / total
		out[i] = math.Floor(x)
		given += out[i]
		rests = append(rests, rest{i, x - out[i]})
	}
	slices.SortStableFunc(rests, func(a, b rest) int { return cmp.Compare(b.frac, a.frac) })
	for _, r := range rests {
		if given >= capacity {
			break
		}
		if out[r.i] < wants[r.i] {
			out[r.i]++
			given++
		}
	}
	return out
}
