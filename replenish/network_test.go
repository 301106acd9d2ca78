package replenish

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
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
	var got []Claim
	var gotAvailable float64
	// A rationer that gives the first claim 30 and the rest what is left.
	n.Ration = func(sku, dc string, available float64, claims []Claim) ([]float64, error) {
		assert.Equal(t, "A", sku)
		assert.Equal(t, "DC1", dc)
		got, gotAvailable = claims, available
		return []float64{30, available - 30}, nil
	}
	lines := PlanNetwork(n, OrderUpTo{})
	s1, s2, dc := lines[0], lines[1], lines[3]
	// What is in transit to the DC cannot ship today: 40 can.
	assert.Equal(t, 40.0, gotAvailable)
	require.Len(t, got, 2)
	// The claims come in the items' order (S2 before S1), each with its
	// order and its stock.
	assert.Equal(t, "S2", got[0].Location)
	assert.Equal(t, "S1", got[1].Location)
	assert.Equal(t, 10.0, got[0].OnHand)
	assert.Equal(t, 0.0, got[1].OnHand)
	assert.Equal(t, 1.0, got[0].Pack)
	// Demand over the protection interval (2 + 7 days).
	assert.InDelta(t, 6*9, got[0].Mean, 1e-9)
	assert.InDelta(t, 10*9, got[1].Mean, 1e-9)
	assert.Greater(t, got[1].Qty+got[0].Qty, 40.0, "the stores ordered more than 40")
	assert.Equal(t, 10.0, s1.Qty)
	assert.Equal(t, 30.0, s2.Qty)
	assert.Equal(t, got[1].Qty-10, s1.Cut, "the units the DC took off the line")
	assert.Equal(t, got[0].Qty-30, s2.Cut)
	assert.Equal(t, "DC stock short: DC1 holds 40 of the "+fmtUnits(got[0].Qty+got[1].Qty)+" units ordered from it", s1.Exception)
	assert.Contains(t, s1.Reason, "; cut from "+fmtUnits(got[1].Qty)+" to 10: DC1 can ship 40 of the")
	// The DC's purchase order sees the cut transfers.
	assert.InDelta(t, 540-40, dc.Levels.Inventory, 1e-9)

	// With enough stock, nothing is cut and the rationer is not asked.
	n = testNetwork()
	n.Items[0].Position = Position{OnHand: 1000}
	n.Ration = func(string, string, float64, []Claim) ([]float64, error) {
		t.Fatal("rationed a DC that holds enough")
		return nil, nil
	}
	for _, l := range PlanNetwork(n, OrderUpTo{}) {
		assert.NotContains(t, l.Reason, "cut from")
		if l.To != "S9" { // S9 has no lane
			assert.Empty(t, l.Exception, l.To)
		}
	}
}

func TestShortTransfersWithoutARationerAreFlaggedWhole(t *testing.T) {
	whole := PlanNetwork(testNetwork(), OrderUpTo{})
	n := testNetwork()
	n.Items[0].Position = Position{OnHand: 40}
	lines := PlanNetwork(n, OrderUpTo{})
	for _, k := range []int{0, 1} {
		assert.Equal(t, whole[k].Qty, lines[k].Qty, "not cut")
		assert.Regexp(t, `^DC stock short \(DC1 holds 40 of [0-9.]+ units\) and not rationed: no rule to ration by$`, lines[k].Exception)
	}
	// A rationer that fails leaves them whole and says why.
	n = testNetwork()
	n.Items[0].Position = Position{OnHand: 40}
	n.Ration = func(string, string, float64, []Claim) ([]float64, error) { return []float64{1}, nil }
	lines = PlanNetwork(n, OrderUpTo{})
	assert.Contains(t, lines[0].Exception, "not rationed: the rationing gave 1 quantities for 2 orders")
}
