package pricing

import "github.com/planner-engine/planner/series"

// Line is one price to publish: an everyday price, or the first step of a
// markdown with its whole schedule.
type Line struct {
	Recommendation
	Kind      string      // KindEveryday or KindMarkdown
	Effective series.Date // first day the price applies
	UnitCost  float64     // NaN when unknown
	Days      int         // days the expected figures cover
	Reason    string
	Markdown  *MarkdownPlan // the weekly schedule of a markdown line
	Regular   float64       // the regular price a markdown's discounts are off
	Stock     float64       // units to clear (markdowns)
}

// Kinds of price lines.
const (
	KindEveryday = "everyday"
	KindMarkdown = "markdown"
)
