package hierarchy_test

import (
	"fmt"

	"github.com/planner-engine/planner/forecast/hierarchy"
	"github.com/planner-engine/planner/series"
)

// Bottom-up reconciliation: the total is the sum of its parts.
func ExampleReconcile() {
	keys := []series.Key{{SKU: "A", Location: "S1"}, {SKU: "B", Location: "S1"}}
	levels := []hierarchy.Level{{Name: "total", Of: func(series.Key) string { return "all" }}}
	s, err := hierarchy.NewStructure(keys, levels, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	base := &hierarchy.Base{H: 1, Bottom: []float64{3, 4}, Agg: []float64{10}}
	bottom, agg, _, err := hierarchy.Reconcile(s, hierarchy.BottomUp, base)
	fmt.Println(bottom, agg, err)
	// Output:
	// [3 4] [7] <nil>
}
