package pipeline

import (
	"encoding/json"

	"github.com/planner-engine/planner/exceptions"
)

// Manifest describes a run: what went in, what ran and for how long, and
// what came out. Its JSON keys are stable (documented in docs/cli.md).
type Manifest struct {
	RunID    string          `json:"run_id"`
	Version  string          `json:"version"`
	Status   string          `json:"status"` // ok, exceptions or failed
	Error    string          `json:"error,omitempty"`
	Started  string          `json:"started"`
	Finished string          `json:"finished"`
	Config   json.RawMessage `json:"config"`
	Inputs   []Input         `json:"inputs"`
	Stages   []StageRecord   `json:"stages"`
	Outputs  []Output        `json:"outputs"`
	// Warnings are the data warnings' lines (problems.csv has them all);
	// DataWarnings counts them, and Exceptions the plan exceptions
	// (exceptions.csv's rows of every kind but data_problem).
	Warnings     []string `json:"warnings"`
	Exceptions   int      `json:"exceptions"`
	DataWarnings int      `json:"data_warnings"`
	// Figures are the run's key figures, as its workbook and report show
	// them; TopExceptions the first exceptions of its ranked list.
	Figures       []Figure       `json:"figures"`
	TopExceptions []TopException `json:"top_exceptions"`
}

// Figure is one of a run's key figures, such as the units ordered.
type Figure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// TopException is one exception of a run's ranked list (exceptions.csv),
// with the line the report shows for it.
type TopException struct {
	ID          string  `json:"exception_id"`
	Kind        string  `json:"kind"`
	SKU         string  `json:"sku"`
	Location    string  `json:"location"`
	ValueAtRisk float64 `json:"value_at_risk"`
	Line        string  `json:"line"`
}

// topExceptions is how many exceptions a manifest lists.
const topExceptions = 20

// ranksBefore orders exceptions listed apart as exceptions.RanksBefore.
func (a *TopException) ranksBefore(b *TopException) bool {
	return exceptions.RanksBefore(a.exception(), b.exception())
}

func (a *TopException) exception() *exceptions.Exception {
	return &exceptions.Exception{ID: a.ID, Kind: exceptions.Kind(a.Kind), SKU: a.SKU, Location: a.Location, ValueAtRisk: a.ValueAtRisk}
}

// topOf lists the first topExceptions of ranked exceptions.
func topOf(exs []exceptions.Exception) []TopException {
	out := []TopException{}
	for i := range exs[:min(len(exs), topExceptions)] {
		e := &exs[i]
		out = append(out, TopException{ID: e.ID, Kind: string(e.Kind), SKU: e.SKU, Location: e.Location, ValueAtRisk: e.ValueAtRisk, Line: exceptionLine(e)})
	}
	return out
}

// Input is one file a run read.
type Input struct {
	Table  string `json:"table"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Rows   int64  `json:"rows"`
}

// StageRecord is what one stage did.
type StageRecord struct {
	Name       string           `json:"name"`
	Status     string           `json:"status"`
	Summary    string           `json:"summary"` // the stage's one line, as its command prints it
	Error      string           `json:"error,omitempty"`
	Seconds    float64          `json:"seconds"`
	Rows       map[string]int64 `json:"rows"`
	Warnings   int              `json:"warnings"`
	Exceptions int              `json:"exceptions"`
}

// Output is one file a run wrote.
type Output struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}
