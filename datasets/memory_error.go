package datasets

import (
	"errors"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// OutOfMemoryError says the database needed more memory than it may
// hold (memory_limit), while doing what While says.
type OutOfMemoryError struct{ While string }

func (e *OutOfMemoryError) Error() string {
	what := "the database ran out of memory"
	if e.While != "" {
		what += " while " + e.While
	}
	return what + ": raise memory_limit in planner.yaml, or spread the run over more shards (planner split)"
}

// OutOfMemory returns err in the words of an OutOfMemoryError when the
// database ran out of memory, or nil: DuckDB's own message names its
// settings, not the planner's.
func OutOfMemory(err error) *OutOfMemoryError {
	var de *duckdb.Error
	if !errors.As(err, &de) || de.Type != duckdb.ErrorTypeOutOfMemory {
		return nil
	}
	msg := err.Error()
	if i := strings.Index(msg, "Out of Memory Error"); i > 0 {
		return &OutOfMemoryError{While: strings.TrimRight(msg[:i], ": ")}
	}
	return &OutOfMemoryError{}
}
