package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/internal/progress"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/series"
)

// PricingInput reads what pricing needs from the source: the price
// history per period of freq (0: daily when the sales are daily, weekly
// otherwise), the product master, and the units each SKU has in stock or
// on the way across the network, less what is owed or promised.
func PricingInput(ctx context.Context, src Source, freq series.Freq) (*pricing.Input, error) {
	freq, err := priceFreq(ctx, src, freq)
	if err != nil {
		return nil, err
	}
	in, err := pricingTerms(ctx, src)
	if err != nil {
		return nil, err
	}
	if in.History, err = src.PriceHistory(ctx, freq); err != nil {
		return nil, err
	}
	// Prices apply from the network's plan date, as in the whole run.
	if end := historyEnd(src); end > in.History.End && len(in.History.Series) > 0 {
		in.History.End = end
	}
	return in, nil
}

// pricingTerms reads pricing's inputs but the history: the product master
// and the units each SKU has across the network.
func pricingTerms(ctx context.Context, src Source) (*pricing.Input, error) {
	in := &pricing.Input{Stock: map[string]float64{}}
	var err error
	if in.Products, err = src.PricingTerms(ctx); err != nil {
		return nil, err
	}
	snap, err := src.Supply(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range snap.Positions {
		in.Stock[p.SKU] += p.Inventory()
	}
	return in, nil
}

// priceFreq is the period pricing reads the history by: freq, or when 0,
// daily when the sales are daily and weekly otherwise.
func priceFreq(ctx context.Context, src Source, freq series.Freq) (series.Freq, error) {
	if freq != 0 {
		return freq, nil
	}
	f, err := src.Frequency(ctx)
	if err != nil || f == series.Daily {
		return f, err
	}
	return series.Weekly, nil
}

// pricePoolPart is how many price series the pre-pass fits at a time:
// under a gigabyte of history at two years of daily sales.
const pricePoolPart = 20_000

// learnPricePools learns the elasticities' priors (pricing.LearnPools) on
// every product of the source, as the price stage would on all of them,
// fitting the price history part series (whole SKUs) at a time so that a
// retailer of any size is read in bounded memory: the pre-pass of a run
// spread over shards. Without priced sales there are none (nil).
func learnPricePools(ctx context.Context, src Source, cfg config.Price, part int) (*pricing.Pools, error) {
	settings, err := cfg.Settings(config.Key("price"))
	if err != nil {
		return nil, err
	}
	freq, err := priceFreq(ctx, src, cfg.Period())
	if err != nil {
		return nil, err
	}
	terms, err := src.PricingTerms(ctx)
	if err != nil {
		return nil, err
	}
	learner := pricing.NewPoolLearner(&settings.Pool)
	priced := false
	for h, err := range src.PriceHistories(ctx, freq, part) {
		if err != nil {
			return nil, err
		}
		if len(h.Series) == 0 {
			continue
		}
		priced = true
		if err := learner.AddHistory(ctx, h, terms, &settings.Estimate); err != nil {
			return nil, err
		}
	}
	if !priced {
		return nil, nil
	}
	pools := learner.Pools()
	return &pools, nil
}

// PriceResult is the elasticities and price recommendations.
type PriceResult struct{ *pricing.Result }

// Price estimates every product's elasticity from the source's sales and
// recommends its everyday price or markdown with the price section's
// rules (pricing.Price). Without priced sales there is nothing to price (a
// *SkipError).
func Price(ctx context.Context, src Source, cfg config.Price) (*PriceResult, error) {
	settings, err := cfg.Settings(config.Key("price"))
	if err != nil {
		return nil, err
	}
	prog := progress.From(ctx)
	freq, err := priceFreq(ctx, src, cfg.Period())
	if err != nil {
		return nil, err
	}
	in, err := pricingTerms(ctx, src)
	if err != nil {
		return nil, err
	}
	settings.ReleaseHistory = true
	noPools := false
	if p := networkParams(src); p != nil {
		settings.Pools = p.PricePools
		// Without the network's pools a shard's would be its own: refused
		// below, where the shard has priced sales.
		noPools = p.PricePools == nil
	}
	// The history a part of whole SKUs at a time: each part is fitted
	// and let go before the next is read.
	end := historyEnd(src)
	observations := 0
	parts := func(yield func(*series.PriceHistory, error) bool) {
		for h, err := range src.PriceHistories(ctx, freq, pricePoolPart) {
			if err == nil && h != nil {
				// Prices apply from the network's plan date, as in
				// the whole run.
				if end > h.End {
					h.End = end
				}
				observations += h.Observations()
			}
			if !yield(h, err) {
				return
			}
		}
	}
	task := prog.Start("price: estimate and recommend", 0)
	res, err := pricing.PriceParts(ctx, parts, in, &settings)
	var none *pricing.NoHistoryError
	if errors.As(err, &none) {
		task.Fail()
		return nil, &SkipError{Reason: none.Error()}
	}
	if err != nil {
		task.Fail()
		return nil, err
	}
	if noPools {
		task.Fail()
		return nil, &InputError{errors.New("params: the parameters file has no price pools; split the data with the configuration that prices (a price section)")}
	}
	task.Done(fmt.Sprintf("%d products, %s location-periods", len(res.Elasticities), words.Commas(int64(observations))))
	return &PriceResult{res}, nil
}

// PriceFiles are the files the price stage writes; an empty name is not
// written.
type PriceFiles struct {
	Prices, Elasticities, Markdowns string
}

// Write writes the recommendations' files and returns their rows by name
// (for markdowns.csv, the products marked down).
func (r *PriceResult) Write(f PriceFiles) (map[string]int64, error) {
	rows := map[string]int64{}
	if f.Prices != "" {
		if err := export.WritePrices(f.Prices, r.Lines); err != nil {
			return nil, err
		}
		rows[baseName(f.Prices)] = int64(len(r.Lines))
	}
	if f.Elasticities != "" {
		if err := export.WriteElasticities(f.Elasticities, r.Elasticities, r.Fits); err != nil {
			return nil, err
		}
		rows[baseName(f.Elasticities)] = int64(len(r.Elasticities))
	}
	if f.Markdowns != "" {
		if err := export.WriteMarkdowns(f.Markdowns, r.Lines); err != nil {
			return nil, err
		}
		rows[baseName(f.Markdowns)] = int64(r.Summary().Markdowns)
	}
	return rows, nil
}

// Report says how the prices move, what pricing left out, and the
// exceptions.
func (r *PriceResult) Report() StageReport {
	s := r.Summary()
	med := "none"
	if s.MedianElastic != nil {
		med = fmt.Sprintf("%.2f", *s.MedianElastic)
	}
	rep := StageReport{Rows: map[string]int64{"products": int64(s.Products)},
		Summary: fmt.Sprintf("%d products from %s: median elasticity %s; %d prices up, %d down, %d unchanged, %d markdowns",
			s.Products, s.PlanDate, med, s.PriceUp, s.PriceDown, s.Unchanged, s.Markdowns)}
	if s.MarginCurrent != 0 {
		rep.Details = append(rep.Details, fmt.Sprintf("expected margin of the everyday prices %.2f -> %.2f, revenue %.2f -> %.2f",
			s.MarginCurrent, s.MarginNew, s.RevenueCurrent, s.RevenueNew))
	}
	for _, k := range slices.Sorted(maps.Keys(s.Flags)) {
		rep.Details = append(rep.Details, fmt.Sprintf("%d elasticities flagged %s: their group's estimate used", s.Flags[k], k))
	}
	for _, n := range r.Notes {
		rep.Details = append(rep.Details, "note: "+n)
		rep.Notes = append(rep.Notes, "price: "+n)
	}
	rep.listExceptions(r.Exceptions)
	return rep
}

// PriceSummary is planner price --json's object (docs/cli.md).
type PriceSummary struct {
	Products        int            `json:"products"`
	PlanDate        string         `json:"plan_date"`
	MedianElastic   *float64       `json:"median_elasticity"`
	Methods         map[string]int `json:"methods"`
	Flags           map[string]int `json:"flags"`
	Recommendations int            `json:"recommendations"`
	PriceUp         int            `json:"price_up"`
	PriceDown       int            `json:"price_down"`
	Unchanged       int            `json:"unchanged"`
	Markdowns       int            `json:"markdowns"`
	Bounds          map[string]int `json:"bounds"`
	// Everyday lines' expected revenue and margin before and after, over
	// their horizon (margins of the lines with a cost).
	RevenueCurrent float64  `json:"revenue_current"`
	RevenueNew     float64  `json:"revenue_new"`
	MarginCurrent  float64  `json:"margin_current"`
	MarginNew      float64  `json:"margin_new"`
	Notes          []string `json:"notes"`
	Exceptions     []string `json:"exceptions"`
	Seconds        float64  `json:"seconds"`
	Out            string   `json:"out,omitempty"`
	Elasticities   string   `json:"elasticities,omitempty"`
	MarkdownsFile  string   `json:"markdowns_file,omitempty"`
}

// Summary is the recommendations' --json object; the caller fills the
// files and Seconds.
func (r *PriceResult) Summary() PriceSummary {
	sum := PriceSummary{Products: len(r.Elasticities), PlanDate: r.PlanDate.String(), Methods: map[string]int{}, Flags: map[string]int{},
		Bounds: map[string]int{}, Notes: append([]string{}, r.Notes...), Exceptions: append([]string{}, r.Exceptions...)}
	var el []float64
	for _, e := range r.Elasticities {
		sum.Methods[e.Method]++
		if e.Flag != "" {
			sum.Flags[strings.Split(e.Flag, ";")[0]]++
		}
		if !math.IsNaN(e.Elasticity) {
			el = append(el, e.Elasticity)
		}
	}
	if len(el) > 0 {
		sort.Float64s(el)
		m := math.Round(el[len(el)/2]*1e4) / 1e4
		sum.MedianElastic = &m
	}
	for i := range r.Lines {
		l := &r.Lines[i]
		sum.Recommendations++
		if l.Kind == pricing.KindMarkdown {
			sum.Markdowns++
			continue
		}
		sum.Bounds[l.Bound]++
		switch {
		case l.New > l.Current+1e-9:
			sum.PriceUp++
		case l.New < l.Current-1e-9:
			sum.PriceDown++
		default:
			sum.Unchanged++
		}
		sum.RevenueCurrent += l.RevenueCurrent
		sum.RevenueNew += l.RevenueNew
		if !math.IsNaN(l.MarginCurrent) {
			sum.MarginCurrent += l.MarginCurrent
			sum.MarginNew += l.MarginNew
		}
	}
	for _, v := range []*float64{&sum.RevenueCurrent, &sum.RevenueNew, &sum.MarginCurrent, &sum.MarginNew} {
		*v = round2(*v)
	}
	return sum
}
