// Package study measures the store ranges the planner chooses on
// the synthetic retailer against the truth that made its sales: the
// margin each range earns on the true demand and transfer, beside an
// oracle's range (chosen knowing them) and the range a rule of thumb
// carries (everything that fits, by sales rank). The assortment
// notebook and its test run it.
package study

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/planner-engine/planner/assortment"
	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
)

// Result is the margin the three ranges earn on the truth, over every
// shelf, and the transfer shares beside their truth.
type Result struct {
	Shelves                 int
	Planner, Oracle, ByRank float64
	Shares                  []Share
}

// Share is one product's transfer share: the truth, and the planner's
// estimate from the sales.
type Share struct {
	SKU          string
	Truth        float64
	Estimate, SE float64
	Periods      int
	Default      bool
}

// Run generates the retailer into dir, loads it, forecasts it with fc,
// and chooses its ranges with cfg, as the nightly run's assort stage
// does; then prices them on the truth.
func Run(ctx context.Context, dir string, retailer synth.Config, fc config.Forecast, cfg config.Assort) (*Result, error) {
	gen, err := synth.Generate(ctx, dir, retailer, nil)
	if err != nil {
		return nil, err
	}
	store, err := datasets.Open(ctx, "", nil)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	if _, err := store.Load(ctx, datasets.LoadOptions{Files: gen.Inputs()}); err != nil {
		return nil, err
	}
	forecasts, err := pipeline.Forecast(ctx, store, fc)
	if err != nil {
		return nil, err
	}
	chain, _, err := pipeline.AssortChain(ctx, store, &forecasts.Forecasts.Forecasts, cfg)
	if err != nil {
		return nil, err
	}
	problems, _, err := chain.Problems()
	if err != nil {
		return nil, err
	}
	truth, err := synth.ReadTruthProducts(filepath.Join(dir, "truth", "products.csv"))
	if err != nil {
		return nil, err
	}
	last, err := series.ParseDate(gen.LastDate)
	if err != nil {
		return nil, err
	}
	days := min(cfg.HorizonDays, retailer.Horizon)
	means, err := synth.ReadTruthDemand(filepath.Join(dir, "truth", "demand.csv"), last+1, days)
	if err != nil {
		return nil, err
	}
	history, err := store.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily, MaxPeriods: 365})
	if err != nil {
		return nil, err
	}
	sold := map[[2]string]float64{}
	for i, k := range history.Keys {
		for _, v := range history.Series(i) {
			sold[[2]string{k.SKU, k.Location}] += v
		}
	}
	res := &Result{Shelves: len(problems)}
	for i, p := range problems {
		loc := chain.Stores[chain.Shelves[i].Store]
		planned, err := assortment.Choose(p)
		if err != nil {
			return nil, fmt.Errorf("%s, %s: %w", loc, chain.Shelves[i].Category, err)
		}
		tp := truthProblem(p, loc, truth, means)
		oracle, err := assortment.Choose(tp)
		if err != nil {
			return nil, err
		}
		res.Planner += tp.Evaluate(planned.Carry).Value
		res.Oracle += oracle.Value
		res.ByRank += tp.Evaluate(byRank(p, loc, sold)).Value
	}
	group := map[string]string{}
	for sku, t := range truth {
		group[sku] = t.Subcategory
	}
	estimates := assortment.EstimateShares(history, group, func(k series.Key) bool { return k.Channel == synth.ChannelStore })
	for _, sku := range slices.Sorted(maps.Keys(truth)) {
		e, ok := estimates[sku]
		res.Shares = append(res.Shares, Share{SKU: sku, Truth: truth[sku].Transfer, Estimate: e.Share, SE: e.SE, Periods: e.Periods, Default: !ok || e.Default})
	}
	return res, nil
}

// truthProblem is a shelf's choice as it truly is: each product's true
// demand at the store over the horizon, its true transfer share, and
// its subcategory's other products as its substitutes, weighted by
// their base demand, as the generator moves a missing product's demand.
func truthProblem(p *assortment.Problem, loc string, truth map[string]synth.TruthProduct, means map[series.Key][]float64) *assortment.Problem {
	tp := *p
	tp.Products = append([]assortment.Product(nil), p.Products...)
	tp.Substitutes = make([][]assortment.Substitute, len(p.Products))
	for a := range tp.Products {
		q := &tp.Products[a]
		var d float64
		for _, ch := range []string{synth.ChannelStore, synth.ChannelInstant} {
			for _, m := range means[series.Key{SKU: q.SKU, Location: loc, Channel: ch}] {
				d += m
			}
		}
		q.Demand, q.Transfer = d, truth[q.SKU].Transfer
		for b, o := range p.Products {
			if b != a && truth[o.SKU].Subcategory == truth[q.SKU].Subcategory && truth[o.SKU].BaseDaily > 0 {
				tp.Substitutes[a] = append(tp.Substitutes[a], assortment.Substitute{Index: b, Weight: truth[o.SKU].BaseDaily})
			}
		}
	}
	return &tp
}

// byRank is the rule of thumb: the must-carry products, then every
// product that still fits, by its sales at the store over the last year.
func byRank(p *assortment.Problem, loc string, sold map[[2]string]float64) []bool {
	carry := make([]bool, len(p.Products))
	var used float64
	order := make([]int, len(p.Products))
	for i := range order {
		order[i] = i
		if p.Products[i].MustCarry {
			carry[i] = true
			used += space(&p.Products[i])
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		sa, sb := sold[[2]string{p.Products[a].SKU, loc}], sold[[2]string{p.Products[b].SKU, loc}]
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	for _, i := range order {
		if s := space(&p.Products[i]); !carry[i] && used+s <= p.Space+1e-9 {
			carry[i] = true
			used += s
		}
	}
	return carry
}

func space(q *assortment.Product) float64 {
	return float64(max(1, q.MinFacings)) * q.Width
}
