package exceptions_test

import (
	"fmt"

	"github.com/planner-engine/planner/exceptions"
	"github.com/planner-engine/planner/series"
)

// Three store orders cut by one short DC become one exception.
func ExampleGroup() {
	var findings []exceptions.Finding
	for _, store := range []string{"S1", "S2", "S3"} {
		findings = append(findings, exceptions.Finding{Kind: exceptions.DCShort, SKU: "A", Location: "DC1",
			Plan: "orders", Line: "TO-" + store, Units: 4, Value: 4 * 2.49})
	}
	exs := exceptions.Group(findings, exceptions.Rules{HighValue: 100, MediumValue: 20}, series.MustParseDate("2025-01-06"))
	e := exs[0]
	fmt.Println(len(exs), e.Kind, e.SKU, e.Location, e.Units, e.ValueAtRisk, e.Severity, e.Lines)
	// Output: 1 dc_short A DC1 12 29.88 medium [orders:TO-S1 orders:TO-S2 orders:TO-S3]
}
