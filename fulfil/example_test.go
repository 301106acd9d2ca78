package fulfil_test

import (
	"fmt"

	"github.com/planner-engine/planner/fulfil"
)

// The online fulfilment point takes four fifths of a zone's online
// orders and the zone's store the rest. On a day the point runs short,
// what it cannot fill falls to the store.
func Example() {
	cands := []fulfil.Candidate{{Location: "WEB", MaxShare: 0.8}, {Location: "S001", MaxShare: 1}}
	shares, _ := fulfil.Split(cands)
	fmt.Printf("planned shares: %.2f\n", shares)
	d := fulfil.Serve(20, cands, []float64{12, 30})
	fmt.Printf("served: %.0f, fell through: %.0f, lost: %.0f\n", d.Served, d.FellThrough, d.Lost)
	// Output:
	// planned shares: [0.80 0.20]
	// served: [12 8], fell through: [0 4], lost: 0
}
