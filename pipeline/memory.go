package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/series"
)

// recordForecasts keeps the run's forecasts in the database, for planner
// accuracy to score once the sales of their days arrive: the final and
// the statistical means and the outermost quantiles. The logs of runs
// beyond keep_runs go.
func (r *Run) recordForecasts(ctx context.Context, res *forecast.Result) error {
	log := &datasets.ForecastLog{RunID: r.ID, PlanDate: res.First(), Freq: res.Freq, Horizon: res.Horizon, Keys: res.Keys,
		Starts: res.Starts, Model: res.Model, Mean: res.Mean, Statistical: res.Statistical}
	if log.Statistical == nil {
		log.Statistical = res.Mean
	}
	if res.Override != nil {
		log.Overridden = make([]bool, len(res.Override))
		for j, o := range res.Override {
			log.Overridden[j] = o != ""
		}
	}
	n := len(res.Mean)
	log.Lo, log.Hi = make([]float64, n), make([]float64, n)
	lo, hi := 0, 0
	for k, q := range res.Quantiles {
		if q < res.Quantiles[lo] {
			lo = k
		}
		if q > res.Quantiles[hi] {
			hi = k
		}
	}
	nq := len(res.Quantiles)
	for j := 0; j < n; j++ {
		if nq == 0 {
			log.Lo[j], log.Hi[j] = res.Mean[j], res.Mean[j]
			continue
		}
		log.Lo[j], log.Hi[j] = res.Q[j*nq+lo], res.Q[j*nq+hi]
	}
	if nq > 0 {
		log.LoLevel, log.HiLevel = res.Quantiles[lo], res.Quantiles[hi]
	}
	if err := r.Store.RecordForecasts(ctx, log); err != nil {
		return err
	}
	kept, err := keptRuns(filepath.Join(r.Config.Out, "runs"), r.Config.KeepRuns-1)
	if err != nil {
		return err
	}
	return r.Store.DropForecastLogs(ctx, append(kept, r.ID))
}

// keptRuns lists the newest n finished runs in the runs folder, by id.
func keptRuns(runs string, n int) ([]string, error) {
	entries, err := os.ReadDir(runs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			ids = append(ids, e.Name())
		}
	}
	slices.SortFunc(ids, compareRunIDs)
	if len(ids) > n {
		ids = ids[len(ids)-n:]
	}
	return ids, nil
}

// compareRunIDs orders run ids (and failed runs' folders) by start time,
// then by their -2, -3 suffix.
func compareRunIDs(a, b string) int {
	a, b = strings.TrimSuffix(a, ".failed"), strings.TrimSuffix(b, ".failed")
	ta, sa, _ := strings.Cut(a, "-")
	tb, sb, _ := strings.Cut(b, "-")
	if c := strings.Compare(ta, tb); c != 0 {
		return c
	}
	if len(sa) != len(sb) {
		return len(sa) - len(sb)
	}
	return strings.Compare(sa, sb)
}

// pruneRuns removes the oldest run folders (finished or failed) beyond
// keep, never the one named current.
func pruneRuns(runs string, keep int, current string) error {
	entries, err := os.ReadDir(runs)
	if err != nil {
		return err
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			ids = append(ids, e.Name())
		}
	}
	slices.SortFunc(ids, compareRunIDs)
	for len(ids) > keep {
		if ids[0] != current {
			if err := os.RemoveAll(filepath.Join(runs, ids[0])); err != nil {
				return err
			}
		}
		ids = ids[1:]
	}
	return nil
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
