package dist_test

import (
	"fmt"

	"github.com/planner-engine/planner/dist"
)

// A slow mover selling 4 units a fortnight on average, more variable than
// Poisson: how much stock meets the fortnight with 95% probability, and
// what a shelf of 6 is expected to leave unsold and unmet.
func ExampleDemand() {
	d, err := dist.NewDemand(4, 12)
	if err != nil {
		panic(err)
	}
	fmt.Println("95% quantile:", d.Quantile(0.95))
	fmt.Printf("expected shortage with 6 units: %.2f\n", d.Shortage(6))
	// Output:
	// 95% quantile: 11
	// expected shortage with 6 units: 0.70
}
