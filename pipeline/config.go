package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/planner-engine/planner/datasets"
)

// Config is planner.yaml. Relative paths are relative to the folder of the
// file. The zero value of each field means its default.
type Config struct {
	// DB is the database file; planner.duckdb.
	DB string `yaml:"db" json:"db"`
	// Out is the folder that holds runs/ and latest; out.
	Out string `yaml:"out" json:"out"`
	// Inputs are the files each run loads.
	Inputs Inputs `yaml:"inputs" json:"inputs"`
	// Stages to run, in the fixed pipeline order; all of them when empty.
	Stages []string `yaml:"stages,omitempty" json:"stages,omitempty"`
	// Forecast configures the forecast stage.
	Forecast ForecastConfig `yaml:"forecast,omitempty" json:"forecast"`
	// Replenish configures the replenish stage.
	Replenish ReplenishConfig `yaml:"replenish,omitempty" json:"replenish"`
	// Allocate configures the allocate stage, which runs only when the
	// section is there.
	Allocate *AllocateConfig `yaml:"allocate,omitempty" json:"allocate,omitempty"`
	// Produce configures the produce stage, which runs only when the
	// section is there.
	Produce *ProduceConfig `yaml:"produce,omitempty" json:"produce,omitempty"`
	// Price configures the price stage, which runs only when the section
	// is there.
	Price *PriceConfig `yaml:"price,omitempty" json:"price,omitempty"`

	dir string // folder of the config file
}

// Inputs names the files of a run and how to read them.
type Inputs struct {
	// Format is long (the canonical long format, the default) or m5.
	Format     string `yaml:"format,omitempty" json:"format,omitempty"`
	Sales      string `yaml:"sales,omitempty" json:"sales,omitempty"`
	Products   string `yaml:"products,omitempty" json:"products,omitempty"`
	Locations  string `yaml:"locations,omitempty" json:"locations,omitempty"`
	Prices     string `yaml:"prices,omitempty" json:"prices,omitempty"`
	Promotions string `yaml:"promotions,omitempty" json:"promotions,omitempty"`
	Events     string `yaml:"events,omitempty" json:"events,omitempty"`
	Inventory  string `yaml:"inventory,omitempty" json:"inventory,omitempty"`
	Sourcing   string `yaml:"sourcing,omitempty" json:"sourcing,omitempty"`
	Capacity   string `yaml:"capacity,omitempty" json:"capacity,omitempty"`
	Preorders  string `yaml:"preorders,omitempty" json:"preorders,omitempty"`
	// Calendar is the M5 calendar.csv (format m5 only).
	Calendar string `yaml:"calendar,omitempty" json:"calendar,omitempty"`
	// Map renames columns: canonical column -> the files' column.
	Map map[string]string `yaml:"map,omitempty" json:"map,omitempty"`
	// DateFormat is the strftime layout of dates; sniffed when empty.
	DateFormat string `yaml:"date_format,omitempty" json:"date_format,omitempty"`
	// NullStrings are the values read as empty; "", NA and NULL.
	NullStrings []string `yaml:"null_strings,omitempty" json:"null_strings,omitempty"`
	// Strict turns data warnings into errors.
	Strict bool `yaml:"strict,omitempty" json:"strict,omitempty"`
}

// Files returns the long-format files by canonical table name.
func (in *Inputs) Files() map[string]string {
	out := map[string]string{}
	for name, path := range map[string]string{
		"sales": in.Sales, "products": in.Products, "locations": in.Locations, "prices": in.Prices,
		"promotions": in.Promotions, "events": in.Events, "inventory": in.Inventory, "sourcing": in.Sourcing,
		"capacity": in.Capacity, "preorders": in.Preorders,
	} {
		if path != "" {
			out[name] = path
		}
	}
	return out
}

// LoadOptions turns the inputs into the data layer's options.
func (in *Inputs) LoadOptions() datasets.LoadOptions {
	opts := datasets.LoadOptions{Map: datasets.Mapping(in.Map), DateFormat: in.DateFormat,
		NullStrings: in.NullStrings, Strict: in.Strict}
	files := in.Files()
	if in.Format == "m5" {
		opts.M5 = &datasets.M5Files{Sales: in.Sales, Calendar: in.Calendar, Prices: in.Prices}
		for _, t := range []string{"sales", "prices"} {
			delete(files, t)
		}
	}
	opts.Files = files
	return opts
}

// DefaultConfig is the configuration of an empty planner.yaml.
func DefaultConfig() *Config {
	return &Config{DB: datasets.DefaultDB, Out: "out", Forecast: DefaultForecastConfig(), dir: "."}
}

// LoadConfig reads a planner.yaml. Unknown keys are errors, so a misspelt
// setting is not silently ignored.
func LoadConfig(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("pipeline: config %s does not exist", path)
		}
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	cfg := DefaultConfig()
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("pipeline: %s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	cfg.dir = filepath.Dir(path)
	if err := cfg.resolve(); err != nil {
		return nil, fmt.Errorf("pipeline: %s: %w", path, err)
	}
	return cfg, nil
}

// resolve fills defaults, makes paths absolute against the config's folder
// and checks the values.
func (c *Config) resolve() error {
	if c.DB == "" {
		c.DB = datasets.DefaultDB
	}
	if c.Out == "" {
		c.Out = "out"
	}
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(c.dir, *p)
		}
	}
	abs(&c.DB)
	abs(&c.Out)
	in := &c.Inputs
	for _, p := range []*string{&in.Sales, &in.Products, &in.Locations, &in.Prices, &in.Promotions, &in.Events,
		&in.Inventory, &in.Sourcing, &in.Capacity, &in.Preorders, &in.Calendar} {
		abs(p)
	}
	switch in.Format {
	case "", "long", "m5":
	default:
		return fmt.Errorf("inputs.format %q is not long or m5", in.Format)
	}
	if in.Sales == "" {
		return errors.New("inputs.sales is missing: a run needs the sales history")
	}
	if err := c.Forecast.resolve(); err != nil {
		return err
	}
	if err := c.Replenish.resolve(); err != nil {
		return err
	}
	if c.Allocate != nil {
		if err := c.Allocate.resolve(); err != nil {
			return err
		}
	}
	if c.Produce != nil {
		if err := c.Produce.resolve(); err != nil {
			return err
		}
	}
	if c.Price != nil {
		if err := c.Price.resolve(); err != nil {
			return err
		}
	}
	for _, s := range c.Stages {
		if stageIndex(s) < 0 {
			return fmt.Errorf("stages: %q is not a stage (stages: %s)", s, strings.Join(StageNames(), ", "))
		}
	}
	return nil
}
