package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultDB is the database file commands and runs use when none is named.
const DefaultDB = "planner.duckdb"

// StageNames are the stages of the nightly run, in the order they run.
var StageNames = []string{"load", "summary", "forecast", "assort", "place", "replenish", "allocate", "produce", "price", "atp", "peak", "exceptions", "export", "report"}

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
	Forecast Forecast `yaml:"forecast,omitempty" json:"forecast"`
	// Replenish configures the replenish stage.
	Replenish Replenish `yaml:"replenish,omitempty" json:"replenish"`
	// Allocate configures the allocate stage, which runs only when the
	// section is there.
	Allocate *Allocate `yaml:"allocate,omitempty" json:"allocate,omitempty"`
	// Produce configures the produce stage, which runs only when the
	// section is there.
	Produce *Produce `yaml:"produce,omitempty" json:"produce,omitempty"`
	// Price configures the price stage, which runs only when the section
	// is there.
	Price *Price `yaml:"price,omitempty" json:"price,omitempty"`
	// ATP configures the atp stage (what each channel may promise of a
	// location's stock), which runs only when the section is there.
	ATP *ATP `yaml:"atp,omitempty" json:"atp,omitempty"`
	// Place configures the place stage (where each SKU's stock lives),
	// which runs only when the section is there.
	Place *Place `yaml:"place,omitempty" json:"place,omitempty"`
	// Assort configures the assort stage (each store's range per
	// category), which runs only when the section is there.
	Assort *Assort `yaml:"assort,omitempty" json:"assort,omitempty"`
	// Peak configures the peak stage (the plan for a calendar peak, weeks
	// ahead); nil skips it.
	Peak *Peak `yaml:"peak,omitempty" json:"peak,omitempty"`
	// Security sets file permissions and the encryption of archives.
	Security Security `yaml:"security,omitempty" json:"security"`
	// KeepRuns is how many run folders out/runs keeps, the newest (and
	// the database the forecasts of as many runs, for planner accuracy);
	// 30 by default.
	KeepRuns int `yaml:"keep_runs,omitempty" json:"keep_runs"`
	// MemoryLimit is the most memory the run's database holds, such as
	// 3GB (DuckDB's memory_limit); what does not fit spills to its file.
	// Empty means DuckDB's own default, 80% of the machine's memory.
	MemoryLimit string `yaml:"memory_limit,omitempty" json:"memory_limit,omitempty"`
	// Exceptions says how the run ranks its exceptions and what it exits
	// with when it has some.
	Exceptions Exceptions `yaml:"exceptions,omitempty" json:"exceptions"`
	// Params is the network's parameters file (the params.json planner
	// split writes): the plans use what was learned across the whole
	// network instead of what this run's data alone would give, so that
	// a shard plans each SKU as the whole run would.
	Params string `yaml:"params,omitempty" json:"params,omitempty"`

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
	Openings   string `yaml:"openings,omitempty" json:"openings,omitempty"`
	Zones      string `yaml:"zones,omitempty" json:"zones,omitempty"`
	Fulfilment string `yaml:"fulfilment,omitempty" json:"fulfilment,omitempty"`
	Lanes      string `yaml:"lanes,omitempty" json:"lanes,omitempty"`
	Shelves    string `yaml:"shelves,omitempty" json:"shelves,omitempty"`
	MustCarry  string `yaml:"must_carry,omitempty" json:"must_carry,omitempty"`
	// Grain says what a sales row is: auto (the default) reads rows as
	// transaction lines when their dates hold times or their keys repeat
	// within a day; daily refuses such rows; transaction always sums lines.
	Grain string `yaml:"grain,omitempty" json:"grain,omitempty"`
	// Query is the SQL that selects the sales rows when Sales names a
	// PostgreSQL database (postgres://...).
	Query string `yaml:"query,omitempty" json:"query,omitempty"`
	// Calendar is the M5 calendar.csv (format m5 only).
	Calendar string `yaml:"calendar,omitempty" json:"calendar,omitempty"`
	// Map renames columns: canonical column -> the files' column.
	Map map[string]string `yaml:"map,omitempty" json:"map,omitempty"`
	// DateFormat is the strftime layout of dates; recognised when empty.
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
		"capacity": in.Capacity, "preorders": in.Preorders, "openings": in.Openings,
		"zones": in.Zones, "fulfilment": in.Fulfilment, "lanes": in.Lanes,
		"shelves": in.Shelves, "must_carry": in.MustCarry,
	} {
		if path != "" {
			out[name] = path
		}
	}
	return out
}

// File returns a pointer to the path of a table's file (sales, products,
// ...), or nil for a name that is no table.
func (in *Inputs) File(table string) *string {
	return map[string]*string{"sales": &in.Sales, "products": &in.Products, "locations": &in.Locations, "prices": &in.Prices,
		"promotions": &in.Promotions, "events": &in.Events, "inventory": &in.Inventory, "sourcing": &in.Sourcing,
		"capacity": &in.Capacity, "preorders": &in.Preorders, "openings": &in.Openings,
		"zones": &in.Zones, "fulfilment": &in.Fulfilment, "lanes": &in.Lanes,
		"shelves": &in.Shelves, "must_carry": &in.MustCarry}[table]
}

// CheckFormat checks the input format and the M5 calendar that goes with
// it; name spells a key as the caller does.
func (in *Inputs) CheckFormat(name func(key string) string) error {
	switch in.Format {
	case "", "long", "m5":
	default:
		return fmt.Errorf("%s %q is not long or m5", name("format"), in.Format)
	}
	switch in.Grain {
	case "", "auto", "daily", "transaction":
	default:
		return fmt.Errorf("%s %q is not auto, daily or transaction", name("grain"), in.Grain)
	}
	if in.Format == "m5" && in.Calendar == "" {
		return fmt.Errorf("%s m5 needs %s", name("format"), name("calendar"))
	}
	if in.Format != "m5" && in.Calendar != "" {
		return fmt.Errorf("%s is for %s m5", name("calendar"), name("format"))
	}
	return nil
}

// memorySize is a size in bytes' units, as DuckDB reads memory_limit.
var memorySize = regexp.MustCompile(`^[0-9]+(\.[0-9]+)? ?(?i:KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// DefaultKeepRuns is how many runs are kept when planner.yaml does not say.
const DefaultKeepRuns = 30

// Default is the configuration of an empty planner.yaml: the forecast and
// replenish stages with their defaults, the optional stages off.
func Default() *Config {
	return &Config{DB: DefaultDB, Out: "out", Forecast: DefaultForecast(), Replenish: DefaultReplenish(), Exceptions: DefaultExceptions(), KeepRuns: DefaultKeepRuns, dir: "."}
}

// WithAllSections returns the configuration with every optional section
// there, with its defaults where it was not: what a command that runs
// one stage on its own starts from.
func (c *Config) WithAllSections() *Config {
	out := *c
	if out.Allocate == nil {
		a := DefaultAllocate()
		out.Allocate = &a
	}
	if out.Produce == nil {
		p := DefaultProduce()
		out.Produce = &p
	}
	if out.Price == nil {
		p := DefaultPrice()
		out.Price = &p
	}
	if out.ATP == nil {
		a := DefaultATP()
		out.ATP = &a
	}
	if out.Place == nil {
		p := DefaultPlace()
		out.Place = &p
	}
	if out.Assort == nil {
		a := DefaultAssort()
		out.Assort = &a
	}
	if out.Peak == nil {
		p := DefaultPeak()
		out.Peak = &p
	}
	return &out
}

// Load reads a planner.yaml. Unknown keys are errors, so a misspelt
// setting is not silently ignored.
func Load(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("the configuration %s does not exist", path)
		}
		if st, serr := os.Stat(path); serr == nil && st.IsDir() {
			return nil, fmt.Errorf("the configuration %s is a folder, not a file", path)
		}
		return nil, fmt.Errorf("the configuration %s cannot be read", path)
	}
	cfg, err := Parse(raw, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Parse reads planner.yaml's text; relative paths are taken against dir.
func Parse(raw []byte, dir string) (*Config, error) {
	cfg := Default()
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(err)
	}
	cfg.dir = dir
	if err := cfg.resolve(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// yamlError words a YAML decoding error for people: the line and what is
// wrong, without the decoder's Go type names.
func yamlError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var msgs []string
		for _, e := range te.Errors {
			msgs = append(msgs, plainYAML(e))
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	return errors.New(plainYAML(err.Error()))
}

// plainYAML rewrites one message of the YAML decoder: "line 3: field
// horizn not found in type config.Forecast" says "line 3: horizn is not a
// setting here"; "cannot unmarshal !!str `x` into int" says "x is not a
// whole number".
func plainYAML(s string) string {
	s = strings.TrimPrefix(s, "yaml: ")
	if i := strings.Index(s, "field "); i >= 0 && strings.Contains(s, " not found in type ") {
		name := s[i+len("field "):]
		name = name[:strings.Index(name, " not found in type ")]
		return s[:i] + name + " is not a setting here (docs/config.md lists every key)"
	}
	if i := strings.Index(s, "cannot unmarshal "); i >= 0 {
		rest := s[i+len("cannot unmarshal "):]
		val := "this value"
		if a, b := strings.Index(rest, "`"), strings.LastIndex(rest, "`"); a >= 0 && b > a {
			val = rest[a+1 : b]
		}
		want := "a value of the right kind"
		switch {
		case strings.HasSuffix(rest, "into int"):
			want = "a whole number"
		case strings.HasSuffix(rest, "into float64"):
			want = "a number"
		case strings.HasSuffix(rest, "into bool"):
			want = "true or false"
		case strings.HasSuffix(rest, "into string"):
			want = "a text value"
		case strings.Contains(rest, "into []"):
			want = "a list"
		case strings.Contains(rest, "into map"), strings.Contains(rest, "into config."):
			want = "a section of keys"
		}
		return s[:i] + fmt.Sprintf("%s is not %s", val, want)
	}
	return s
}

// Dir is the folder relative paths of the configuration are taken against.
func (c *Config) Dir() string { return c.dir }

// Path makes a path of the configuration absolute against its folder.
func (c *Config) Path(p string) string {
	if p != "" && !filepath.IsAbs(p) && !strings.Contains(p, "://") { // a URL (postgres://...) is no path
		return filepath.Join(c.dir, p)
	}
	return p
}

// resolve fills defaults, makes paths absolute against the config's folder
// and checks the values.
func (c *Config) resolve() error {
	if c.DB == "" {
		c.DB = DefaultDB
	}
	if c.Out == "" {
		c.Out = "out"
	}
	c.DB, c.Out = c.Path(c.DB), c.Path(c.Out)
	in := &c.Inputs
	for _, p := range []*string{&in.Sales, &in.Products, &in.Locations, &in.Prices, &in.Promotions, &in.Events,
		&in.Inventory, &in.Sourcing, &in.Capacity, &in.Preorders, &in.Openings, &in.Zones, &in.Fulfilment, &in.Lanes, &in.Shelves, &in.MustCarry, &in.Calendar} {
		*p = c.Path(*p)
	}
	if err := in.CheckFormat(Key("inputs")); err != nil {
		return err
	}
	if in.Sales == "" {
		return errors.New("inputs.sales is missing: a run needs the sales history")
	}
	c.Forecast.fill()
	if err := c.Forecast.Check(Key("forecast")); err != nil {
		return err
	}
	c.Replenish.fill()
	if err := c.Replenish.Check(Key("replenish")); err != nil {
		return err
	}
	c.Replenish.Targets = c.Path(c.Replenish.Targets)
	c.Params = c.Path(c.Params)
	if c.Allocate != nil {
		c.Allocate.fill()
		if err := c.Allocate.Check(Key("allocate")); err != nil {
			return err
		}
	}
	if c.Produce != nil {
		c.Produce.fill()
		if err := c.Produce.Check(Key("produce")); err != nil {
			return err
		}
	}
	if c.Price != nil {
		c.Price.fill()
		if err := c.Price.Check(Key("price")); err != nil {
			return err
		}
	}
	if c.ATP != nil {
		c.ATP.fill()
		if err := c.ATP.Check(Key("atp")); err != nil {
			return err
		}
	}
	if c.Place != nil {
		c.Place.fill()
		if err := c.Place.Check(Key("place")); err != nil {
			return err
		}
	}
	if c.Assort != nil {
		c.Assort.fill()
		if err := c.Assort.Check(Key("assort")); err != nil {
			return err
		}
	}
	if c.Peak != nil {
		c.Peak.fill()
		if err := c.Peak.Check(Key("peak")); err != nil {
			return err
		}
	}
	if c.MemoryLimit != "" && !memorySize.MatchString(c.MemoryLimit) {
		return fmt.Errorf("memory_limit %q is not a size such as 512MB or 3GB", c.MemoryLimit)
	}
	if c.KeepRuns < 1 || c.KeepRuns > 100000 {
		return fmt.Errorf("keep_runs must be from 1 to 100000 (got %d)", c.KeepRuns)
	}
	if err := c.Exceptions.Check(Key("exceptions")); err != nil {
		return err
	}
	c.Security.Archive = c.Path(c.Security.Archive)
	if err := c.Security.Check(Key("security")); err != nil {
		return err
	}
	for _, s := range c.Stages {
		if !contains(StageNames, s) {
			return fmt.Errorf("stages: %q is not a stage (stages: %s)", s, strings.Join(StageNames, ", "))
		}
	}
	return nil
}

// Key names settings as planner.yaml spells them: section.key.
func Key(section string) func(key string) string {
	return func(key string) string { return section + "." + key }
}

// Flag names settings as command-line flags spell them: --key, with
// dashes for underscores.
func Flag(key string) string { return "--" + strings.ReplaceAll(key, "_", "-") }

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
