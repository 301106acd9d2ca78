package assortment_test

import (
	"fmt"

	"github.com/planner-engine/planner/assortment"
)

// A shelf of four facings and five colas. The two big sellers stay; of
// the three small ones, the one with the best margin takes the last two
// facings, and most of the other two's customers turn to the colas left.
func Example() {
	p := &assortment.Problem{
		Products: []assortment.Product{
			{SKU: "COLA-1L", Demand: 60, Margin: 0.5, Cost: 4, Width: 1},
			{SKU: "COLA-ZERO", Demand: 40, Margin: 0.5, Cost: 4, Width: 1},
			{SKU: "COLA-CHERRY", Demand: 8, Margin: 0.6, Cost: 4, Width: 1, MinFacings: 2, Transfer: 0.7},
			{SKU: "COLA-LIME", Demand: 6, Margin: 0.6, Cost: 4, Width: 1, Transfer: 0.7},
			{SKU: "COLA-CRAFT", Demand: 9, Margin: 1.2, Cost: 4, Width: 1, MinFacings: 2, Transfer: 0.3},
		},
		Space:      4,
		MaxChanges: -1,
	}
	// Every cola substitutes for every other, in proportion to its sales.
	p.Substitutes = make([][]assortment.Substitute, len(p.Products))
	for i := range p.Products {
		for j, q := range p.Products {
			if j != i {
				p.Substitutes[i] = append(p.Substitutes[i], assortment.Substitute{Index: j, Weight: q.Demand})
			}
		}
	}
	plan, err := assortment.Choose(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, q := range p.Products {
		if plan.Carry[i] {
			fmt.Printf("%s: %.1f units\n", q.SKU, plan.Units[i])
		}
	}
	fmt.Printf("value %.2f\n", plan.Value)
	// Output:
	// COLA-1L: 65.4 units
	// COLA-ZERO: 43.6 units
	// COLA-CRAFT: 9.8 units
	// value 54.27
}
