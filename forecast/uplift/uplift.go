package uplift

import (
	"math"

	"github.com/planner-engine/planner/series"
)

// Window is how far an event's effect reaches: Pre days before its first
// day and Post days after its last.
type Window struct{ Pre, Post int }

// DefaultWindow is three days of waiting before an event and a week of
// pull-forward after it.
var DefaultWindow = Window{Pre: 3, Post: 7}

// DefaultReturnDays are the days after an event its returns come back in.
const DefaultReturnDays = 14

// Segment is a part of an event's window.
type Segment int

// The segments of a window, in time order.
const (
	Before Segment = iota // the dip before the event
	During                // the event's own days
	After                 // the pull-forward dip after it
)

// Segments lists the segments in order.
var Segments = [3]Segment{Before, During, After}

func (s Segment) String() string { return [...]string{"pre", "event", "post"}[s] }

// Lift is an effect on demand: the multiplier of the mean (1: none), the
// standard error of its logarithm as estimated, and the spread of the
// logarithm for a new occurrence (the year-to-year variation and the
// estimate's uncertainty together), which widens forecasts.
type Lift struct {
	Mult float64
	SE   float64
	SD   float64
}

// none is the lift of a segment nothing was learned for.
var none = Lift{Mult: 1}

// Interval returns the multipliers between which a new occurrence's
// effect falls with probability level (0.8: the central 80%), on a
// log-normal reading of Mult and SD.
func (l Lift) Interval(level float64) (lo, hi float64) {
	z := normalQuantile(0.5 + level/2)
	mu := math.Log(l.Mult) - l.SD*l.SD/2
	return math.Exp(mu - z*l.SD), math.Exp(mu + z*l.SD)
}

// Effect is one event type's effect on one category of products.
type Effect struct {
	Type, Category string
	// Occurrences are the past occurrences the effect was learned from
	// (the most of any segment).
	Occurrences int
	// Lifts by segment, after the category was drawn toward its event
	// type's other categories.
	Lifts [3]Lift
	// Own are the category's own estimates by segment, before that.
	Own [3]float64
	// ReturnRate is the share of the units sold on the event's days that
	// come back in the days after it, when Returns says the history knows.
	ReturnRate float64
	Returns    bool
}

// Labels place a series in the product and location hierarchies.
type Labels struct {
	Category map[string]string // by SKU ("" when unknown)
	Region   map[string]string // by location
}

// applies reports whether occurrence o applies at location loc.
func (l Labels) applies(o series.Occurrence, loc string) bool {
	return o.Region == "*" || o.Region == "" || l.Region[loc] == o.Region
}

// windowPeriods returns the periods (indexes from start, of freq) of each
// segment of o's window that fall in [0, n): During the periods holding
// the event's days, Before and After those holding the days of the
// window around it that During does not already hold. ok is false when
// the window does not lie wholly in [0, n).
func windowPeriods(freq series.Freq, start series.Date, n int, o series.Occurrence, w Window) (segs [3][]int, ok bool) {
	period := func(d series.Date) int { return freq.Between(start, d) }
	lo, hi := period(o.First-series.Date(w.Pre)), period(o.Last+series.Date(w.Post))
	if lo < 0 || hi >= n {
		return segs, false
	}
	first, last := period(o.First), period(o.Last)
	for t := first; t <= last; t++ {
		segs[During] = append(segs[During], t)
	}
	for t := lo; t < first; t++ {
		segs[Before] = append(segs[Before], t)
	}
	for t := last + 1; t <= hi; t++ {
		segs[After] = append(segs[After], t)
	}
	return segs, true
}

// stepsOf returns the forecast steps (from start, at most h) of each
// segment of o's window, for the part of the window the forecast covers.
func stepsOf(freq series.Freq, start series.Date, h int, o series.Occurrence, w Window) (segs [3][]int) {
	period := func(d series.Date) int { return freq.Between(start, d) }
	lo, hi := period(o.First-series.Date(w.Pre)), period(o.Last+series.Date(w.Post))
	first, last := period(o.First), period(o.Last)
	for t := max(0, lo); t <= min(h-1, hi); t++ {
		switch {
		case t < first:
			segs[Before] = append(segs[Before], t)
		case t <= last:
			segs[During] = append(segs[During], t)
		default:
			segs[After] = append(segs[After], t)
		}
	}
	return segs
}
