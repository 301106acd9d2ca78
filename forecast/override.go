package forecast

import (
	"fmt"
	"math"
	"strconv"

	"github.com/planner-engine/planner/series"
)

// ApplyOverrides replaces the statistical forecast with the planners'
// overrides where they apply: a set quantity becomes the day's mean, a
// change scales it. The quantiles move with the mean: scaled by the same
// ratio, or shifted by the difference when the statistical mean was 0.
// Where several overrides cover a day the last one wins. It keeps the
// statistical means (Statistical) and says what was applied on each day
// (Override), both Len() x Horizon long, and returns the days overridden.
func ApplyOverrides(r *Result, overrides []series.Override) int {
	if len(overrides) == 0 {
		return 0
	}
	nq := len(r.Quantiles)
	n := 0
	for i, key := range r.Keys {
		for t := 0; t < r.Horizon; t++ {
			d := r.Freq.Add(r.Starts[i], t)
			var o *series.Override
			for k := range overrides {
				if overrides[k].Covers(key, d) {
					o = &overrides[k]
				}
			}
			if o == nil {
				continue
			}
			if r.Override == nil {
				r.Override = make([]string, r.Len()*r.Horizon)
				r.Statistical = append([]float64(nil), r.Mean...)
			}
			j := i*r.Horizon + t
			old := r.Mean[j]
			now := old * (1 + o.Change)
			if o.Set {
				now = o.Qty
			}
			now = math.Max(0, now)
			r.Mean[j] = now
			for k := 0; k < nq; k++ {
				q := &r.Q[j*nq+k]
				if old > 0 {
					*q *= now / old
				} else {
					*q = math.Max(0, *q+now-old)
				}
			}
			r.Override[j] = describe(o)
			n++
		}
	}
	return n
}

// describe says what an override did, for the forecasts file ("set 12",
// "change +20%"), then the note and who, as given.
func describe(o *series.Override) string {
	s := "set " + strconv.FormatFloat(o.Qty, 'f', -1, 64)
	if !o.Set {
		s = fmt.Sprintf("change %+g%%", math.Round(o.Change*1e4)/100)
	}
	if o.Note != "" {
		s += ": " + o.Note
	}
	if o.Who != "" {
		s += " (" + o.Who + ")"
	}
	return s
}
