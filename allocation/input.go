package allocation

import (
	"fmt"
	"math"
	"sort"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// Input is what allocation and rebalancing plan from: forecasts, the stock
// at DCs and stores, and each store's rules.
type Input struct {
	Forecasts *series.Forecasts
	// HorizonDays is how many days of forecast the stock must cover:
	// until the next delivery.
	HorizonDays int
	DCStock     []supply.DCStock
	StoreStock  []supply.StoreStock
	Stores      []supply.StoreRules
	// Service sets stores' target stock (Problem.Service).
	Service float64
	// ReserveShare keeps this share of every DC's stock back (for online
	// orders) on top of the stock's own reserve.
	ReserveShare float64
	// ProductPack is each SKU's pack size where the products say so; it
	// takes the place of the stores' own.
	ProductPack map[string]float64
	// Likes give new products without forecasts the demand of a like item
	// at every store, scaled: the like item's store shares carry over.
	Likes []supply.LikeItem
}

// HorizonDemand is the mean and variance of one location's demand for one
// SKU over the first days of the forecasts, channels added, and each
// channel's mean (sorted by channel).
type HorizonDemand struct {
	Mean, Variance float64
	Channels       []series.ChannelUnits
}

// DemandOver adds up each SKU x location's forecast over its first days:
// the means, and the variances of independent periods (from the spread of
// the outermost quantiles; a Poisson variance when the forecasts carry
// none). Channels of a location are added together: they sell from one
// stock.
func DemandOver(fc *series.Forecasts, days int) map[[2]string]HorizonDemand {
	out := map[[2]string]HorizonDemand{}
	for i, k := range fc.Keys {
		end := fc.Starts[i] + series.Date(days)
		var d HorizonDemand
		for t := 0; t < fc.Horizon && fc.Freq.Add(fc.Starts[i], t) < end; t++ {
			d.Mean += fc.Mean[i*fc.Horizon+t]
			d.Variance += fc.Variance(i, t)
		}
		key := [2]string{k.SKU, k.Location}
		sum := out[key]
		sum.Mean += d.Mean
		sum.Variance += d.Variance
		sum.Channels = series.AddChannel(sum.Channels, k.Channel, d.Mean)
		out[key] = sum
	}
	return out
}

// Problems builds one problem per DC stock row: the SKU's stock at that DC
// and every store the DC serves, with the store's forecast demand over the
// horizon and its stock. Forecast locations that no DC serves come back as
// exceptions, as do stores served by a DC without stock rows and new
// products whose like item has no forecast.
func Problems(in *Input) ([]Problem, []string, error) {
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
	likeOf := map[string]supply.LikeItem{}
	for _, l := range in.Likes {
		likeOf[l.SKU] = l
	}
	stock := map[[2]string]float64{}
	for _, s := range in.StoreStock {
		stock[[2]string{s.SKU, s.Location}] += s.Qty
	}
	served := map[string][]supply.StoreRules{}
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
	problems := make([]Problem, 0, len(in.DCStock))
	for _, s := range in.DCStock {
		p := Problem{SKU: s.SKU, DC: s.DC, Available: s.Qty, Reserve: math.Min(s.Qty, s.Reserve+in.ReserveShare*s.Qty),
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
				for _, c := range ld.Channels {
					d.Channels = append(d.Channels, series.ChannelUnits{Channel: c.Channel, Units: c.Units * like.Scale})
				}
			}
			pack := r.Pack
			if pp := in.ProductPack[s.SKU]; pp > 0 {
				pack = pp
			}
			p.Stores = append(p.Stores, Store{Location: r.Location, Mean: d.Mean, Variance: d.Variance, Channels: d.Channels,
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
// demand over the horizon and over its own lead time. Regions with a
// single store, or without stock of the SKU, are left out.
func RebalanceRegions(in *Input) (skus []string, regions [][]Site) {
	horizon := DemandOver(in.Forecasts, in.HorizonDays)
	lead := map[int]map[[2]string]HorizonDemand{}
	stock := map[[2]string]float64{}
	have := map[string]bool{}
	for _, s := range in.StoreStock {
		stock[[2]string{s.SKU, s.Location}] += s.Qty
		have[s.SKU] = true
	}
	byRegion := map[string][]supply.StoreRules{}
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
			var sites []Site
			anyStock := false
			for _, r := range byRegion[region] {
				days := max(1, int(math.Ceil(r.LeadTime)))
				if lead[days] == nil {
					lead[days] = DemandOver(in.Forecasts, days)
				}
				k := [2]string{sku, r.Location}
				h, l := horizon[k], lead[days][k]
				sites = append(sites, Site{Location: r.Location, Mean: h.Mean, Variance: h.Variance,
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

// InputFrom takes allocation's inputs from the network's snapshot: DC
// stock from the positions at locations of type dc (on hand less reserved
// and backordered), store stock from every other location's inventory
// position, stores from the locations (the DC serving each, its region,
// else the DC) and pack sizes from the products. A location's capacity
// holds all its products, so it sets no product's maximum.
func InputFrom(snap *supply.Snapshot, fc *series.Forecasts, horizonDays int, service float64) *Input {
	in := &Input{Forecasts: fc, HorizonDays: horizonDays, Service: service, ProductPack: map[string]float64{}}
	for sku, p := range snap.Products {
		if p.PackSize > 0 {
			in.ProductPack[sku] = p.PackSize
		}
	}
	for _, p := range snap.Positions {
		if snap.Locations[p.Location].Type == "dc" {
			in.DCStock = append(in.DCStock, supply.DCStock{SKU: p.SKU, DC: p.Location, Qty: math.Max(0, p.OnHand-p.Reserved-p.Backorders)})
			continue
		}
		in.StoreStock = append(in.StoreStock, supply.StoreStock{SKU: p.SKU, Location: p.Location,
			Qty: math.Max(0, p.OnHand+p.OnOrder+p.InTransit-p.Backorders-p.Reserved)})
	}
	names := make([]string, 0, len(snap.Locations))
	for name := range snap.Locations {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		info := snap.Locations[name]
		if info.Type == "dc" || info.DC == "" {
			continue
		}
		region := info.Region
		if region == "" {
			region = info.DC
		}
		in.Stores = append(in.Stores, supply.StoreRules{Location: name, DC: info.DC, Region: region, Pack: 1, LeadTime: 1})
	}
	return in
}

// Shipment is units already on their way from one location to another
// today, such as the night's transfer orders.
type Shipment struct {
	SKU, From, To string
	Qty           float64
}

// NetOfShipments moves the units of the shipments from their DC's stock to
// their store's: allocation then splits only what is left at the DC.
func (in *Input) NetOfShipments(shipments []Shipment) {
	moved := map[[2]string]float64{}
	for _, s := range shipments {
		if s.Qty > 0 {
			moved[[2]string{s.SKU, s.From}] += s.Qty
			in.StoreStock = append(in.StoreStock, supply.StoreStock{SKU: s.SKU, Location: s.To, Qty: s.Qty})
		}
	}
	for i := range in.DCStock {
		s := &in.DCStock[i]
		s.Qty = math.Max(0, s.Qty-moved[[2]string{s.SKU, s.DC}])
	}
}

// Order is a location's order on a DC that holds less than its orders
// ask for: what it ordered, in packs of Pack, its stock after its open
// orders, and the mean and variance of its demand over its protection
// interval.
type Order struct {
	Location          string
	Qty, Pack, OnHand float64
	Mean, Variance    float64
}

// Ration splits a DC's available units among orders that ask for more than
// it holds, by the marginal rule: each order is a store whose minimum and
// maximum are its stock plus its order, so packs go out by the expected
// sales they add and no order gets more than it asked for. It returns the
// units each order gets.
func Ration(sku, dc string, available float64, orders []Order) ([]float64, error) {
	p := &Problem{SKU: sku, DC: dc, Available: available, Stores: make([]Store, len(orders))}
	for i, o := range orders {
		p.Stores[i] = Store{Location: o.Location, Mean: o.Mean, Variance: o.Variance, OnHand: o.OnHand,
			Min: o.OnHand + o.Qty, Max: o.OnHand + o.Qty, Pack: o.Pack}
	}
	a, err := Marginal{}.Allocate(p)
	if err != nil {
		return nil, err
	}
	return a.Qty, nil
}
