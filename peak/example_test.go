package peak_test

import (
	"fmt"

	"github.com/planner-engine/planner/peak"
	"github.com/planner-engine/planner/series"
)

// A store that sells 10 a day needs 101 more units than it holds for a
// peak week (the 95% quantile of its demand, 181, less its stock of 80);
// its DC handles 19 a day, 63 a week beside the usual flow, so the peak's
// stock moves over the last two weeks before the peak. Nightly
// replenishment alone moves it in the last week, and 38 are short.
func Example() {
	start, first := series.MustParseDate("2025-10-21"), series.MustParseDate("2025-11-11")
	daily := make([]float64, int(first-start))
	for t := range daily {
		daily[t] = 10
	}
	p := &peak.Problem{Start: start, First: first, Last: first,
		DCs:    []peak.DC{{Name: "DC", Throughput: 19}},
		Stores: []peak.Store{{Name: "S1", DC: "DC", LeadDays: 1}},
		Items:  []peak.Item{{SKU: "TEE", Source: "SUP", LeadDays: 2, UnitCost: 4, Price: 10}},
		Lines:  []peak.Line{{SKU: "TEE", Store: "S1", Daily: daily, EventMean: 160, EventVar: 160, Stock: 80}},
	}
	for _, opts := range []peak.Options{{}, {NoPreBuild: true}} {
		res, err := peak.Plan(p, opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, tr := range res.Transfers {
			fmt.Printf("ship %v in week %s\n", tr.Qty, res.Buckets[tr.Ship].First)
		}
		for _, s := range res.Shortfalls {
			fmt.Printf("short %v: %s\n", s.Qty, s.Cause)
		}
	}
	// Output:
	// ship 38 in week 2025-10-28
	// ship 63 in week 2025-11-04
	// ship 63 in week 2025-11-04
	// short 38: DC shipping capacity
}
