package pipeline

import (
	"cmp"
	"context"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/fulfil"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// RouteDemand moves the forecast demand of the channels that are routed
// to the locations that serve it, so that each location is planned for
// its walk-in demand and the orders routed to it alike: the channels the
// placement placed (when there is one) go to the node the placement
// serves each SKU's zone from, and the channels the fulfilment rules
// name go to the rules' candidates. A series of a routed channel comes
// from its location's zone, or, at an online location without a zone,
// from every zone by their online_share (equally when none is given);
// each zone's orders go to its candidates (the placement's node; else
// the zone's own rules, or those of zone *) by fulfil.Split, and the
// share no candidate takes (or demand the placement loses) stays where
// the series was. A series that moves gets a normal's quantiles of its
// new mean and variance (a share p of the orders, each taken or not: the
// variance beyond the mean scales by p²); one that does not keeps its
// own. Only series that start on the plan day move. Replenishment,
// allocation and the promises plan from the routed forecasts; with
// neither rules nor a placement they are the forecasts given.
func RouteDemand(ctx context.Context, src Source, fc *series.Forecasts, placed *PlaceResult) (*series.Forecasts, error) {
	net, err := src.Network(ctx)
	if err != nil || (len(net.Rules) == 0 && placed == nil) {
		return fc, err
	}
	snap, err := src.Supply(ctx)
	if err != nil {
		return nil, err
	}
	return routeForecasts(net, snap, fc, placed), nil
}

func routeForecasts(net *supply.Network, snap *supply.Snapshot, fc *series.Forecasts, placed *PlaceResult) *series.Forecasts {
	ruleCandidates := fulfilmentCandidates(net)
	routed := map[string]bool{}
	for _, r := range net.Rules {
		routed[r.Channel] = true
	}
	var byPlacement map[string]bool
	if placed != nil {
		byPlacement = map[string]bool{}
		for _, c := range placed.Channels {
			routed[c], byPlacement[c] = true, true
		}
	}
	candidates := func(sku, channel, zone string) []fulfil.Candidate {
		if byPlacement[channel] {
			if node, ok := placed.serving[[3]string{sku, zone, channel}]; ok {
				return []fulfil.Candidate{{Location: node, MaxShare: 1}}
			}
			return nil // lost by the placement, or not placed: it stays
		}
		return ruleCandidates(channel, zone)
	}
	// The zones an online location's orders come from, and their weights.
	var online []zoneWeight
	shares := onlineShares(net, fc)
	for _, z := range net.Zones {
		online = append(online, zoneWeight{z.Zone, shares[z.Zone]})
	}

	h := fc.Horizon
	type part struct {
		mean, variance []float64
		start          series.Date
		moved          bool
	}
	parts := map[series.Key]*part{}
	var order []series.Key
	get := func(k series.Key, start series.Date) *part {
		p := parts[k]
		if p == nil {
			p = &part{mean: make([]float64, h), variance: make([]float64, h), start: start}
			parts[k] = p
			order = append(order, k)
		}
		p.start = min(p.start, start)
		return p
	}
	first := fc.First()
	addShare := func(to *part, i int, share float64) {
		for t := 0; t < h; t++ {
			m, v := fc.Mean[i*h+t], fc.Variance(i, t)
			to.mean[t] += share * m
			to.variance[t] += share*share*math.Max(0, v-m) + share*m
		}
	}
	for i, k := range fc.Keys {
		channel := channelOf(k)
		var from []zoneWeight
		if routed[channel] && fc.Starts[i] == first { // a series that starts later stays where it is
			if zone, ok := net.ZoneOf[k.Location]; ok {
				from = []zoneWeight{{zone, 1}}
			} else if snap.Locations[k.Location].Type == datasets.TypeOnline && len(online) > 0 {
				from = online
			}
		}
		if len(from) == 0 {
			addShare(get(k, fc.Starts[i]), i, 1)
			continue
		}
		for _, zw := range from {
			cs := candidates(k.SKU, channel, zw.zone)
			shares, uncovered := fulfil.Split(cs)
			if len(cs) == 0 {
				uncovered = 1
			}
			for c, cand := range cs {
				if shares[c] > 0 {
					to := get(series.Key{SKU: k.SKU, Location: cand.Location, Channel: k.Channel}, fc.Starts[i])
					to.moved = true
					addShare(to, i, zw.weight*shares[c])
				}
			}
			if uncovered > 0 {
				stay := get(k, fc.Starts[i])
				stay.moved = true
				addShare(stay, i, zw.weight*uncovered)
			}
		}
	}
	// The series in the forecasts' order, then the new ones by key.
	index := map[series.Key]int{}
	for i, k := range fc.Keys {
		index[k] = i
	}
	slices.SortStableFunc(order, func(a, b series.Key) int {
		ia, oka := index[a]
		ib, okb := index[b]
		switch {
		case oka && okb:
			return cmp.Compare(ia, ib)
		case oka:
			return -1
		case okb:
			return 1
		}
		return series.CompareKeys(a, b)
	})
	nq := len(fc.Quantiles)
	out := &series.Forecasts{Freq: fc.Freq, Horizon: h, Quantiles: fc.Quantiles}
	for _, k := range order {
		p := parts[k]
		out.Keys = append(out.Keys, k)
		out.Starts = append(out.Starts, p.start)
		out.Mean = append(out.Mean, p.mean...)
		if i, ok := index[k]; ok && !p.moved {
			out.Q = append(out.Q, fc.Q[i*h*nq:(i+1)*h*nq]...)
			continue
		}
		for t := 0; t < h; t++ {
			sd := math.Sqrt(math.Max(0, p.variance[t]))
			for _, q := range fc.Quantiles {
				out.Q = append(out.Q, math.Max(0, p.mean[t]+sd*distuv.UnitNormal.Quantile(q)))
			}
		}
	}
	return out
}

type zoneWeight struct {
	zone   string
	weight float64
}

// fulfilmentCandidates returns the fulfilment rules' candidates for a
// channel's orders from a zone, in rank order: the zone's own rules, or
// those of zone * when it has none.
func fulfilmentCandidates(net *supply.Network) func(channel, zone string) []fulfil.Candidate {
	type zc struct{ channel, zone string }
	cands := map[zc][]fulfil.Candidate{}
	for _, r := range net.Rules { // sorted by channel, zone, rank
		k := zc{r.Channel, r.Zone}
		cands[k] = append(cands[k], fulfil.Candidate{Location: r.Location, MaxShare: r.MaxShare})
	}
	return func(channel, zone string) []fulfil.Candidate {
		if c, ok := cands[zc{channel, zone}]; ok {
			return c
		}
		return cands[zc{channel, datasets.AllZones}]
	}
}

// onlineShares is each zone's share of the online locations' orders: the
// zones' online_share when any zone gives one (scaled to add up to 1; a
// zone without one takes none), else in proportion to the forecast
// demand of the zone's locations, every channel added, else equal.
func onlineShares(net *supply.Network, fc *series.Forecasts) map[string]float64 {
	out := map[string]float64{}
	var total float64
	for _, z := range net.Zones {
		if !math.IsNaN(z.OnlineShare) {
			out[z.Zone] = z.OnlineShare
			total += z.OnlineShare
		}
	}
	if total == 0 {
		for i, k := range fc.Keys {
			if zone, ok := net.ZoneOf[k.Location]; ok {
				for _, m := range fc.Series(i) {
					out[zone] += m
					total += m
				}
			}
		}
	}
	for _, z := range net.Zones {
		if total > 0 {
			out[z.Zone] /= total
		} else {
			out[z.Zone] = 1 / float64(len(net.Zones))
		}
	}
	return out
}
