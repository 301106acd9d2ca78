package production

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// Input is production planning's inputs given as tables: demand
// per factory, SKU and period, capacity per factory and period, and each
// SKU's costs and batch rules.
type Input struct {
	Demand   []supply.ProductionDemand
	Capacity []supply.FactoryCapacity
	Costs    []supply.ProductionCost
}

// Problem is every factory's planning problem over the plan's
// periods, with the exceptions found on the way.
type Problem struct {
	// Periods label the plan's periods in order (integers or dates).
	Periods    []string
	Factories  []Factory
	Exceptions []string
}

// ProblemFromTables puts the tables together: the plan's periods are all
// the periods the demand and capacity files name, in order (as integers
// or as dates); a factory without capacity in a period has none. Demand
// for a SKU without costs, or periods mixing integers and dates, is an
// error; a lead time as long as the plan, capacity for a factory without
// demand, are exceptions.
func ProblemFromTables(in *Input) (*Problem, error) {
	labels := map[string]bool{}
	for _, d := range in.Demand {
		labels[d.Period] = true
	}
	for _, c := range in.Capacity {
		labels[c.Period] = true
	}
	periods, err := orderPeriods(labels)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	for i, p := range periods {
		index[p] = i
	}
	costs := map[string]supply.ProductionCost{}
	for _, c := range in.Costs {
		costs[c.SKU] = c
	}
	out := &Problem{Periods: periods}
	type key struct{ factory, sku string }
	demand := map[key][]float64{}
	var factories []string
	seenFactory := map[string]bool{}
	var keys []key
	for _, d := range in.Demand {
		if _, ok := costs[d.SKU]; !ok {
			return nil, fmt.Errorf("demand for %s at factory %s, but the costs file has no row for %s", d.SKU, d.Factory, d.SKU)
		}
		k := key{d.Factory, d.SKU}
		if demand[k] == nil {
			demand[k] = make([]float64, len(periods))
			keys = append(keys, k)
		}
		demand[k][index[d.Period]] += d.Qty
		if !seenFactory[d.Factory] {
			seenFactory[d.Factory] = true
			factories = append(factories, d.Factory)
		}
	}
	capacity := map[string][]float64{}
	for _, c := range in.Capacity {
		if !seenFactory[c.Factory] {
			if capacity[c.Factory] == nil {
				out.Exceptions = append(out.Exceptions, fmt.Sprintf("factory %s has capacity but no demand", c.Factory))
			}
		}
		if capacity[c.Factory] == nil {
			capacity[c.Factory] = make([]float64, len(periods))
		}
		capacity[c.Factory][index[c.Period]] = c.Capacity
	}
	sort.Strings(factories)
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].factory != keys[b].factory {
			return keys[a].factory < keys[b].factory
		}
		return keys[a].sku < keys[b].sku
	})
	for _, name := range factories {
		f := Factory{Name: name, Capacity: capacity[name]}
		if f.Capacity == nil {
			f.Capacity = make([]float64, len(periods))
			out.Exceptions = append(out.Exceptions, fmt.Sprintf("factory %s has demand but no capacity in the capacity file", name))
		}
		for _, k := range keys {
			if k.factory != name {
				continue
			}
			c := costs[k.sku]
			lt := int(c.LeadTime)
			if lt >= len(periods) {
				out.Exceptions = append(out.Exceptions, fmt.Sprintf("%s at %s: lead time %d periods is as long as the plan (%d periods): nothing can be made in time", k.sku, name, lt, len(periods)))
			}
			f.Products = append(f.Products, Product{SKU: k.sku, Demand: demand[k],
				Costs: Costs{Setup: c.Setup, Holding: c.Holding}, CapacityPerUnit: c.CapacityPerUnit,
				MinBatch: c.MinBatch, Multiple: c.BatchMultiple, LeadTime: lt})
		}
		out.Factories = append(out.Factories, f)
	}
	return out, nil
}

// orderPeriods sorts period labels as integers, or as dates; a mix is an
// error.
func orderPeriods(labels map[string]bool) ([]string, error) {
	var ps []string
	for p := range labels {
		ps = append(ps, p)
	}
	allInts, allDates := true, true
	for _, p := range ps {
		if _, err := strconv.Atoi(p); err != nil {
			allInts = false
		}
		if _, err := series.ParseDate(p); err != nil {
			allDates = false
		}
	}
	switch {
	case allInts:
		sort.Slice(ps, func(a, b int) bool {
			x, _ := strconv.Atoi(ps[a])
			y, _ := strconv.Atoi(ps[b])
			return x < y
		})
	case allDates:
		sort.Strings(ps) // ISO dates sort as text
	default:
		return nil, fmt.Errorf("periods must all be integers or all dates (YYYY-MM-DD); the files mix them")
	}
	return ps, nil
}

// Settings say how production demand is drawn from forecasts
// and how lots are priced when no costs file is given.
type Settings struct {
	// Weeks is the plan's length in weeks from the first forecast day.
	Weeks int
	// Quantile is the forecast level planned for (0.9: the 90% quantile);
	// 0 plans for the mean.
	Quantile float64
	// SetupCost is the cost of one production run of a product.
	SetupCost float64
	// HoldingRate is the yearly cost of holding a unit, as a share of its
	// unit cost (0.25: a quarter of its cost a year).
	HoldingRate float64
	// Service is the probability the stock kept back at each location
	// covers its demand over its replenishment lead time and review:
	// only the network's stock above that safety stock nets the demand.
	// 0 means 0.95; a negative value nets the whole stock.
	Service float64
}

// safetyStock returns, by SKU, the safety stock of the locations the
// factories serve: at each, z(service) times the forecast's standard
// deviation over its lane's lead time plus review (14 days without one).
func safetyStock(snap *supply.Snapshot, fc *series.Forecasts, served func(sku, loc string) bool, service float64) map[string]float64 {
	days := map[[2]string]int{}
	for _, l := range snap.Lanes {
		days[[2]string{l.SKU, l.To}] = int(math.Ceil(l.LeadTime)) + max(1, l.Review)
	}
	z := distuv.UnitNormal.Quantile(service)
	out := map[string]float64{}
	for i, k := range fc.Keys {
		if !served(k.SKU, k.Location) {
			continue
		}
		p, ok := days[[2]string{k.SKU, k.Location}]
		if !ok {
			p = 14
		}
		periods := min(fc.Horizon, max(1, p/fc.Freq.Days()))
		var v float64
		for t := 0; t < periods; t++ {
			v += fc.Variance(i, t)
		}
		out[k.SKU] += z * math.Sqrt(v)
	}
	return out
}

// ProblemFromSnapshot builds every factory's problem from the network:
// each SKU a factory supplies (a sourcing rule from a location of type
// factory to a DC) is made for the demand of the locations those DCs
// serve (and of the DCs themselves), week by week, at the chosen forecast
// level, plus consumer pre-orders due that week, less the network's stock
// and open orders of the SKU above its safety stock (used up by the first
// weeks). A location's safety stock is the Service quantile of its demand
// over its lane's lead time and review (14 days without a lane) less the
// mean, from the forecast's spread. Capacity comes
// from the capacity table, prorated to the weeks by days; costs from the
// products' unit costs and the settings.
func ProblemFromSnapshot(snap *supply.Snapshot, caps []supply.CapacityRow, pre []supply.Preorder,
	fc *series.Forecasts, s Settings) (*Problem, error) {
	if s.Weeks < 1 {
		return nil, fmt.Errorf("the plan needs at least one week (got %d)", s.Weeks)
	}
	start := fc.First()
	out := &Problem{}
	for w := 0; w < s.Weeks; w++ {
		out.Periods = append(out.Periods, (start + series.Date(7*w)).String())
	}
	week := func(d series.Date) int {
		if d < start {
			return 0 // overdue: as soon as possible
		}
		return int(d-start) / 7
	}
	// Which factory makes which SKU, for which DCs, with which lead time.
	type made struct {
		factory string
		dcs     map[string]bool
		lead    float64
	}
	bySKU := map[string]*made{}
	for _, l := range snap.Lanes {
		if snap.Locations[l.From].Type != "factory" {
			continue
		}
		m := bySKU[l.SKU]
		if m == nil {
			m = &made{factory: l.From, dcs: map[string]bool{}}
			bySKU[l.SKU] = m
		} else if m.factory != l.From {
			out.Exceptions = append(out.Exceptions, fmt.Sprintf("%s is made by both %s and %s: planned at %s", l.SKU, m.factory, l.From, m.factory))
			continue
		}
		m.dcs[l.To] = true
		m.lead = math.Max(m.lead, l.LeadTime)
	}
	if len(bySKU) == 0 {
		return nil, fmt.Errorf("no sourcing rule comes from a location of type factory: nothing to produce")
	}
	served := func(sku, loc string) bool {
		m := bySKU[sku]
		return m != nil && (m.dcs[loc] || m.dcs[snap.Locations[loc].DC])
	}
	demand := map[string][]float64{}
	add := func(sku string, w int, q float64) {
		if w >= s.Weeks {
			return
		}
		if demand[sku] == nil {
			demand[sku] = make([]float64, s.Weeks)
		}
		demand[sku][w] += q
	}
	qk := -1
	if s.Quantile > 0 {
		best := math.Inf(1)
		for k, q := range fc.Quantiles {
			if d := math.Abs(q - s.Quantile); d < best {
				qk, best = k, d
			}
		}
	}
	for i, k := range fc.Keys {
		if !served(k.SKU, k.Location) {
			continue
		}
		for t := 0; t < fc.Horizon; t++ {
			v := fc.Mean[i*fc.Horizon+t]
			if qk >= 0 {
				v = fc.Quantile(i, t, qk)
			}
			add(k.SKU, week(fc.Freq.Add(fc.Starts[i], t)), v)
		}
	}
	for _, p := range pre {
		if served(p.SKU, p.Location) {
			add(p.SKU, week(p.Due), p.Qty)
		}
	}
	stock := map[string]float64{}
	for _, p := range snap.Positions {
		if served(p.SKU, p.Location) {
			stock[p.SKU] += p.Inventory()
		}
	}
	if service := s.Service; service >= 0 {
		if service == 0 {
			service = 0.95
		}
		for sku, ss := range safetyStock(snap, fc, served, service) {
			stock[sku] -= ss
		}
	}
	capacity := map[string][]float64{}
	for _, c := range caps {
		if capacity[c.Factory] == nil {
			capacity[c.Factory] = make([]float64, s.Weeks)
		}
		days := float64(c.End - c.Start + 1)
		for w := 0; w < s.Weeks; w++ {
			ws, we := start+series.Date(7*w), start+series.Date(7*w+6)
			if overlap := float64(min(we, c.End)-max(ws, c.Start)) + 1; overlap > 0 && days > 0 {
				capacity[c.Factory][w] += c.Capacity * overlap / days
			}
		}
	}
	factories := map[string]*Factory{}
	var names []string
	skus := make([]string, 0, len(bySKU))
	for sku := range bySKU {
		skus = append(skus, sku)
	}
	sort.Strings(skus)
	for _, sku := range skus {
		m := bySKU[sku]
		d := demand[sku]
		if d == nil {
			d = make([]float64, s.Weeks)
		}
		// The network's stock covers the first weeks.
		left := math.Max(0, stock[sku])
		for w := range d {
			use := math.Min(left, d[w])
			d[w] -= use
			left -= use
		}
		f := factories[m.factory]
		if f == nil {
			f = &Factory{Name: m.factory, Capacity: capacity[m.factory]}
			if f.Capacity == nil {
				f.Capacity = make([]float64, s.Weeks)
				out.Exceptions = append(out.Exceptions, fmt.Sprintf("factory %s has no capacity rows for the plan's weeks", m.factory))
			}
			factories[m.factory] = f
			names = append(names, m.factory)
		}
		pt := snap.Products[sku]
		holding := math.Max(1e-6, pt.UnitCost*s.HoldingRate/52)
		lead := int(math.Ceil(m.lead / 7))
		if lead >= s.Weeks {
			out.Exceptions = append(out.Exceptions, fmt.Sprintf("%s at %s: lead time %.0f days is as long as the plan", sku, m.factory, m.lead))
		}
		f.Products = append(f.Products, Product{SKU: sku, Demand: d, Costs: Costs{Setup: s.SetupCost, Holding: holding},
			Multiple: pt.PackSize, LeadTime: lead})
	}
	sort.Strings(names)
	for _, n := range names {
		out.Factories = append(out.Factories, *factories[n])
	}
	return out, nil
}
