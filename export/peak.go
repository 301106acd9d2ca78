package export

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/planner-engine/planner/dist"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/peak"
	"github.com/planner-engine/planner/series"
)

// PeakPlan is what the peak folder holds: the peak, its plan and the plan
// nightly replenishment alone would make, the stores' forecast of the
// peak's week, and after it the markdowns and returns.
type PeakPlan struct {
	EventType string
	Event     series.Occurrence
	Problem   *peak.Problem
	Plan      *peak.Result
	Baseline  *peak.Result
	// Quantiles are the levels of the peak week's forecast columns.
	Quantiles []float64
	After     []PeakAfter
}

// PeakAfter is a store's product after the peak: the units expected left,
// the markdown for them (0 when none pays), the units expected left when
// the markdown ends, and the units expected back.
type PeakAfter struct {
	SKU, Store                  string
	Leftover, Regular, Markdown float64
	LeftAtExit, Returns         float64
}

// PeakFiles are the files WritePeak writes in the peak folder, and their
// columns.
var PeakFiles = map[string][]string{
	"forecast.csv":   {"sku", "store", "event_type", "event_date", "mean", "quantiles", "target", "stock", "arriving", "ready", "leftover"},
	"capacity.csv":   {"plan", "weeks_before", "week_start", "week_end", "kind", "place", "usual", "peak", "load", "capacity", "utilisation"},
	"prebuild.csv":   {"kind", "sku", "from", "to", "weeks_before", "week_start", "arrive_weeks_before", "quantity"},
	"shortfalls.csv": {"sku", "store", "quantity", "cause", "value"},
	"after.csv":      {"sku", "store", "leftover", "regular_price", "markdown_price", "left_at_exit", "expected_returns"},
}

// WritePeak writes the peak folder dir: forecast.csv (each store's demand
// over the peak's week, its target, stock and what arrives for it),
// capacity.csv (every place's load beside its capacity, week by week
// counted back from the peak's, 0, for the plan and for nightly
// replenishment alone), prebuild.csv (the lots
// made ahead, the DCs' receipts and the transfers to stores, by week),
// shortfalls.csv (what cannot be ready, why, and the margin it costs) and
// after.csv (markdowns for the leftovers, returns). Each file is written
// whole or not at all.
func WritePeak(dir string, pp *PeakPlan) error {
	if err := os.MkdirAll(dir, fsutil.DirMode()); err != nil {
		return err
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	fixed := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	write := func(name string, rows func(emit func(...string))) error {
		return writeTextCSV(filepath.Join(dir, name), PeakFiles[name], rows)
	}
	plan := pp.Plan
	err := write("forecast.csv", func(emit func(...string)) {
		q := make([]float64, len(pp.Quantiles))
		for i, r := range plan.Ready {
			line := pp.Problem.Lines[i]
			qs := ""
			if r.Mean > 0 {
				dist.CountMidQuantiles(r.Mean, line.EventVar, pp.Quantiles, q)
				parts := make([]string, len(q))
				for k := range q {
					parts[k] = "p" + strconv.Itoa(int(pp.Quantiles[k]*100+0.5)) + "=" + fixed(q[k])
				}
				qs = strings.Join(parts, " ")
			}
			emit(r.SKU, r.Store, pp.EventType, pp.Event.First.String(), fixed(r.Mean), qs, num(r.Target), num(r.Stock), num(r.Arriving),
				num(r.Stock+r.Arriving), fixed(r.Leftover))
		}
	})
	if err != nil {
		return err
	}
	err = write("capacity.csv", func(emit func(...string)) {
		for _, p := range []struct {
			name string
			r    *peak.Result
		}{{"pre-build", plan}, {"nightly only", pp.Baseline}} {
			for _, l := range p.r.Loads {
				bk := p.r.Buckets[l.Bucket]
				capacity, util := "", ""
				if !l.Unlimited {
					capacity = num(l.Capacity)
					if l.Capacity > 0 {
						util = fixed((l.Usual + l.Peak) / l.Capacity)
					}
				}
				emit(p.name, weekLabel(p.r, l.Bucket), bk.First.String(), bk.Last.String(), l.Kind, l.Place, fixed(l.Usual), num(l.Peak),
					fixed(l.Usual+l.Peak), capacity, util)
			}
		}
	})
	if err != nil {
		return err
	}
	err = write("prebuild.csv", func(emit func(...string)) {
		for _, l := range plan.Lots {
			emit("production", l.SKU, l.Factory, l.Factory, weekLabel(plan, l.Bucket), plan.Buckets[l.Bucket].First.String(), weekLabel(plan, l.Bucket), num(l.Qty))
		}
		for _, r := range plan.Receipts {
			emit("receipt", r.SKU, r.Source, r.DC, weekLabel(plan, r.Bucket), plan.Buckets[r.Bucket].First.String(), weekLabel(plan, r.Bucket), num(r.Qty))
		}
		for _, t := range plan.Transfers {
			emit("transfer", t.SKU, t.DC, t.Store, weekLabel(plan, t.Ship), plan.Buckets[t.Ship].First.String(), weekLabel(plan, t.Arrive), num(t.Qty))
		}
	})
	if err != nil {
		return err
	}
	err = write("shortfalls.csv", func(emit func(...string)) {
		for _, s := range plan.Shortfalls {
			emit(s.SKU, s.Store, num(s.Qty), s.Cause, fixed(s.Value))
		}
	})
	if err != nil {
		return err
	}
	return write("after.csv", func(emit func(...string)) {
		for _, a := range pp.After {
			regular, md := "", ""
			if a.Markdown > 0 {
				regular, md = fixed(a.Regular), fixed(a.Markdown)
			}
			emit(a.SKU, a.Store, num(a.Leftover), regular, md, num(a.LeftAtExit), num(a.Returns))
		}
	})
}

// weekLabel names a week of a peak plan by the weeks from it to the
// peak's: 0 for the peak's own, 1 for the week before.
func weekLabel(r *peak.Result, b int) string {
	return strconv.Itoa(len(r.Buckets) - 1 - b)
}

// peakSheet writes the Peak sheet: the peak, each factory's and DC's load
// as a share of its capacity week by week (with the plan, then with
// nightly replenishment alone), then each store's readiness for it and
// what comes after.
func peakSheet(f *excelize.File, pp *PeakPlan, st *workbookStyles) error {
	sw, err := f.NewStreamWriter(PeakSheet)
	if err != nil {
		return err
	}
	for i, w := range []float64{14, 14, 16, 12, 12, 12, 12, 12, 12, 12, 12, 12, 14} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	row := 1
	put := func(vals ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, vals)
	}
	header := func(names ...string) []any {
		out := make([]any, len(names))
		for i, n := range names {
			out[i] = excelize.Cell{StyleID: st.header, Value: n}
		}
		return out
	}
	plan := pp.Plan
	if err := put(excelize.Cell{StyleID: st.title, Value: fmt.Sprintf("Peak: %s on %s", pp.EventType, pp.Event.First)}); err != nil {
		return err
	}
	if err := put("Load as a share of capacity, by week to the peak's (0): production, DC receipts (dc_in) and shipments (dc_out). peak/capacity.csv has the units."); err != nil {
		return err
	}
	weeks := []string{"place", "kind", "plan"}
	for b := range plan.Buckets {
		weeks = append(weeks, weekLabel(plan, b)+" ("+plan.Buckets[b].First.String()[5:]+")")
	}
	if err := put(header(weeks...)...); err != nil {
		return err
	}
	for _, p := range []struct {
		name string
		r    *peak.Result
	}{{"pre-build", plan}, {"nightly only", pp.Baseline}} {
		type key struct{ place, kind string }
		cells := map[key][]any{}
		var keys []key
		for _, l := range p.r.Loads {
			if l.Kind == "store" || l.Unlimited {
				continue
			}
			k := key{l.Place, l.Kind}
			if cells[k] == nil {
				cells[k] = make([]any, len(plan.Buckets))
				keys = append(keys, k)
			}
			if l.Capacity > 0 {
				cells[k][l.Bucket] = excelize.Cell{StyleID: st.decimals, Value: math.Round(100*(l.Usual+l.Peak)/l.Capacity) / 100}
			}
		}
		for _, k := range keys {
			if err := put(append([]any{k.place, k.kind, p.name}, cells[k]...)...); err != nil {
				return err
			}
		}
	}
	row++
	if err := put(header("sku", "store", "peak_week_mean", "target", "stock", "arriving", "ready", "short", "why_short", "leftover", "markdown_price", "expected_returns")...); err != nil {
		return err
	}
	short := map[[2]string]peak.Shortfall{}
	for _, s := range plan.Shortfalls {
		k := [2]string{s.SKU, s.Store}
		x := short[k]
		x.Qty += s.Qty
		if x.Cause == "" {
			x.Cause = s.Cause
		} else if x.Cause != s.Cause {
			x.Cause += "; " + s.Cause
		}
		short[k] = x
	}
	after := map[[2]string]PeakAfter{}
	for _, a := range pp.After {
		after[[2]string{a.SKU, a.Store}] = a
	}
	for _, r := range plan.Ready {
		k := [2]string{r.SKU, r.Store}
		s, a := short[k], after[k]
		var md any
		if a.Markdown > 0 {
			md = excelize.Cell{StyleID: st.decimals, Value: a.Markdown}
		}
		vals := []any{r.SKU, r.Store, excelize.Cell{StyleID: st.decimals, Value: math.Round(r.Mean*100) / 100},
			excelize.Cell{StyleID: st.units, Value: r.Target}, excelize.Cell{StyleID: st.units, Value: r.Stock},
			excelize.Cell{StyleID: st.units, Value: r.Arriving}, excelize.Cell{StyleID: st.units, Value: r.Stock + r.Arriving},
			excelize.Cell{StyleID: st.units, Value: s.Qty}, s.Cause, excelize.Cell{StyleID: st.decimals, Value: math.Round(r.Leftover*100) / 100},
			md, excelize.Cell{StyleID: st.decimals, Value: a.Returns}}
		if s.Qty > 0 {
			vals[0] = excelize.Cell{StyleID: st.exception, Value: r.SKU}
		}
		if err := put(vals...); err != nil {
			return err
		}
		if row > maxSheetLines {
			return fmt.Errorf("sheet %s would hold more lines than a sheet can; peak/forecast.csv has them all", PeakSheet)
		}
	}
	return sw.Flush()
}

// writeTextCSV writes a small CSV file of text cells atomically: the
// header, then the rows emit is called with.
func writeTextCSV(path string, header []string, rows func(emit func(...string))) error {
	return fsutil.WriteFile(path, func(w io.Writer) error {
		var b strings.Builder
		b.WriteString(strings.Join(header, ",") + "\n")
		rows(func(fields ...string) {
			for i, f := range fields {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(csvField(f))
			}
			b.WriteByte('\n')
		})
		_, err := io.WriteString(w, b.String())
		return err
	})
}
