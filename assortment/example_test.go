package assortment_test

import (
	"fmt"
	"math"
	"strings"

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

// Three stores and four crisps on shelves of two facings. The village
// store has never sold the sea-salt crisps; the town store, whose sales
// mix is like the village's, sells plenty of them, so the village's
// range adds them (and drops cheese and chilli, half of whose buyers
// turn to the crisps on the shelf).
func ExampleChain() {
	nan := math.NaN()
	c := &assortment.Chain{
		Stores: []string{"CITY", "TOWN", "VILLAGE"},
		Products: []assortment.ChainProduct{
			{SKU: "PLAIN", Category: "Crisps", Group: "Crisps", Price: 1, Margin: 0.4, Width: 1, Transfer: 0.5},
			{SKU: "SEA-SALT", Category: "Crisps", Group: "Crisps", Price: 1.2, Margin: 0.5, Width: 1, Transfer: 0.5},
			{SKU: "CHEESE", Category: "Crisps", Group: "Crisps", Price: 1.1, Margin: 0.4, Width: 1, Transfer: 0.5},
			{SKU: "CHILLI", Category: "Crisps", Group: "Crisps", Price: 1.3, Margin: 0.5, Width: 1, Transfer: 0.5},
		},
		Demand: [][]float64{
			{100, 90, 20, 10},
			{40, 35, 30, 5},
			{38, nan, 30, 6},
		},
		Shelves: []assortment.ChainShelf{
			{Store: 0, Category: "Crisps", Space: 2, MaxChanges: -1},
			{Store: 1, Category: "Crisps", Space: 2, MaxChanges: -1},
			{Store: 2, Category: "Crisps", Space: 2, MaxChanges: -1},
		},
		CarryCost: 2,
		Clusters:  2,
	}
	ranges, err := c.Plan()
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, r := range ranges {
		var carried []string
		for _, l := range r.Lines {
			if l.Carry {
				carried = append(carried, fmt.Sprintf("%s (%s)", l.SKU, l.Change))
			}
		}
		fmt.Println(c.Stores[c.Shelves[i].Store], strings.Join(carried, ", "))
	}
	// Output:
	// CITY PLAIN (keep), SEA-SALT (keep)
	// TOWN PLAIN (keep), SEA-SALT (keep)
	// VILLAGE PLAIN (keep), SEA-SALT (add)
}
