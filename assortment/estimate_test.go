package assortment

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
)

// Two products of a department at a store: when A is out of stock (every
// fifth day), B sells 6 more than its usual 10, which is 60% of A's
// usual 10; A's transfer share comes out 0.6. B is never out, so its
// share is the default.
func TestTransferSharesComeFromTheDaysAProductWasOut(t *testing.T) {
	start := series.MustParseDate("2024-01-01")
	p := &series.Panel{Freq: series.Daily}
	var a, b []float64
	var ua, ub []bool
	for d := 0; d < 200; d++ {
		out := d%5 == 0
		if out {
			a, b = append(a, 0), append(b, 16)
		} else {
			a, b = append(a, 10), append(b, 10)
		}
		ua, ub = append(ua, out), append(ub, false)
	}
	p.Keys = []series.Key{{SKU: "A", Location: "S1", Channel: "store"}, {SKU: "B", Location: "S1", Channel: "store"}}
	p.Starts = []series.Date{start, start}
	p.Offsets = []int{0, len(a), len(a) + len(b)}
	p.Values = append(append([]float64(nil), a...), b...)
	p.Unobserved = append(append([]bool(nil), ua...), ub...)
	got := EstimateShares(p, map[string]string{"A": "Soda", "B": "Soda"}, func(series.Key) bool { return true })
	require.Contains(t, got, "A")
	assert.False(t, got["A"].Default)
	assert.InDelta(t, 0.6, got["A"].Share, 0.02)
	assert.Equal(t, 40, got["A"].Periods)
	assert.True(t, got["B"].Default)
}

// A store without marks of when A was out: its runs of three days
// without a sale, one day in six without a sale, are a chance of 0.5% at
// that share, and taken as days it could not be bought; a single day
// without a sale is not.
func TestRunsWithoutASaleThatShouldHaveHadOneCountAsOut(t *testing.T) {
	start := series.MustParseDate("2024-01-01")
	p := &series.Panel{Freq: series.Daily}
	var a, b []float64
	for d := 0; d < 200; d++ {
		if d%20 < 3 || d%20 == 10 && d < 100 {
			a, b = append(a, 0), append(b, 16)
		} else {
			a, b = append(a, 10), append(b, 10)
		}
	}
	p.Keys = []series.Key{{SKU: "A", Location: "S1", Channel: "store"}, {SKU: "B", Location: "S1", Channel: "store"}}
	p.Starts = []series.Date{start, start}
	p.Offsets = []int{0, len(a), len(a) + len(b)}
	p.Values = append(append([]float64(nil), a...), b...)
	got := EstimateShares(p, map[string]string{"A": "Soda", "B": "Soda"}, func(series.Key) bool { return true })
	assert.InDelta(t, 0.6, got["A"].Share, 0.02)
	assert.Equal(t, 30, got["A"].Periods)
	// A product that sells none on most days: its runs say nothing.
	for i := range a {
		if a[i] > 0 && i%4 != 0 {
			p.Values[i] = 0
		}
	}
	got = EstimateShares(p, map[string]string{"A": "Soda", "B": "Soda"}, func(series.Key) bool { return true })
	assert.True(t, got["A"].Default)
}
