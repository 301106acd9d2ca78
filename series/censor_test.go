package series

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
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
