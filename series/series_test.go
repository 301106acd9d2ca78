package series

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDateRoundTripsThroughTime(t *testing.T) {
	for d := DateFromYMD(1899, 12, 25); d < DateFromYMD(2101, 1, 10); d += 37 {
		y, m, day := d.YMD()
		ty, tm, tday := d.Time().Date()
		require.Equal(t, [3]int{ty, int(tm), tday}, [3]int{y, int(m), day}, "day %d", d)
		require.Equal(t, d.Time().Weekday(), d.Weekday(), "weekday of %v", d)
		require.Equal(t, d.Time().Format(time.DateOnly), string(d.AppendFormat(nil)))
		require.Equal(t, d, DateOf(d.Time()))
	}
}

func TestParseDateRejectsOtherForms(t *testing.T) {
	d, err := ParseDate("2024-02-29")
	require.NoError(t, err)
	assert.Equal(t, 60, d.DayOfYear())
	for _, bad := range []string{"2023-02-29", "29/02/2024", "", "2024-2-3"} {
		_, err := ParseDate(bad)
		assert.Error(t, err, bad)
	}
}

func TestFreqPeriods(t *testing.T) {
	wed := MustParseDate("2024-01-10")
	assert.Equal(t, MustParseDate("2024-01-08"), Weekly.PeriodStart(wed))
	assert.Equal(t, MustParseDate("2024-01-01"), Monthly.PeriodStart(wed))
	assert.Equal(t, wed, Daily.PeriodStart(wed))
	sun := MustParseDate("2024-01-14")
	assert.Equal(t, MustParseDate("2024-01-08"), Weekly.PeriodStart(sun), "Sunday closes the ISO week")

	assert.Equal(t, MustParseDate("2024-03-01"), Monthly.Add(MustParseDate("2023-12-01"), 3))
	assert.Equal(t, MustParseDate("2023-11-01"), Monthly.Add(MustParseDate("2024-01-01"), -2))
	assert.Equal(t, 14, Monthly.Between(MustParseDate("2023-01-31"), MustParseDate("2024-03-01")))
	assert.Equal(t, 1, Weekly.Between(sun, MustParseDate("2024-01-15")))
	assert.Equal(t, -5, Daily.Between(wed, wed-5))

	for _, s := range []string{"d", "W", "month"} {
		f, err := ParseFreq(s)
		require.NoError(t, err)
		assert.True(t, f.Valid())
	}
	_, err := ParseFreq("Q")
	assert.ErrorContains(t, err, `"Q" is not one of D, W, M`)
}

func TestPanelAppendAndCheck(t *testing.T) {
	var p Panel
	p.Freq = Weekly
	p.Append(Key{"A", "S1", "store"}, MustParseDate("2024-01-01"), []float64{1, 2, 3})
	p.Append(Key{"B", "S1", "store"}, MustParseDate("2024-01-08"), nil)
	p.Append(Key{"C", "S2", "online"}, MustParseDate("2024-01-15"), []float64{4})
	require.NoError(t, p.Check())
	assert.Equal(t, 3, p.Len())
	assert.Equal(t, []float64{1, 2, 3}, p.Series(0))
	assert.Empty(t, p.Series(1))
	assert.Equal(t, MustParseDate("2024-01-15"), p.End(0))
	assert.Equal(t, "C@S2/online", p.Keys[2].String())

	p.Starts[2] = MustParseDate("2024-01-16")
	assert.ErrorContains(t, p.Check(), "not the start of a W period")
}

func TestSplitBalancesValuesAndCoversAllSeries(t *testing.T) {
	var p Panel
	p.Freq = Daily
	lengths := []int{100, 1, 1, 1, 50, 50, 3, 200, 7, 7}
	for i, n := range lengths {
		p.Append(Key{SKU: string(rune('a' + i))}, 0, make([]float64, n))
	}
	for workers := 1; workers <= 12; workers++ {
		ranges := p.Split(workers)
		require.LessOrEqual(t, len(ranges), workers)
		next := 0
		for _, r := range ranges {
			require.Equal(t, next, r.Lo, "ranges must be contiguous")
			require.Greater(t, r.Hi, r.Lo, "no empty range")
			next = r.Hi
		}
		require.Equal(t, p.Len(), next)
	}
	// With two workers the 200-value series should not share a range with
	// the first 100 values.
	r := p.Split(2)
	assert.Equal(t, []Range{{0, 7}, {7, 10}}, r)
}

func TestKeysOrderBySKULocationChannel(t *testing.T) {
	keys := []Key{{"B", "S1", "store"}, {"A", "S2", "online"}, {"A", "S1", "store"}, {"A", "S1", "instant"}}
	slices.SortFunc(keys, CompareKeys)
	assert.Equal(t, []Key{{"A", "S1", "instant"}, {"A", "S1", "store"}, {"A", "S2", "online"}, {"B", "S1", "store"}}, keys)
}
