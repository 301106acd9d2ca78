package pipeline

import (
	"context"
	"fmt"
	"math"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/series"
)

// AccuracyRow scores a group of past forecasts against the sales that
// arrived since: WAPE (the absolute errors over the sales), bias (the
// signed errors over the sales: above 0, the forecast was high) and the
// share of days whose sales fell within the run's outermost quantiles.
// On the days a planner overrode, FVA is the forecast value the overrides
// added: the statistical forecast's WAPE less the final one's, in WAPE
// points (above 0, the overrides helped). A ratio is nil where its
// denominator is 0.
type AccuracyRow struct {
	RunID    string `json:"run_id"`
	PlanDate string `json:"plan_date"`
	// Horizon is a band of steps ahead (1-7, 8-14, 15-28, 29+), Category
	// the products' category and Model the model family; "all" in a
	// run's total.
	Horizon        string   `json:"horizon"`
	Category       string   `json:"category"`
	Model          string   `json:"model"`
	Days           int64    `json:"days"`
	Actual         float64  `json:"actual_units"`
	WAPE           *float64 `json:"wape"`
	Bias           *float64 `json:"bias"`
	Coverage       *float64 `json:"coverage"`
	OverriddenDays int64    `json:"overridden_days"`
	FVA            *float64 `json:"fva"`
}

// AccuracyResult is planner accuracy's object: each run's total, then
// its groups.
type AccuracyResult struct {
	Runs   []AccuracyRow `json:"runs"`
	Groups []AccuracyRow `json:"groups"`
}

// Accuracy scores the forecasts the nightly runs logged in the database
// against the sales loaded since, by run, horizon band, category and
// model family, with each run's total.
func Accuracy(ctx context.Context, db string) (*AccuracyResult, error) {
	store, err := datasets.Open(ctx, db, nil)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	sums, err := store.Accuracy(ctx)
	if err != nil {
		return nil, err
	}
	return accuracyOf(sums), nil
}

// accuracyOf scores the sums of each group and adds each run's total.
func accuracyOf(sums []datasets.AccuracySums) *AccuracyResult {
	out := &AccuracyResult{Runs: []AccuracyRow{}, Groups: make([]AccuracyRow, 0, len(sums))}
	var total datasets.AccuracySums
	for i, s := range sums {
		out.Groups = append(out.Groups, scoreRow(&s))
		if i == 0 || s.RunID != total.RunID {
			total = datasets.AccuracySums{RunID: s.RunID, PlanDate: s.PlanDate, Horizon: "all", Category: "all", Model: "all"}
		}
		total.Days += s.Days
		total.Actual += s.Actual
		total.AbsErr += s.AbsErr
		total.Err += s.Err
		total.StatAbsErr += s.StatAbsErr
		total.Covered += s.Covered
		total.OverDays += s.OverDays
		total.OverActual += s.OverActual
		total.OverAbsErr += s.OverAbsErr
		total.OverStatAbsErr += s.OverStatAbsErr
		if i == len(sums)-1 || sums[i+1].RunID != s.RunID {
			out.Runs = append(out.Runs, scoreRow(&total))
		}
	}
	return out
}

func scoreRow(s *datasets.AccuracySums) AccuracyRow {
	ratio := func(a, b float64) *float64 {
		if b == 0 {
			return nil
		}
		v := math.Round(a/b*1e4) / 1e4
		return &v
	}
	r := AccuracyRow{RunID: s.RunID, PlanDate: s.PlanDate, Horizon: s.Horizon, Category: s.Category, Model: s.Model, Days: s.Days,
		Actual: s.Actual, WAPE: ratio(s.AbsErr, s.Actual), Bias: ratio(s.Err, s.Actual), Coverage: ratio(float64(s.Covered), float64(s.Days)),
		OverriddenDays: s.OverDays}
	if s.OverDays > 0 {
		r.FVA = ratio(s.OverStatAbsErr-s.OverAbsErr, s.OverActual)
	}
	return r
}

// SaveOverrides reads forecast overrides from a file (files.ReadOverrides)
// and stores them in the database, where every later run applies them to
// the days they cover. It returns how many it stored.
func SaveOverrides(ctx context.Context, db, path string) (int, error) {
	overrides, err := files.ReadOverrides(path)
	if err != nil {
		return 0, err
	}
	store, err := datasets.Open(ctx, db, nil)
	if err != nil {
		return 0, err
	}
	defer store.Close()
	return len(overrides), store.SaveOverrides(ctx, overrides)
}

// SnoozeOptions say what a person decided on exceptions: a snooze until a
// plan date (Until, "" for none) and while the value at risk grows by at
// most a share (Grows, below 0 for none), or an acknowledgement.
type SnoozeOptions struct {
	IDs         []string
	Until       string
	Grows       float64
	Acknowledge bool
	Note, Who   string
}

// Snooze records a decision on exceptions in the database, where every
// later run reads it (exceptions.csv's status: snoozed, acknowledged).
func Snooze(ctx context.Context, db string, o SnoozeOptions) error {
	var until series.Date
	if o.Until != "" {
		d, err := series.ParseDate(o.Until)
		if err != nil {
			return &InputError{fmt.Errorf("--until %q is not a date (YYYY-MM-DD)", o.Until)}
		}
		until = d
	}
	if !o.Acknowledge && until == 0 && o.Grows < 0 {
		return &InputError{fmt.Errorf("say how long: --until a plan date, --until-grows a share of the value at risk, or --ack")}
	}
	store, err := datasets.Open(ctx, db, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Snooze(ctx, o.IDs, until, o.Grows, o.Acknowledge, o.Note, o.Who); err != nil {
		return &InputError{err}
	}
	return nil
}
