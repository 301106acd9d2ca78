package pipeline

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"

	"github.com/planner-engine/planner/allocation"
	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/replenish"
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
	// ProductPack is each SKU's pack size where the products say so; it
	// takes the place of the stores' own.
	ProductPack map[string]float64
	// Likes give new products without forecasts the demand of a like item
	// at every store, scaled: the like item's store shares carry over.
	Likes []datasets.LikeItem
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
	for i, k := range res.Keys {
		end := res.Starts[i] + series.Date(days)
		var d HorizonDemand
		for t := 0; t < res.Horizon && res.Freq.Add(res.Starts[i], t) < end; t++ {
			d.Mean += res.Mean[i*res.Horizon+t]
			d.Variance += res.Variance(i, t)
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
	forecastSKU := map[string]bool{}
	for k := range demand {
		forecastSKU[k[0]] = true
	}
	likeOf := map[string]datasets.LikeItem{}
	for _, l := range in.Likes {
		likeOf[l.SKU] = l
	}
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
		like, isNew := likeOf[s.SKU]
		isNew = isNew && !forecastSKU[s.SKU]
		if isNew && !forecastSKU[like.Like] {
			exceptions = append(exceptions, fmt.Sprintf("%s at %s: its like item %s has no forecast either", s.SKU, s.DC, like.Like))
		}
		for _, r := range served[s.DC] {
			d := demand[[2]string{s.SKU, r.Location}]
			if isNew {
				// A new product sells where its like item sells: the
				// like item's demand, scaled; the variance scales with
				// the mean so that a count stays a count.
				ld := demand[[2]string{like.Like, r.Location}]
				d = HorizonDemand{Mean: ld.Mean * like.Scale, Variance: ld.Variance * like.Scale}
			}
			pack := r.Pack
			if pp := in.ProductPack[s.SKU]; pp > 0 {
				pack = pp
			}
			p.Stores = append(p.Stores, allocation.Store{Location: r.Location, Mean: d.Mean, Variance: d.Variance,
				OnHand: stock[[2]string{s.SKU, r.Location}], Min: r.Min, Max: r.Max, Pack: pack, Priority: r.Priority})
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

// AllocationFromSupply takes allocation's inputs from the database: DC
// stock from the inventory of locations of type dc (on hand less reserved
// and backordered), store stock from every other location's inventory
// position, stores from the locations table (the DC serving each, its
// region) and pack sizes from the products. A location's capacity holds
// all its products, so it sets no product's maximum.
func AllocationFromSupply(sup *datasets.Supply, res *forecast.Result, horizonDays int, service float64) *AllocationInput {
	in := &AllocationInput{Forecasts: res, HorizonDays: horizonDays, Service: service, ProductPack: map[string]float64{}}
	for sku, p := range sup.Products {
		if p.PackSize > 0 {
			in.ProductPack[sku] = p.PackSize
		}
	}
	for _, p := range sup.Positions {
		if sup.Locations[p.Location].Type == "dc" {
			in.DCStock = append(in.DCStock, datasets.DCStock{SKU: p.SKU, DC: p.Location, Qty: math.Max(0, p.OnHand-p.Reserved-p.Backorders)})
			continue
		}
		in.StoreStock = append(in.StoreStock, datasets.StoreStock{SKU: p.SKU, Location: p.Location,
			Qty: math.Max(0, p.OnHand+p.OnOrder+p.InTransit-p.Backorders-p.Reserved)})
	}
	names := make([]string, 0, len(sup.Locations))
	for name := range sup.Locations {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		info := sup.Locations[name]
		if info.Type == "dc" || info.DC == "" {
			continue
		}
		region := info.Region
		if region == "" {
			region = info.DC
		}
		in.Stores = append(in.Stores, datasets.StoreRules{Location: name, DC: info.DC, Region: region, Pack: 1, LeadTime: 1})
	}
	return in
}

// NetOfTransfers moves the units of planned transfer orders from their DC's
// stock to their store's: allocation then splits only what replenishment
// left at the DC.
func (in *AllocationInput) NetOfTransfers(lines []replenish.Line) {
	moved := map[[2]string]float64{}
	for _, l := range lines {
		if l.Transfer && l.Qty > 0 {
			moved[[2]string{l.SKU, l.From}] += l.Qty
			in.StoreStock = append(in.StoreStock, datasets.StoreStock{SKU: l.SKU, Location: l.To, Qty: l.Qty})
		}
	}
	for i := range in.DCStock {
		s := &in.DCStock[i]
		s.Qty = math.Max(0, s.Qty-moved[[2]string{s.SKU, s.DC}])
	}
}

// AllocateConfig is the allocate section of planner.yaml. Zero values mean
// the defaults in DefaultAllocateConfig.
type AllocateConfig struct {
	Method       string  `yaml:"method,omitempty" json:"method,omitempty"`
	HorizonDays  int     `yaml:"horizon_days,omitempty" json:"horizon_days,omitempty"`
	Service      float64 `yaml:"service,omitempty" json:"service,omitempty"`
	ReserveShare float64 `yaml:"reserve_share,omitempty" json:"reserve_share,omitempty"`
	// Format of the allocation file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultAllocateConfig returns the allocate settings of an empty section.
func DefaultAllocateConfig() AllocateConfig {
	return AllocateConfig{Method: "marginal", HorizonDays: 7, Service: 0.95, Format: "csv"}
}

func (c *AllocateConfig) resolve() error {
	d := DefaultAllocateConfig()
	if c.Method == "" {
		c.Method = d.Method
	}
	if c.HorizonDays == 0 {
		c.HorizonDays = d.HorizonDays
	}
	if c.Service == 0 {
		c.Service = d.Service
	}
	if c.Format == "" {
		c.Format = d.Format
	}
	if _, err := allocation.MethodNamed(c.Method); err != nil {
		return fmt.Errorf("allocate.method: %w", err)
	}
	switch {
	case c.HorizonDays < 1:
		return fmt.Errorf("allocate.horizon_days must be at least 1 (got %d)", c.HorizonDays)
	case !(c.Service > 0 && c.Service < 1):
		return fmt.Errorf("allocate.service must be between 0 and 1 (got %v)", c.Service)
	case c.ReserveShare < 0 || c.ReserveShare >= 1:
		return fmt.Errorf("allocate.reserve_share must be at least 0 and below 1 (got %v)", c.ReserveShare)
	}
	return checkPlanFormat("allocate", c.Format)
}

// AllocateStage splits the stock left at each DC after the replenish
// stage's transfer orders among the stores it serves, up to their need
// over the horizon, and writes allocation.csv (or .parquet, .json,
// .jsonl). It runs when planner.yaml has an allocate section; exceptions
// (DC stock short of the stores' need, no demand) count as the run's.
type AllocateStage struct{}

// Name implements Stage.
func (AllocateStage) Name() string { return "allocate" }

// Run implements Stage.
func (AllocateStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	ac := r.Config.Allocate
	if ac == nil {
		return StageReport{Summary: "skipped: no allocate section in the configuration"}, nil
	}
	if r.forecasts == nil {
		return StageReport{}, fmt.Errorf("allocate plans from the forecast stage's forecasts: run it too")
	}
	sup, err := r.Store.Supply(ctx)
	if err != nil {
		return StageReport{}, err
	}
	in := AllocationFromSupply(sup, r.forecasts, ac.HorizonDays, ac.Service)
	if len(in.DCStock) == 0 || len(in.Stores) == 0 {
		return StageReport{Summary: "skipped: no DC stock or no stores with a DC loaded"}, nil
	}
	in.ReserveShare = ac.ReserveShare
	in.NetOfTransfers(r.orders)
	problems, exceptions, err := AllocationProblems(in)
	if err != nil {
		return StageReport{}, err
	}
	m, _ := allocation.MethodNamed(ac.Method)
	allocs, err := allocation.AllocateAll(ctx, problems, m, 0)
	if err != nil {
		return StageReport{}, err
	}
	r.allocs, r.allocExceptions = allocs, exceptions
	name := "allocation." + ac.Format
	if err := export.WriteAllocation(filepath.Join(r.Dir, name), PlanStart(r.forecasts).String(), allocs, nil); err != nil {
		return StageReport{}, err
	}
	if err := r.record(name); err != nil {
		return StageReport{}, err
	}
	var units float64
	var lines int64
	for i := range allocs {
		a := &allocs[i]
		units += a.Allocated
		for j := range a.Qty {
			if a.Qty[j] > 0 || a.Need[j] > 0 {
				lines++
			}
		}
		if a.Exception != "" {
			exceptions = append(exceptions, fmt.Sprintf("%s at %s: %s", a.SKU, a.DC, a.Exception))
		}
	}
	rep := StageReport{Rows: map[string]int64{"problems": int64(len(problems)), name: lines}, Exceptions: len(exceptions)}
	for i, e := range exceptions {
		if i == 20 {
			break
		}
		rep.Notes = append(rep.Notes, "allocate: "+e)
	}
	rep.Summary = fmt.Sprintf("%.0f units of %d SKU-DCs allocated (%s); %d exceptions", units, len(problems), m.Name(), len(exceptions))
	return rep, nil
}
