package pipeline

import (
	"context"
	"math"

	"github.com/planner-engine/planner/datasets"
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
