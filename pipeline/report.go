package pipeline

import (
	"fmt"
	"path/filepath"

	"github.com/planner-engine/planner/internal/words"
)

// StageReport is what a plan tells the manifest and the people who run
// it: the nightly run prints Summary after the stage's name, and the
// command that runs the stage on its own prints Summary and then Details.
type StageReport struct {
	Summary string           // one line
	Details []string         // lines worth reading after it: model counts, exceptions (at most a screenful)
	Rows    map[string]int64 // rows read or written, by table or file
	// Warnings counts data warnings (series that fell back to a simpler
	// model, ...); Exceptions the business exceptions (stock short,
	// capacity short, ...), which make the exit code 3.
	Warnings   int
	Exceptions int
	Notes      []string // data warnings worth a line in the manifest
}

// maxListed is how many exceptions a report lists; the plan files hold
// them all.
const maxListed = 20

// listExceptions counts the exceptions and adds the first to the report's
// details (exceptions.csv has them all, by root cause).
func (r *StageReport) listExceptions(exceptions []string) {
	r.Exceptions += len(exceptions)
	if len(exceptions) == 0 {
		return
	}
	r.Details = append(r.Details, words.Plural(len(exceptions), "exception")+" to review:")
	for i, e := range exceptions {
		if i == maxListed {
			r.Details = append(r.Details, fmt.Sprintf("  ... and %d more", len(exceptions)-maxListed))
			break
		}
		r.Details = append(r.Details, "  "+e)
	}
}

// SkipError says a stage had nothing to plan, and why: the nightly run
// goes on without it; a command run on its own stops with the reason.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return e.Reason }

func skip(format string, args ...any) error { return &SkipError{Reason: fmt.Sprintf(format, args...)} }

// InputError is an error in what the user's files hold, found by a plan
// rather than by the readers (demand for a SKU without costs, periods of
// two kinds): the input's fault, not the planner's.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }

func (e *InputError) Unwrap() error { return e.Err }

// baseName is a file's name without its folder.
func baseName(path string) string { return filepath.Base(path) }
