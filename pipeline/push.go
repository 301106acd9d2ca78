package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/internal/csvcell"
)

// PushOptions say where and how plan lines go (export.PushOptions).
type PushOptions = export.PushOptions

// PushResult counts what happened to the lines, the JSON planner push
// prints.
type PushResult = export.PushResult

// DefaultPushOptions are the push's defaults (export.DefaultPushOptions).
func DefaultPushOptions() PushOptions { return export.DefaultPushOptions() }

// Push sends a run's plan files to an ERP's HTTP API (export.Send): the
// plans named in the options (all the run holds when none are), every
// line or, with ApprovedOnly, the lines approvals.csv says yes to. Every
// plan is read first, so a damaged file stops the push before anything
// is sent.
func Push(ctx context.Context, runDir string, o PushOptions) (*PushResult, error) {
	plans, missing, err := selectPlans(runDir, o.Plans)
	if err != nil {
		return nil, err
	}
	var keep func(string) (string, bool)
	if o.ApprovedOnly {
		path := filepath.Join(runDir, ApprovalsName)
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("--approved-only needs %s: import the workbook's decisions first (planner import-approvals)", path)
		}
		approved, err := files.ReadApproved(path)
		if err != nil {
			return nil, err
		}
		keep = func(id string) (string, bool) { q, ok := approved[id]; return q, ok }
	}
	var all []export.PlanLines
	for _, p := range plans {
		path := filepath.Join(runDir, p.File)
		t, err := files.ReadCSVTable(path, p.IDColumn)
		if err != nil {
			return nil, err
		}
		rows := make([][]string, t.Len())
		for i := range rows {
			rows[i] = make([]string, len(t.Row(i)))
			for k, v := range t.Row(i) {
				rows[i][k] = csvcell.Unescape(v)
			}
		}
		lines, err := p.LinesOf(path, t.Columns(), rows, keep)
		if err != nil {
			return nil, err
		}
		all = append(all, export.PlanLines{Plan: p, Lines: lines})
	}
	return export.Send(ctx, runDir, all, missing, o)
}

// selectPlans returns the plans to send: those named (all the run holds
// when none are), and the named ones the run does not hold. An unknown
// name is an error; a run holding no plan at all is one too.
func selectPlans(runDir string, names []string) (plans []export.PushPlan, missing []string, err error) {
	known := export.PushPlans()
	if len(names) == 0 {
		for _, p := range known {
			names = append(names, p.Name)
		}
	}
	for _, n := range names {
		found := false
		for _, p := range known {
			if p.Name != n {
				continue
			}
			found = true
			if _, err := os.Stat(filepath.Join(runDir, p.File)); err != nil {
				missing = append(missing, n)
				continue
			}
			plans = append(plans, p)
		}
		if !found {
			return nil, nil, fmt.Errorf("unknown plan %q (replenishment, allocation, pricing or production)", n)
		}
	}
	if len(plans) == 0 {
		return nil, nil, fmt.Errorf("%s holds none of the plans asked for (%s)", runDir, strings.Join(names, ", "))
	}
	if missing == nil {
		missing = []string{}
	}
	return plans, missing, nil
}
