package pipeline

import (
	"fmt"
	"math"
	"sort"

	"github.com/planner-engine/planner/allocation"
	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/dist"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/series"
)

// AllocationInput is what allocation and rebalancing plan from: forecasts,
// the stock at DCs and stores, and each store's rules.
type AllocationInput struct {
	Forecasts *forecast.Result
	// HorizonDays is how many days of forecast the stock must cover:
	// until the next delivery.
	HorizonDays int
	DCStock     []datasets.DCStock
	StoreStock  []datasets.StoreStock
	Stores      []datasets.StoreRules
	// Service sets stores' target stock (allocation.Problem.Service).
	Service float64
	// ReserveShare keeps this share of every DC's stock back (for online
	// orders) on top of the stock file's reserve column.
	ReserveShare float64
}

// HorizonDemand is the mean and variance of one location's demand for one
// SKU over the first days of the forecasts, channels added.
type HorizonDemand struct{ Mean, Variance float64 }

// DemandOver adds up each SKU x location's forecast over its first days:
// the means, and the variances of independent periods, each from the
// spread of the outermost quantiles (a Poisson variance when the
// forecasts carry none). Channels of a location are added together: they
// sell from one stock.
func DemandOver(res *forecast.Result, days int) map[[2]string]HorizonDemand {
	out := map[[2]string]HorizonDemand{}
	nq := len(res.Quantiles)
	for i, k := range res.Keys {
		end := res.Starts[i] + series.Date(days)
		var d HorizonDemand
		for t := 0; t < res.Horizon && res.Freq.Add(res.Starts[i], t) < end; t++ {
			m := res.Mean[i*res.Horizon+t]
			d.Mean += m
			if nq >= 2 {
				sd := dist.SDFromQuantiles(res.Quantiles[0], res.Quantiles[nq-1], res.Quantile(i, t, 0), res.Quantile(i, t, nq-1))
				d.Variance += sd * sd
			} else {
				d.Variance += m
			}
		}
		key := [2]string{k.SKU, k.Location}
		sum := out[key]
		sum.Mean += d.Mean
		sum.Variance += d.Variance
		out[key] = sum
	}
	return out
}

// PlanStart is the first forecast day of the forecasts.
func PlanStart(res *forecast.Result) series.Date {
	start := series.Date(math.MaxInt32)
	for _, s := range res.Starts {
		start = min(start, s)
	}
	return start
}

// AllocationProblems builds one problem per DC stock row: the SKU's stock
// at that DC and every store the DC serves, with the store's forecast
// demand over the horizon and its stock. Forecast locations that no DC
// serves come back as exceptions, as do stores served by a DC without
// stock rows.
func AllocationProblems(in *AllocationInput) ([]allocation.Problem, []string, error) {
	if in.HorizonDays < 1 {
		return nil, nil, fmt.Errorf("the horizon must be at least 1 day (got %d)", in.HorizonDays)
	}
	if in.ReserveShare < 0 || in.ReserveShare >= 1 {
		return nil, nil, fmt.Errorf("the reserve share must be at least 0 and below 1 (got %v)", in.ReserveShare)
	}
	demand := DemandOver(in.Forecasts, in.HorizonDays)
	stock := map[[2]string]float64{}
	for _, s := range in.StoreStock {
		stock[[2]string{s.SKU, s.Location}] += s.Qty
	}
	served := map[string][]datasets.StoreRules{}
	rules := map[string]bool{}
	for _, r := range in.Stores {
		served[r.DC] = append(served[r.DC], r)
		rules[r.Location] = true
	}
	var exceptions []string
	dcs := map[string]bool{}
	for _, s := range in.DCStock {
		dcs[s.DC] = true
	}
	var dcNames []string
	for dc := range served {
		dcNames = append(dcNames, dc)
	}
	sort.Strings(dcNames)
	for _, dc := range dcNames {
		if !dcs[dc] {
			exceptions = append(exceptions, fmt.Sprintf("DC %s serves %d stores but has no stock rows", dc, len(served[dc])))
		}
	}
	unserved := map[string]bool{}
	for k := range demand {
		if !rules[k[1]] && !dcs[k[1]] {
			unserved[k[1]] = true
		}
	}
	var names []string
	for l := range unserved {
		names = append(names, l)
	}
	sort.Strings(names)
	for _, l := range names {
		exceptions = append(exceptions, fmt.Sprintf("location %s has forecasts but no DC serves it in the locations file", l))
	}
	problems := make([]allocation.Problem, 0, len(in.DCStock))
	for _, s := range in.DCStock {
		p := allocation.Problem{SKU: s.SKU, DC: s.DC, Available: s.Qty, Reserve: math.Min(s.Qty, s.Reserve+in.ReserveShare*s.Qty),
			Service: in.Service}
		for _, r := range served[s.DC] {
			d := demand[[2]string{s.SKU, r.Location}]
			p.Stores = append(p.Stores, allocation.Store{Location: r.Location, Mean: d.Mean, Variance: d.Variance,
				OnHand: stock[[2]string{s.SKU, r.Location}], Min: r.Min, Max: r.Max, Pack: r.Pack, Priority: r.Priority})
		}
		if len(p.Stores) == 0 {
			exceptions = append(exceptions, fmt.Sprintf("%s at %s: the DC serves no store in the locations file", s.SKU, s.DC))
			continue
		}
		problems = append(problems, p)
	}
	return problems, exceptions, nil
}

// RebalanceRegions groups stores by region and SKU for rebalancing: every
// SKU a store of the region holds or expects to sell, each store with its
// demand over the horizon and over its own lead time.
func RebalanceRegions(in *AllocationInput) (skus []string, regions [][]allocation.Site) {
	horizon := DemandOver(in.Forecasts, in.HorizonDays)
	lead := map[int]map[[2]string]HorizonDemand{}
	stock := map[[2]string]float64{}
	have := map[string]bool{}
	for _, s := range in.StoreStock {
		stock[[2]string{s.SKU, s.Location}] += s.Qty
		have[s.SKU] = true
	}
	byRegion := map[string][]datasets.StoreRules{}
	for _, r := range in.Stores {
		byRegion[r.Region] = append(byRegion[r.Region], r)
	}
	var regionNames, skuNames []string
	for r := range byRegion {
		regionNames = append(regionNames, r)
	}
	sort.Strings(regionNames)
	for k := range horizon {
		have[k[0]] = true
	}
	for s := range have {
		skuNames = append(skuNames, s)
	}
	sort.Strings(skuNames)
	for _, region := range regionNames {
		for _, sku := range skuNames {
			var sites []allocation.Site
			anyStock := false
			for _, r := range byRegion[region] {
				days := max(1, int(math.Ceil(r.LeadTime)))
				if lead[days] == nil {
					lead[days] = DemandOver(in.Forecasts, days)
				}
				k := [2]string{sku, r.Location}
				h, l := horizon[k], lead[days][k]
				sites = append(sites, allocation.Site{Location: r.Location, Mean: h.Mean, Variance: h.Variance,
					LeadMean: l.Mean, LeadVariance: l.Variance, OnHand: stock[k], Max: r.Max})
				anyStock = anyStock || stock[k] > 0
			}
			if anyStock && len(sites) > 1 {
				skus = append(skus, sku)
				regions = append(regions, sites)
			}
		}
	}
	return skus, regions
}
