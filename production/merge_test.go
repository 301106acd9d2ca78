package production

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMergePutsPartsBackInOrder(t *testing.T) {
	product := func(sku string, d ...float64) Product {
		return Product{SKU: sku, Demand: d, Costs: Costs{Setup: 10, Holding: 1}}
	}
	whole := &Problem{
		Periods: []string{"2025-01-06", "2025-01-13"},
		Factories: []Factory{
			{Name: "F1", Capacity: []float64{50, 50}, Products: []Product{product("A", 1, 2), product("B", 3, 4), product("C", 5, 6)}},
			{Name: "F2", Capacity: []float64{9, 9}, Products: []Product{product("D", 7, 8)}},
		},
		Exceptions: []string{"A: one", "D: two"},
	}
	// Two shards: A and C in one, B and D in the other (F2 only there).
	first := &Problem{Periods: whole.Periods, Exceptions: []string{"A: one"},
		Factories: []Factory{{Name: "F1", Capacity: []float64{50, 50}, Products: []Product{product("C", 5, 6), product("A", 1, 2)}}}}
	second := &Problem{Periods: whole.Periods, Exceptions: []string{"D: two", "A: one"},
		Factories: []Factory{
			{Name: "F2", Capacity: []float64{9, 9}, Products: []Product{product("D", 7, 8)}},
			{Name: "F1", Capacity: []float64{50, 50}, Products: []Product{product("B", 3, 4)}},
		}}
	for _, parts := range [][]*Problem{{first, second}, {second, first}} {
		got, err := Merge(parts)
		require.NoError(t, err)
		assert.Equal(t, whole, got)
	}

	other := *second
	other.Factories = []Factory{{Name: "F1", Capacity: []float64{50, 40}, Products: []Product{product("B", 3, 4)}}}
	_, err := Merge([]*Problem{first, &other})
	assert.EqualError(t, err, "factory F1 has a different capacity in two parts")
	_, err = Merge([]*Problem{first, first})
	assert.EqualError(t, err, "A at F1 is in two parts")
	later := *second
	later.Periods = []string{"2025-01-13", "2025-01-20"}
	_, err = Merge([]*Problem{first, &later})
	assert.EqualError(t, err, "the parts plan different periods (2025-01-06,2025-01-13 and 2025-01-13,2025-01-20)")
}
