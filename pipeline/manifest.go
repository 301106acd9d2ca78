package pipeline

import "encoding/json"

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
