package allocation

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRebalanceMovesStockToWhereItSells(t *testing.T) {
	// North holds 60 and sells 10 a week; south holds 2 and sells 30.
	sites := []Site{
		{Location: "north", Mean: 10, Variance: 10, LeadMean: 5, LeadVariance: 5, OnHand: 60},
		{Location: "south", Mean: 30, Variance: 30, LeadMean: 15, LeadVariance: 15, OnHand: 2},
		{Location: "east", Mean: 10, Variance: 10, LeadMean: 5, LeadVariance: 5, OnHand: 12},
	}
	tr, err := Rebalance("A", sites, RebalanceOptions{TransferCost: 2, MinTransfer: 4})
	require.NoError(t, err)
	require.NotEmpty(t, tr)
	first := tr[0]
	assert.Equal(t, "north", first.From)
	assert.Equal(t, "south", first.To)
	assert.GreaterOrEqual(t, first.Qty, 4.0)
	assert.Greater(t, first.Gain, first.Loss)
	assert.InDelta(t, first.Gain-first.Loss-2, first.Net, 1e-9)
	// North keeps its lead time's 95% quantile of demand (9 of Poisson 5);
	// south is brought at most to its horizon's (39 of Poisson 30).
	moved := 0.0
	for _, x := range tr {
		if x.From == "north" {
			moved += x.Qty
		}
	}
	assert.GreaterOrEqual(t, 60-moved, 9.0)
	into := 0.0
	for _, x := range tr {
		if x.To == "south" {
			into += x.Qty
		}
	}
	assert.LessOrEqual(t, 2+into, 39.0)
	for _, x := range tr {
		assert.Greater(t, x.Net, 0.0)
		assert.NotEmpty(t, x.Reason)
	}
}

func TestRebalanceLeavesBalancedStoresAlone(t *testing.T) {
	sites := []Site{
		{Location: "a", Mean: 10, Variance: 10, LeadMean: 5, LeadVariance: 5, OnHand: 14},
		{Location: "b", Mean: 10, Variance: 10, LeadMean: 5, LeadVariance: 5, OnHand: 14},
	}
	tr, err := Rebalance("A", sites, RebalanceOptions{TransferCost: 1})
	require.NoError(t, err)
	assert.Empty(t, tr)
}

func TestRebalanceRespectsItsLimits(t *testing.T) {
	// One store with plenty, five running out: at most two transfers
	// leave it, and a high fixed cost stops small ones.
	sites := []Site{{Location: "rich", Mean: 5, Variance: 5, LeadMean: 2, LeadVariance: 2, OnHand: 200}}
	for _, l := range []string{"p1", "p2", "p3", "p4", "p5"} {
		sites = append(sites, Site{Location: l, Mean: 20, Variance: 20, LeadMean: 10, LeadVariance: 10})
	}
	tr, err := Rebalance("A", sites, RebalanceOptions{MaxTransfers: 2})
	require.NoError(t, err)
	assert.Len(t, tr, 2)
	tr, err = Rebalance("A", sites, RebalanceOptions{TransferCost: 1000})
	require.NoError(t, err)
	assert.Empty(t, tr)
	// Stores that receive do not send on.
	for _, x := range tr {
		assert.Equal(t, "rich", x.From)
	}
	// The receiver's capacity caps the quantity.
	sites[1].Max = 6
	tr, err = Rebalance("A", sites[:2], RebalanceOptions{})
	require.NoError(t, err)
	require.Len(t, tr, 1)
	assert.Equal(t, 6.0, tr[0].Qty)
	// Bad stock is an error naming the site.
	sites[0].OnHand = -1
	_, err = Rebalance("A", sites, RebalanceOptions{})
	assert.ErrorContains(t, err, "A at rich")
}
