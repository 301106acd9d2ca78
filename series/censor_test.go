package series

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A closed day is filled from the level around it and its weekday's
// share, never left at the zero that was recorded.
func TestFillUnobservedFollowsLevelAndSeason(t *testing.T) {
	// Two weeks of a weekly pattern (weekday 5 sells double) at level 10,
	// then 20: the closed day 5 of the third week takes the new level.
	var y []float64
	var mask []bool
	for w := 0; w < 4; w++ {
		level := 10.0
		if w >= 2 {
			level = 20
		}
		for d := 0; d < 7; d++ {
			v := level
			if d == 5 {
				v *= 2
			}
			y = append(y, v)
			mask = append(mask, false)
		}
	}
	y[2*7+5], mask[2*7+5] = 0, true // closed: recorded zero
	got := FillUnobserved(y, mask, 7)
	// Weekday 5's index is 26.67/16.30 over the observed days; the
	// adjusted level is 18.8 on the left and 22.1 on the right of the gap,
	// so the fill is 20.5 x 1.636 = 33.5: its weekday's high demand at
	// about the new level (the true value was 40, the recorded one 0).
	assert.InDelta(t, 33.5, got[2*7+5], 0.1)
	assert.Equal(t, y[:14], got[:14], "observed values are kept")
	assert.Equal(t, 0.0, y[2*7+5], "the input is not changed")

	// Nothing unobserved: the same slice back.
	plain := []float64{1, 2, 3}
	assert.Equal(t, &plain[0], &FillUnobserved(plain, []bool{false, false, false}, 7)[0])
	// A weekday never observed (closed every Sunday) keeps its zeros: it
	// is the weekly pattern, not missing demand; a holiday on a Wednesday
	// is filled.
	y = make([]float64, 28)
	mask = make([]bool, 28)
	for i := range y {
		y[i] = 10
		if i%7 == 6 {
			y[i], mask[i] = 0, true
		}
	}
	y[16], mask[16] = 0, true
	for i, v := range FillUnobserved(y, mask, 7) {
		want := 10.0
		if i%7 == 6 {
			want = 0
		}
		assert.InDelta(t, want, v, 1e-9, "day %d", i)
	}
}

func FuzzFillUnobserved(f *testing.F) {
	f.Add([]byte{1, 2, 0, 4, 5, 0, 7, 8}, []byte{0, 0, 1, 0, 0, 1, 0, 0}, 7)
	f.Add([]byte{0, 0, 0}, []byte{1, 1, 1}, 1)
	f.Fuzz(func(t *testing.T, vals, marks []byte, period int) {
		y := make([]float64, len(vals))
		mask := make([]bool, len(vals))
		for i, v := range vals {
			y[i] = float64(v)
			mask[i] = i < len(marks) && marks[i]%2 == 1
		}
		period = period%60 + 1
		if period < 1 {
			period = 1
		}
		out := FillUnobserved(y, mask, period)
		if len(out) != len(y) {
			t.Fatalf("%d values for %d", len(out), len(y))
		}
		for i, v := range out {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("value %d is %v", i, v)
			}
			if !mask[i] && v != y[i] {
				t.Fatalf("observed value %d changed", i)
			}
		}
	})
}

// A busy store sells every day it is open: its zeros are closures (a
// holiday, a refit), not demand, and a store that sold nothing on Sundays
// for weeks is closed on Sundays ahead. A slow seller's zeros are demand.
func TestClosedZerosOfABusySeries(t *testing.T) {
	start := MustParseDate("2025-01-06") // a Monday
	y := make([]float64, 140)
	for d := range y {
		y[d] = float64(200 + d%5)
		if d%7 == 6 { // Sundays
			y[d] = 0
		}
	}
	y[30] = 0                  // a holiday
	for d := 60; d < 80; d++ { // a refit
		y[d] = 0
	}
	mask := ClosedZeros(y)
	require.NotNil(t, mask)
	assert.True(t, mask[30])
	assert.True(t, mask[70])
	assert.True(t, mask[6])
	assert.False(t, mask[31])

	p := &Panel{Freq: Daily}
	p.Append(Key{SKU: "A", Location: "S1"}, start, y)
	filled := p.Filled(0)
	assert.InDelta(t, 202, filled[30], 5, "the holiday filled at the level around it")
	assert.InDelta(t, 202, filled[70], 5, "the refit filled")
	assert.Equal(t, 0.0, filled[6], "Sundays, closed by habit, keep their zeros")
	// The series ends on a Sunday (day 139); the next 14 days hold two
	// Sundays, steps 6 and 13.
	assert.Equal(t, []int{6, 13}, p.ClosedSteps(0, start+140, 14))

	// A long run of zeros at the end may be the end of the product: it
	// stays demand.
	tail := append(append([]float64(nil), y[:100]...), make([]float64, 10)...)
	assert.False(t, ClosedZeros(tail)[105])
	assert.True(t, ClosedZeros(append(append([]float64(nil), y[:100]...), 0, 0))[101], "a short run at the end is a closure")

	slow := make([]float64, 140)
	for d := range slow {
		slow[d] = float64(d % 3) // 0, 1, 2: zeros are demand
	}
	assert.Nil(t, ClosedZeros(slow))
	q := &Panel{Freq: Daily}
	q.Append(Key{SKU: "B", Location: "S1"}, start, slow)
	assert.Empty(t, q.ClosedSteps(0, start+140, 14))
}

// Exog.Select keeps the chosen drivers' columns, history and future, and
// CarrySchedules carries a scheduled driver on from the end of each series.
func TestExogSelectAndCarrySchedules(t *testing.T) {
	p := &Panel{Freq: Daily}
	p.Append(Key{SKU: "A"}, MustParseDate("2025-01-06"), make([]float64, 28))
	x := &Exog{Names: []string{"price", "promo"}, Horizon: 10, Future: make([]float64, 20), Unplanned: []bool{false, true}}
	for t := 0; t < 28; t++ {
		promo := float32(0)
		if t%14 < 5 { // Monday to Friday every other week
			promo = 1
		}
		x.Hist = append(x.Hist, float32(t), promo)
	}
	p.Exog = x
	sel := x.Select([]bool{false, true})
	require.NotNil(t, sel)
	assert.Equal(t, []string{"promo"}, sel.Names)
	assert.Equal(t, []bool{true}, sel.Unplanned)
	assert.Len(t, sel.Hist, 28)
	assert.Equal(t, float32(1), sel.Hist[14])
	assert.Nil(t, x.Select([]bool{false, false}))

	sel.Schedule = []int{14}
	p.Exog = sel
	p.CarrySchedules()
	// The history ends on day 27 (position 13 of the fortnight): the next
	// days are 28.. = positions 0.., a promotion from Monday to Friday.
	assert.Equal(t, []float64{1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, sel.Future)
	require.NoError(t, p.Check())
}

// Replaying a history as if on an earlier day knows only the weekday
// habit of the days before it, and takes the later closures the sales
// mark (a holiday with nothing sold) as a store calendar would give them.
func TestClosedAfterReadsOnlyTheHistoryBeforeTheDay(t *testing.T) {
	start := MustParseDate("2025-01-06") // a Monday
	y := make([]float64, 140)
	unobserved := make([]bool, 140)
	for d := range y {
		y[d] = float64(200 + d%5)
		if d >= 84 && d%7 == 6 { // closed on Sundays from week 13 on
			y[d] = 0
		}
	}
	y[100], unobserved[100] = 0, true // a holiday, marked
	y[105], unobserved[105] = 3, true // a day marked, yet it sold: open
	p := &Panel{Freq: Daily, Unobserved: unobserved}
	p.Append(Key{SKU: "A", Location: "S1"}, start, y)

	assert.Equal(t, []int{5}, p.ClosedAfter(0, 95, 14), "on day 95 the Sundays are no habit yet; day 100 is known closed")
	// By day 140 the Sundays of the last eight weeks were closed: day 146
	// and 153 are too.
	assert.Equal(t, []int{6, 13}, p.ClosedAfter(0, 140, 14))
	assert.Equal(t, []int{6, 13}, p.ClosedSteps(0, start+140, 14), "the whole history's answer")
}
