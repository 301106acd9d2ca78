package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline"
)

// printJSON writes v as one indented JSON object.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printReport prints what a stage run on its own reports: its summary
// line, with the time it took and where it wrote, then its details.
func (a *app) printReport(verb string, rep pipeline.StageReport, took time.Duration, out string) {
	fmt.Fprintf(a.stdout, "%s %s in %.1fs", verb, rep.Summary, took.Seconds())
	if out != "" {
		fmt.Fprintf(a.stdout, ": %s", out)
	}
	fmt.Fprintln(a.stdout)
	for _, d := range rep.Details {
		fmt.Fprintln(a.stdout, d)
	}
}

// exceptions ends a command whose plan has exceptions with exit code 3.
func exceptions(n int) error {
	if n == 0 {
		return nil
	}
	return &exitError{code: exitExceptions, err: fmt.Errorf("%s to review", words.Plural(n, "exception"))}
}

// seconds is a duration in seconds, to two decimals.
func seconds(d time.Duration) float64 {
	return float64(d.Round(10*time.Millisecond)) / float64(time.Second)
}
