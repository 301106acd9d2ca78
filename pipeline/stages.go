package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/planner-engine/planner/datasets"
)

// Stage is one step of the nightly run. Stages run in the order Stages
// returns, each seeing what the earlier ones left in the database and the
// run folder.
type Stage interface {
	Name() string
	Run(ctx context.Context, r *Run) (StageReport, error)
}

// StageReport is what a stage tells the manifest and the terminal.
type StageReport struct {
	Summary    string           // one line for the terminal
	Rows       map[string]int64 // rows read or written, by table or file
	Warnings   int
	Exceptions int      // business exceptions flagged (stock-out risk, capacity shortfall, ...)
	Notes      []string // warnings worth a line in the manifest
}

// Stages returns every stage in pipeline order.
func Stages() []Stage {
	return []Stage{LoadStage{}, SummaryStage{}, ForecastStage{}, ReplenishStage{}, AllocateStage{}, ProduceStage{}, PriceStage{}, ExportStage{}, ReportStage{}}
}

// StageNames lists the stage names in pipeline order.
func StageNames() []string {
	var names []string
	for _, s := range Stages() {
		names = append(names, s.Name())
	}
	return names
}

func stageIndex(name string) int {
	for i, n := range StageNames() {
		if n == name {
			return i
		}
	}
	return -1
}

// LoadStage validates the configured input files and loads them into the
// database in one transaction. Invalid input stops the run; the problems
// are written to problems.csv in the failed run's folder.
type LoadStage struct{}

// Name implements Stage.
func (LoadStage) Name() string { return "load" }

// Run implements Stage.
func (LoadStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	opts := r.Config.Inputs.LoadOptions()
	opts.Logger = r.Log
	rep, err := r.Store.Load(ctx, opts)
	var ve *datasets.ValidationError
	if errors.As(err, &ve) {
		if werr := r.WriteFile("problems.csv", func(w io.Writer) error { return datasets.WriteProblemsCSV(w, ve.Problems) }); werr != nil {
			r.Log.Warn("cannot write problems.csv", "error", werr)
		}
		return StageReport{Warnings: ve.Problems.Warnings()}, err
	}
	if err != nil {
		return StageReport{}, err
	}
	out := StageReport{Rows: map[string]int64{}, Warnings: rep.Problems.Warnings()}
	for _, t := range rep.Tables {
		out.Rows[t.Table] += t.Rows
		r.manifest.Inputs = append(r.manifest.Inputs, Input{Table: t.Table, File: t.File, SHA256: t.SHA256, Rows: t.Rows})
	}
	for _, p := range rep.Problems {
		out.Notes = append(out.Notes, p.String())
	}
	out.Summary = fmt.Sprintf("%d sales rows, %d warnings", rep.Rows("sales"), out.Warnings)
	if err := r.WriteFile("problems.csv", func(w io.Writer) error { return datasets.WriteProblemsCSV(w, rep.Problems) }); err != nil {
		return out, err
	}
	return out, nil
}

// SummaryStage writes summary.json: what the database holds after the load
// (the same object as planner inspect --json).
type SummaryStage struct{}

// Name implements Stage.
func (SummaryStage) Name() string { return "summary" }

// Run implements Stage.
func (SummaryStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	sum, err := r.Store.Inspect(ctx)
	if err != nil {
		return StageReport{}, err
	}
	err = r.WriteFile("summary.json", func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	})
	return StageReport{
		Summary: fmt.Sprintf("%d series of %d SKUs at %d locations, %s to %s", sum.Series, sum.SKUs, sum.Locations, sum.FirstDate, sum.LastDate),
		Rows:    map[string]int64{"series": sum.Series},
	}, err
}
