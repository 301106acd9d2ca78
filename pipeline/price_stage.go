package pipeline

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/report"
	"github.com/planner-engine/planner/series"
)

// PriceConfig is the price section of planner.yaml. Zero values mean the
// defaults in DefaultPriceConfig.
type PriceConfig struct {
	// Freq is the period of the demand model: D or W (default: the
	// sales' own).
	Freq string `yaml:"freq,omitempty" json:"freq,omitempty"`
	// Objective is profit or revenue.
	Objective string `yaml:"objective,omitempty" json:"objective,omitempty"`
	// MaxChange is the largest price move per run, as a share of the
	// current price.
	MaxChange float64 `yaml:"max_change,omitempty" json:"max_change,omitempty"`
	// MinMargin is the least (price - cost) / price of a new price.
	MinMargin float64 `yaml:"min_margin,omitempty" json:"min_margin,omitempty"`
	// Endings are the price ladder's endings, such as "0.49,0.99", or any.
	Endings string `yaml:"endings,omitempty" json:"endings,omitempty"`
	// ExitWeeks, OverstockWeeks and SalvageRate choose and value markdowns
	// (see PricingSettings).
	ExitWeeks      int     `yaml:"exit_weeks,omitempty" json:"exit_weeks,omitempty"`
	OverstockWeeks float64 `yaml:"overstock_weeks,omitempty" json:"overstock_weeks,omitempty"`
	SalvageRate    float64 `yaml:"salvage_rate,omitempty" json:"salvage_rate,omitempty"`
	// Format of the prices file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultPriceConfig returns the price settings of an empty section.
func DefaultPriceConfig() PriceConfig {
	return PriceConfig{Objective: pricing.Profit, MaxChange: 0.10, Endings: "0.49,0.99", ExitWeeks: 13, OverstockWeeks: 26, Format: "csv"}
}

func (c *PriceConfig) resolve() error {
	d := DefaultPriceConfig()
	if c.Objective == "" {
		c.Objective = d.Objective
	}
	if c.MaxChange == 0 {
		c.MaxChange = d.MaxChange
	}
	if c.Endings == "" {
		c.Endings = d.Endings
	}
	if c.ExitWeeks == 0 {
		c.ExitWeeks = d.ExitWeeks
	}
	if c.OverstockWeeks == 0 {
		c.OverstockWeeks = d.OverstockWeeks
	}
	if c.Format == "" {
		c.Format = d.Format
	}
	if c.Freq != "" {
		f, err := series.ParseFreq(c.Freq)
		if err != nil || (f != series.Daily && f != series.Weekly) {
			return fmt.Errorf("price.freq %q is not D or W", c.Freq)
		}
	}
	if _, err := pricing.ParseLadder(c.Endings); err != nil {
		return fmt.Errorf("price.endings: %w", err)
	}
	switch {
	case c.Objective != pricing.Profit && c.Objective != pricing.Revenue:
		return fmt.Errorf("price.objective %q is not profit or revenue", c.Objective)
	case c.MaxChange <= 0 || c.MaxChange >= 1:
		return fmt.Errorf("price.max_change must be in (0, 1) (got %v)", c.MaxChange)
	case c.MinMargin < 0 || c.MinMargin >= 1:
		return fmt.Errorf("price.min_margin must be in [0, 1) (got %v)", c.MinMargin)
	case c.ExitWeeks < 0 || c.SalvageRate < 0:
		return fmt.Errorf("price.exit_weeks and salvage_rate must be 0 or more")
	}
	return checkPlanFormat("price", c.Format)
}

// Settings turns the section into the pricing settings.
func (c *PriceConfig) Settings() PricingSettings {
	ladder, _ := pricing.ParseLadder(c.Endings)
	if ladder.Endings == nil {
		ladder.Endings = []float64{}
	}
	md := pricing.DefaultMarkdownRules()
	md.Ladder = ladder
	return PricingSettings{
		Rules:     pricing.Rules{Objective: c.Objective, MaxChange: c.MaxChange, MinMargin: c.MinMargin, Ladder: ladder},
		Markdown:  md,
		ExitWeeks: c.ExitWeeks, OverstockWeeks: c.OverstockWeeks, SalvageRate: c.SalvageRate,
	}
}

// PriceStage estimates elasticities and recommends prices and markdowns
// from the database, as planner price --db does, and writes prices,
// elasticities.csv and markdowns.csv. It runs when planner.yaml has a
// price section.
type PriceStage struct{}

// Name implements Stage.
func (PriceStage) Name() string { return "price" }

// Run implements Stage.
func (PriceStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	pc := r.Config.Price
	if pc == nil {
		return StageReport{Summary: "skipped: no price section in the configuration"}, nil
	}
	freq := series.Freq(0)
	if pc.Freq != "" {
		freq, _ = series.ParseFreq(pc.Freq)
	}
	in, err := ReadPricingInput(ctx, r.Store, freq)
	if err != nil {
		return StageReport{}, err
	}
	settings := pc.Settings()
	settings.ReleaseHistory = true
	res, err := Price(ctx, in, &settings)
	if err != nil {
		return StageReport{Summary: "skipped: " + err.Error()}, nil
	}
	r.prices = res
	name := "prices." + pc.Format
	writes := []struct {
		name  string
		write func(string) error
	}{
		{name, func(p string) error { return export.WritePrices(p, res.Lines) }},
		{"elasticities.csv", func(p string) error { return export.WriteElasticities(p, res.Elasticities, res.Fits) }},
		{"markdowns.csv", func(p string) error { return export.WriteMarkdowns(p, res.Lines) }},
	}
	for _, w := range writes {
		if err := w.write(filepath.Join(r.Dir, w.name)); err != nil {
			return StageReport{}, err
		}
		if err := r.record(w.name); err != nil {
			return StageReport{}, err
		}
	}
	up, down, markdowns := priceMoves(res.Lines)
	rep := StageReport{Exceptions: len(res.Exceptions), Notes: res.Notes,
		Rows: map[string]int64{name: int64(len(res.Lines)), "elasticities.csv": int64(len(res.Elasticities))}}
	for _, e := range res.Exceptions {
		rep.Notes = append(rep.Notes, "price: "+e)
	}
	rep.Summary = fmt.Sprintf("%d products: %d prices up, %d down, %d markdowns", len(res.Elasticities), up, down, markdowns)
	return rep, nil
}

// priceMoves counts everyday prices up and down, and markdowns.
func priceMoves(lines []pricing.Line) (up, down, markdowns int) {
	for i := range lines {
		l := &lines[i]
		switch {
		case l.Kind == pricing.KindMarkdown:
			markdowns++
		case l.New > l.Current+1e-9:
			up++
		case l.New < l.Current-1e-9:
			down++
		}
	}
	return up, down, markdowns
}

// reportPriceRows is how many price lines each report table lists.
const reportPriceRows = 15

// priceTables are the report's price sections: the everyday price moves
// with the largest expected margin change (revenue without a cost), and
// the markdowns, largest stock first.
func priceTables(res *PricingResult) []report.Table {
	gain := func(l *pricing.Line) float64 {
		if math.IsNaN(l.MarginCurrent) {
			return l.RevenueNew - l.RevenueCurrent
		}
		return l.MarginNew - l.MarginCurrent
	}
	var moves, markdowns []*pricing.Line
	for i := range res.Lines {
		l := &res.Lines[i]
		switch {
		case l.Kind == pricing.KindMarkdown:
			markdowns = append(markdowns, l)
		case l.New != l.Current:
			moves = append(moves, l)
		}
	}
	sort.SliceStable(moves, func(a, b int) bool { return gain(moves[a]) > gain(moves[b]) })
	sort.SliceStable(markdowns, func(a, b int) bool { return markdowns[a].Stock > markdowns[b].Stock })
	f2 := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	var out []report.Table
	if len(moves) > 0 {
		t := report.Table{Title: fmt.Sprintf("Price moves (%d)", len(moves)),
			Note:    "Largest expected gain first (margin, or revenue where there is no cost), over each line's horizon; all lines are in prices.csv and the workbook's Prices sheet.",
			Header:  []string{"SKU", "Location", "Price", "New price", "Elasticity", "Expected gain", "Held by"},
			Numeric: []bool{false, false, true, true, true, true, false}}
		for _, l := range moves[:min(len(moves), reportPriceRows)] {
			t.Rows = append(t.Rows, []string{l.SKU, l.Location, f2(l.Current), f2(l.New),
				fmt.Sprintf("%.2f ± %.2f", l.Elasticity, l.StdError), f2(gain(l)), l.Bound})
		}
		out = append(out, t)
	}
	if len(markdowns) > 0 {
		t := report.Table{Title: fmt.Sprintf("Markdowns (%d)", len(markdowns)),
			Note:    "Products ending soon or overstocked; the week-by-week prices are in markdowns.csv.",
			Header:  []string{"SKU", "Stock", "Price", "First price", "Weeks", "Expected units left"},
			Numeric: []bool{false, true, true, true, true, true}}
		for _, l := range markdowns[:min(len(markdowns), reportPriceRows)] {
			t.Rows = append(t.Rows, []string{l.SKU, f2(l.Stock), f2(l.Current), f2(l.New),
				strconv.Itoa(len(l.Markdown.Prices)), f2(l.Markdown.Leftover)})
		}
		out = append(out, t)
	}
	return out
}

// priceFigures are the key figures of the price stage.
func priceFigures(res *PricingResult) []export.Figure {
	up, down, markdowns := priceMoves(res.Lines)
	var before, after float64
	for i := range res.Lines {
		l := &res.Lines[i]
		if l.Kind == pricing.KindEveryday && !math.IsNaN(l.MarginCurrent) {
			before += l.MarginCurrent
			after += l.MarginNew
		}
	}
	return []export.Figure{{Name: "Price increases", Value: float64(up)}, {Name: "Price decreases", Value: float64(down)},
		{Name: "Markdowns", Value: float64(markdowns)},
		{Name: "Expected margin change of new prices (28 days)", Value: math.Round((after-before)*100) / 100}}
}
