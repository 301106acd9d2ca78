package production

import (
	"math"
)

// LagrangeOptions tune Lagrangian. The zero value means the defaults.
type LagrangeOptions struct {
	// Iterations of the subgradient method; 0 means 300.
	Iterations int
	// RepairEvery is how often (in iterations) the subproblems' lots are
	// repaired into a plan; 0 means 10.
	RepairEvery int
	// UpperBound is the cost of a known plan, which steers the step size;
	// 0 or less means the best plan the method finds itself.
	UpperBound float64
	// Start is a plan of the factory made already (PlanFactoryBest's best
	// start): the plan returned is never worse, and the cost of a
	// Wagner-Whitin start is saved. nil plans one.
	Start *FactoryPlan
}

// Lagrangian relaxes the factory's capacity with a price per unit of
// capacity in each period, so each product's plan is an uncapacitated
// Wagner-Whitin problem with those prices as production costs, and
// adjusts the prices by the subgradient method (Held, Wolfe & Crowder,
// "Validation of subgradient optimization", Math. Programming 1974) as
// Thizy & Van Wassenhove ("Lagrangean relaxation for the multi-item
// capacitated lot-sizing problem", IIE Transactions 1985) and Trigeiro,
// Thomas & McClain ("Capacitated lot sizing with setup times", Management
// Science 1989) do. Every set of prices gives a lower bound on the cost of
// any plan that meets all demand in time within capacity (the best is as
// tight as the facility-location LP relaxation, found without an LP
// solver); every few iterations the products' priced lots go through
// PlanFactory's capacity repair, and the best plan is kept. Demand due
// before a product's lead time or in frozen periods cannot be met by any
// plan and is left out of the bound.
func Lagrangian(f *Factory, opts *LagrangeOptions) (bound float64, best *FactoryPlan, err error) {
	o := LagrangeOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Iterations <= 0 {
		o.Iterations = 300
	}
	if o.RepairEvery <= 0 {
		o.RepairEvery = 10
	}
	n := len(f.Capacity)
	best = o.Start
	if best == nil {
		// The ordinary planner also checks the input.
		if best, err = PlanFactory(f, WagnerWhitin{}); err != nil {
			return 0, nil, err
		}
	}
	ub := best.Cost.All
	if o.UpperBound > 0 {
		ub = math.Min(ub, o.UpperBound)
	}
	cpu := make([]float64, len(f.Products))
	first := make([]int, len(f.Products))
	for i := range f.Products {
		cpu[i] = f.Products[i].CapacityPerUnit
		if cpu[i] == 0 {
			cpu[i] = 1
		}
		first[i] = max(f.Products[i].LeadTime, f.Frozen)
	}
	price := make([]float64, n)
	use := make([]float64, n)
	grad := make([]float64, n)
	lots := make([][]float64, len(f.Products))
	var ws wwScratch
	bound = math.Inf(-1)
	theta, sinceBetter := 2.0, 0
	for iter := 0; iter < o.Iterations && theta > 1e-4; iter++ {
		clear(use)
		value := 0.0
		for i := range f.Products {
			p := &f.Products[i]
			for t := range ws.unit(n) {
				ws.v[t] = price[t] * cpu[i]
			}
			var c float64
			c, lots[i] = ws.solve(p.Demand, p.Costs, first[i], lots[i])
			value += c
			for t, q := range lots[i] {
				use[t] += q * cpu[i]
			}
		}
		norm := 0.0
		for t := range grad {
			value -= price[t] * f.Capacity[t]
			grad[t] = use[t] - f.Capacity[t]
			if price[t] == 0 && grad[t] < 0 {
				grad[t] = 0 // the price cannot fall below zero: no direction
			}
			norm += grad[t] * grad[t]
		}
		if math.IsInf(bound, -1) || value > bound+1e-9*math.Abs(bound) {
			bound, sinceBetter = value, 0
		} else if sinceBetter++; sinceBetter >= 20 {
			theta, sinceBetter = theta/2, 0
		}
		if iter%o.RepairEvery == 0 || norm == 0 {
			plan, err := planFactory(f, func(i int, p *Product) []float64 {
				// The plan must still meet what the bound left out: demand
				// due before the lead time is made in its own period (a
				// late lot, as the other starts make it).
				start := append([]float64(nil), lots[i]...)
				for t := 0; t < min(first[i], n); t++ {
					start[t] += p.Demand[t]
				}
				return start
			})
			if err != nil {
				return 0, nil, err
			}
			if better(plan, best) {
				best = plan
			}
			if len(best.Shortfalls) == 0 {
				ub = math.Min(ub, best.Cost.All)
			}
		}
		if norm == 0 {
			break // the priced plans fit capacity exactly: the bound is reached
		}
		step := theta * math.Max(ub-value, 1e-9*math.Abs(ub)) / norm
		for t := range price {
			price[t] = math.Max(0, price[t]+step*grad[t])
		}
	}
	return bound, best, nil
}

// wwScratch solves Wagner-Whitin with a production cost per unit in each
// period, reusing its slices.
type wwScratch struct {
	v, best []float64
	from    []int
}

// unit sizes the per-period production costs to n periods and returns
// them.
func (w *wwScratch) unit(n int) []float64 {
	if cap(w.v) < n {
		w.v, w.best, w.from = make([]float64, n), make([]float64, n+1), make([]int, n+1)
	}
	w.v, w.best, w.from = w.v[:n], w.best[:n+1], w.from[:n+1]
	return w.v
}

// solve returns the least setup, holding and production cost of meeting
// demand from period first on (demand due earlier is dropped: no plan can
// make it in time), and the lots, written into lots when it has room.
func (w *wwScratch) solve(demand []float64, c Costs, first int, lots []float64) (float64, []float64) {
	n := len(demand)
	if cap(lots) < n {
		lots = make([]float64, n)
	}
	lots = lots[:n]
	clear(lots)
	best, from := w.best, w.from
	best[0] = 0
	for t := 1; t <= n; t++ {
		if demand[t-1] == 0 || t-1 < first {
			best[t], from[t] = best[t-1], -1
			continue
		}
		best[t] = math.Inf(1)
		// The last lot, made in period j, covers j..t-1: its units cost
		// v[j] each, and each is held from j to its period.
		hold, units := 0.0, 0.0
		for j := t - 1; j >= first; j-- {
			units += demand[j]
			if j < t-1 {
				hold += c.Holding * (units - demand[j])
			}
			if cost := best[j] + c.Setup + hold + w.v[j]*units; cost < best[t] {
				best[t], from[t] = cost, j
			}
		}
	}
	return best[n], lotsFrom(from, demand, lots)
}
