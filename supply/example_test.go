package supply_test

import (
	"fmt"

	"github.com/planner-engine/planner/supply"
)

// The inventory position counts what is on hand and on its way, less
// what is owed or promised.
func ExampleStockPosition_Inventory() {
	p := supply.StockPosition{SKU: "A", Location: "S1", OnHand: 12, OnOrder: 24, InTransit: 6, Backorders: 2, Reserved: 3}
	fmt.Println(p.Inventory())
	// Output:
	// 37
}
