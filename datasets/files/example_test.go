package files_test

import (
	"fmt"

	"github.com/planner-engine/planner/datasets/files"
)

func ExampleParseMapping() {
	m, err := files.ParseMapping("qty=units,location=store_id,products.name=description")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m["qty"], m["products.name"])
	_, err = files.ParseMapping("qty")
	fmt.Println(err)
	// Output:
	// units description
	// --map entry "qty" is not canonical=source (for example qty=units)
}
