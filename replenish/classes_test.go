package replenish

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassifyABCXYZ(t *testing.T) {
	// Ten items selling 100 a day between them, so that each one's daily
	// units are its percent of the value.
	var items []*Item
	var values []float64
	for i, daily := range []float64{70, 12, 4, 3, 3, 2, 2, 1.5, 1.5, 1} {
		m, sd := flat(ClassDays, daily, daily*0.3)
		if i == 1 {
			sd = make([]float64, ClassDays)
			for k := range sd {
				sd[k] = daily * 1.5
			}
		}
		items = append(items, &Item{SKU: fmt.Sprintf("S%02d", i), Location: "L", Lane: Lane{UnitCost: 1}, Mean: m, SD: sd})
		values = append(values, daily*ClassDays)
	}
	// Cumulative share before each: 0 and 0.70 (A); 0.82 to 0.94 (B);
	// 0.96 and on (C). The cuts are the least value of A and of B.
	cuts := CutsOf(values)
	assert.Equal(t, ClassCuts{A: 12 * ClassDays, B: 2 * ClassDays}, cuts)
	Classify(items, cuts)
	var got []string
	for _, it := range items {
		got = append(got, it.Class)
	}
	assert.Equal(t, []string{"AX", "AZ", "BX", "BX", "BX", "BX", "BX", "CX", "CX", "CX"}, got)
	// An item worth more than any series of the history is still an A.
	big := &Item{Lane: Lane{UnitCost: 2}, Mean: m70(), SD: m70()}
	Classify([]*Item{big}, cuts)
	assert.Equal(t, "A", big.Class[:1])
	assert.Equal(t, ClassCuts{}, CutsOf(nil), "no value: every item an A")
}

func m70() []float64 { m, _ := flat(ClassDays, 70, 0); return m }

func TestClassTargets(t *testing.T) {
	c, err := ParseClassTargets("A=0.98, b=0.95,C=0.9,CZ=0.85")
	require.NoError(t, err)
	for class, want := range map[string]float64{"AX": 0.98, "BZ": 0.95, "CY": 0.9, "CZ": 0.85} {
		got, ok := c.Level(class)
		assert.True(t, ok, class)
		assert.Equal(t, want, got, class)
	}
	_, ok := ClassTargets{"A": 0.99}.Level("BX")
	assert.False(t, ok)
	for _, bad := range []string{"A=1", "Q=0.9", "A0.9", "XA=0.9", "A=x"} {
		_, err := ParseClassTargets(bad)
		assert.Error(t, err, bad)
	}
}
