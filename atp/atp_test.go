package atp

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// poisson is the probabilities of 0..n-1 units of a Poisson count.
func poisson(mean float64, n int) []float64 {
	p := make([]float64, n)
	p[0] = math.Exp(-mean)
	for k := 1; k < n; k++ {
		p[k] = p[k-1] * mean / float64(k)
	}
	return p
}

// expectedSales is E[min(D, s)] for the probabilities p of D.
func expectedSales(p []float64, s int) float64 {
	e := 0.0
	for k, pk := range p {
		e += pk * float64(min(k, s))
	}
	return e
}

// With two channels whose cheaper one's demand comes first (the case
// Littlewood's rule is exact for), the units kept for the dearer channel
// maximise the expected value of the sales of both: no other protection
// level, from none to the whole stock, does better.
func TestProtectionMaximisesTheExpectedValueOfTwoChannels(t *testing.T) {
	const n = 80
	for _, tc := range []struct{ cheapMean, dearMean, ratio, stock float64 }{
		{3, 4, 0.5, 6}, {3, 4, 0.5, 12}, {8, 2, 0.3, 9}, {1, 6, 0.8, 5}, {5, 5, 0.2, 20}, {2, 0.5, 0.6, 3},
	} {
		name := fmt.Sprintf("%+v", tc)
		channels := []Channel{{Name: "app", LostSale: tc.ratio}, {Name: "instant", LostSale: 1}}
		lines, _, err := Plan([]Position{{SKU: "A", Location: "S1", Stock: tc.stock,
			Demand: []Demand{{tc.cheapMean, tc.cheapMean}, {tc.dearMean, tc.dearMean}}}}, channels)
		require.NoError(t, err, name)
		require.Len(t, lines, 2)
		assert.Equal(t, tc.stock, lines[1].Promise, "%s: the dearer channel may promise all the stock", name)
		cheap, dear := poisson(tc.cheapMean, n), poisson(tc.dearMean, n)
		value := func(kept int) float64 {
			s := int(tc.stock)
			open := max(0, s-kept)
			v := tc.ratio * expectedSales(cheap, open)
			// The dearer channel's demand meets what the cheaper one left.
			for k, pk := range cheap {
				v += pk * expectedSales(dear, s-min(k, open))
			}
			return v
		}
		got := value(int(lines[0].Kept))
		for y := 0; y <= int(tc.stock); y++ {
			assert.GreaterOrEqual(t, got+1e-9, value(y), "%s: keeping %v, but keeping %d is worth more", name, lines[0].Kept, y)
		}
	}
}

// Three channels: each cheaper one faces the dearer ones pooled, their
// value weighted by their demand (EMSR-b). Worked by hand: web is kept
// from the median of instant's Poisson(2) demand (1.5/3 = 0.5): 2 units;
// app from the 0.6 quantile of the pooled Poisson(4) demand, whose value
// is (3×2 + 1.5×2)/4 = 2.25 (1 - 0.9/2.25 = 0.6): 4 units.
func TestNestedProtectionOverThreeChannels(t *testing.T) {
	channels := []Channel{{Name: "app", LostSale: 0.9}, {Name: "instant", LostSale: 3}, {Name: "web", LostSale: 1.5}}
	lines, exceptions, err := Plan([]Position{{SKU: "A", Location: "S1", Stock: 10,
		Demand: []Demand{{3, 3}, {2, 2}, {2, 2}}}}, channels)
	require.NoError(t, err)
	assert.Empty(t, exceptions)
	assert.Equal(t, []Line{
		{SKU: "A", Location: "S1", Channel: "app", Stock: 10, Promise: 6, Kept: 4, Reason: "4 kept for instant, web"},
		{SKU: "A", Location: "S1", Channel: "instant", Stock: 10, Promise: 10, Kept: 0, Reason: "all the stock"},
		{SKU: "A", Location: "S1", Channel: "web", Stock: 10, Promise: 8, Kept: 2, Reason: "2 kept for instant"},
	}, lines)
}

// Channels whose lost sale costs the same share the stock; a reserve is
// kept from every other channel; a share caps a channel; reserves above
// the stock are an exception, and the channels promise what is left.
func TestReservesSharesAndEqualCosts(t *testing.T) {
	channels := []Channel{{Name: "store", LostSale: 1}, {Name: "app", LostSale: 1, MaxShare: 0.4}, {Name: "instant", LostSale: 1, Reserve: 3}}
	demand := []Demand{{5, 9}, {4, 4}, {1, 1}}
	lines, exceptions, err := Plan([]Position{{SKU: "A", Location: "S1", Stock: 10, Demand: demand}, {SKU: "B", Location: "S1", Stock: 2.7, Demand: demand}}, channels)
	require.NoError(t, err)
	require.Len(t, exceptions, 1)
	assert.Equal(t, Shortfall{SKU: "B", Location: "S1", Reserved: 3, Stock: 2}, exceptions[0])
	assert.Equal(t, "B at S1: the channels' reserves (3 units) are more than its stock (2)", exceptions[0].String())
	assert.Equal(t, []Line{
		{SKU: "A", Location: "S1", Channel: "store", Stock: 10, Promise: 7, Kept: 3, Reason: "3 reserved for other channels"},
		{SKU: "A", Location: "S1", Channel: "app", Stock: 10, Promise: 4, Kept: 6, Reason: "3 reserved for other channels; at most 40% of the stock"},
		{SKU: "A", Location: "S1", Channel: "instant", Stock: 10, Promise: 10, Kept: 0, Reason: "all the stock"},
		{SKU: "B", Location: "S1", Channel: "store", Stock: 2, Promise: 0, Kept: 2, Reason: "3 reserved for other channels"},
		{SKU: "B", Location: "S1", Channel: "app", Stock: 2, Promise: 0, Kept: 2, Reason: "3 reserved for other channels"},
		{SKU: "B", Location: "S1", Channel: "instant", Stock: 2, Promise: 2, Kept: 0, Reason: "all the stock"},
	}, lines)
}

// A dearer channel's reserve counts within what is kept for it: a
// cheaper channel loses the larger of the two, not their sum.
func TestADearerChannelsReserveCountsWithinItsProtection(t *testing.T) {
	channels := []Channel{{Name: "store", LostSale: 1}, {Name: "instant", LostSale: 2, Reserve: 1}}
	for _, tc := range []struct {
		instant    float64
		kept       float64
		reasonKept string
	}{
		{0, 1, "1 kept for instant"}, // no demand: the reserve alone
		{6, 6, "6 kept for instant"}, // the median of Poisson(6) is 6, above the reserve
	} {
		lines, _, err := Plan([]Position{{SKU: "A", Location: "S1", Stock: 8, Demand: []Demand{{4, 4}, {tc.instant, tc.instant}}}}, channels)
		require.NoError(t, err)
		assert.Equal(t, tc.kept, lines[0].Kept)
		assert.Equal(t, tc.reasonKept, lines[0].Reason)
		assert.Equal(t, 8.0, lines[1].Promise)
	}
}

func TestChannelsThatCannotBePlannedAreRefused(t *testing.T) {
	pos := []Position{{SKU: "A", Location: "S1", Stock: 3, Demand: []Demand{{1, 1}}}}
	for _, tc := range []struct {
		c    Channel
		want string
	}{
		{Channel{Name: "app"}, "channel app: the cost of a lost sale must be a number above 0 (got 0)"},
		{Channel{Name: "app", LostSale: 1, Reserve: -1}, "channel app: the reserve must be a number of units >= 0 (got -1)"},
		{Channel{Name: "app", LostSale: 1, MaxShare: 1.5}, "channel app: the largest share of stock must be between 0 and 1 (got 1.5)"},
		{Channel{LostSale: 1}, "a channel has no name"},
	} {
		_, _, err := Plan(pos, []Channel{tc.c})
		assert.EqualError(t, err, tc.want)
	}
	_, _, err := Plan(pos, []Channel{{Name: "app", LostSale: 1}, {Name: "app", LostSale: 2}})
	assert.EqualError(t, err, "channel app is listed twice")
	_, _, err = Plan(pos, []Channel{{Name: "app", LostSale: 1}, {Name: "store", LostSale: 2}})
	assert.EqualError(t, err, "A at S1 has demand for 1 channels, not the 2 channels planned")
	_, _, err = Plan([]Position{{SKU: "A", Location: "S1", Stock: 3, Demand: []Demand{{math.NaN(), 1}}}}, []Channel{{Name: "app", LostSale: 1}})
	assert.EqualError(t, err, "A at S1: a channel's demand (mean NaN, variance 1) is not a finite number >= 0")
}
