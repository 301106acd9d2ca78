package export

import (
	"strings"

	"github.com/planner-engine/planner/allocation"
	"github.com/planner-engine/planner/exceptions"
)

// ExceptionsSchema names the exceptions file's layout and version.
const ExceptionsSchema = "exceptions/1"

var exceptionsFile = OutputFile{Name: "exceptions", Schema: ExceptionsSchema,
	Doc: "What a person must act on after a run (`exceptions.csv` in the run's folder): one row per root cause, " +
		"the largest value at risk first. A DC short for five stores is one row that lists the five lines it cut. " +
		"Every line it lists is a row of a plan file of the same run.",
	Columns: []OutputColumn{
		{"exception_id", "text", "EX- and 12 hex digits: the same for the same kind, SKU and location every night, so that an exception can be followed."},
		{"kind", "text", "dc_short, stockout_risk (stock on hand and in transit fills less of the demand before a new order arrives than the target), overstock (beyond exceptions.overstock_days of demand), ageing (perishable stock that will not sell within its shelf life), forecast_bias (tracking signal beyond exceptions.tracking_signal), not_planned, order_check, no_demand, capacity_overload, production_late, input_check, price_check, price_move, ring_fence (a location's channel reserves are more than its stock), zone_unserved (a zone's demand through a channel that no node reaches within the channel's promise), peak_short (a store will lack stock when a peak starts: peak/shortfalls.csv) or data_problem."},
		{"sku", "text", "SKU concerned; empty when the cause is not one SKU's."},
		{"location", "text", "Where the cause is: the DC that is short, the store or factory; empty when it is not one place's."},
		{"lines", "number", "How many plan lines the cause affects."},
		{"line_ids", "text", "The affected lines as plan:line_id (orders:TO-..., allocation:AL-..., prices:PR-...), separated by spaces."},
		{"units", "number", "Units short (or in excess, or ordered, by kind). Two plans that see the same units count them once."},
		{"value_at_risk", "number", "What the units are worth: at the product's unit price (sales lost), or its unit cost (stock or orders to check); units when neither is known."},
		{"severity", "text", "high, medium or low, by value at risk against exceptions.high_value and exceptions.medium_value."},
		{"owner", "text", "The product's planner (the products file's planner column); empty when none is named."},
		{"status", "text", "new on the first night the exception is seen, open on the nights after; acknowledged or snoozed after planner snooze (a snoozed exception does not count towards the run's exit code)."},
		{"first_seen", "date", "Plan date of the first run that raised the exception."},
		{"action", "text", "The suggested first step."},
		{"detail", "text", "What happened, in words."},
		schemaColumn,
	}}

func init() { Outputs = append(Outputs, exceptionsFile) }

// WriteExceptions writes the exceptions, in their order, as CSV, Parquet,
// JSON or JSON Lines by the extension of path, atomically.
func WriteExceptions(path string, exs []exceptions.Exception) error {
	rows := make([][]any, len(exs))
	for i, e := range exs {
		rows[i] = []any{e.ID, string(e.Kind), e.SKU, e.Location, float64(len(e.Lines)), strings.Join(e.Lines, " "),
			e.Units, e.ValueAtRisk, string(e.Severity), e.Owner, e.Status, e.FirstSeen.String(), e.Action, e.Detail, ExceptionsSchema}
	}
	return writeTable(path, &exceptionsFile, rows)
}

// AllocationLineID is the line_id of an allocation's line to store i in
// the allocation file.
func AllocationLineID(planDate string, a *allocation.Allocation, i int) string {
	return lineID("AL", planDate, a.SKU, a.DC, a.Stores[i])
}
