package pipeline

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/report"
	"github.com/planner-engine/planner/series"
)

// PriceConfig is the price section of planner.yaml, and the settings of
// planner price. Zero values mean the defaults in DefaultPriceConfig.
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
	// MarkdownSteps are the discounts a markdown may use, such as
	// "0.1,0.2,0.3".
	MarkdownSteps string `yaml:"markdown_steps,omitempty" json:"markdown_steps,omitempty"`
	// HorizonDays, ExitWeeks, OverstockWeeks and SalvageRate: see
	// PricingSettings.
	HorizonDays    int     `yaml:"horizon_days,omitempty" json:"horizon_days,omitempty"`
	ExitWeeks      int     `yaml:"exit_weeks,omitempty" json:"exit_weeks,omitempty"`
	OverstockWeeks float64 `yaml:"overstock_weeks,omitempty" json:"overstock_weeks,omitempty"`
	SalvageRate    float64 `yaml:"salvage_rate,omitempty" json:"salvage_rate,omitempty"`
	// Format of the prices file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultPriceConfig returns the price settings of an empty section.
func DefaultPriceConfig() PriceConfig {
	return PriceConfig{Objective: pricing.Profit, MaxChange: 0.10, Endings: "0.49,0.99", MarkdownSteps: "0.1,0.2,0.3,0.4,0.5,0.6,0.7",
		HorizonDays: 28, ExitWeeks: 13, OverstockWeeks: 26, Format: "csv"}
}

func (c *PriceConfig) resolve() error {
	d := DefaultPriceConfig()
	for _, f := range []struct{ v, def *string }{{&c.Objective, &d.Objective}, {&c.Endings, &d.Endings},
		{&c.MarkdownSteps, &d.MarkdownSteps}, {&c.Format, &d.Format}} {
		if *f.v == "" {
			*f.v = *f.def
		}
	}
	if c.MaxChange == 0 {
		c.MaxChange = d.MaxChange
	}
	if c.HorizonDays == 0 {
		c.HorizonDays = d.HorizonDays
	}
	if c.ExitWeeks == 0 {
		c.ExitWeeks = d.ExitWeeks
	}
	if c.OverstockWeeks == 0 {
		c.OverstockWeeks = d.OverstockWeeks
	}
	if _, err := c.Settings(func(key string) string { return "price." + key }); err != nil {
		return err
	}
	return checkPlanFormat("price", c.Format)
}

// Settings checks the settings and turns them into pricing settings;
// errors name a setting by name(key), key being the planner.yaml key
// (max_change), so a command can name its flag instead.
func (c *PriceConfig) Settings(name func(key string) string) (PricingSettings, error) {
	if c.Freq != "" {
		if f, err := series.ParseFreq(c.Freq); err != nil || (f != series.Daily && f != series.Weekly) {
			return PricingSettings{}, fmt.Errorf("%s %q is not D or W", name("freq"), c.Freq)
		}
	}
	ladder, err := pricing.ParseLadder(c.Endings)
	if err != nil {
		return PricingSettings{}, fmt.Errorf("%s: %w", name("endings"), err)
	}
	md := pricing.MarkdownRules{Ladder: ladder}
	for _, f := range strings.Split(c.MarkdownSteps, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || v <= 0 || v >= 1 {
			return PricingSettings{}, fmt.Errorf("%s: %q is not a discount in (0, 1) such as 0.3", name("markdown_steps"), f)
		}
		md.Discounts = append(md.Discounts, v)
	}
	switch {
	case c.Objective != pricing.Profit && c.Objective != pricing.Revenue:
		return PricingSettings{}, fmt.Errorf("%s %q is not profit or revenue", name("objective"), c.Objective)
	case c.MaxChange <= 0 || c.MaxChange >= 1:
		return PricingSettings{}, fmt.Errorf("%s must be in (0, 1) (got %v)", name("max_change"), c.MaxChange)
	case c.MinMargin < 0 || c.MinMargin >= 1:
		return PricingSettings{}, fmt.Errorf("%s must be in [0, 1) (got %v)", name("min_margin"), c.MinMargin)
	case c.HorizonDays < 1:
		return PricingSettings{}, fmt.Errorf("%s must be at least 1 (got %d)", name("horizon_days"), c.HorizonDays)
	case c.ExitWeeks < 0:
		return PricingSettings{}, fmt.Errorf("%s must be 0 or more (got %d)", name("exit_weeks"), c.ExitWeeks)
	case c.SalvageRate < 0:
		return PricingSettings{}, fmt.Errorf("%s must be 0 or more (got %v)", name("salvage_rate"), c.SalvageRate)
	}
	return PricingSettings{
		Rules:       pricing.Rules{Objective: c.Objective, MaxChange: c.MaxChange, MinMargin: c.MinMargin, Ladder: ladder},
		Markdown:    md,
		HorizonDays: c.HorizonDays, ExitWeeks: c.ExitWeeks, OverstockWeeks: c.OverstockWeeks, SalvageRate: c.SalvageRate,
	}, nil
}

// Period returns the demand model's period: Freq, or 0 for the sales' own.
func (c *PriceConfig) Period() series.Freq {
	if c.Freq == "" {
		return 0
	}
	f, _ := series.ParseFreq(c.Freq)
	return f
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
	in, err := ReadPricingInput(ctx, r.Store, pc.Period())
	if err != nil {
		return StageReport{}, err
	}
	settings, err := pc.Settings(func(key string) string { return "price." + key })
	if err != nil {
		return StageReport{}, err
	}
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
