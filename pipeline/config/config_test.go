package config

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/pricing"
)

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "planner.yaml")
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	for body, want := range map[string]string{
		"inputs:\n  sales: s.csv\n  sale: x.csv\n": "line 3: sale is not a setting here (docs/config.md lists every key)",
		"db: x.duckdb\n": "inputs.sales is missing: a run needs the sales history",
		"inputs:\n  sales: s.csv\n  format: wide\n":                               `inputs.format "wide" is not long or m5`,
		"inputs:\n  sales: s.csv\n  format: m5\n":                                 "inputs.format m5 needs inputs.calendar",
		"inputs:\n  sales: s.csv\n  grain: hourly\n":                              `inputs.grain "hourly" is not auto, daily or transaction`,
		"inputs:\n  sales: s.csv\nstages: [load, fly]\n":                          `stages: "fly" is not a stage (stages: load, summary, forecast, assort, place, replenish, allocate, produce, price, atp, peak, exceptions, export, report)`,
		"inputs: [1, 2]\n":                                                        "line 1: this value is not a section of keys",
		"inputs:\n  sales: s.csv\nforecast:\n  horizn: 3\n":                       "line 4: horizn is not a setting here (docs/config.md lists every key)",
		"inputs:\n  sales: s.csv\nforecast:\n  horizon: x\n":                      "line 4: x is not a whole number",
		"inputs:\n  sales: s.csv\nforecast:\n  horizon: -2\n":                     "forecast.horizon must be at least 1 (got -2)",
		"inputs:\n  sales: s.csv\nforecast:\n  quantiles: [0.9, 0.1]\n":           "forecast.quantiles must be sorted and distinct (got 0.9,0.1)",
		"inputs:\n  sales: s.csv\nforecast:\n  models: magic\n":                   "forecast.models: ",
		"inputs:\n  sales: s.csv\nreplenish:\n  target: 1.5\n":                    "replenish.target must be between 0 and 1 (got 1.5)",
		"inputs:\n  sales: s.csv\nreplenish:\n  policy: minimax\n":                `replenish.policy "minimax" is not auto, order-up-to, base-stock, reorder-point or min-max`,
		"inputs:\n  sales: s.csv\nallocate:\n  method: random\n":                  `allocate.method "random" is not marginal, fair-share, equal-cover or priority`,
		"inputs:\n  sales: s.csv\nproduce:\n  holding_rate: .nan\n":               "produce.holding_rate must be 0 or more (got NaN)",
		"inputs:\n  sales: s.csv\nprice:\n  objective: volume\n":                  `price.objective "volume" is not profit or revenue`,
		"inputs:\n  sales: s.csv\nforecast:\n  peaks: maybe\n":                    `forecast.peaks "maybe" is not auto or off`,
		"inputs:\n  sales: s.csv\npeak:\n  weeks_ahead: 60\n":                     "peak.weeks_ahead must be 1 to 52 weeks (got 60)",
		"inputs:\n  sales: s.csv\npeak:\n  event: singles_day\n":                  "peak.event and peak.date go together: name the peak's event type and its first day, or neither",
		"inputs:\n  sales: s.csv\npeak:\n  event: x\n  date: 11/11/2025\n":        `peak.date "11/11/2025" is not a date as YYYY-MM-DD`,
		"inputs:\n  sales: s.csv\nprice:\n  endings: \"0.99,7\"\n":                "price.endings: ",
		"inputs:\n  sales: s.csv\nprice:\n  format: xlsx\n":                       `price.format "xlsx" is not csv, parquet, json or jsonl`,
		"inputs:\n  sales: s.csv\natp:\n  channels:\n    app: {max_share: 1.5}\n": "atp.channels.app.max_share must be from 0 to 1 (got 1.5)",
		"inputs:\n  sales: s.csv\natp:\n  channels:\n    app: {lost_sale: -1}\n":  "atp.channels.app.lost_sale must be a number above 0 (got -1)",
		"inputs:\n  sales: s.csv\natp:\n  channels:\n    app: {reserve: -2}\n":    "atp.channels.app.reserve must be a number of units of at least 0 (got -2)",
		"inputs:\n  sales: s.csv\natp:\n  channels:\n    app: {share: 1}\n":       "line 5: share is not a setting here (docs/config.md lists every key)",
		"inputs:\n  sales: s.csv\natp:\n  horizon_days: -1\n":                     "atp.horizon_days must be at least 1 (got -1)",
	} {
		_, err := Load(write(body))
		require.Error(t, err, body)
		assert.True(t, strings.HasPrefix(err.Error(), filepath.Join(dir, "planner.yaml")+": "+want), "%s\ngot  %v\nwant %s", body, err, want)
		msg := strings.TrimPrefix(err.Error(), filepath.Join(dir, "planner.yaml")+": ")
		for _, leak := range []string{"config.Forecast", "config.Inputs", "yaml", "unmarshal", "!!", "int64", "float64", "struct"} {
			assert.NotContains(t, msg, leak, body)
		}
	}
	_, err := Load(filepath.Join(dir, "nope.yaml"))
	assert.EqualError(t, err, "the configuration "+filepath.Join(dir, "nope.yaml")+" does not exist")
	_, err = Load(dir)
	assert.EqualError(t, err, "the configuration "+dir+" is a folder, not a file")
}

func TestLoadFillsDefaultsAndPaths(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "planner.yaml")
	require.NoError(t, os.WriteFile(p, []byte("inputs:\n  sales: data/s.csv\n  map:\n    qty: units\nstages: [load]\nallocate: {}\nproduce:\n  weeks: 4\n"), 0o644))
	cfg, err := Load(p)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "data", "s.csv"), cfg.Inputs.Sales)
	assert.Equal(t, filepath.Join(dir, DefaultDB), cfg.DB)
	assert.Equal(t, filepath.Join(dir, "out"), cfg.Out)
	assert.Equal(t, map[string]string{"qty": "units"}, cfg.Inputs.Map)
	assert.Equal(t, DefaultForecast(), cfg.Forecast)
	assert.Equal(t, DefaultReplenish(), cfg.Replenish)
	assert.Equal(t, DefaultAllocate(), *cfg.Allocate, "an empty section means its defaults")
	want := DefaultProduce()
	want.Weeks = 4
	assert.Equal(t, want, *cfg.Produce)
	assert.Nil(t, cfg.Price, "a section left out stays off")

	// A database URL is no path, and the openings file is one.
	require.NoError(t, os.WriteFile(p, []byte("inputs:\n  sales: postgres://planner@db/retail\n  query: SELECT 1\n  openings: o.csv\n  grain: transaction\n"), 0o644))
	cfg, err = Load(p)
	require.NoError(t, err)
	assert.Equal(t, "postgres://planner@db/retail", cfg.Inputs.Sales)
	assert.Equal(t, filepath.Join(dir, "o.csv"), cfg.Inputs.Openings)
	assert.Equal(t, "transaction", cfg.Inputs.Grain)
}

func TestWithAllSectionsKeepsTheGivenOnes(t *testing.T) {
	cfg := Default()
	p := DefaultPrice()
	p.MaxChange = 0.3
	cfg.Price = &p
	all := cfg.WithAllSections()
	assert.Equal(t, 0.3, all.Price.MaxChange)
	assert.Equal(t, DefaultAllocate(), *all.Allocate)
	assert.Equal(t, DefaultProduce(), *all.Produce)
	assert.Nil(t, cfg.Allocate, "the configuration itself is not changed")
}

// The price section and planner price share one check: errors name the
// setting the way the caller spells it.
func TestPriceSettingsNameTheCallersKey(t *testing.T) {
	c := DefaultPrice()
	s, err := c.Settings(Key("price"))
	require.NoError(t, err)
	assert.Equal(t, pricing.DefaultRules(), s.Rules)
	assert.Equal(t, pricing.DefaultMarkdownRules().Discounts, s.Markdown.Discounts)
	c.Endings = "any"
	s, err = c.Settings(Key("price"))
	require.NoError(t, err)
	assert.Equal(t, []float64{0.01, 0.02}, s.Rules.Ladder.Prices(0.01, 0.02), "any: every cent")
	for want, edit := range map[string]func(*Price){
		"--max-change must be between 0 and 1 (got 1.5)":                                func(c *Price) { c.MaxChange = 1.5 },
		`--markdown-steps: "x" is not a discount between 0 and 1 such as 0.3`:           func(c *Price) { c.MarkdownSteps = "0.2,x" },
		`--freq "M" is not D or W`:                                                      func(c *Price) { c.Freq = "M" },
		"--horizon-days must be at least 1 (got -1)":                                    func(c *Price) { c.HorizonDays = -1 },
		"--overstock-weeks must be a number of weeks, or negative for never (got +Inf)": func(c *Price) { c.OverstockWeeks = math.Inf(1) },
		"--salvage-rate must be 0 or more (got NaN)":                                    func(c *Price) { c.SalvageRate = math.NaN() },
	} {
		c := DefaultPrice()
		edit(&c)
		_, err := c.Settings(Flag)
		assert.EqualError(t, err, want)
	}
}

func TestChecksNameFlags(t *testing.T) {
	f := DefaultForecast()
	f.Drivers = "maybe"
	assert.EqualError(t, f.Check(Flag), `--drivers "maybe" is not auto, on or off`)
	r := DefaultReplenish()
	r.TargetType = "both"
	assert.EqualError(t, r.Check(Flag), `--target-type "both" is not fill or csl`)
	a := DefaultAllocate()
	a.ReserveShare = 1
	assert.EqualError(t, a.Check(Flag), "--reserve-share must be at least 0 and below 1 (got 1)")
	p := DefaultProduce()
	p.Method = "magic"
	assert.EqualError(t, p.Check(Flag), `--method "magic" is not auto, ww, silver-meal, lfl or fpq`)
	rb := DefaultRebalance()
	rb.MaxTransfers = 0
	assert.EqualError(t, rb.Check(Flag), "--max-transfers must be at least 1 (got 0)")
	for _, c := range []interface {
		Check(func(string) string) error
	}{ptr(DefaultForecast()), ptr(DefaultReplenish()), ptr(DefaultAllocate()), ptr(DefaultProduce()), ptr(DefaultPrice()), ptr(DefaultRebalance())} {
		assert.NoError(t, c.Check(Flag), "the defaults pass their own check")
	}
}

func ptr[T any](v T) *T { return &v }
