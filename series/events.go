package series

import (
	"cmp"
	"slices"
	"strings"
)

// PeakKind is the kind of the calendar events that are peaks: the few
// trading days a year (Singles' Day, 618, Black Friday, an anniversary
// sale) whose uplift the forecast learns from their past occurrences and
// which the peak plan prepares for.
const PeakKind = "peak"

// Event is one day of a calendar event (the events table): a named event
// of a kind, everywhere (Region "*") or in one region.
type Event struct {
	Date   Date
	Name   string
	Kind   string
	Region string
}

// EventType is the name that identifies an event across its occurrences
// and the way users write it: lower case, every run of characters that is
// not a letter or a digit one underscore ("Singles' Day" and singles_day
// are both singles_day).
func EventType(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		letter := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127
		if !letter {
			if r == '\'' || r == '\u2019' {
				continue // an apostrophe joins: singles' -> singles
			}
			gap = b.Len() > 0
			continue
		}
		if gap {
			b.WriteByte('_')
			gap = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Occurrence is one occurrence of an event type: its first and last day
// (consecutive days of one event name are one occurrence) and the region
// it applies in ("*" for everywhere).
type Occurrence struct {
	Type        string
	First, Last Date
	Region      string
}

// Occurrences groups the days of the events of kind into occurrences,
// by type, then first day, then region. Days of one type and region at
// most a day apart are one occurrence.
func Occurrences(events []Event, kind string) []Occurrence {
	type key struct{ typ, region string }
	days := map[key][]Date{}
	for _, e := range events {
		if e.Kind != kind {
			continue
		}
		k := key{EventType(e.Name), e.Region}
		days[k] = append(days[k], e.Date)
	}
	var out []Occurrence
	for k, ds := range days {
		slices.Sort(ds)
		for i := 0; i < len(ds); {
			j := i
			for j+1 < len(ds) && ds[j+1]-ds[j] <= 1 {
				j++
			}
			out = append(out, Occurrence{Type: k.typ, First: ds[i], Last: ds[j], Region: k.region})
			i = j + 1
		}
	}
	sortOccurrences(out)
	return out
}

func sortOccurrences(os []Occurrence) {
	slices.SortFunc(os, func(a, b Occurrence) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), cmp.Compare(a.First, b.First), strings.Compare(a.Region, b.Region))
	})
}

// CategoryDays are units sold and returned per category and day, from
// Start: the totals that return rates are learned from.
type CategoryDays struct {
	Start      Date
	Categories []string
	// Sold and Returned hold one slice of days per category.
	Sold, Returned [][]float64
}
