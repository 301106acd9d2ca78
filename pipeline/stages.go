package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/internal/words"
)

// Stage is one step of the nightly run. Stages run in the order Stages
// returns, each seeing what the earlier ones left in the database and the
// run folder.
type Stage interface {
	Name() string
	Run(ctx context.Context, r *Run) (StageReport, error)
}

// Stages returns every stage in pipeline order.
func Stages() []Stage {
	return []Stage{LoadStage{}, SummaryStage{}, ForecastStage{}, AssortStage{}, PlaceStage{}, ReplenishStage{}, AllocateStage{}, ProduceStage{},
		PriceStage{}, ATPStage{}, PeakStage{}, ExceptionsStage{}, ExportStage{}, ReportStage{}}
}

// StageNames lists the stage names in pipeline order (config.StageNames,
// which planner.yaml's stages key is checked against).
func StageNames() []string {
	var names []string
	for _, s := range Stages() {
		names = append(names, s.Name())
	}
	return names
}

// LoadStage validates the configured input files and loads them into the
// database in one transaction. Invalid input stops the run; the problems
// are written to problems.csv in the failed run's folder.
type LoadStage struct{}

// Name implements Stage.
func (LoadStage) Name() string { return "load" }

// Run implements Stage.
func (LoadStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	opts := LoadOptions(&r.Config.Inputs)
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
	if r.sharded {
		rep.Problems = nil
	}
	out := StageReport{Rows: map[string]int64{}, Warnings: rep.Problems.Warnings()}
	for _, t := range rep.Tables {
		out.Rows[t.Table] += t.Rows
		r.manifest.Inputs = append(r.manifest.Inputs, Input{Table: t.Table, File: t.File, SHA256: t.SHA256, Rows: t.Rows})
	}
	for _, p := range rep.Problems {
		out.Notes = append(out.Notes, p.String())
	}
	r.problems = rep.Problems
	r.manifest.DataWarnings = len(rep.Problems) // problems.csv's rows
	out.Summary = fmt.Sprintf("%s sales rows, %s", words.Commas(rep.Rows("sales")), words.Plural(out.Warnings, "warning"))
	if err := r.WriteFile("problems.csv", func(w io.Writer) error { return datasets.WriteProblemsCSV(w, rep.Problems) }); err != nil {
		return out, err
	}
	return out, nil
}

// SummaryStage writes summary.json: what the database holds after the load
// (the same object as planner inspect --json, but for last_load: the
// manifest's inputs say what the run loaded, and a load's time and number
// would make the same inputs give different bytes).
type SummaryStage struct{}

// Name implements Stage.
func (SummaryStage) Name() string { return "summary" }

// Run implements Stage.
func (SummaryStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	sum, err := r.Store.Inspect(ctx)
	if err != nil {
		return StageReport{}, err
	}
	sum.Database = r.Config.DB // the run works on a copy that becomes it
	sum.LastLoad = nil
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

// ForecastStage forecasts every series in the database (Forecast) and
// writes forecasts.csv (or .parquet) in the columns of planner forecast,
// models.csv, and forecasts_aggregates when reconciling.
type ForecastStage struct{}

// Name implements Stage.
func (ForecastStage) Name() string { return "forecast" }

// Run implements Stage.
func (ForecastStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	fc := r.Config.Forecast
	// A peak planned tonight needs days up to its first week's end.
	horizon, upcoming, err := PeakHorizon(ctx, r.Source, fc, r.Config.Peak)
	if err != nil {
		return StageReport{}, err
	}
	raised := horizon > fc.Horizon
	fc.Horizon = horizon
	res, err := Forecast(ctx, r.Source, fc)
	if err != nil {
		return StageReport{}, err
	}
	r.forecasts = res
	if err := r.recordForecasts(ctx, res.Forecasts); err != nil {
		return StageReport{}, err
	}
	files := ForecastFiles{Forecasts: "forecasts." + fc.Format, Models: "models.csv"}
	if res.Aggregates != nil {
		files.Aggregates = "forecasts_aggregates." + fc.Format
	}
	rep := res.Report()
	if raised {
		rep.Details = append(rep.Details, fmt.Sprintf("  the horizon runs to %d days for the %s peak of %s (the peak section)", horizon, upcoming.Type, upcoming.First))
	}
	if res.Peaks != nil && !r.sharded {
		// The effects are the network's, learned once: the whole run's
		// file (a shard would repeat it).
		files.Uplift = "uplift.csv"
	}
	rows, err := res.Write(ForecastFiles{Forecasts: r.path(files.Forecasts), Aggregates: r.path(files.Aggregates), Models: r.path(files.Models), Uplift: r.path(files.Uplift)})
	if err != nil {
		return StageReport{}, err
	}
	return rep, r.recordAll(rows, &rep)
}

// ReplenishStage plans the day's purchase and transfer orders from the
// forecast stage's forecasts (Replenish) and writes orders.csv (or
// .parquet, .json, .jsonl). Exception lines count as the run's
// exceptions.
type ReplenishStage struct{}

// Name implements Stage.
func (ReplenishStage) Name() string { return "replenish" }

// Run implements Stage.
func (ReplenishStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	if r.forecasts == nil {
		return StageReport{}, errors.New("replenish plans from the forecast stage's forecasts: run it too")
	}
	fc, err := r.demand(ctx)
	if err != nil {
		return StageReport{}, err
	}
	res, err := Replenish(ctx, r.Source, fc, r.Config.Replenish)
	if err != nil {
		return skipped(err)
	}
	r.orders = res
	rep := res.Report()
	rows, err := res.Write(r.path("orders." + r.Config.Replenish.Format))
	if err != nil {
		return StageReport{}, err
	}
	return rep, r.recordAll(rows, &rep)
}

// AllocateStage splits what each DC holds after the replenish stage's
// transfer orders among the stores it serves (AllocationInput, Allocate)
// and writes allocation.csv (or .parquet, .json, .jsonl). It runs when
// planner.yaml has an allocate section.
type AllocateStage struct{}

// Name implements Stage.
func (AllocateStage) Name() string { return "allocate" }

// Run implements Stage.
func (AllocateStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	ac := r.Config.Allocate
	if ac == nil {
		return StageReport{Summary: "skipped: no allocate section in the configuration"}, nil
	}
	if r.forecasts == nil {
		return StageReport{}, errors.New("allocate plans from the forecast stage's forecasts: run it too")
	}
	fc, err := r.demand(ctx)
	if err != nil {
		return StageReport{}, err
	}
	in, err := AllocationInput(ctx, r.Source, fc, r.orderLines(), ac.HorizonDays, ac.Service)
	if err != nil {
		return skipped(err)
	}
	res, err := Allocate(ctx, in, *ac)
	if err != nil {
		return StageReport{}, err
	}
	r.allocation = res
	rep := res.Report()
	rows, err := res.Write(r.path("allocation." + ac.Format))
	if err != nil {
		return StageReport{}, err
	}
	return rep, r.recordAll(rows, &rep)
}

// ProduceStage plans the factories' production (ProductionProblem,
// Produce) from the forecast stage's forecasts and writes production.csv
// and capacity_load.csv. It runs when planner.yaml has a produce section.
type ProduceStage struct{}

// Name implements Stage.
func (ProduceStage) Name() string { return "produce" }

// Run implements Stage.
func (ProduceStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	pc := r.Config.Produce
	if pc == nil {
		return StageReport{Summary: "skipped: no produce section in the configuration"}, nil
	}
	if r.forecasts == nil {
		return StageReport{}, errors.New("produce plans from the forecast stage's forecasts: run it too")
	}
	prob, notes, err := ProductionProblem(ctx, r.Source, r.forecasts.Values(), *pc)
	if err != nil {
		return skipped(err)
	}
	if r.sharded {
		return r.writeFactoryShare(ctx, prob)
	}
	res, err := Produce(ctx, prob, *pc)
	if err != nil {
		return StageReport{}, err
	}
	res.Notes = notes
	r.production = res
	rep := res.Report()
	rows, err := res.Write(ProduceFiles{Orders: r.path("production." + pc.Format), Load: r.path("capacity_load.csv")})
	if err != nil {
		return StageReport{}, err
	}
	return rep, r.recordAll(rows, &rep)
}

// PriceStage estimates elasticities and recommends prices and markdowns
// (Price), and writes prices.csv, elasticities.csv and markdowns.csv. It
// runs when planner.yaml has a price section.
type PriceStage struct{}

// Name implements Stage.
func (PriceStage) Name() string { return "price" }

// Run implements Stage.
func (PriceStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	pc := r.Config.Price
	if pc == nil {
		return StageReport{Summary: "skipped: no price section in the configuration"}, nil
	}
	res, err := Price(ctx, r.Source, *pc)
	if err != nil {
		return skipped(err)
	}
	r.prices = res
	rep := res.Report()
	rows, err := res.Write(PriceFiles{Prices: r.path("prices." + pc.Format), Elasticities: r.path("elasticities.csv"), Markdowns: r.path("markdowns.csv")})
	if err != nil {
		return StageReport{}, err
	}
	return rep, r.recordAll(rows, &rep)
}

// ATPStage writes atp.csv: what each channel may promise of each
// location's stock tomorrow. It runs when planner.yaml has an atp section.
type ATPStage struct{}

// Name implements Stage.
func (ATPStage) Name() string { return "atp" }

// Run implements Stage.
func (ATPStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	ac := r.Config.ATP
	switch {
	case ac == nil:
		return StageReport{Summary: "skipped: no atp section in the configuration"}, nil
	case r.forecasts == nil:
		return StageReport{Summary: "skipped: no forecasts in this run to promise from"}, nil
	}
	fc, err := r.demand(ctx)
	if err != nil {
		return StageReport{}, err
	}
	res, err := ATP(ctx, r.Source, fc, *ac)
	if err != nil {
		return skipped(err)
	}
	r.atp = res
	rep := res.Report()
	rows, err := res.Write(r.path(ATPName + "." + ac.Format))
	if err != nil {
		return StageReport{}, err
	}
	return rep, r.recordAll(rows, &rep)
}

// AssortStage writes assortment.csv: each store's range per category. It
// runs when planner.yaml has an assort section, right after the
// forecast, so that the later plans are made on the ranges (Run.demand)
// unless the section is advisory.
type AssortStage struct{}

// Name implements Stage.
func (AssortStage) Name() string { return "assort" }

// Run implements Stage.
func (AssortStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	ac := r.Config.Assort
	switch {
	case ac == nil:
		return StageReport{Summary: "skipped: no assort section in the configuration"}, nil
	case r.forecasts == nil:
		return StageReport{Summary: "skipped: no forecasts in this run to choose ranges from"}, nil
	case r.sharded:
		// A shard holds some of a category's products, and a shelf's
		// range weighs them all against each other.
		return StageReport{Summary: "skipped: a store's range is chosen among every product of its category, which a shard does not hold; choose the ranges in one run (planner assort)"}, nil
	}
	res, err := Assort(ctx, r.Source, r.forecasts.Values(), *ac)
	if err != nil {
		return skipped(err)
	}
	r.assort = res
	rep := res.Report()
	rows, err := res.Write(r.path(AssortName + "." + ac.Format))
	if err != nil {
		return StageReport{}, err
	}
	return rep, r.recordAll(rows, &rep)
}

// AssortName is the assortment file's name, before its extension.
const AssortName = "assortment"

// PlaceStage writes placement.csv: which fulfilment nodes hold each SKU.
// It runs when planner.yaml has a place section.
type PlaceStage struct{}

// Name implements Stage.
func (PlaceStage) Name() string { return "place" }

// Run implements Stage.
func (PlaceStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	pc := r.Config.Place
	switch {
	case pc == nil:
		return StageReport{Summary: "skipped: no place section in the configuration"}, nil
	case r.forecasts == nil:
		return StageReport{Summary: "skipped: no forecasts in this run to place stock for"}, nil
	}
	res, err := Place(ctx, r.Source, r.forecasts.Values(), *pc)
	if err != nil {
		return skipped(err)
	}
	r.place = res
	rep := res.Report()
	rows, err := res.Write(r.path(PlaceName + "." + pc.Format))
	if err != nil {
		return StageReport{}, err
	}
	return rep, r.recordAll(rows, &rep)
}

// PeakStage writes the peak folder: the plan for the calendar's next
// peak, from the peak section's weeks ahead of it (PlanPeak). It runs when
// planner.yaml has a peak section.
type PeakStage struct{}

// Name implements Stage.
func (PeakStage) Name() string { return "peak" }

// Run implements Stage.
func (PeakStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	pc := r.Config.Peak
	switch {
	case pc == nil:
		return StageReport{Summary: "skipped: no peak section in the configuration"}, nil
	case r.forecasts == nil:
		return StageReport{Summary: "skipped: no forecasts in this run to plan a peak from"}, nil
	case r.sharded:
		// A factory's or a DC's capacity serves every SKU, and a shard
		// holds some of them.
		return StageReport{Summary: "skipped: a peak shares the factories' and DCs' capacity among every SKU, which a shard does not hold; plan it in one run (planner peak)"}, nil
	}
	fc, err := r.demand(ctx)
	if err != nil {
		return StageReport{}, err
	}
	res, err := PlanPeak(ctx, r.Source, fc, r.forecasts.Peaks, *pc)
	if err != nil {
		return skipped(err)
	}
	r.peak = res
	rep := res.Report()
	rows, err := res.Write(r.path(PeakName), fc.Quantiles)
	if err != nil {
		return StageReport{}, err
	}
	return rep, r.recordAll(rows, &rep)
}

// PlaceName is the placement file's name, before its extension.
const PlaceName = "placement"

// ATPName is the available-to-promise file's name, before its extension.
const ATPName = "atp"

// skipped turns a plan's *SkipError into a stage that ran and had nothing
// to do; any other error stops the run.
func skipped(err error) (StageReport, error) {
	var s *SkipError
	if errors.As(err, &s) {
		return StageReport{Summary: "skipped: " + s.Reason}, nil
	}
	return StageReport{}, err
}
