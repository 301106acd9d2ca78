package datasets

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a problem stops a load.
type Severity string

// Severities. Errors stop a load; warnings are reported and the data loads.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Problem is one thing wrong with the input, located as precisely as the
// input allows: the file, the line (or row) and the column as the user's
// file names it.
type Problem struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Table    string   `json:"table"`
	File     string   `json:"file,omitempty"`
	Line     int64    `json:"line,omitempty"`  // 1-based line of a CSV file, or row of a sheet or Parquet file; 0 when the problem is not one row's
	Where    string   `json:"where,omitempty"` // "line" or "row": what Line counts
	Column   string   `json:"column,omitempty"`
	Value    string   `json:"value,omitempty"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"` // what to do about it
	Count    int64    `json:"count,omitempty"`
}

// String formats the problem on one line:
//
//	error: sales.csv line 4, column units: "-3" is negative; quantities are zero or more (fix or drop the row)
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(string(p.Severity))
	b.WriteString(": ")
	place := p.File
	if place == "" {
		place = p.Table
	}
	b.WriteString(place)
	if p.Line > 0 {
		where := p.Where
		if where == "" {
			where = "line"
		}
		fmt.Fprintf(&b, " %s %d", where, p.Line)
	}
	if p.Column != "" {
		fmt.Fprintf(&b, ", column %s", p.Column)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	if p.Hint != "" {
		b.WriteString(" (")
		b.WriteString(p.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Problems is a list of problems in report order.
type Problems []Problem

// Errors returns how many problems are errors.
func (ps Problems) Errors() int {
	n := 0
	for _, p := range ps {
		if p.Severity == Error {
			n++
		}
	}
	return n
}

// Warnings returns how many problems are warnings.
func (ps Problems) Warnings() int { return len(ps) - ps.Errors() }

// sort orders problems by file, then line, then column, with problems that
// concern a whole file first.
func (ps Problems) sort(tableOrder map[string]int) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Table != b.Table {
			return tableOrder[a.Table] < tableOrder[b.Table]
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Code < b.Code
	})
}

// ValidationError is returned when input data has errors. Nothing was
// written. It lists every problem found, warnings included.
type ValidationError struct {
	Problems Problems
}

func (e *ValidationError) Error() string {
	n := e.Problems.Errors()
	first := ""
	for _, p := range e.Problems {
		if p.Severity == Error {
			first = p.String()
			break
		}
	}
	if n == 1 {
		return "the input has 1 error, nothing was loaded: " + first
	}
	return fmt.Sprintf("the input has %d errors, nothing was loaded; the first: %s", n, first)
}
