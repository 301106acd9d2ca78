package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/planner-engine/planner/exceptions"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/production"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// FactoryShareName is the file a shard writes in place of a production
// plan: its SKUs' part of the factories' problem. A factory's capacity is
// shared by SKUs of every shard, so the reduce step puts the parts
// together and plans them (ReduceProduction).
const FactoryShareName = "factory_share.json"

// factoryShare is one shard's part of the factories' problem, with what
// the reduce step needs to value and route its exceptions: the plan date,
// and each SKU's unit price and cost (0 when unknown) and planner.
type factoryShare struct {
	Day     string                `json:"day"`
	Problem *production.Problem   `json:"problem"`
	Values  map[string][2]float64 `json:"values"`
	Owners  map[string]string     `json:"owners,omitempty"`
}

// writeFactoryShare writes the shard's part of the factories' problem.
func (r *Run) writeFactoryShare(ctx context.Context, prob *production.Problem) (StageReport, error) {
	terms, err := r.Store.PricingTerms(ctx)
	if err != nil {
		return StageReport{}, err
	}
	labels, err := r.masterLabels(ctx)
	if err != nil {
		return StageReport{}, err
	}
	share := factoryShare{Day: r.forecasts.Values().First().String(), Problem: prob, Values: map[string][2]float64{}, Owners: map[string]string{}}
	skus := 0
	for _, f := range prob.Factories {
		for _, p := range f.Products {
			skus++
			t := terms[p.SKU]
			share.Values[p.SKU] = [2]float64{positive(t.UnitPrice), positive(t.UnitCost)}
			if o := labels.Planner[p.SKU]; o != "" {
				share.Owners[p.SKU] = o
			}
		}
	}
	if err := r.WriteFile(FactoryShareName, func(w io.Writer) error { return json.NewEncoder(w).Encode(share) }); err != nil {
		return StageReport{}, err
	}
	return StageReport{Summary: fmt.Sprintf("%d products of %d factories for the reduce step to plan (%s)", skus, len(prob.Factories), FactoryShareName),
		Rows: map[string]int64{FactoryShareName: int64(skus)}}, nil
}

// positive is v when above 0, else 0 (NaN included).
func positive(v float64) float64 {
	if v > 0 {
		return v
	}
	return 0
}

// ReduceProduction plans production for a run spread over shards: it puts
// the shards' parts of the factories' problem together (the files named,
// in shard order), plans it with the produce section as the produce stage
// would (Produce), and writes production, capacity_load.csv and
// exceptions.csv (production's) into dir.
func ReduceProduction(ctx context.Context, shares []string, cfg config.Produce, ex config.Exceptions, dir string) (*ReducedProduction, error) {
	var parts []*production.Problem
	in := &ExceptionsInput{Terms: map[string]supply.PricingTerms{}, Labels: &supply.Labels{Planner: map[string]string{}}}
	for _, path := range shares {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var s factoryShare
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil || s.Problem == nil {
			return nil, &InputError{fmt.Errorf("%s: not a shard's part of the factories' problem", path)}
		}
		day, err := series.ParseDate(s.Day)
		if err != nil {
			return nil, &InputError{fmt.Errorf("%s: its day %q is not a date", path, s.Day)}
		}
		if in.Day != 0 && day != in.Day {
			return nil, &InputError{fmt.Errorf("%s plans from %s and another shard from %s: rerun the shards on one day's data", path, day, in.Day)}
		}
		in.Day = day
		parts = append(parts, s.Problem)
		for sku, v := range s.Values {
			in.Terms[sku] = supply.PricingTerms{SKU: sku, UnitPrice: v[0], UnitCost: v[1]}
		}
		for sku, o := range s.Owners {
			in.Labels.Planner[sku] = o
		}
	}
	prob, err := production.Merge(parts)
	if err != nil {
		return nil, &InputError{err}
	}
	res, err := Produce(ctx, prob, cfg)
	if err != nil {
		return nil, err
	}
	rows, err := res.Write(ProduceFiles{Orders: filepath.Join(dir, "production."+cfg.Format), Load: filepath.Join(dir, "capacity_load.csv")})
	if err != nil {
		return nil, err
	}
	in.Production = res
	exs := Exceptions(in, ex)
	exceptions.Carry(exs, nil, in.Day)
	if err := export.WriteExceptions(filepath.Join(dir, ExceptionsName), exs); err != nil {
		return nil, err
	}
	rows[ExceptionsName] = int64(len(exs))
	figures := []Figure{}
	for _, f := range res.figures() {
		figures = append(figures, Figure(f))
	}
	return &ReducedProduction{Rows: rows, Figures: figures, TopExceptions: topOf(exs), Exceptions: len(exs)}, nil
}

// ReducedProduction is what ReduceProduction wrote (the files' rows), and
// production's key figures and exceptions (how many, and the first).
type ReducedProduction struct {
	Rows          map[string]int64
	Figures       []Figure
	TopExceptions []TopException
	Exceptions    int
}
