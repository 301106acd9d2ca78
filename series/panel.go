package series

import (
	"cmp"
	"fmt"
	"slices"
)

// Key names one series: a SKU at a location through a sales channel.
type Key struct {
	SKU      string
	Location string
	Channel  string
}

// String formats the key as sku@location/channel.
func (k Key) String() string { return k.SKU + "@" + k.Location + "/" + k.Channel }

// CompareKeys orders keys as panels and forecasts hold their series: by
// SKU, then location, then channel.
func CompareKeys(a, b Key) int {
	return cmp.Or(cmp.Compare(a.SKU, b.SKU), cmp.Compare(a.Location, b.Location), cmp.Compare(a.Channel, b.Channel))
}

// Panel holds many series of one frequency in one flat slice. Series i has
// the values Values[Offsets[i]:Offsets[i+1]], one per period, the first of
// which is the period starting at Starts[i]. Periods without sales are
// stored as zeros, so consecutive values are consecutive periods.
//
// The zero Panel is empty and ready for Append.
type Panel struct {
	Freq    Freq
	Keys    []Key
	Starts  []Date
	Offsets []int // len(Keys)+1 once the panel holds a series
	Values  []float64
	// Exog, when not nil, holds the series' demand drivers.
	Exog *Exog
	// Unobserved, when not nil, marks (as Values) the periods whose demand
	// went unseen: the location was closed or the SKU out of stock. Their
	// value is what was sold (usually zero), which says nothing of demand:
	// models fit around them and backtests do not score them.
	Unobserved []bool
	// Closed, when not nil, lists per series the future days on which it
	// cannot sell (its location is closed): its forecast is zero then.
	Closed [][]Date
}

// Len returns the number of series.
func (p *Panel) Len() int { return len(p.Keys) }

// Series returns the values of series i. The slice aliases the panel.
func (p *Panel) Series(i int) []float64 { return p.Values[p.Offsets[i]:p.Offsets[i+1]] }

// UnobservedOf returns the unobserved marks of series i (aliasing the
// panel), or nil when every period of the panel was observed.
func (p *Panel) UnobservedOf(i int) []bool {
	if p.Unobserved == nil {
		return nil
	}
	return p.Unobserved[p.Offsets[i]:p.Offsets[i+1]]
}

// ClosedSteps returns the steps of h days from start on which series i
// cannot sell, in order: its location is closed (Closed), or it is a busy
// series that sold nothing on that weekday for weeks (a store closed on
// Sundays; ClosedZeros). None for panels that are not daily, whose periods
// are more than a closed day.
func (p *Panel) ClosedSteps(i int, start Date, h int) []int {
	return p.closedSteps(i, p.Series(i), start, h)
}

// ClosedAfter returns the steps of the h days after the first n of
// series i on which it cannot sell, for replaying its history as if on
// day n: as ClosedSteps, with the weekday habit read from those n days
// only, and with the later days of the series that sold nothing and are
// marked unobserved (a store closed for a holiday) known ahead, as a
// store calendar would give them.
func (p *Panel) ClosedAfter(i, n, h int) []int {
	y, unobserved := p.Series(i), p.UnobservedOf(i)
	steps := p.closedSteps(i, y[:n], p.Starts[i]+Date(n), h)
	if unobserved == nil {
		return steps
	}
	for t := 0; t < h && n+t < len(y); t++ {
		if unobserved[n+t] && y[n+t] == 0 {
			steps = append(steps, t)
		}
	}
	slices.Sort(steps)
	return slices.Compact(steps)
}

func (p *Panel) closedSteps(i int, y []float64, start Date, h int) []int {
	if p.Freq != Daily {
		return nil
	}
	var steps []int
	if p.Closed != nil {
		for _, d := range p.Closed[i] {
			if t := int(d - start); t >= 0 && t < h {
				steps = append(steps, t)
			}
		}
	}
	if weekdays, any := closedWeekdays(y); any {
		end := p.Starts[i] + Date(len(y)) // the day after the series' last
		for t := 0; t < h; t++ {
			if pos := int(start-p.Starts[i]) + t; pos >= 0 && start+Date(t) >= end && weekdays[pos%7] {
				steps = append(steps, t)
			}
		}
	}
	slices.Sort(steps)
	return slices.Compact(steps)
}

// End returns the start of the last period of series i, or the period before
// its start when the series is empty.
func (p *Panel) End(i int) Date {
	return p.Freq.Add(p.Starts[i], p.Offsets[i+1]-p.Offsets[i]-1)
}

// Append adds a series and copies its values. The first Append of a zero
// Panel sets up the offsets.
func (p *Panel) Append(key Key, start Date, values []float64) {
	if len(p.Offsets) == 0 {
		p.Offsets = append(p.Offsets, 0)
	}
	p.Keys = append(p.Keys, key)
	p.Starts = append(p.Starts, start)
	p.Values = append(p.Values, values...)
	p.Offsets = append(p.Offsets, len(p.Values))
}

// Check reports the first structural inconsistency of the panel, or nil.
func (p *Panel) Check() error {
	n := len(p.Keys)
	if !p.Freq.Valid() {
		return fmt.Errorf("panel frequency %v is not D, W or M", p.Freq)
	}
	if len(p.Starts) != n {
		return fmt.Errorf("panel has %d keys but %d starts", n, len(p.Starts))
	}
	if n == 0 {
		return nil
	}
	if len(p.Offsets) != n+1 || p.Offsets[0] != 0 || p.Offsets[n] != len(p.Values) {
		return fmt.Errorf("panel offsets do not cover its %d values", len(p.Values))
	}
	if err := p.checkExog(); err != nil {
		return err
	}
	if p.Unobserved != nil && len(p.Unobserved) != len(p.Values) {
		return fmt.Errorf("panel has %d values but %d unobserved marks", len(p.Values), len(p.Unobserved))
	}
	if p.Closed != nil && len(p.Closed) != n {
		return fmt.Errorf("panel has %d series but closed days for %d", n, len(p.Closed))
	}
	for i := 0; i < n; i++ {
		if p.Offsets[i+1] < p.Offsets[i] {
			return fmt.Errorf("panel offsets decrease at series %d", i)
		}
		if p.Freq.PeriodStart(p.Starts[i]) != p.Starts[i] {
			return fmt.Errorf("series %v starts on %v, which is not the start of a %v period", p.Keys[i], p.Starts[i], p.Freq)
		}
	}
	return nil
}

// Range is a half-open span [Lo, Hi) of series indices.
type Range struct{ Lo, Hi int }

// Split divides the panel into at most n contiguous ranges of series with
// about the same number of values each, so workers that take one range each
// finish at about the same time. Ranges are returned in series order.
func (p *Panel) Split(n int) []Range {
	total := len(p.Keys)
	if total == 0 {
		return nil
	}
	if n < 1 {
		n = 1
	}
	if n > total {
		n = total
	}
	ranges := make([]Range, 0, n)
	lo := 0
	for k := 1; k <= n && lo < total; k++ {
		if k == n {
			ranges = append(ranges, Range{lo, total})
			break
		}
		target := len(p.Values) * k / n
		hi := lo + 1
		for hi < total && p.Offsets[hi] < target {
			hi++
		}
		// Stop before a long series when that lands nearer the target.
		if hi-1 > lo && target-p.Offsets[hi-1] < p.Offsets[hi]-target {
			hi--
		}
		// Leave at least one series for each range still to come.
		if max := total - (n - k); hi > max {
			hi = max
		}
		ranges = append(ranges, Range{lo, hi})
		lo = hi
	}
	return ranges
}
