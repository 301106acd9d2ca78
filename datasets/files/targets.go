package files

import (
	"math"
	"strconv"
	"strings"

	"github.com/planner-engine/planner/internal/csvcell"
)

// Target is one SKU's service target, at one location or ("") at all.
type Target struct {
	SKU, Location string
	Level         float64
}

// ReadTargets reads per-SKU service targets: a CSV whose header names sku
// and target, and optionally location. A level must lie strictly between
// 0 and 1; a SKU (at a location) listed twice is an error.
func ReadTargets(path string) ([]Target, error) {
	t, err := ReadCSVTable(path, "sku", "target")
	if err != nil {
		return nil, err
	}
	out := make([]Target, 0, t.Len())
	seen := map[[2]string]int{}
	for i := 0; i < t.Len(); i++ {
		var r Target
		if r.SKU, err = t.Key(i, "sku"); err != nil {
			return nil, err
		}
		r.Location = t.String(i, "location")
		s := t.String(i, "target")
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v > 0 && v < 1) {
			return nil, t.Errorf(i, "target", "%q is not a level between 0 and 1 (such as 0.95)", s)
		}
		r.Level = v
		k := [2]string{r.SKU, r.Location}
		if prev, ok := seen[k]; ok {
			where := "every location"
			if r.Location != "" {
				where = r.Location
			}
			return nil, t.Errorf(i, "sku", "%s at %s is listed twice (line %d too)", r.SKU, where, prev)
		}
		seen[k] = t.Line(i)
		out = append(out, r)
	}
	return out, nil
}

// ReadApproved reads the line ids an approvals.csv (planner
// import-approvals) says yes to, each with the value a merchandiser set
// for its editable column ("" for the planned one).
func ReadApproved(path string) (map[string]string, error) {
	t, err := ReadCSVTable(path, "line_id", "decision")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i := 0; i < t.Len(); i++ {
		switch d := t.String(i, "decision"); d {
		case "yes":
			// An approvals file from before edits has no edited_value
			// column: its lines go as planned ("").
			q := strings.TrimSpace(t.Raw(i, "edited_value"))
			if q != "" {
				if v, err := strconv.ParseFloat(q, 64); err != nil || v < 0 || math.IsInf(v, 0) {
					return nil, t.Errorf(i, "edited_value", "%q is not a value of 0 or more", q)
				}
			}
			out[csvcell.Unescape(t.Raw(i, "line_id"))] = q
		case "no", "pending":
		default:
			return nil, t.Errorf(i, "decision", "%q is not yes, no or pending", d)
		}
	}
	return out, nil
}
