package export

import (
	"io"
	"strings"

	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/internal/fsutil"
)

// ModelColumns are the columns of a model-choice file: one row per series
// saying which model forecast it, its demand class, how the model was
// chosen (auto's candidates with their out-of-sample RMSE) and, when the
// model fell back to a simpler one, why.
var ModelColumns = []string{"sku", "location", "channel", "model", "class", "why", "note"}

// WriteModels writes one row per series of r in ModelColumns, as CSV,
// atomically: what a planner reads to learn why a series got its forecast.
func WriteModels(path string, r *forecast.Result) error {
	return fsutil.WriteFile(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, strings.Join(ModelColumns, ",")+"\n"); err != nil {
			return err
		}
		buf := make([]byte, 0, 1<<16)
		for i, key := range r.Keys {
			for k, f := range []string{key.SKU, key.Location, key.Channel, r.Model[i], at(r.Class, i), at(r.Why, i), r.Note[i]} {
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
