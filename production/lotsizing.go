package production

import (
	"fmt"
	"math"
)

// Costs are one product's lot-sizing costs: a setup cost for every period
// it is made in, and a holding cost per unit carried from one period to
// the next.
type Costs struct {
	Setup, Holding float64
}

// LotSizer decides, for one product without a capacity limit, how much to
// make in each period so that each period's demand is met from what was
// made in it or before (no backlog).
type LotSizer interface {
	Name() string
	// Lots returns the quantity made in each period of demand.
	Lots(demand []float64, c Costs) []float64
}

var (
	_ LotSizer = LotForLot{}
	_ LotSizer = FixedPeriod{}
	_ LotSizer = SilverMeal{}
	_ LotSizer = WagnerWhitin{}
)

// LotSizerNamed returns the method a command line names: lfl, fpq,
// silver-meal or ww.
func LotSizerNamed(name string) (LotSizer, error) {
	switch name {
	case "lfl":
		return LotForLot{}, nil
	case "fpq":
		return FixedPeriod{}, nil
	case "silver-meal":
		return SilverMeal{}, nil
	case "ww":
		return WagnerWhitin{}, nil
	}
	return nil, fmt.Errorf("unknown lot-sizing method %q (lfl, fpq, silver-meal or ww)", name)
}

// PlanCost is what a plan costs.
type PlanCost struct {
	Setups              int
	Setup, Holding, All float64
}

// CostOf prices lots against demand: a setup for every period with a lot,
// holding for every unit at the end of every period. Lots that leave
// demand unmet are not priced here; Check finds them.
func CostOf(lots, demand []float64, c Costs) PlanCost {
	var pc PlanCost
	stock := 0.0
	for t := range demand {
		if lots[t] > 0 {
			pc.Setups++
			pc.Setup += c.Setup
		}
		stock += lots[t] - demand[t]
		if stock > 0 {
			pc.Holding += c.Holding * stock
		}
	}
	pc.All = pc.Setup + pc.Holding
	return pc
}

// LotForLot makes each period's demand in that period: no stock, a setup
// in every period with demand.
type LotForLot struct{}

// Name is "lfl".
func (LotForLot) Name() string { return "lfl" }

// Lots implements LotSizer.
func (LotForLot) Lots(demand []float64, _ Costs) []float64 {
	return append([]float64(nil), demand...)
}

// FixedPeriod makes, every Periods periods, the demand of those periods.
// With Periods 0 it uses the economic order interval: the EOQ,
// sqrt(2·D·S/h) for mean demand D per period, in periods of demand,
// rounded and at least 1.
type FixedPeriod struct {
	Periods int
}

// Name is "fpq".
func (FixedPeriod) Name() string { return "fpq" }

// Lots implements LotSizer.
func (f FixedPeriod) Lots(demand []float64, c Costs) []float64 {
	p := f.Periods
	if p <= 0 {
		p = economicPeriods(demand, c)
	}
	lots := make([]float64, len(demand))
	for t := 0; t < len(demand); {
		// The lot starts at the first period with demand.
		for t < len(demand) && demand[t] == 0 {
			t++
		}
		if t == len(demand) {
			break
		}
		start := t
		for ; t < len(demand) && t < start+p; t++ {
			lots[start] += demand[t]
		}
	}
	return lots
}

// economicPeriods is the economic order quantity in periods of mean
// demand (Harris, 1913): sqrt(2·S/(h·D)).
func economicPeriods(demand []float64, c Costs) int {
	mean := 0.0
	for _, d := range demand {
		mean += d
	}
	if len(demand) == 0 || mean == 0 || c.Holding <= 0 {
		return max(1, len(demand))
	}
	mean /= float64(len(demand))
	return max(1, int(math.Round(math.Sqrt(2*c.Setup/(c.Holding*mean)))))
}

// SilverMeal extends each lot one period at a time while the cost per
// period it covers (setup plus the holding of the later periods' demand)
// keeps falling.
type SilverMeal struct{}

// Name is "silver-meal".
func (SilverMeal) Name() string { return "silver-meal" }

// Lots implements LotSizer.
func (SilverMeal) Lots(demand []float64, c Costs) []float64 {
	lots := make([]float64, len(demand))
	for t := 0; t < len(demand); {
		for t < len(demand) && demand[t] == 0 {
			t++
		}
		if t == len(demand) {
			break
		}
		start := t
		cost := c.Setup
		lots[start] = demand[start]
		best := cost // per period, covering one period
		t++
		for ; t < len(demand); t++ {
			extra := c.Holding * float64(t-start) * demand[t]
			if perPeriod := (cost + extra) / float64(t-start+1); perPeriod <= best {
				cost += extra
				best = perPeriod
				lots[start] += demand[t]
				continue
			}
			break
		}
	}
	return lots
}

// WagnerWhitin finds the lots of least setup plus holding cost: every
// optimal plan makes, in a period with a lot, exactly the demand of the
// periods up to the next lot (Wagner & Whitin, 1958), so the best cost of
// the first t periods is the least, over the period j of their last lot,
// of the best cost of the periods before j, one setup, and the holding of
// periods j..t's demand from j. O(T²).
type WagnerWhitin struct{}

// Name is "ww".
func (WagnerWhitin) Name() string { return "ww" }

// Lots implements LotSizer.
func (WagnerWhitin) Lots(demand []float64, c Costs) []float64 {
	n := len(demand)
	best := make([]float64, n+1) // best[t]: least cost of periods 0..t-1
	from := make([]int, n+1)     // the period of the last lot in that plan
	for t := 1; t <= n; t++ {
		if demand[t-1] == 0 {
			// Nothing due: the plan for the periods before stands.
			best[t], from[t] = best[t-1], -1
			continue
		}
		best[t] = math.Inf(1)
		// The last lot, made in period j, covers periods j..t-1; moving
		// it one period earlier holds every unit of the later periods
		// (tail) one period more.
		hold, tail := 0.0, 0.0
		for j := t - 1; j >= 0; j-- {
			if j < t-1 {
				tail += demand[j+1]
				hold += c.Holding * tail
			}
			if demand[j] == 0 && j < t-1 {
				// A lot starting in a period without demand costs more
				// than the same lot a period later.
				continue
			}
			if cost := best[j] + c.Setup + hold; cost < best[t] {
				best[t], from[t] = cost, j
			}
		}
	}
	return lotsFrom(from, demand, make([]float64, n))
}

// lotsFrom follows a Wagner-Whitin table back from the last period:
// from[t] is the period of the last lot of the best plan of periods
// 0..t-1 (-1: none needed), which makes everything due from there to t-1.
func lotsFrom(from []int, demand, lots []float64) []float64 {
	for t := len(demand); t > 0; {
		j := from[t]
		if j < 0 {
			t--
			continue
		}
		lots[j] = sumRange(demand, j, t)
		t = j
	}
	return lots
}

func sumRange(xs []float64, from, to int) float64 {
	s := 0.0
	for _, x := range xs[from:to] {
		s += x
	}
	return s
}

// Check reports the first period whose demand the lots leave unmet.
func Check(lots, demand []float64) error {
	if len(lots) != len(demand) {
		return fmt.Errorf("%d lots for %d periods", len(lots), len(demand))
	}
	stock := 0.0
	for t := range demand {
		stock += lots[t] - demand[t]
		if stock < -1e-9 {
			return fmt.Errorf("period %d's demand is short by %v", t+1, -stock)
		}
	}
	return nil
}
