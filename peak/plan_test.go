package peak

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
)

// network is a DC serving stores, each selling products from a supplier
// 10 a day, four times that over the event's week.
func network(stores, skus int, throughput, storeCapacity float64) *Problem {
	p := &Problem{Start: series.MustParseDate("2025-10-01"), First: series.MustParseDate("2025-11-11"), Last: series.MustParseDate("2025-11-11")}
	p.DCs = []DC{{Name: "DC1", Throughput: throughput}}
	days := int(p.First - p.Start)
	for s := 0; s < stores; s++ {
		name := fmt.Sprintf("S%d", s+1)
		p.Stores = append(p.Stores, Store{Name: name, DC: "DC1", Capacity: storeCapacity, LeadDays: 1})
		for k := 0; k < skus; k++ {
			daily := make([]float64, days)
			for t := range daily {
				daily[t] = 10
			}
			p.Lines = append(p.Lines, Line{SKU: fmt.Sprintf("P%d", k+1), Store: name, Daily: daily, EventMean: 280, EventVar: 400, Stock: 70})
		}
	}
	for k := 0; k < skus; k++ {
		p.Items = append(p.Items, Item{SKU: fmt.Sprintf("P%d", k+1), Source: "SUP", LeadDays: 3, UnitCost: 4, Price: 10})
	}
	return p
}

func TestBucketsEndTheDayBeforeTheEvent(t *testing.T) {
	res, err := Plan(network(1, 1, 0, 0), Options{})
	require.NoError(t, err)
	require.Len(t, res.Buckets, 7, "41 days: a 6-day week, five whole weeks, and the event's")
	assert.Equal(t, series.MustParseDate("2025-10-01"), res.Buckets[0].First)
	assert.Equal(t, series.MustParseDate("2025-10-06"), res.Buckets[0].Last)
	assert.Equal(t, series.MustParseDate("2025-11-10"), res.Buckets[5].Last)
	assert.True(t, res.Buckets[6].Event)
}

// With room everywhere, every store gets its target in the week before
// the event, and nothing is short.
func TestUnlimitedNetworkShipsTheWeekBefore(t *testing.T) {
	res, err := Plan(network(3, 2, 0, 0), Options{})
	require.NoError(t, err)
	assert.Empty(t, res.Shortfalls)
	for _, tr := range res.Transfers {
		assert.Equal(t, 5, tr.Ship, "as late as it can")
	}
	for _, r := range res.Ready {
		assert.Equal(t, r.Target, r.Stock+r.Arriving)
		assert.Greater(t, r.Target, 280.0, "the 95% quantile of the week")
	}
}

// A DC whose handling cannot move a week's peak in one week moves it over
// several, as late as it can, and never more than it can handle in any
// week; without pre-building, most of the peak is short.
func TestTightDCSpreadsThePeakOverWeeks(t *testing.T) {
	p := network(4, 3, 220, 0) // usual flow 120 a day: 100 a day to spare
	res, err := Plan(p, Options{})
	require.NoError(t, err)
	assert.Empty(t, res.Shortfalls, "five weeks of 700 spare units carry the 12 x 243 units")
	ships := map[int]float64{}
	for _, tr := range res.Transfers {
		ships[tr.Ship] += tr.Qty
	}
	assert.Equal(t, map[int]float64{5: 700, 4: 700, 3: 700, 2: 700, 1: 116}, ships, "the last weeks full, as late as they can be")
	checkLoads(t, res)

	base, err := Plan(p, Options{NoPreBuild: true})
	require.NoError(t, err)
	var need, short float64
	for _, r := range base.Ready {
		need += r.Target - r.Stock
	}
	for _, s := range base.Shortfalls {
		short += s.Qty
	}
	assert.Equal(t, 2916.0, need)
	assert.Equal(t, 2916.0-700, short, "the week before the event's spare handling (700) carries a quarter of it")
	checkLoads(t, base)
}

// A store without the room for its peak is short for space; the rest
// arrives.
func TestStoreSpaceBindsFirst(t *testing.T) {
	p := network(1, 2, 0, 400) // stock 140, room for 260 of the ~500 needed
	res, err := Plan(p, Options{})
	require.NoError(t, err)
	var arriving, short float64
	for _, r := range res.Ready {
		arriving += r.Arriving
	}
	for _, s := range res.Shortfalls {
		assert.Equal(t, CauseSpace, s.Cause)
		assert.Equal(t, 6*s.Qty, s.Value, "the margin of the units short: price 10 less cost 4")
		short += s.Qty
	}
	assert.Equal(t, 260.0, arriving)
	assert.Positive(t, short)
	checkLoads(t, res)
}

// checkLoads checks that no place takes more than its capacity in any
// week.
func checkLoads(t *testing.T, res *Result) {
	t.Helper()
	for _, l := range res.Loads {
		if l.Unlimited || (l.Kind == "factory" && l.Capacity == 0 && l.Peak == 0) {
			continue
		}
		assert.LessOrEqual(t, l.Usual+l.Peak, l.Capacity+1e-9, "%s %s in week %d", l.Kind, l.Place, l.Bucket)
	}
}

func TestShareIsProportionalInWholeUnits(t *testing.T) {
	assert.Equal(t, []float64{3, 2, 0}, share(5, []float64{6, 4, 0}))
	assert.Equal(t, []float64{1, 1}, share(2.7, []float64{5, 5}))
	assert.Equal(t, []float64{2, 3}, share(10, []float64{2, 3}))
}
