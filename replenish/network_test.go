package replenish

import (
	"testing"

	"github.com/planner-engine/planner/series"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func flat(days int, mean, sd float64) ([]float64, []float64) {
	m, s := make([]float64, days), make([]float64, days)
	for t := range m {
		m[t], s[t] = mean, sd
	}
	return m, s
}

func testNetwork() *Network {
	target := Target{0.95, CycleService}
	store := func(loc string, onHand, mean float64) *Item {
		m, s := flat(60, mean, 2)
		return &Item{SKU: "A", Location: loc, Target: target, Position: Position{OnHand: onHand},
			Lane: Lane{From: "DC1", Transfer: true, LeadTime: 2, Review: 7}, Mean: m, SD: s}
	}
	dc := &Item{SKU: "A", Location: "DC1", Target: target, Position: Position{OnHand: 150},
		Lane: Lane{From: "SUP", LeadTime: 10, Review: 7, MOQ: 100, Multiple: 50, UnitCost: 2}}
	orphan := store("S9", 1, 5)
	orphan.Lane = Lane{}
	return &Network{AsOf: series.MustParseDate("2026-03-02"), Items: []*Item{dc, store("S2", 10, 6), store("S1", 0, 10), orphan}}
}

func TestPlanNetworkTwoEchelons(t *testing.T) {
	lines := PlanNetwork(testNetwork(), OrderUpTo{})
	require.Len(t, lines, 4)
	// Transfers first, by source, SKU and destination; then purchases.
	assert.Equal(t, []string{"S1", "S2", "S9", "DC1"}, []string{lines[0].To, lines[1].To, lines[2].To, lines[3].To})
	s1, s2, orphan, dc := lines[0], lines[1], lines[2], lines[3]
	assert.Equal(t, "transfer", s1.Type())
	assert.Greater(t, s1.Qty, s2.Qty, "S1 sells more and has nothing")
	assert.Equal(t, "2026-03-04", s1.ReceiptDate.String())
	assert.Contains(t, orphan.Exception, "no sourcing rule")
	assert.Zero(t, orphan.Qty)

	// The DC sees 16 a day from its stores over 10 + 7 days, with its stock
	// first spoken for by today's transfers.
	assert.Equal(t, "purchase", dc.Type())
	assert.InDelta(t, 16*17, dc.Levels.Demand, 1e-9)
	assert.InDelta(t, 150-s1.Qty-s2.Qty, dc.Levels.Inventory, 1e-9)
	assert.Equal(t, 0.0, float64(int(dc.Qty)%50))
	assert.GreaterOrEqual(t, dc.Qty, 100.0)
	assert.Equal(t, 2.0, dc.UnitCost)
	assert.Regexp(t, `^PO-[0-9a-f]{12}$`, dc.ID)
	assert.Regexp(t, `^TO-[0-9a-f]{12}$`, s1.ID)

	// The same plan again gives the same ids; another day, other ids.
	again := PlanNetwork(testNetwork(), OrderUpTo{})
	assert.Equal(t, lines, again)
	n := testNetwork()
	n.AsOf++
	assert.NotEqual(t, lines[0].ID, PlanNetwork(n, OrderUpTo{})[0].ID)
}

func TestTransfersAreCutToTheDCsStock(t *testing.T) {
	n := testNetwork()
	n.Items[0].Position = Position{OnHand: 40, InTransit: 500}
	lines := PlanNetwork(n, OrderUpTo{})
	s1, s2, dc := lines[0], lines[1], lines[3]
	// The stores order far more than 40; what is in transit to the DC
	// cannot ship today.
	assert.InDelta(t, 40, s1.Qty+s2.Qty, 1e-9)
	assert.Contains(t, s1.Exception, "DC stock short: DC1 holds 40")
	assert.Contains(t, s1.Reason, "cut from")
	// S1 sells 10 a day and holds nothing: it gets the larger part.
	assert.Greater(t, s1.Qty, s2.Qty)
	// The DC's purchase order sees the cut transfers.
	assert.InDelta(t, 540-40, dc.Levels.Inventory, 1e-9)
	// With enough stock, nothing is cut.
	n = testNetwork()
	n.Items[0].Position = Position{OnHand: 1000}
	for _, l := range PlanNetwork(n, OrderUpTo{}) {
		assert.NotContains(t, l.Reason, "cut from")
	}
}
