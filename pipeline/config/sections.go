package config

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"filippo.io/age"

	"github.com/planner-engine/planner/allocation"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/forecast/hierarchy"
	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/production"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// Forecast is the forecast section of planner.yaml, and the settings of
// planner forecast.
type Forecast struct {
	// Horizon is how many periods to forecast.
	Horizon int `yaml:"horizon" json:"horizon"`
	// Freq is D, W or M; empty for the sales' own.
	Freq      string    `yaml:"freq,omitempty" json:"freq,omitempty"`
	Quantiles []float64 `yaml:"quantiles,omitempty" json:"quantiles,omitempty"`
	// Models is auto, a model, or a comma-separated list to choose among.
	Models string `yaml:"models,omitempty" json:"models,omitempty"`
	// Window is the most recent periods a model is fitted on: 0 for three
	// years, -1 for all.
	Window int `yaml:"window,omitempty" json:"window,omitempty"`
	// Drivers is auto, on or off: prices and promotions as demand drivers.
	Drivers string `yaml:"drivers,omitempty" json:"drivers,omitempty"`
	// Reconcile is none, bu, td or mint.
	Reconcile string `yaml:"reconcile,omitempty" json:"reconcile,omitempty"`
	// Format of the forecasts file: csv or parquet.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
	// Peaks is auto or off: learn the effect of the calendar's peaks
	// (events of kind peak) from their past occurrences and forecast the
	// next ones with it (auto, when the calendar has any).
	Peaks string `yaml:"peaks,omitempty" json:"peaks,omitempty"`
	// PeakDaysBefore and PeakDaysAfter are the days before and after a
	// peak whose demand it moves (the wait before it, the pull-forward
	// after it); 0 means 3 and 7.
	PeakDaysBefore int `yaml:"peak_days_before,omitempty" json:"peak_days_before,omitempty"`
	PeakDaysAfter  int `yaml:"peak_days_after,omitempty" json:"peak_days_after,omitempty"`
}

// DefaultForecast returns the forecast settings of an empty section.
func DefaultForecast() Forecast {
	return Forecast{Horizon: 28, Quantiles: forecast.DefaultQuantiles, Models: "auto", Drivers: "auto", Reconcile: "none", Format: "csv", Peaks: "auto"}
}

func (f *Forecast) fill() {
	d := DefaultForecast()
	if f.Horizon == 0 {
		f.Horizon = d.Horizon
	}
	if f.Quantiles == nil {
		f.Quantiles = d.Quantiles
	}
	fillString(&f.Models, d.Models)
	fillString(&f.Drivers, d.Drivers)
	fillString(&f.Reconcile, d.Reconcile)
	fillString(&f.Format, d.Format)
	fillString(&f.Peaks, d.Peaks)
}

// Check checks the settings, naming each as name(key) does.
func (f *Forecast) Check(name func(string) string) error {
	if f.Horizon < 1 {
		return fmt.Errorf("%s must be at least 1 (got %d)", name("horizon"), f.Horizon)
	}
	if f.Freq != "" {
		if _, err := series.ParseFreq(f.Freq); err != nil {
			return fmt.Errorf("%s %q is not D, W or M", name("freq"), f.Freq)
		}
	}
	if len(f.Quantiles) == 0 {
		return fmt.Errorf("%s names no quantile", name("quantiles"))
	}
	for i, q := range f.Quantiles {
		if !(q > 0 && q < 1) {
			return fmt.Errorf("%s: %v is not strictly between 0 and 1", name("quantiles"), q)
		}
		if i > 0 && q <= f.Quantiles[i-1] {
			return fmt.Errorf("%s must be sorted and distinct (got %s)", name("quantiles"), floats(f.Quantiles))
		}
	}
	if _, err := forecast.ParseModels(f.Models); err != nil {
		return fmt.Errorf("%s: %w", name("models"), err)
	}
	if f.Window < -1 {
		return fmt.Errorf("%s must be -1 (all), 0 (three years) or a number of periods (got %d)", name("window"), f.Window)
	}
	switch f.Drivers {
	case "auto", "on", "off":
	default:
		return fmt.Errorf("%s %q is not auto, on or off", name("drivers"), f.Drivers)
	}
	if f.Reconcile != "none" {
		if _, err := hierarchy.ParseMethod(f.Reconcile); err != nil {
			return fmt.Errorf("%s %q is not none, bu, td or mint", name("reconcile"), f.Reconcile)
		}
	}
	if f.Format != "csv" && f.Format != "parquet" {
		return fmt.Errorf("%s %q is not csv or parquet", name("format"), f.Format)
	}
	if f.Peaks != "" && f.Peaks != "auto" && f.Peaks != "off" {
		return fmt.Errorf("%s %q is not auto or off", name("peaks"), f.Peaks)
	}
	if f.PeakDaysBefore < 0 || f.PeakDaysBefore > 60 {
		return fmt.Errorf("%s must be 0 to 60 days (got %d)", name("peak_days_before"), f.PeakDaysBefore)
	}
	if f.PeakDaysAfter < 0 || f.PeakDaysAfter > 60 {
		return fmt.Errorf("%s must be 0 to 60 days (got %d)", name("peak_days_after"), f.PeakDaysAfter)
	}
	return nil
}

// Period returns the period to forecast at: Freq, or 0 for the sales' own.
func (f *Forecast) Period() series.Freq {
	p, _ := series.ParseFreq(f.Freq)
	return p
}

// Replenish is the replenish section of planner.yaml, and the settings of
// planner replenish.
type Replenish struct {
	// Policy is auto, order-up-to, base-stock, reorder-point or min-max.
	Policy string  `yaml:"policy,omitempty" json:"policy,omitempty"`
	Target float64 `yaml:"target,omitempty" json:"target,omitempty"`
	// TargetType is fill (fill rate) or csl (cycle service level).
	TargetType string `yaml:"target_type,omitempty" json:"target_type,omitempty"`
	// ClassTargets are levels per ABC / XYZ class, such as A=0.98,B=0.95.
	ClassTargets string `yaml:"class_targets,omitempty" json:"class_targets,omitempty"`
	// Targets is a CSV of per-SKU targets (sku,target or
	// sku,location,target), which override the classes'.
	Targets string `yaml:"targets,omitempty" json:"targets,omitempty"`
	// Format of the orders file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultReplenish returns the replenish settings of an empty section.
func DefaultReplenish() Replenish {
	return Replenish{Policy: "order-up-to", Target: 0.95, TargetType: "fill", Format: "csv"}
}

func (c *Replenish) fill() {
	d := DefaultReplenish()
	fillString(&c.Policy, d.Policy)
	fillFloat(&c.Target, d.Target)
	fillString(&c.TargetType, d.TargetType)
	fillString(&c.Format, d.Format)
}

// Check checks the settings, naming each as name(key) does.
func (c *Replenish) Check(name func(string) string) error {
	if _, err := replenish.PolicyNamed(c.Policy, 0); err != nil {
		return fmt.Errorf("%s %w", name("policy"), err)
	}
	if !(c.Target > 0 && c.Target < 1) {
		return fmt.Errorf("%s must be between 0 and 1 (got %v)", name("target"), c.Target)
	}
	if _, err := replenish.ParseTargetType(c.TargetType); err != nil {
		return fmt.Errorf("%s %q is not fill or csl", name("target_type"), c.TargetType)
	}
	if _, err := replenish.ParseClassTargets(c.ClassTargets); err != nil {
		return fmt.Errorf("%s: %w", name("class_targets"), err)
	}
	return checkPlanFormat(name("format"), c.Format)
}

// Allocate is the allocate section of planner.yaml, and the settings of
// planner allocate.
type Allocate struct {
	// Method is marginal, fair-share, equal-cover or priority.
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// HorizonDays is the days until the next delivery: the demand the
	// stock must cover.
	HorizonDays int `yaml:"horizon_days,omitempty" json:"horizon_days,omitempty"`
	// Service is the probability a store's target stock meets that demand.
	Service float64 `yaml:"service,omitempty" json:"service,omitempty"`
	// ReserveShare is the share of each DC's stock kept back for online
	// orders.
	ReserveShare float64 `yaml:"reserve_share,omitempty" json:"reserve_share,omitempty"`
	// Format of the allocation file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultAllocate returns the allocate settings of an empty section.
func DefaultAllocate() Allocate {
	return Allocate{Method: "marginal", HorizonDays: 7, Service: 0.95, Format: "csv"}
}

func (c *Allocate) fill() {
	d := DefaultAllocate()
	fillString(&c.Method, d.Method)
	fillInt(&c.HorizonDays, d.HorizonDays)
	fillFloat(&c.Service, d.Service)
	fillString(&c.Format, d.Format)
}

// Check checks the settings, naming each as name(key) does.
func (c *Allocate) Check(name func(string) string) error {
	if _, err := allocation.MethodNamed(c.Method); err != nil {
		return fmt.Errorf("%s %q is not marginal, fair-share, equal-cover or priority", name("method"), c.Method)
	}
	if err := checkStock(name, c.HorizonDays, c.Service); err != nil {
		return err
	}
	if !(c.ReserveShare >= 0 && c.ReserveShare < 1) {
		return fmt.Errorf("%s must be at least 0 and below 1 (got %v)", name("reserve_share"), c.ReserveShare)
	}
	return checkPlanFormat(name("format"), c.Format)
}

// checkStock checks the settings allocation and rebalancing share.
func checkStock(name func(string) string, horizonDays int, service float64) error {
	if horizonDays < 1 {
		return fmt.Errorf("%s must be at least 1 (got %d)", name("horizon_days"), horizonDays)
	}
	if !(service > 0 && service < 1) {
		return fmt.Errorf("%s must be between 0 and 1 (got %v)", name("service"), service)
	}
	return nil
}

// Rebalance is the settings of planner rebalance (which has no nightly
// stage yet).
type Rebalance struct {
	// HorizonDays and Service as in Allocate: the demand a store's stock
	// must cover, and how surely.
	HorizonDays int     `yaml:"horizon_days,omitempty" json:"horizon_days,omitempty"`
	Service     float64 `yaml:"service,omitempty" json:"service,omitempty"`
	// TransferCost is the fixed cost of one transfer and UnitCost the
	// cost of moving one unit, in units of sales value (1 per unit sold).
	TransferCost float64 `yaml:"transfer_cost,omitempty" json:"transfer_cost,omitempty"`
	UnitCost     float64 `yaml:"unit_cost,omitempty" json:"unit_cost,omitempty"`
	// MinTransfer is the fewest units worth moving; MaxTransfers the most
	// transfers a store sends or receives in one plan.
	MinTransfer  float64 `yaml:"min_transfer,omitempty" json:"min_transfer,omitempty"`
	MaxTransfers int     `yaml:"max_transfers,omitempty" json:"max_transfers,omitempty"`
	// Format of the transfers file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultRebalance returns the default settings of planner rebalance.
func DefaultRebalance() Rebalance {
	return Rebalance{HorizonDays: 7, Service: 0.95, MinTransfer: 1, MaxTransfers: 2, Format: "csv"}
}

// Check checks the settings, naming each as name(key) does.
func (c *Rebalance) Check(name func(string) string) error {
	if err := checkStock(name, c.HorizonDays, c.Service); err != nil {
		return err
	}
	switch {
	case !(c.TransferCost >= 0 && finite(c.TransferCost)):
		return fmt.Errorf("%s must be 0 or more (got %v)", name("transfer_cost"), c.TransferCost)
	case !(c.UnitCost >= 0 && finite(c.UnitCost)):
		return fmt.Errorf("%s must be 0 or more (got %v)", name("unit_cost"), c.UnitCost)
	case !(c.MinTransfer >= 0 && finite(c.MinTransfer)):
		return fmt.Errorf("%s must be 0 or more (got %v)", name("min_transfer"), c.MinTransfer)
	case c.MaxTransfers < 1:
		return fmt.Errorf("%s must be at least 1 (got %d)", name("max_transfers"), c.MaxTransfers)
	}
	return checkPlanFormat(name("format"), c.Format)
}

// Produce is the produce section of planner.yaml, and the settings of
// planner produce.
type Produce struct {
	// Weeks to plan; at most what the forecast horizon covers.
	Weeks int `yaml:"weeks,omitempty" json:"weeks,omitempty"`
	// Quantile of the forecast to plan for; 0 is the mean.
	Quantile    float64 `yaml:"quantile,omitempty" json:"quantile,omitempty"`
	SetupCost   float64 `yaml:"setup_cost,omitempty" json:"setup_cost,omitempty"`
	HoldingRate float64 `yaml:"holding_rate,omitempty" json:"holding_rate,omitempty"`
	// Method is auto, ww, silver-meal, lfl or fpq.
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Service sets the safety stock left out of the netting
	// (production.Settings); negative nets all stock.
	Service float64 `yaml:"service,omitempty" json:"service,omitempty"`
	// Frozen is how many first weeks are released already.
	Frozen int `yaml:"frozen,omitempty" json:"frozen,omitempty"`
	// Format of the production orders file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultProduce returns the produce settings of an empty section.
func DefaultProduce() Produce {
	return Produce{Weeks: 13, SetupCost: 100, HoldingRate: 0.25, Method: "auto", Service: 0.95, Format: "csv"}
}

func (c *Produce) fill() {
	d := DefaultProduce()
	fillInt(&c.Weeks, d.Weeks)
	fillFloat(&c.SetupCost, d.SetupCost)
	fillFloat(&c.HoldingRate, d.HoldingRate)
	fillString(&c.Method, d.Method)
	fillFloat(&c.Service, d.Service)
	fillString(&c.Format, d.Format)
}

// Check checks the settings, naming each as name(key) does.
func (c *Produce) Check(name func(string) string) error {
	if _, err := c.Sizer(); err != nil {
		return fmt.Errorf("%s %q is not auto, ww, silver-meal, lfl or fpq", name("method"), c.Method)
	}
	switch {
	case c.Weeks < 1:
		return fmt.Errorf("%s must be at least 1 (got %d)", name("weeks"), c.Weeks)
	case !(c.Quantile >= 0 && c.Quantile < 1):
		return fmt.Errorf("%s must be 0 (the mean) or a level below 1 (got %v)", name("quantile"), c.Quantile)
	case !(c.Service < 1) || math.IsInf(c.Service, -1):
		return fmt.Errorf("%s must be below 1 (got %v)", name("service"), c.Service)
	case !(c.SetupCost >= 0 && finite(c.SetupCost)):
		return fmt.Errorf("%s must be 0 or more (got %v)", name("setup_cost"), c.SetupCost)
	case !(c.HoldingRate >= 0 && finite(c.HoldingRate)):
		return fmt.Errorf("%s must be 0 or more (got %v)", name("holding_rate"), c.HoldingRate)
	case c.Frozen < 0:
		return fmt.Errorf("%s must be 0 or more (got %d)", name("frozen"), c.Frozen)
	}
	return checkPlanFormat(name("format"), c.Format)
}

// Sizer returns the lot sizer of Method; nil for auto (every sizer as a
// start, the cheapest plan kept).
func (c *Produce) Sizer() (production.LotSizer, error) {
	if c.Method == "auto" {
		return nil, nil
	}
	return production.LotSizerNamed(c.Method)
}

// Settings turns the section into production's settings for a plan of
// weeks weeks.
func (c *Produce) Settings(weeks int) production.Settings {
	return production.Settings{Weeks: weeks, Quantile: c.Quantile, SetupCost: c.SetupCost, HoldingRate: c.HoldingRate, Service: c.Service}
}

// Price is the price section of planner.yaml, and the settings of planner
// price.
type Price struct {
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
	// pricing.Settings.
	HorizonDays    int     `yaml:"horizon_days,omitempty" json:"horizon_days,omitempty"`
	ExitWeeks      int     `yaml:"exit_weeks,omitempty" json:"exit_weeks,omitempty"`
	OverstockWeeks float64 `yaml:"overstock_weeks,omitempty" json:"overstock_weeks,omitempty"`
	SalvageRate    float64 `yaml:"salvage_rate,omitempty" json:"salvage_rate,omitempty"`
	// Format of the prices file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultPrice returns the price settings of an empty section.
func DefaultPrice() Price {
	return Price{Objective: pricing.Profit, MaxChange: 0.10, Endings: "0.49,0.99", MarkdownSteps: "0.1,0.2,0.3,0.4,0.5,0.6,0.7",
		HorizonDays: 28, ExitWeeks: 13, OverstockWeeks: 26, Format: "csv"}
}

func (c *Price) fill() {
	d := DefaultPrice()
	fillString(&c.Objective, d.Objective)
	fillString(&c.Endings, d.Endings)
	fillString(&c.MarkdownSteps, d.MarkdownSteps)
	fillString(&c.Format, d.Format)
	fillFloat(&c.MaxChange, d.MaxChange)
	fillInt(&c.HorizonDays, d.HorizonDays)
	fillInt(&c.ExitWeeks, d.ExitWeeks)
	fillFloat(&c.OverstockWeeks, d.OverstockWeeks)
}

// Check checks the settings, naming each as name(key) does.
func (c *Price) Check(name func(string) string) error {
	if _, err := c.Settings(name); err != nil {
		return err
	}
	return checkPlanFormat(name("format"), c.Format)
}

// Settings checks the settings and turns them into pricing's, naming a
// setting as name(key) does.
func (c *Price) Settings(name func(key string) string) (pricing.Settings, error) {
	if c.Freq != "" {
		if f, err := series.ParseFreq(c.Freq); err != nil || (f != series.Daily && f != series.Weekly) {
			return pricing.Settings{}, fmt.Errorf("%s %q is not D or W", name("freq"), c.Freq)
		}
	}
	ladder, err := pricing.ParseLadder(c.Endings)
	if err != nil {
		return pricing.Settings{}, fmt.Errorf("%s: %w", name("endings"), err)
	}
	md := pricing.MarkdownRules{Ladder: ladder}
	for _, f := range strings.Split(c.MarkdownSteps, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0 && v < 1) {
			return pricing.Settings{}, fmt.Errorf("%s: %q is not a discount between 0 and 1 such as 0.3", name("markdown_steps"), f)
		}
		md.Discounts = append(md.Discounts, v)
	}
	switch {
	case c.Objective != pricing.Profit && c.Objective != pricing.Revenue:
		return pricing.Settings{}, fmt.Errorf("%s %q is not profit or revenue", name("objective"), c.Objective)
	case !(c.MaxChange > 0 && c.MaxChange < 1):
		return pricing.Settings{}, fmt.Errorf("%s must be between 0 and 1 (got %v)", name("max_change"), c.MaxChange)
	case !(c.MinMargin >= 0 && c.MinMargin < 1):
		return pricing.Settings{}, fmt.Errorf("%s must be at least 0 and below 1 (got %v)", name("min_margin"), c.MinMargin)
	case c.HorizonDays < 1:
		return pricing.Settings{}, fmt.Errorf("%s must be at least 1 (got %d)", name("horizon_days"), c.HorizonDays)
	case c.ExitWeeks < 0:
		return pricing.Settings{}, fmt.Errorf("%s must be 0 or more (got %d)", name("exit_weeks"), c.ExitWeeks)
	case !(c.SalvageRate >= 0 && finite(c.SalvageRate)):
		return pricing.Settings{}, fmt.Errorf("%s must be 0 or more (got %v)", name("salvage_rate"), c.SalvageRate)
	case math.IsNaN(c.OverstockWeeks) || math.IsInf(c.OverstockWeeks, 0):
		return pricing.Settings{}, fmt.Errorf("%s must be a number of weeks, or negative for never (got %v)", name("overstock_weeks"), c.OverstockWeeks)
	}
	return pricing.Settings{
		Rules:       pricing.Rules{Objective: c.Objective, MaxChange: c.MaxChange, MinMargin: c.MinMargin, Ladder: ladder},
		Markdown:    md,
		HorizonDays: c.HorizonDays, ExitWeeks: c.ExitWeeks, OverstockWeeks: c.OverstockWeeks, SalvageRate: c.SalvageRate,
	}, nil
}

// Period returns the demand model's period: Freq, or 0 for the sales' own.
func (c *Price) Period() series.Freq {
	f, _ := series.ParseFreq(c.Freq)
	return f
}

// checkPlanFormat accepts the formats plan files are written in.
func checkPlanFormat(name, format string) error {
	switch format {
	case "csv", "parquet", "json", "jsonl":
		return nil
	}
	return fmt.Errorf("%s %q is not csv, parquet, json or jsonl", name, format)
}

func fillString(v *string, def string) {
	if *v == "" {
		*v = def
	}
}

func fillInt(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

func fillFloat(v *float64, def float64) {
	if *v == 0 {
		*v = def
	}
}

func floats(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// ModelNames are the forecast models, for --models' completion.
func ModelNames() []string { return forecast.ModelNames() }

// PolicyNames are the replenishment policies, for --policy's completion.
func PolicyNames() []string { return replenish.PolicyNames }

// MethodNames are the allocation methods, for --method's completion.
func MethodNames() []string {
	var out []string
	for _, m := range allocation.Methods() {
		out = append(out, m.Name())
	}
	return out
}

// SizerNames are the lot sizers, for produce --method's completion.
func SizerNames() []string { return []string{"auto", "ww", "silver-meal", "lfl", "fpq"} }

// Security is the security section of planner.yaml: how what the planner
// writes is protected (docs/security.md).
type Security struct {
	// FileMode is the permission of every file written, in octal: 0600,
	// 0640 (the default) or 0644. Plans carry costs and prices.
	FileMode string `yaml:"file_mode,omitempty" json:"file_mode,omitempty"`
	// Recipients are the age public keys (age1...) that archives are
	// encrypted to; only their identities can open them.
	Recipients []string `yaml:"recipients,omitempty" json:"recipients,omitempty"`
	// Archive is a folder: after each successful run its run folder is
	// written there as one file encrypted to Recipients.
	Archive string `yaml:"archive,omitempty" json:"archive,omitempty"`
}

// Check checks the section's values.
func (c *Security) Check(name func(string) string) error {
	if c.FileMode != "" {
		if _, err := fsutil.ParseMode(c.FileMode); err != nil {
			return fmt.Errorf("%s: %w", name("file_mode"), err)
		}
	}
	if _, err := c.AgeRecipients(name); err != nil {
		return err
	}
	if c.Archive != "" && len(c.Recipients) == 0 {
		return fmt.Errorf("%s needs %s: an archive leaves the machine, so it is encrypted, and only to keys named there", name("archive"), name("recipients"))
	}
	return nil
}

// AgeRecipients parses Recipients.
func (c *Security) AgeRecipients(name func(string) string) ([]age.Recipient, error) {
	var out []age.Recipient
	for i, r := range c.Recipients {
		recs, err := age.ParseRecipients(strings.NewReader(strings.TrimSpace(r)))
		if err != nil || len(recs) != 1 {
			return nil, fmt.Errorf("%s: entry %d is not an age public key (one starts age1 and comes from planner keygen or age-keygen)", name("recipients"), i+1)
		}
		out = append(out, recs[0])
	}
	return out, nil
}

// Exceptions is the exceptions section of planner.yaml: how the run's
// exceptions (exceptions.csv) are ranked, and the exit code of a run that
// has some.
type Exceptions struct {
	// ExitCode is what planner run exits with when the plans raised
	// exceptions: 3 by default, for scripts that rely on it; 0 for
	// schedulers (cron, Airflow, Kubernetes) that take any other code for
	// a failure.
	ExitCode int `yaml:"exit_code" json:"exit_code"`
	// HighValue and MediumValue are the values at risk (in the prices'
	// currency) from which an exception is high or medium severity.
	HighValue   float64 `yaml:"high_value,omitempty" json:"high_value"`
	MediumValue float64 `yaml:"medium_value,omitempty" json:"medium_value"`
	// PriceMove is the everyday price change, as a share of the current
	// price, from which a new price is an exception to check (markdowns
	// are planned clearance, not checked here).
	PriceMove float64 `yaml:"price_move,omitempty" json:"price_move"`
	// OverstockDays is the days of mean demand beyond which stock on hand
	// is overstock.
	OverstockDays float64 `yaml:"overstock_days,omitempty" json:"overstock_days"`
	// TrackingSignal is the limit of a series' tracking signal (its
	// forecasts' summed errors over their mean absolute error) beyond
	// which its forecast is biased.
	TrackingSignal float64 `yaml:"tracking_signal,omitempty" json:"tracking_signal"`
}

// DefaultExceptions are the section's defaults: exit code 3, high from
// 1000 at risk, medium from 100, price moves of 20% or more (above the
// price section's default largest move, so that a move it allows is not
// flagged unless that limit is raised), overstock beyond 90 days of
// demand, a tracking signal beyond 4 (Brown's customary limit).
func DefaultExceptions() Exceptions {
	return Exceptions{ExitCode: 3, HighValue: 1000, MediumValue: 100, PriceMove: 0.20, OverstockDays: 90, TrackingSignal: 4}
}

// Check checks the section's values.
func (c *Exceptions) Check(name func(string) string) error {
	switch {
	case c.ExitCode != 0 && (c.ExitCode < 3 || c.ExitCode > 125):
		return fmt.Errorf("%s must be 0 or from 3 to 125 (got %d): 1 and 2 mean a failed run and bad input", name("exit_code"), c.ExitCode)
	case !(c.HighValue >= 0 && c.HighValue < 1e15):
		return fmt.Errorf("%s must be 0 or more (got %v)", name("high_value"), c.HighValue)
	case !(c.MediumValue >= 0 && c.MediumValue <= c.HighValue):
		return fmt.Errorf("%s must be from 0 to %s (got %v)", name("medium_value"), name("high_value"), c.MediumValue)
	case !(c.PriceMove > 0 && c.PriceMove < 10):
		return fmt.Errorf("%s must be more than 0, as a share of the price (got %v)", name("price_move"), c.PriceMove)
	case !(c.OverstockDays >= 1 && c.OverstockDays <= 3650):
		return fmt.Errorf("%s must be from 1 to 3650 days (got %v)", name("overstock_days"), c.OverstockDays)
	case !(c.TrackingSignal > 0 && c.TrackingSignal < 1000):
		return fmt.Errorf("%s must be more than 0 (got %v)", name("tracking_signal"), c.TrackingSignal)
	}
	return nil
}

// ATP is the atp section of planner.yaml: what each sales channel may
// promise of a location's stock, one pool for every channel.
type ATP struct {
	// HorizonDays is the days whose demand the promises are sized for:
	// the days until the stock is next replenished.
	HorizonDays int `yaml:"horizon_days,omitempty" json:"horizon_days,omitempty"`
	// Channels are the channels' rules, by name; a channel the forecasts
	// have and this does not list costs 1 per lost sale, with no reserve
	// and no cap.
	Channels map[string]ATPChannel `yaml:"channels,omitempty" json:"channels,omitempty"`
	// Format of the atp file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// ATPChannel is one channel's rules (atp.Channel).
type ATPChannel struct {
	// LostSale is what a lost sale in the channel costs, relative to the
	// others; 1 when unset.
	LostSale float64 `yaml:"lost_sale,omitempty" json:"lost_sale,omitempty"`
	// Reserve is the units always kept for the channel.
	Reserve float64 `yaml:"reserve,omitempty" json:"reserve,omitempty"`
	// MaxShare is the largest share of a location's stock the channel may
	// promise; 0 for no cap.
	MaxShare float64 `yaml:"max_share,omitempty" json:"max_share,omitempty"`
}

// DefaultATP returns the atp settings of an empty section.
func DefaultATP() ATP {
	return ATP{HorizonDays: 1, Format: "csv"}
}

func (c *ATP) fill() {
	d := DefaultATP()
	fillInt(&c.HorizonDays, d.HorizonDays)
	fillString(&c.Format, d.Format)
	for name, ch := range c.Channels {
		fillFloat(&ch.LostSale, 1)
		c.Channels[name] = ch
	}
}

// Check checks the settings, naming each as name(key) does.
func (c *ATP) Check(name func(string) string) error {
	if c.HorizonDays < 1 {
		return fmt.Errorf("%s must be at least 1 (got %d)", name("horizon_days"), c.HorizonDays)
	}
	for _, ch := range slices.Sorted(maps.Keys(c.Channels)) {
		r := c.Channels[ch]
		key := func(k string) string { return name("channels." + ch + "." + k) }
		switch {
		case ch == "":
			return fmt.Errorf("%s names a channel with an empty name", name("channels"))
		case !(r.LostSale > 0) || math.IsInf(r.LostSale, 0):
			return fmt.Errorf("%s must be a number above 0 (got %v)", key("lost_sale"), r.LostSale)
		case !(r.Reserve >= 0) || math.IsInf(r.Reserve, 0):
			return fmt.Errorf("%s must be a number of units of at least 0 (got %v)", key("reserve"), r.Reserve)
		case !(r.MaxShare >= 0 && r.MaxShare <= 1):
			return fmt.Errorf("%s must be from 0 to 1 (got %v)", key("max_share"), r.MaxShare)
		}
	}
	return checkPlanFormat(name("format"), c.Format)
}

// Place is the place section of planner.yaml: where each SKU's stock
// should live (placement.Place). The stage runs only when the section is
// there.
type Place struct {
	// HorizonDays is the days of forecast the zones' demand is averaged
	// over, and the costs summed over.
	HorizonDays int `yaml:"horizon_days,omitempty" json:"horizon_days,omitempty"`
	// CoverDays is the days of demand a node's stock covers between its
	// deliveries (its lead time plus review period).
	CoverDays float64 `yaml:"cover_days,omitempty" json:"cover_days,omitempty"`
	// Service is the chance a node's stock covers its demand over the
	// cover days, which sizes its safety stock.
	Service float64 `yaml:"service,omitempty" json:"service,omitempty"`
	// HoldingRate is the yearly cost of holding a unit, as a share of its
	// unit cost.
	HoldingRate float64 `yaml:"holding_rate,omitempty" json:"holding_rate,omitempty"`
	// PromiseHours is each channel's delivery promise in hours, by name; a
	// channel not listed has none, and any lane serves it.
	PromiseHours map[string]float64 `yaml:"promise_hours,omitempty" json:"promise_hours,omitempty"`
	// Channels are the channels whose demand is placed, such as online
	// and instant when stores keep their own shelves from their DC; every
	// channel when empty.
	Channels []string `yaml:"channels,omitempty" json:"channels,omitempty"`
	// Advisory leaves the placement a recommendation: placement.csv is
	// written, but replenishment, allocation and the promises do not send
	// the placed channels' orders to the nodes it picks (by default they
	// do, over the fulfilment rules for those channels).
	Advisory bool `yaml:"advisory,omitempty" json:"advisory,omitempty"`
	// Format of the placement file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultPlace returns the place settings of an empty section.
func DefaultPlace() Place {
	return Place{HorizonDays: 28, CoverDays: 7, Service: 0.95, HoldingRate: 0.25, Format: "csv"}
}

func (c *Place) fill() {
	d := DefaultPlace()
	fillInt(&c.HorizonDays, d.HorizonDays)
	fillFloat(&c.CoverDays, d.CoverDays)
	fillFloat(&c.Service, d.Service)
	fillFloat(&c.HoldingRate, d.HoldingRate)
	fillString(&c.Format, d.Format)
}

// Check checks the settings, naming each as name(key) does.
func (c *Place) Check(name func(string) string) error {
	switch {
	case c.HorizonDays < 1:
		return fmt.Errorf("%s must be at least 1 (got %d)", name("horizon_days"), c.HorizonDays)
	case !(c.CoverDays > 0) || math.IsInf(c.CoverDays, 0):
		return fmt.Errorf("%s must be a number of days above 0 (got %v)", name("cover_days"), c.CoverDays)
	case !(c.Service > 0 && c.Service < 1):
		return fmt.Errorf("%s must be above 0 and below 1 (got %v)", name("service"), c.Service)
	case !(c.HoldingRate >= 0) || math.IsInf(c.HoldingRate, 0):
		return fmt.Errorf("%s must be a yearly share of the unit cost of at least 0 (got %v)", name("holding_rate"), c.HoldingRate)
	}
	for _, ch := range c.Channels {
		if strings.TrimSpace(ch) == "" {
			return fmt.Errorf("%s names a channel with an empty name", name("channels"))
		}
	}
	for _, ch := range slices.Sorted(maps.Keys(c.PromiseHours)) {
		if h := c.PromiseHours[ch]; !(h > 0) || math.IsInf(h, 0) {
			return fmt.Errorf("%s must be a number of hours above 0 (got %v)", name("promise_hours."+ch), h)
		}
	}
	return checkPlanFormat(name("format"), c.Format)
}

// Assort is the assort section of planner.yaml: each store's range per
// category (assortment.Choose). The stage runs only when the section is
// there and shelves are loaded.
type Assort struct {
	// HorizonDays is the days of forecast a range is chosen for.
	HorizonDays int `yaml:"horizon_days,omitempty" json:"horizon_days,omitempty"`
	// CarryCost is the cost of carrying one product at one store over
	// the horizon (its presentation stock, handling, a planogram slot).
	CarryCost float64 `yaml:"carry_cost,omitempty" json:"carry_cost,omitempty"`
	// Transfer is the share of a product's demand that moves to its
	// substitutes (the products of its subcategory) when it is not
	// carried: what the history's estimates are drawn toward, and the
	// share where the history has too few days without the product to
	// estimate it; 0.45 when unset.
	Transfer float64 `yaml:"transfer,omitempty" json:"transfer,omitempty"`
	// Clusters is the number of store clusters whose sales mix tells what
	// a product would sell where it is not carried.
	Clusters int `yaml:"clusters,omitempty" json:"clusters,omitempty"`
	// Advisory leaves the ranges a recommendation: assortment.csv is
	// written, but replenishment, allocation and the promises plan from
	// the forecasts as they are (by default a dropped product gets no
	// more stock, a kept one the demand that transfers to it, and an
	// added one its opening stock).
	Advisory bool `yaml:"advisory,omitempty" json:"advisory,omitempty"`
	// Format of the assortment file: csv, parquet, json or jsonl.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
}

// DefaultAssort returns the assort settings of an empty section.
func DefaultAssort() Assort {
	return Assort{HorizonDays: 28, CarryCost: 5, Transfer: 0.45, Clusters: 4, Format: "csv"}
}

func (c *Assort) fill() {
	d := DefaultAssort()
	fillInt(&c.HorizonDays, d.HorizonDays)
	fillFloat(&c.CarryCost, d.CarryCost)
	fillFloat(&c.Transfer, d.Transfer)
	fillInt(&c.Clusters, d.Clusters)
	fillString(&c.Format, d.Format)
}

// Check checks the settings, naming each as name(key) does.
func (c *Assort) Check(name func(string) string) error {
	switch {
	case c.HorizonDays < 1:
		return fmt.Errorf("%s must be at least 1 (got %d)", name("horizon_days"), c.HorizonDays)
	case !(c.CarryCost >= 0) || math.IsInf(c.CarryCost, 0):
		return fmt.Errorf("%s must be a cost of at least 0 (got %v)", name("carry_cost"), c.CarryCost)
	case !(c.Transfer >= 0 && c.Transfer <= 1):
		return fmt.Errorf("%s must be from 0 to 1 (got %v)", name("transfer"), c.Transfer)
	case c.Clusters < 1:
		return fmt.Errorf("%s must be at least 1 (got %d)", name("clusters"), c.Clusters)
	}
	return checkPlanFormat(name("format"), c.Format)
}

// Peak is the peak section of planner.yaml, and the settings of planner
// peak: the plan for a calendar peak (an event of kind peak), made each
// night from WeeksAhead weeks before it.
type Peak struct {
	// WeeksAhead is how many weeks before a peak the nightly run starts
	// planning it.
	WeeksAhead int `yaml:"weeks_ahead,omitempty" json:"weeks_ahead,omitempty"`
	// Service is the probability that what a store holds when the peak
	// starts covers the peak week's demand.
	Service float64 `yaml:"service,omitempty" json:"service,omitempty"`
	// Event and Date pick the peak to plan (its type, such as
	// singles_day, and its first day); empty for the next peak of the
	// calendar within WeeksAhead weeks.
	Event string `yaml:"event,omitempty" json:"event,omitempty"`
	Date  string `yaml:"date,omitempty" json:"date,omitempty"`
	// MarkdownWeeks are the weeks after the peak its leftovers are to be
	// sold in (the markdowns' exit).
	MarkdownWeeks int `yaml:"markdown_weeks,omitempty" json:"markdown_weeks,omitempty"`
}

// DefaultPeak returns the peak settings of an empty section.
func DefaultPeak() Peak {
	return Peak{WeeksAhead: 8, Service: 0.95, MarkdownWeeks: 6}
}

func (c *Peak) fill() {
	d := DefaultPeak()
	fillInt(&c.WeeksAhead, d.WeeksAhead)
	fillFloat(&c.Service, d.Service)
	fillInt(&c.MarkdownWeeks, d.MarkdownWeeks)
}

// Check checks the settings, naming each as name(key) does.
func (c *Peak) Check(name func(string) string) error {
	if c.WeeksAhead < 1 || c.WeeksAhead > 52 {
		return fmt.Errorf("%s must be 1 to 52 weeks (got %d)", name("weeks_ahead"), c.WeeksAhead)
	}
	if !(c.Service > 0 && c.Service < 1) {
		return fmt.Errorf("%s must be strictly between 0 and 1 (got %v)", name("service"), c.Service)
	}
	if c.MarkdownWeeks < 1 || c.MarkdownWeeks > 52 {
		return fmt.Errorf("%s must be 1 to 52 weeks (got %d)", name("markdown_weeks"), c.MarkdownWeeks)
	}
	if c.Date != "" {
		if _, err := series.ParseDate(c.Date); err != nil {
			return fmt.Errorf("%s %q is not a date as YYYY-MM-DD", name("date"), c.Date)
		}
	}
	if (c.Date == "") != (c.Event == "") {
		return fmt.Errorf("%s and %s go together: name the peak's event type and its first day, or neither", name("event"), name("date"))
	}
	return nil
}
