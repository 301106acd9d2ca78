package export

import (
	"io"
	"strings"

	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/internal/fsutil"
)

// ModelColumns are the columns of a model-choice file: one row per series
// saying which model forecast it, its demand class, how the model was
// chosen (auto's candidates with their out-of-sample RMSE), when the
// model fell back to a simpler one, why, the demand drivers whose effects
// moved the forecast, the drivers left out because no plan gave their
// future, and those nothing planned that were carried on by their own
// schedule (the last two the same for every row of a run).
var ModelColumns = []string{"sku", "location", "channel", "model", "class", "why", "note", "drivers", "drivers_left_out", "drivers_scheduled"}

// WriteModels writes one row per series of r in ModelColumns, as CSV,
// atomically: what a planner reads to learn why a series got its forecast.
func WriteModels(path string, r *forecast.Result) error {
	return fsutil.WriteFile(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, strings.Join(ModelColumns, ",")+"\n"); err != nil {
			return err
		}
		buf := make([]byte, 0, 1<<16)
		leftOut, scheduled := strings.Join(r.DriverUse.LeftOut, " "), strings.Join(r.DriverUse.Scheduled, "; ")
		for i, key := range r.Keys {
			for k, f := range []string{key.SKU, key.Location, key.Channel, r.Model[i], at(r.Class, i), at(r.Why, i), r.Note[i],
				at(r.Drivers, i), leftOut, scheduled} {
				if k > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, csvField(f)...)
			}
			buf = append(buf, '\n')
			var err error
			if buf, err = flushFull(w, buf); err != nil {
				return err
			}
		}
		_, err := w.Write(buf)
		return err
	})
}

// at returns xs[i], or "" when a result was built without that column.
func at(xs []string, i int) string {
	if i < len(xs) {
		return xs[i]
	}
	return ""
}
