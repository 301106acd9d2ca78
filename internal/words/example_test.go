package words_test

import (
	"fmt"

	"github.com/planner-engine/planner/internal/words"
)

func Example() {
	fmt.Println(words.Plural(3, "row"), "of", words.Commas(913000), "refused: limit", words.Number(3650))
	// Output: 3 rows of 913,000 refused: limit 3,650
}
