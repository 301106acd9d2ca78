package export

import (
	"strconv"

	"github.com/planner-engine/planner/forecast/uplift"
)

// UpliftColumns are the columns of uplift.csv: what the forecast learned
// of each peak, one row per event type, category and segment of its
// window.
var UpliftColumns = []string{"event_type", "category", "segment", "occurrences", "multiplier", "own_multiplier", "se_log", "low_80", "high_80", "return_rate"}

// WriteUplift writes the model's effects in UpliftColumns, as CSV: the
// multiplier after the category was drawn toward its event type's others,
// the category's own estimate, the standard error of the multiplier's
// logarithm, the central 80% interval of a new occurrence's multiplier,
// and the share of the event's units returned (empty when the history
// records no returns).
func WriteUplift(path string, m *uplift.Model) error {
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	return writeTextCSV(path, UpliftColumns, func(emit func(...string)) {
		for _, e := range m.Effects {
			for _, seg := range uplift.Segments {
				l := e.Lifts[seg]
				lo, hi := l.Interval(0.8)
				rate := ""
				if e.Returns && seg == uplift.During {
					rate = num(e.ReturnRate)
				}
				emit(e.Type, e.Category, seg.String(), strconv.Itoa(e.Occurrences), num(l.Mult), num(e.Own[seg]), num(l.SE), num(lo), num(hi), rate)
			}
		}
	})
}
