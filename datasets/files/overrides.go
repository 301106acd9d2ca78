package files

import (
	"math"
	"strconv"
	"strings"

	"github.com/planner-engine/planner/series"
)

// ReadOverrides reads forecast overrides: a CSV whose header names sku,
// from and to (first and last day, inclusive), and either qty (units a
// day) or change_pct (+20 for a fifth more, -15), with optional location
// (empty or * for every location), note and who. A row with both or
// neither of qty and change_pct, a negative quantity, a change of -100%
// or less, or a to before from is an error naming the file, line and
// column.
func ReadOverrides(path string) ([]series.Override, error) {
	t, err := ReadCSVTable(path, "sku", "from", "to")
	if err != nil {
		return nil, err
	}
	out := make([]series.Override, 0, t.Len())
	for i := 0; i < t.Len(); i++ {
		o := series.Override{Location: t.String(i, "location"), Note: t.String(i, "note"), Who: t.String(i, "who")}
		if o.SKU, err = t.Key(i, "sku"); err != nil {
			return nil, err
		}
		if o.Location == "" {
			o.Location = "*"
		}
		for _, c := range []struct {
			col string
			d   *series.Date
		}{{"from", &o.From}, {"to", &o.To}} {
			s := t.String(i, c.col)
			if *c.d, err = series.ParseDate(s); err != nil {
				return nil, t.Errorf(i, c.col, "%q is not a date (YYYY-MM-DD)", s)
			}
		}
		if o.To < o.From {
			return nil, t.Errorf(i, "to", "%s is before from (%s)", o.To, o.From)
		}
		qty, pct := t.String(i, "qty"), strings.TrimSuffix(t.String(i, "change_pct"), "%")
		switch {
		case (qty == "") == (pct == ""):
			return nil, t.Errorf(i, "qty", "give either qty (units a day) or change_pct (+20, -15), not both or neither")
		case qty != "":
			v, err := strconv.ParseFloat(qty, 64)
			if err != nil || !(v >= 0) || math.IsInf(v, 0) {
				return nil, t.Errorf(i, "qty", "%q is not a quantity of 0 or more", qty)
			}
			o.Set, o.Qty = true, v
		default:
			v, err := strconv.ParseFloat(pct, 64)
			if err != nil || !(v > -100) || math.IsInf(v, 0) {
				return nil, t.Errorf(i, "change_pct", "%q is not a change above -100 (percent: +20, -15)", pct)
			}
			o.Change = v / 100
		}
		out = append(out, o)
	}
	return out, nil
}
