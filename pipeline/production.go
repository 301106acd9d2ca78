package pipeline

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/production"
	"github.com/planner-engine/planner/series"
)

// ProductionInput is what production planning reads from files: demand
// per factory, SKU and period, capacity per factory and period, and each
// SKU's costs and batch rules.
type ProductionInput struct {
	Demand   []datasets.ProductionDemand
	Capacity []datasets.FactoryCapacity
	Costs    []datasets.ProductionCost
}

// ProductionProblem is every factory's planning problem over the plan's
// periods, with the exceptions found on the way.
type ProductionProblem struct {
	// Periods label the plan's periods in order (integers or dates).
	Periods    []string
	Factories  []production.Factory
	Exceptions []string
}

// ProductionProblems puts the files together: the plan's periods are all
// the periods the demand and capacity files name, in order (as integers
// or as dates); a factory without capacity in a period has none. Demand
// for a SKU without costs, or periods mixing integers and dates, is an
// error; a lead time as long as the plan, capacity for a factory without
// demand, are exceptions.
func ProductionProblems(in *ProductionInput) (*ProductionProblem, error) {
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
	costs := map[string]datasets.ProductionCost{}
	for _, c := range in.Costs {
		costs[c.SKU] = c
	}
	out := &ProductionProblem{Periods: periods}
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
		f := production.Factory{Name: name, Capacity: capacity[name]}
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
			f.Products = append(f.Products, production.Product{SKU: k.sku, Demand: demand[k],
				Costs: production.Costs{Setup: c.Setup, Holding: c.Holding}, CapacityPerUnit: c.CapacityPerUnit,
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
