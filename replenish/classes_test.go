package replenish

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassifyABCXYZ(t *testing.T) {
	// Ten items; the first sells 70 a day, the second 12, the rest 2.25
	// each: 70% + 12% + 8 x 2.25% of the value.
	var items []*Item
	for i, daily := range []float64{70, 12, 2.25, 2.25, 2.25, 2.25, 2.25, 2.25, 2.25, 2.25} {
		m, sd := flat(28, daily, daily*0.3)
		if i == 1 {
			sd = make([]float64, 28)
			for k := range sd {
				sd[k] = daily * 1.5
			}
		}
		items = append(items, &Item{SKU: fmt.Sprintf("S%02d", i), Location: "L", Lane: Lane{UnitCost: 1}, Mean: m, SD: sd})
	}
	Classify(items)
	// Cumulative share before each: 0 (A), 0.70 (A), 0.82 (B), ... 0.9325
	// (B), 0.955 (C) ...
	var got []string
	for _, it := range items {
		got = append(got, it.Class)
	}
	assert.Equal(t, []string{"AX", "AZ", "BX", "BX", "BX", "BX", "BX", "BX", "CX", "CX"}, got)
}

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
