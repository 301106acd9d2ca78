package pipeline

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/fulfil"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/placement"
	"github.com/planner-engine/planner/report"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// PlaceResult is where each SKU's stock should live, planned on Day.
type PlaceResult struct {
	Day   series.Date
	Lines []placement.Line
	Cost  placement.Cost
	// Nodes are the fulfilment nodes with their capacity (0: no limit)
	// and the target stock placed in each.
	Nodes []NodeLoad
	// Gaps are the zones and channels with demand that no node reaches
	// within the channel's promise.
	Gaps []ZoneGap
	// Outside counts the series whose location is in no zone (and is not
	// an online location whose demand the zones share).
	Outside int
	// OnHand is each node's stock of each SKU today, by SKU and node.
	OnHand map[[2]string]float64
	// Routing is, per channel the fulfilment rules route, the share of
	// its orders each kind of location serves.
	Routing []ChannelRouting
	// Channels are the channels placed; serving is the node that serves
	// each SKU's orders from a zone through a channel, by SKU, zone and
	// channel (RouteDemand sends them there).
	Channels []string
	serving  map[[3]string]string
}

// Stock is a node's stock of a SKU on hand today.
func (r *PlaceResult) Stock(sku, node string) float64 { return r.OnHand[[2]string{sku, node}] }

// ChannelRouting is the share of a channel's orders the fulfilment rules
// send to each kind of location (store, dc, forward, online), over the
// zones weighted by their share of the orders, and the share no rule
// covers.
type ChannelRouting struct {
	Channel   string
	Shares    map[string]float64
	Uncovered float64
}

// NodeLoad is one node's capacity and the stock placed in it.
type NodeLoad struct {
	Node             string
	Capacity, Target float64
	SKUs             int
}

// ZoneGap is one zone's demand through one channel that no node reaches
// within the channel's promise.
type ZoneGap struct {
	Zone, Channel string
	Promise       float64 // hours
	SKUs          int
	// Units is the daily demand; Lost the sales it loses over the
	// horizon, at each SKU's lost sale.
	Units, Lost float64
}

func (g ZoneGap) String() string {
	return fmt.Sprintf("%s demand in zone %s (%.1f units a day of %d SKUs) has no node within its %s-hour promise",
		g.Channel, g.Zone, g.Units, g.SKUs, strconv.FormatFloat(g.Promise, 'f', -1, 64))
}

// Place decides which fulfilment nodes hold each SKU, the zones each
// serves and the stock each targets (placement.Place), from the daily
// forecasts over the place section's horizon, the zones, the lanes from
// nodes to zones, and the nodes' capacities and handling costs. A
// location's series are its zone's demand; an online location's (one of
// type online without a zone) is shared among the zones by their share of
// the online orders (onlineShares). A SKU
// is held at its unit cost (its unit price less the margin of 40% when
// the master gives no cost, 1 when neither), and a unit not served loses
// its margin (its unit cost when the master gives no price); a node that
// holds a SKU holds at least one pack of it. Without
// lanes there is nothing to place (a *SkipError).
func Place(ctx context.Context, src Source, fc *series.Forecasts, cfg config.Place) (*PlaceResult, error) {
	if err := cfg.Check(config.Key("place")); err != nil {
		return nil, err
	}
	if fc.Freq != series.Daily {
		return nil, fmt.Errorf("stock is placed from daily forecasts, and these are %s: forecast by day (forecast.freq D, or --freq D)", freqWord(fc.Freq))
	}
	in, err := readPlacementInputs(ctx, src)
	if err != nil {
		return nil, err
	}
	pn, skus, nodeCap, outside := in.problem(fc, cfg)
	if err := checkVolumes(pn, skus); err != nil {
		return nil, err
	}
	plan, err := placement.Place(pn, skus, placement.Policy{Days: float64(cfg.HorizonDays), CoverDays: cfg.CoverDays,
		Service: cfg.Service, HoldingRate: cfg.HoldingRate})
	if err != nil {
		return nil, err
	}
	res := &PlaceResult{Day: fc.First(), Lines: plan.Lines(pn, skus), Cost: plan.Cost, Outside: outside, OnHand: map[[2]string]float64{}}
	nodes := map[string]bool{}
	for _, n := range pn.Nodes {
		nodes[n.Name] = true
	}
	for _, p := range in.snap.Positions {
		if nodes[p.Location] {
			res.OnHand[[2]string{p.SKU, p.Location}] = p.OnHand
		}
	}
	res.Routing = routing(in.net, in.snap, fc)
	res.serving = map[[3]string]string{}
	for _, c := range pn.Channels {
		res.Channels = append(res.Channels, c.Name)
	}
	for i := range skus {
		for j, st := range skus[i].Streams {
			if n := plan.Decisions[i].Assign[j]; n >= 0 {
				res.serving[[3]string{skus[i].SKU, pn.Zones[st.Zone], pn.Channels[st.Channel].Name}] = pn.Nodes[n].Name
			}
		}
	}
	for n, node := range pn.Nodes {
		load := NodeLoad{Node: node.Name, Capacity: nodeCap[n], Target: plan.Usage[n]}
		for i := range plan.Decisions {
			if plan.Decisions[i].Held(n) {
				load.SKUs++
			}
		}
		res.Nodes = append(res.Nodes, load)
	}
	for _, u := range plan.Unreachable {
		c := pn.Channels[u.Channel]
		res.Gaps = append(res.Gaps, ZoneGap{Zone: pn.Zones[u.Zone], Channel: c.Name, Promise: c.PromiseHours,
			SKUs: u.SKUs, Units: u.Units, Lost: u.Lost})
	}
	return res, nil
}

// PlacementProblem is what Place places: the network of nodes, zones,
// channels and lanes, each SKU's daily demand by zone and channel with
// its costs, each node's capacity as the locations give it (0: no limit),
// and the number of series in no zone. Studies price other placements of
// the same problem with it (placement.Evaluate).
func PlacementProblem(ctx context.Context, src Source, fc *series.Forecasts, cfg config.Place) (*placement.Network, []placement.SKU, []float64, int, error) {
	in, err := readPlacementInputs(ctx, src)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	pn, skus, caps, outside := in.problem(fc, cfg)
	return pn, skus, caps, outside, nil
}

// placementInputs are what placement reads of the retailer's data.
type placementInputs struct {
	net   *supply.Network
	snap  *supply.Snapshot
	terms map[string]supply.PricingTerms
}

func readPlacementInputs(ctx context.Context, src Source) (*placementInputs, error) {
	net, err := src.Network(ctx)
	if err != nil {
		return nil, err
	}
	if len(net.Lanes) == 0 {
		return nil, skip("no lanes are loaded: load the zones (--zones) and the lanes from nodes to zones (--lanes)")
	}
	snap, err := src.Supply(ctx)
	if err != nil {
		return nil, err
	}
	terms, err := src.PricingTerms(ctx)
	if err != nil {
		return nil, err
	}
	return &placementInputs{net: net, snap: snap, terms: terms}, nil
}

func (in *placementInputs) problem(fc *series.Forecasts, cfg config.Place) (*placement.Network, []placement.SKU, []float64, int) {
	pn, nodeCap := placementNetwork(in.net, in.snap, fc, cfg)
	skus, outside := zoneDemand(in.net, in.snap, fc, pn, cfg.HorizonDays, cfg.Channels)
	for i := range skus {
		t := in.terms[skus[i].SKU]
		skus[i].UnitCost, skus[i].LostSale = placementCosts(t)
		// Stock moves in whole packs: a node that holds a SKU holds at
		// least one.
		skus[i].MinStock = math.Max(1, t.PackSize)
		skus[i].UnitVolume = in.snap.Products[skus[i].SKU].Volume
	}
	return pn, skus, nodeCap, outside
}

// checkVolumes refuses a SKU without a unit volume where a node whose
// capacity is a volume would hold it, naming the columns to fill.
func checkVolumes(pn *placement.Network, skus []placement.SKU) error {
	for _, node := range pn.Nodes {
		if !node.ByVolume || node.Capacity <= 0 {
			continue
		}
		for _, k := range skus {
			if !(k.UnitVolume > 0) {
				return fmt.Errorf("products: %s has no unit_volume, and node %s counts its capacity in volume (locations' capacity_unit): give the product its unit_volume, or count %s's capacity in units",
					k.SKU, node.Name, node.Name)
			}
		}
	}
	return nil
}

// placementNetwork builds the nodes (every location with a lane, by
// name), the zones, the channels (the section's promises and the
// forecasts' channels, by name) and the lanes' matrices; it returns each
// node's capacity as the locations give it (0: no limit).
func placementNetwork(net *supply.Network, snap *supply.Snapshot, fc *series.Forecasts, cfg config.Place) (*placement.Network, []float64) {
	pn := &placement.Network{}
	zoneIndex := map[string]int{}
	for _, z := range net.Zones {
		zoneIndex[z.Zone] = len(pn.Zones)
		pn.Zones = append(pn.Zones, z.Zone)
	}
	nodeIndex := map[string]int{}
	var caps []float64
	for _, l := range net.Lanes {
		if _, ok := nodeIndex[l.Node]; !ok {
			nodeIndex[l.Node] = len(pn.Nodes)
			loc := snap.Locations[l.Node]
			pn.Nodes = append(pn.Nodes, placement.Node{Name: l.Node, Capacity: loc.Capacity, ByVolume: loc.ByVolume, Handling: net.Handling[l.Node]})
			caps = append(caps, snap.Locations[l.Node].Capacity)
		}
		if _, ok := zoneIndex[l.Zone]; !ok {
			zoneIndex[l.Zone] = len(pn.Zones)
			pn.Zones = append(pn.Zones, l.Zone)
		}
	}
	channels := map[string]bool{}
	for c := range cfg.PromiseHours {
		channels[c] = true
	}
	for i := range fc.Keys {
		if c := channelOf(fc.Keys[i]); len(cfg.Channels) == 0 || slices.Contains(cfg.Channels, c) {
			channels[c] = true
		}
	}
	for _, c := range slices.Sorted(maps.Keys(channels)) {
		pn.Channels = append(pn.Channels, placement.Channel{Name: c, PromiseHours: cfg.PromiseHours[c]})
	}
	pn.Hours = make([][]float64, len(pn.Nodes))
	pn.Cost = make([][]float64, len(pn.Nodes))
	for n := range pn.Nodes {
		pn.Hours[n] = make([]float64, len(pn.Zones))
		pn.Cost[n] = make([]float64, len(pn.Zones))
		for z := range pn.Zones {
			pn.Hours[n][z], pn.Cost[n][z] = math.NaN(), math.NaN()
		}
	}
	for _, l := range net.Lanes {
		n, z := nodeIndex[l.Node], zoneIndex[l.Zone]
		pn.Hours[n][z], pn.Cost[n][z] = l.Hours, l.Cost
	}
	return pn, caps
}

// zoneDemand turns the forecasts of the channels placed (all when none
// are named) into each SKU's daily demand by zone and channel, in SKU
// order, and counts the series in no zone.
func zoneDemand(net *supply.Network, snap *supply.Snapshot, fc *series.Forecasts, pn *placement.Network, days int, channels []string) ([]placement.SKU, int) {
	zoneIndex := map[string]int{}
	for z, name := range pn.Zones {
		zoneIndex[name] = z
	}
	channelIndex := map[string]int{}
	for c, ch := range pn.Channels {
		channelIndex[ch.Name] = c
	}
	type cell struct {
		sku           string
		zone, channel int
	}
	demand := map[cell]*placement.Stream{}
	add := func(sku string, zone, channel int, mean, variance float64) {
		k := cell{sku, zone, channel}
		st := demand[k]
		if st == nil {
			st = &placement.Stream{Zone: zone, Channel: channel}
			demand[k] = st
		}
		st.Mean += mean
		st.Variance += variance
	}
	daily := func(i int) (float64, float64) {
		var m, v float64
		h := min(days, fc.Horizon)
		for t := 0; t < h; t++ {
			m += fc.Mean[i*fc.Horizon+t]
			v += fc.Variance(i, t)
		}
		return m / float64(h), v / float64(h)
	}
	// The zones' shares of the online locations' demand.
	shares := make([]float64, len(pn.Zones))
	for zone, sh := range onlineShares(net, fc) {
		shares[zoneIndex[zone]] = sh
	}
	var onlines []int
	outside := 0
	for i, k := range fc.Keys {
		placed := len(channels) == 0 || slices.Contains(channels, channelOf(k))
		zone, ok := net.ZoneOf[k.Location]
		switch {
		case ok:
			m, v := daily(i)
			if placed {
				add(k.SKU, zoneIndex[zone], channelIndex[channelOf(k)], m, v)
			}
		case !placed:
		case snap.Locations[k.Location].Type == "online":
			onlines = append(onlines, i)
		default:
			outside++
		}
	}
	var sum float64
	for _, s := range shares {
		sum += s
	}
	for _, i := range onlines {
		if sum <= 0 {
			outside++
			continue
		}
		k := fc.Keys[i]
		m, v := daily(i)
		for z, s := range shares {
			if p := s / sum; p > 0 {
				// A share p of the orders, each taken or not (binomial
				// thinning): the variance beyond the mean scales by p².
				add(k.SKU, z, channelIndex[channelOf(k)], p*m, p*p*math.Max(0, v-m)+p*m)
			}
		}
	}
	bySKU := map[string][]placement.Stream{}
	for k, st := range demand {
		bySKU[k.sku] = append(bySKU[k.sku], *st)
	}
	var out []placement.SKU
	for _, sku := range slices.Sorted(maps.Keys(bySKU)) {
		streams := bySKU[sku]
		slices.SortFunc(streams, func(a, b placement.Stream) int {
			if a.Zone != b.Zone {
				return a.Zone - b.Zone
			}
			return a.Channel - b.Channel
		})
		out = append(out, placement.SKU{SKU: sku, Streams: streams})
	}
	return out, outside
}

// routing follows the fulfilment rules of each channel: in each zone the
// candidates take their shares in rank order (fulfil.Split), and what the
// last leaves is uncovered. The zones weigh by their share of the online
// orders (onlineShares).
func routing(net *supply.Network, snap *supply.Snapshot, fc *series.Forecasts) []ChannelRouting {
	candidates := fulfilmentCandidates(net)
	weight := onlineShares(net, fc)
	var channels []string
	for _, r := range net.Rules {
		if !slices.Contains(channels, r.Channel) {
			channels = append(channels, r.Channel)
		}
	}
	slices.Sort(channels)
	var out []ChannelRouting
	for _, ch := range channels {
		cr := ChannelRouting{Channel: ch, Shares: map[string]float64{}}
		for _, z := range net.Zones {
			cs := candidates(ch, z.Zone)
			if len(cs) == 0 {
				continue
			}
			shares, uncovered := fulfil.Split(cs)
			for c, cand := range cs {
				typ := snap.Locations[cand.Location].Type
				if typ == "" {
					typ = "store"
				}
				cr.Shares[typ] += shares[c] * weight[z.Zone]
			}
			cr.Uncovered += uncovered * weight[z.Zone]
		}
		out = append(out, cr)
	}
	return out
}

// placementCosts are a SKU's unit cost, which holding is charged on, and
// the cost of a unit not served: its margin.
func placementCosts(t supply.PricingTerms) (unitCost, lostSale float64) {
	cost, price := t.UnitCost, t.UnitPrice
	switch {
	case cost > 0 && price > cost:
		return cost, price - cost
	case cost > 0:
		return cost, cost
	case price > 0:
		return 0.6 * price, 0.4 * price
	}
	return 1, 1
}

// Write writes placement.<format> and returns its rows by name.
func (r *PlaceResult) Write(path string) (map[string]int64, error) {
	if err := export.WritePlacement(path, r.Day, r.Lines, r.Stock); err != nil {
		return nil, err
	}
	return map[string]int64{baseName(path): int64(len(r.Lines))}, nil
}

// PlaceSummary is planner place --json's object (docs/cli.md).
type PlaceSummary struct {
	Date string `json:"date"`
	// SKUs and Nodes are the SKUs placed and the fulfilment nodes; Held
	// the SKU-node pairs that hold stock.
	SKUs  int `json:"skus"`
	Nodes int `json:"nodes"`
	Held  int `json:"held"`
	// Cost is the placement's cost over the horizon, by part.
	Cost PlaceCost `json:"cost"`
	// Outside counts the series in no zone, which were not placed.
	Outside    int      `json:"series_outside_zones"`
	Exceptions []string `json:"exceptions"`
	Seconds    float64  `json:"seconds"`
	Out        string   `json:"out,omitempty"`
}

// PlaceCost is the placement's cost over its horizon.
type PlaceCost struct {
	Holding  float64 `json:"holding"`
	Delivery float64 `json:"delivery"`
	Lost     float64 `json:"lost_service"`
	Total    float64 `json:"total"`
}

// Summary is the placement's --json object; the caller fills Out and
// Seconds.
func (r *PlaceResult) Summary() PlaceSummary {
	skus := map[string]bool{}
	sum := PlaceSummary{Date: r.Day.String(), Nodes: len(r.Nodes), Outside: r.Outside, Exceptions: []string{},
		Cost: PlaceCost{Holding: round2(r.Cost.Holding), Delivery: round2(r.Cost.Delivery), Lost: round2(r.Cost.Lost), Total: round2(r.Cost.Total())}}
	for i := range r.Lines {
		skus[r.Lines[i].SKU] = true
		if r.Lines[i].Hold {
			sum.Held++
		}
	}
	sum.SKUs = len(skus)
	for _, g := range r.Gaps {
		sum.Exceptions = append(sum.Exceptions, g.String())
	}
	return sum
}

// Report says how many SKUs were placed and where.
func (r *PlaceResult) Report() StageReport {
	sum := r.Summary()
	rep := StageReport{Rows: map[string]int64{"lines": int64(len(r.Lines))},
		Summary: fmt.Sprintf("%d SKUs placed on %d nodes, %d held, cost %.2f over the horizon", sum.SKUs, sum.Nodes, sum.Held, sum.Cost.Total)}
	rep.listExceptions(sum.Exceptions)
	return rep
}

// table is the report's view of the placement: per node, the SKUs it
// holds and the stock it targets against its capacity.
func (r *PlaceResult) table() report.Table {
	t := report.Table{Title: "Where the stock lives (placement.csv)",
		Note: fmt.Sprintf("Per fulfilment node: the SKUs it holds and the stock they target. Over the horizon the placement costs %.2f in holding, %.2f in delivery and %.2f in lost service.",
			r.Cost.Holding, r.Cost.Delivery, r.Cost.Lost),
		Header:  []string{"Node", "SKUs held", "Target stock", "Capacity"},
		Numeric: []bool{false, true, true, true}}
	for _, n := range r.Nodes {
		capacity := "no limit"
		if n.Capacity > 0 {
			capacity = strconv.FormatFloat(n.Capacity, 'f', 0, 64)
		}
		t.Rows = append(t.Rows, []string{n.Node, strconv.Itoa(n.SKUs), strconv.FormatFloat(math.Round(n.Target), 'f', 0, 64), capacity})
	}
	if len(r.Routing) > 0 {
		var parts []string
		for _, cr := range r.Routing {
			var kinds []string
			for _, k := range slices.Sorted(maps.Keys(cr.Shares)) {
				kinds = append(kinds, fmt.Sprintf("%.0f%% from %s locations", 100*cr.Shares[k], k))
			}
			if cr.Uncovered > 0 {
				kinds = append(kinds, fmt.Sprintf("%.0f%% covered by no rule", 100*cr.Uncovered))
			}
			parts = append(parts, cr.Channel+" orders: "+strings.Join(kinds, ", "))
		}
		t.Note += " The fulfilment rules send " + strings.Join(parts, "; ") + "."
	}
	if len(r.Gaps) > 0 {
		var gaps []string
		for _, g := range r.Gaps {
			gaps = append(gaps, g.String())
		}
		t.Note += " Demand no node reaches within its promise: " + strings.Join(gaps, "; ") + "."
	}
	return t
}
