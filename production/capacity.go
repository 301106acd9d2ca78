package production

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
)

// Product is one product a factory makes, over the plan's periods.
type Product struct {
	SKU string
	// Demand is the net demand due in each period: what must be finished
	// by then.
	Demand []float64
	Costs
	// CapacityPerUnit is the capacity one unit uses (hours, or 1 when
	// capacity is in units); 0 means 1.
	CapacityPerUnit float64
	// MinBatch and Multiple shape every lot: at least MinBatch, a whole
	// number of Multiple (0: no rule).
	MinBatch, Multiple float64
	// LeadTime is the periods from a lot's start to its completion; a lot
	// due sooner than that cannot start in time and is late.
	LeadTime int
}

// Factory is one factory's capacity per period and the products it makes.
type Factory struct {
	Name     string
	Capacity []float64
	Products []Product
	// Frozen is how many first periods are frozen: what they make was
	// released already (and counts as stock on order), so no new lot is
	// planned in them; their capacity is spoken for.
	Frozen int
}

// Shortfall is demand a factory cannot finish in time: Qty units of SKU
// due in Period that no earlier period had the capacity for.
type Shortfall struct {
	SKU    string
	Period int
	Qty    float64
}

// FactoryPlan is a factory's production: the lots of each product by
// period (in the factory's product order), the capacity they use, their
// cost, and the demand left short.
type FactoryPlan struct {
	Lots       [][]float64
	Load       []float64
	Cost       PlanCost
	Shortfalls []Shortfall
	// Late are lots due before their lead time has passed: they cannot
	// start in time, and their demand will be late.
	Late []Shortfall
}

// ErrBadFactory wraps every input error PlanFactory reports.
var ErrBadFactory = errors.New("bad input")

// PlanFactory plans a factory's products with the lot sizer, then brings
// every period within capacity: from the last period back, the excess
// moves to the latest earlier period with room, taking first the units
// that cost least to make early (holding for the extra periods, plus a
// setup where the product had no lot; per unit of capacity), in the
// spirit of Dixon & Silver's capacitated heuristic (1981) applied as a
// repair of the uncapacitated plan. What no earlier period can take is a
// shortfall, named by product and period. Lots keep their minimum batch
// and multiple where they were first sized; the units moved for capacity
// are whole multiples where the product has one.
func PlanFactory(f *Factory, m LotSizer) (*FactoryPlan, error) {
	return planFactory(f, func(_ int, p *Product) []float64 { return m.Lots(p.Demand, p.Costs) })
}

// planFactory is PlanFactory from the starting lots start gives each
// product (by index).
func planFactory(f *Factory, start func(i int, p *Product) []float64) (*FactoryPlan, error) {
	n := len(f.Capacity)
	for t, c := range f.Capacity {
		if math.IsNaN(c) || c < 0 {
			return nil, fmt.Errorf("%w: factory %s: capacity %v in period %d is not a number >= 0", ErrBadFactory, f.Name, c, t+1)
		}
	}
	if f.Frozen < 0 {
		return nil, fmt.Errorf("%w: factory %s: %d frozen periods", ErrBadFactory, f.Name, f.Frozen)
	}
	if f.Frozen > 0 {
		// Nothing new is made in the frozen periods: their demand, net of
		// stock already, is short; the rest is planned from the first
		// open period.
		frozen := min(f.Frozen, n)
		g := *f
		g.Frozen = 0
		g.Capacity = append([]float64(nil), f.Capacity...)
		g.Products = append([]Product(nil), f.Products...)
		var short []Shortfall
		for t := 0; t < frozen; t++ {
			g.Capacity[t] = 0
		}
		for i := range g.Products {
			p := &g.Products[i]
			p.Demand = append([]float64(nil), p.Demand...)
			for t := 0; t < frozen; t++ {
				if p.Demand[t] > 0 {
					short = append(short, Shortfall{SKU: p.SKU, Period: t, Qty: p.Demand[t]})
					p.Demand[t] = 0
				}
			}
		}
		plan, err := planFactory(&g, start)
		if err != nil {
			return nil, err
		}
		plan.Shortfalls = append(short, plan.Shortfalls...)
		sort.SliceStable(plan.Shortfalls, func(a, b int) bool { return plan.Shortfalls[a].Period < plan.Shortfalls[b].Period })
		return plan, nil
	}
	plan := &FactoryPlan{Lots: make([][]float64, len(f.Products)), Load: make([]float64, n)}
	cpu := make([]float64, len(f.Products))
	for i := range f.Products {
		p := &f.Products[i]
		if len(p.Demand) != n {
			return nil, fmt.Errorf("%w: factory %s: %s has %d periods of demand for %d periods of capacity", ErrBadFactory, f.Name, p.SKU, len(p.Demand), n)
		}
		for t, d := range p.Demand {
			if math.IsNaN(d) || d < 0 {
				return nil, fmt.Errorf("%w: factory %s: %s's demand %v in period %d is not a number >= 0", ErrBadFactory, f.Name, p.SKU, d, t+1)
			}
		}
		if p.Setup < 0 || p.Holding < 0 || p.CapacityPerUnit < 0 || p.MinBatch < 0 || p.Multiple < 0 || p.LeadTime < 0 {
			return nil, fmt.Errorf("%w: factory %s: %s has a negative cost, capacity use or batch rule", ErrBadFactory, f.Name, p.SKU)
		}
		cpu[i] = p.CapacityPerUnit
		if cpu[i] == 0 {
			cpu[i] = 1
		}
		plan.Lots[i] = batchRules(start(i, p), p)
		for t, q := range plan.Lots[i] {
			plan.Load[t] += q * cpu[i]
		}
	}
	for t := n - 1; t >= 0; t-- {
		for plan.Load[t] > f.Capacity[t]+1e-9 {
			if !moveEarlier(f, plan, cpu, t) {
				shortOf(f, plan, cpu, t)
				break
			}
		}
	}
	for round := 0; round < 20; round++ {
		merged := mergeLots(f, plan, cpu)
		shifted := shiftLater(f, plan, cpu)
		if !merged && !shifted {
			break
		}
	}
	// Last, lots made together further back than the previous lot.
	consolidate(f, plan, cpu)
	for i := range f.Products {
		c := CostOf(plan.Lots[i], f.Products[i].Demand, f.Products[i].Costs)
		plan.Cost.Setups += c.Setups
		plan.Cost.Setup += c.Setup
		plan.Cost.Holding += c.Holding
	}
	plan.Cost.All = plan.Cost.Setup + plan.Cost.Holding
	for i, p := range f.Products {
		for t := 0; t < min(p.LeadTime, n); t++ {
			if plan.Lots[i][t] > 0 {
				plan.Late = append(plan.Late, Shortfall{SKU: p.SKU, Period: t, Qty: plan.Lots[i][t]})
			}
		}
	}
	sort.SliceStable(plan.Shortfalls, func(a, b int) bool { return plan.Shortfalls[a].Period < plan.Shortfalls[b].Period })
	return plan, nil
}

// batchRules keeps the lot sizer's lot periods and sets each lot to what
// its periods need beyond the stock carried in, raised to the minimum
// batch and a whole number of multiples (whole units at least); the extra
// is stock for later.
func batchRules(lots []float64, p *Product) []float64 {
	multiple := math.Max(1, p.Multiple) // whole units at least
	out := make([]float64, len(lots))
	stock := 0.0
	for t := 0; t < len(lots); t++ {
		if lots[t] > 0 {
			next := t + 1
			for next < len(lots) && lots[next] == 0 {
				next++
			}
			if need := sumRange(p.Demand, t, next) - stock; need > 0 {
				q := math.Max(need, p.MinBatch)
				out[t] = math.Ceil(q/multiple-1e-9) * multiple
			}
		}
		stock += out[t] - p.Demand[t]
	}
	return out
}

// moveEarlier moves part of period t's excess to an earlier period with
// room: the cheapest move per unit of capacity over products and periods.
// It reports false when no earlier period has room.
func moveEarlier(f *Factory, plan *FactoryPlan, cpu []float64, t int) bool {
	excess := plan.Load[t] - f.Capacity[t]
	bestI, bestS := -1, -1
	bestCost, bestQty := math.Inf(1), 0.0
	for s := t - 1; s >= 0; s-- {
		room := f.Capacity[s] - plan.Load[s]
		if room <= 1e-9 {
			continue
		}
		for i := range f.Products {
			p := &f.Products[i]
			if s < p.LeadTime {
				// A lot finished before the lead time has passed would
				// have had to start in the past.
				continue
			}
			q := math.Min(plan.Lots[i][t], math.Min(excess, room)/cpu[i])
			if p.Multiple > 1 {
				q = math.Floor(q/p.Multiple+1e-9) * p.Multiple
			}
			if q <= 1e-9 {
				continue
			}
			cost := p.Holding * float64(t-s) * q
			if plan.Lots[i][s] == 0 {
				cost += p.Setup
			}
			if per := cost / (q * cpu[i]); per < bestCost {
				bestI, bestS, bestCost, bestQty = i, s, per, q
			}
		}
	}
	if bestI < 0 {
		return false
	}
	plan.Lots[bestI][t] -= bestQty
	plan.Lots[bestI][bestS] += bestQty
	plan.Load[t] -= bestQty * cpu[bestI]
	plan.Load[bestS] += bestQty * cpu[bestI]
	return true
}

// mergeLots improves a feasible plan: a lot whose setup costs more than
// holding its units since the product's previous lot is made with that
// lot instead, where the earlier period has the room, best saving first,
// until no merge saves anything. Demand stays met: units only move
// earlier.
func mergeLots(f *Factory, plan *FactoryPlan, cpu []float64) (changed bool) {
	n := len(f.Capacity)
	for {
		bestI, bestS, bestT, bestSave := -1, -1, -1, 1e-9
		for i := range f.Products {
			p := &f.Products[i]
			prev := -1
			for t := 0; t < n; t++ {
				q := plan.Lots[i][t]
				if q <= 0 {
					continue
				}
				if prev >= p.LeadTime && prev >= 0 && plan.Load[prev]+q*cpu[i] <= f.Capacity[prev]+1e-9 {
					if save := p.Setup - p.Holding*float64(t-prev)*q; save > bestSave {
						bestI, bestS, bestT, bestSave = i, prev, t, save
					}
				}
				prev = t
			}
		}
		if bestI < 0 {
			return changed
		}
		changed = true
		q := plan.Lots[bestI][bestT]
		plan.Lots[bestI][bestT] = 0
		plan.Lots[bestI][bestS] += q
		plan.Load[bestT] -= q * cpu[bestI]
		plan.Load[bestS] += q * cpu[bestI]
	}
}

// consolidate improves a feasible plan by consolidating a product's lots:
// the next m lots from some period s on are made together in s (which may
// have had no lot of the product), where s has the capacity, when the
// setups saved are worth more than holding the later lots' units since s.
// Best saving first, until no consolidation saves anything. Units only
// move earlier, so demand stays met.
func consolidate(f *Factory, plan *FactoryPlan, cpu []float64) (changed bool) {
	n := len(f.Capacity)
	for {
		bestI, bestS, bestM, bestSave := -1, -1, 0, 1e-9
		for i := range f.Products {
			p := &f.Products[i]
			lots := plan.Lots[i]
			for s := p.LeadTime; s < n; s++ {
				room := f.Capacity[s] - plan.Load[s]
				had := 0 // setups at s already
				if lots[s] > 0 {
					had = 1
				}
				moved, hold, setups := 0.0, 0.0, had
				m := 0
				for t := s + 1; t < n; t++ {
					if lots[t] <= 0 {
						continue
					}
					moved += lots[t] * cpu[i]
					if moved > room+1e-9 {
						break
					}
					hold += p.Holding * float64(t-s) * lots[t]
					setups++
					m++
					if save := p.Setup*float64(setups-1) - hold; save > bestSave {
						bestI, bestS, bestM, bestSave = i, s, m, save
					}
				}
			}
		}
		if bestI < 0 {
			return changed
		}
		changed = true
		lots := plan.Lots[bestI]
		for t, m := bestS+1, 0; t < n && m < bestM; t++ {
			if lots[t] <= 0 {
				continue
			}
			lots[bestS] += lots[t]
			plan.Load[bestS] += lots[t] * cpu[bestI]
			plan.Load[t] -= lots[t] * cpu[bestI]
			lots[t] = 0
			m++
		}
	}
}

// shiftLater moves units made early (often by the capacity repair) to a
// later lot of the same product where capacity has room again, saving
// their holding; a lot emptied this way saves its setup too. Units move
// only as far as the stock they leave behind still meets every period's
// demand in between. Best saving first, until none saves anything.
func shiftLater(f *Factory, plan *FactoryPlan, cpu []float64) (changed bool) {
	n := len(f.Capacity)
	for iter := 0; iter < 10*n*max(1, len(f.Products)); iter++ {
		bestI, bestS, bestT := -1, -1, -1
		bestQty, bestSave := 0.0, 1e-9
		for i := range f.Products {
			p := &f.Products[i]
			lots := plan.Lots[i]
			// spare[k]: stock at the end of period k, what can leave
			// the periods up to k without a shortage.
			spare := make([]float64, n)
			stock := 0.0
			for k := 0; k < n; k++ {
				stock += lots[k] - p.Demand[k]
				spare[k] = stock
			}
			for s := 0; s < n; s++ {
				if lots[s] <= 0 {
					continue
				}
				movable := lots[s]
				for t := s + 1; t < n; t++ {
					movable = math.Min(movable, spare[t-1])
					if movable <= 1e-9 {
						break
					}
					if lots[t] <= 0 {
						continue
					}
					q := math.Min(movable, (f.Capacity[t]-plan.Load[t])/cpu[i])
					if p.Multiple > 1 && q < lots[s]-1e-9 {
						q = math.Floor(q/p.Multiple+1e-9) * p.Multiple
					}
					if q <= 1e-9 {
						continue
					}
					save := p.Holding * float64(t-s) * q
					if q >= lots[s]-1e-9 {
						save += p.Setup
					}
					if save > bestSave {
						bestI, bestS, bestT, bestQty, bestSave = i, s, t, q, save
					}
				}
			}
		}
		if bestI < 0 {
			return changed
		}
		changed = true
		plan.Lots[bestI][bestS] -= bestQty
		if plan.Lots[bestI][bestS] < 1e-9 {
			plan.Lots[bestI][bestS] = 0
		}
		plan.Lots[bestI][bestT] += bestQty
		plan.Load[bestS] -= bestQty * cpu[bestI]
		plan.Load[bestT] += bestQty * cpu[bestI]
	}
	return changed
}

// shortOf cuts period t's lots to its capacity, the products whose units
// use the most capacity first, and records what is cut as shortfalls.
func shortOf(f *Factory, plan *FactoryPlan, cpu []float64, t int) {
	order := make([]int, len(f.Products))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cpu[order[a]] > cpu[order[b]] })
	for _, i := range order {
		excess := plan.Load[t] - f.Capacity[t]
		if excess <= 1e-9 {
			return
		}
		cut := math.Min(plan.Lots[i][t], excess/cpu[i])
		if cut <= 0 {
			continue
		}
		plan.Lots[i][t] -= cut
		plan.Load[t] -= cut * cpu[i]
		plan.Shortfalls = append(plan.Shortfalls, Shortfall{SKU: f.Products[i].SKU, Period: t, Qty: cut})
	}
}

// PlanFactoryBest plans the factory from every lot sizer's starting plan
// and keeps the cheapest plan with the least shortfall: the repair lands
// in different places from different starts, and which start is best
// depends on how tight capacity is. Where capacity binds, the plans of
// Lagrangian compete too. It returns the plan and the method it started
// from ("lagrangian" for those).
func PlanFactoryBest(f *Factory) (*FactoryPlan, string, error) {
	starts := []LotSizer{WagnerWhitin{}, SilverMeal{}, FixedPeriod{}, FixedPeriod{Periods: 2}, FixedPeriod{Periods: 3}, FixedPeriod{Periods: 4}, LotForLot{}}
	plans := make([]*FactoryPlan, len(starts))
	errs := make([]error, len(starts))
	// The starts are independent: plan them side by side, then pick in
	// their order, so the choice does not depend on the schedule.
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k, m := range starts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			plans[k], errs[k] = PlanFactory(f, m)
		}()
	}
	wg.Wait()
	var best *FactoryPlan
	name := ""
	for k, plan := range plans {
		if errs[k] != nil {
			return nil, "", errs[k]
		}
		if best == nil || better(plan, best) {
			best, name = plan, starts[k].Name()
		}
	}
	if !fitsUncapacitated(f) {
		// Capacity binds: prices on capacity steer the products' lots
		// apart (Lagrangian), and its plans compete with the starts'.
		_, plan, err := Lagrangian(f, &LagrangeOptions{Start: best})
		if err != nil {
			return nil, "", err
		}
		if plan != best {
			best, name = plan, "lagrangian"
		}
	}
	return best, name, nil
}

// fitsUncapacitated reports whether every product's Wagner-Whitin lots fit
// the capacity of every period together: that plan is then optimal.
func fitsUncapacitated(f *Factory) bool {
	if f.Frozen > 0 {
		return false
	}
	load := make([]float64, len(f.Capacity))
	for i := range f.Products {
		p := &f.Products[i]
		if p.LeadTime > 0 || p.MinBatch > 0 || p.Multiple > 1 {
			return false
		}
		cpu := p.CapacityPerUnit
		if cpu == 0 {
			cpu = 1
		}
		for t, q := range (WagnerWhitin{}).Lots(p.Demand, p.Costs) {
			load[t] += q * cpu
		}
	}
	for t, l := range load {
		if l > f.Capacity[t]+1e-9 {
			return false
		}
	}
	return true
}

// better prefers less demand short, then less cost.
func better(a, b *FactoryPlan) bool {
	sa, sb := 0.0, 0.0
	for _, s := range a.Shortfalls {
		sa += s.Qty
	}
	for _, s := range b.Shortfalls {
		sb += s.Qty
	}
	if math.Abs(sa-sb) > 1e-9 {
		return sa < sb
	}
	return a.Cost.All < b.Cost.All-1e-9
}

// PlanFactories plans every factory, side by side (factories share
// nothing): with the lot sizer, or with PlanFactoryBest when it is nil.
// Plans are in the order of factories; the first factory's error in that
// order is returned.
func PlanFactories(factories []Factory, sizer LotSizer) ([]*FactoryPlan, error) {
	plans := make([]*FactoryPlan, len(factories))
	errs := make([]error, len(factories))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k := range factories {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if sizer == nil {
				plans[k], _, errs[k] = PlanFactoryBest(&factories[k])
			} else {
				plans[k], errs[k] = PlanFactory(&factories[k], sizer)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return plans, nil
}
