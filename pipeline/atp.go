package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/planner-engine/planner/atp"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/report"
	"github.com/planner-engine/planner/series"
)

// ATPResult is what each channel may promise of each location's stock
// on Day.
type ATPResult struct {
	Day   series.Date
	Lines []atp.Line
	// Short are the locations whose channels' reserves exceed their
	// stock.
	Short []atp.Shortfall
}

// ATP decides what each sales channel may promise of each location's
// stock on the day after the history (atp.Plan), from the latest stock
// positions and the channels' daily forecasts over the atp section's
// horizon, with its channels' rules. Every channel a location sells
// through gets a line, and only those channels' rules hold there; a
// series without a channel sells through the store, as the sales load
// takes it. The lines are sorted by location, SKU and channel. Without
// stock positions there is nothing to promise (a *SkipError).
func ATP(ctx context.Context, src Source, fc *series.Forecasts, cfg config.ATP) (*ATPResult, error) {
	if err := cfg.Check(config.Key("atp")); err != nil {
		return nil, err
	}
	if fc.Freq != series.Daily {
		return nil, fmt.Errorf("available to promise is planned from daily forecasts, and these are %s: forecast by day (forecast.freq D, or --freq D)", freqWord(fc.Freq))
	}
	snap, err := src.Supply(ctx)
	if err != nil {
		return nil, err
	}
	if len(snap.Positions) == 0 {
		return nil, skip("no stock positions are loaded: load an inventory file (--inventory)")
	}
	// The channels: the section's, and any other the forecasts have.
	rules := map[string]config.ATPChannel{}
	for i := range fc.Keys {
		rules[channelOf(fc.Keys[i])] = config.ATPChannel{LostSale: 1}
	}
	maps.Copy(rules, cfg.Channels)
	names := slices.Sorted(maps.Keys(rules))
	channels := make([]atp.Channel, len(names))
	index := map[string]int{}
	for c, name := range names {
		r := rules[name]
		channels[c] = atp.Channel{Name: name, LostSale: r.LostSale, Reserve: r.Reserve, MaxShare: r.MaxShare}
		index[name] = c
	}
	// Each location's series by SKU.
	type place struct{ sku, location string }
	sold := map[place][]int{}
	for i, k := range fc.Keys {
		p := place{k.SKU, k.Location}
		sold[p] = append(sold[p], i)
	}
	day := fc.First()
	// Positions grouped by the channels selling there: a channel's rules
	// (its reserve above all) hold only where it sells.
	groups := map[string][]atp.Position{}
	members := map[string][]atp.Channel{}
	for _, sp := range snap.Positions {
		at := sold[place{sp.SKU, sp.Location}]
		if len(at) == 0 {
			continue // nothing sold there: nothing to promise
		}
		demand := make([]atp.Demand, len(channels))
		has := make([]bool, len(channels))
		for _, i := range at {
			c := index[channelOf(fc.Keys[i])]
			has[c] = true
			from := int(day - fc.Starts[i])
			for t := max(from, 0); t < min(from+cfg.HorizonDays, fc.Horizon); t++ {
				demand[c].Mean += fc.Mean[i*fc.Horizon+t]
				demand[c].Variance += fc.Variance(i, t)
			}
		}
		pos := atp.Position{SKU: sp.SKU, Location: sp.Location, Stock: sp.OnHand - sp.Backorders - sp.Reserved}
		set := ""
		var these []atp.Channel
		for c := range channels {
			if has[c] {
				set += channels[c].Name + "\x00"
				these = append(these, channels[c])
				pos.Demand = append(pos.Demand, demand[c])
			}
		}
		groups[set] = append(groups[set], pos)
		members[set] = these
	}
	res := &ATPResult{Day: day}
	for _, set := range slices.Sorted(maps.Keys(groups)) {
		lines, short, err := atp.Plan(groups[set], members[set])
		if err != nil {
			return nil, err
		}
		res.Lines = append(res.Lines, lines...)
		res.Short = append(res.Short, short...)
	}
	slices.SortFunc(res.Lines, func(a, b atp.Line) int {
		return cmp.Or(cmp.Compare(a.Location, b.Location), cmp.Compare(a.SKU, b.SKU), cmp.Compare(a.Channel, b.Channel))
	})
	slices.SortFunc(res.Short, func(a, b atp.Shortfall) int {
		return cmp.Or(cmp.Compare(a.Location, b.Location), cmp.Compare(a.SKU, b.SKU))
	})
	return res, nil
}

// channelOf is a series' channel: store when it names none.
func channelOf(k series.Key) string {
	if k.Channel == "" {
		return "store"
	}
	return k.Channel
}

// Write writes atp.<format> and returns its rows by name.
func (r *ATPResult) Write(path string) (map[string]int64, error) {
	if err := export.WriteATP(path, r.Day, r.Lines); err != nil {
		return nil, err
	}
	return map[string]int64{baseName(path): int64(len(r.Lines))}, nil
}

// Report says how much of the stock the channels may promise and what
// was kept.
func (r *ATPResult) Report() StageReport {
	sum := r.Summary()
	rep := StageReport{Rows: map[string]int64{"lines": int64(sum.Lines)},
		Summary: fmt.Sprintf("%d promises for %s, %d keeping units for other channels", sum.Lines, sum.Date, sum.Kept)}
	rep.listExceptions(sum.Exceptions)
	return rep
}

// table is the report's view of the promises: per channel, the stock it
// sees, what it may promise and what is kept from it.
func (r *ATPResult) table() report.Table {
	sum := r.Summary()
	t := report.Table{Title: "What each channel may promise on " + sum.Date,
		Note:    "One pool of stock for every channel of a location (atp.csv): units are kept from a channel for those whose lost sale costs more and for the others' reserves.",
		Header:  []string{"Channel", "SKU-locations", "Units in stock", "Units it may promise", "Units kept from it"},
		Numeric: []bool{false, true, true, true, true}}
	for _, c := range slices.Sorted(maps.Keys(sum.Channels)) {
		s := sum.Channels[c]
		t.Rows = append(t.Rows, []string{c, strconv.Itoa(s.Lines), strconv.FormatFloat(s.Stock, 'f', -1, 64),
			strconv.FormatFloat(s.Promise, 'f', -1, 64), strconv.FormatFloat(s.Kept, 'f', -1, 64)})
	}
	return t
}

// ATPSummary is planner atp --json's object (docs/cli.md).
type ATPSummary struct {
	Date     string                     `json:"date"`
	Lines    int                        `json:"lines"`
	Kept     int                        `json:"lines_keeping_units"`
	Channels map[string]ChannelPromises `json:"channels"`
	// Exceptions are the locations whose reserves exceed their stock.
	Exceptions []string `json:"exceptions"`
	Seconds    float64  `json:"seconds"`
	Out        string   `json:"out,omitempty"`
}

// ChannelPromises are one channel's totals over its lines.
type ChannelPromises struct {
	Lines   int     `json:"lines"`
	Stock   float64 `json:"stock"`
	Promise float64 `json:"promise"`
	Kept    float64 `json:"kept"`
}

// Summary is the promises' --json object; the caller fills Out and
// Seconds.
func (r *ATPResult) Summary() ATPSummary {
	sum := ATPSummary{Date: r.Day.String(), Lines: len(r.Lines), Channels: map[string]ChannelPromises{}, Exceptions: []string{}}
	for i := range r.Lines {
		l := &r.Lines[i]
		c := sum.Channels[l.Channel]
		c.Lines++
		c.Stock += l.Stock
		c.Promise += l.Promise
		c.Kept += l.Kept
		sum.Channels[l.Channel] = c
		if l.Kept > 0 {
			sum.Kept++
		}
	}
	for _, s := range r.Short {
		sum.Exceptions = append(sum.Exceptions, s.String())
	}
	return sum
}
