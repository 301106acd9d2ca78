package series

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A subset holds the chosen series whole: values, marks, closed days and
// drivers, in the order asked.
func TestSubsetKeepsEachSeriesWhole(t *testing.T) {
	d := MustParseDate("2025-01-06")
	p := &Panel{Freq: Daily}
	p.Append(Key{SKU: "A"}, d, []float64{1, 2})
	p.Append(Key{SKU: "B"}, d+1, []float64{3, 4, 5})
	p.Append(Key{SKU: "C"}, d, []float64{6})
	p.Unobserved = []bool{false, true, false, false, true, false}
	p.Closed = [][]Date{{d + 3}, nil, {d + 4}}
	p.Exog = &Exog{Names: []string{"promo"}, Horizon: 2, Hist: []float32{0, 1, 2, 3, 4, 5}, Future: []float64{10, 11, 20, 21, 30, 31}}
	s := p.Subset([]int{2, 1})
	require.NoError(t, s.Check())
	assert.Equal(t, []Key{{SKU: "C"}, {SKU: "B"}}, s.Keys)
	assert.Equal(t, []float64{6}, s.Series(0))
	assert.Equal(t, []float64{3, 4, 5}, s.Series(1))
	assert.Equal(t, []Date{d, d + 1}, s.Starts)
	assert.Equal(t, []bool{false, false, false, true}, s.Unobserved)
	assert.Equal(t, [][]Date{{d + 4}, nil}, s.Closed)
	assert.Equal(t, []float32{5, 2, 3, 4}, s.Exog.Hist)
	assert.Equal(t, []float64{30, 31, 20, 21}, s.Exog.Future)
	s.Values[0] = 99
	assert.Equal(t, 6.0, p.Series(2)[0], "the subset shares no values")
	assert.Equal(t, 0, p.Subset(nil).Len())
}

func TestSampleIndexSpreadsEvenly(t *testing.T) {
	assert.Equal(t, []int{0, 1, 2}, SampleIndex(3, 10))
	assert.Equal(t, []int{0, 3, 6, 9}, SampleIndex(10, 4))
	assert.Equal(t, []int{0, 2, 4, 6, 8}, SampleIndex(10, 5))
	assert.Empty(t, SampleIndex(0, 5))
}

func TestConcatIsTheWholeAgain(t *testing.T) {
	p := &Panel{Freq: Daily}
	for i, k := range []string{"A", "B", "C", "D"} {
		p.Append(Key{SKU: k, Location: "S1"}, Date(100+i), []float64{float64(i), 1, 2})
	}
	p.Unobserved = make([]bool, len(p.Values))
	p.Unobserved[4] = true
	first, second := p.Subset([]int{0, 1}), p.Subset([]int{2, 3})
	assert.Equal(t, p.Subset([]int{0, 1, 2, 3}), Concat(first, second))
}

// Channels added one by one stay sorted and add up; adding lists leaves
// the first as it was.
func TestChannelUnitsAddUpSorted(t *testing.T) {
	var l []ChannelUnits
	for _, c := range []ChannelUnits{{"store", 2}, {"instant", 1}, {"store", 3}, {"online", 4}, {"app", 0.5}} {
		l = AddChannel(l, c.Channel, c.Units)
	}
	assert.Equal(t, []ChannelUnits{{"app", 0.5}, {"instant", 1}, {"online", 4}, {"store", 5}}, l)
	a := []ChannelUnits{{"instant", 1}, {"store", 2}}
	sum := AddChannelUnits(a, []ChannelUnits{{"store", 1}, {"app", 1}})
	assert.Equal(t, []ChannelUnits{{"app", 1}, {"instant", 1}, {"store", 3}}, sum)
	assert.Equal(t, []ChannelUnits{{"instant", 1}, {"store", 2}}, a)
}
