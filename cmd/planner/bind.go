package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
)

// settings binds a command's flags into the configuration the nightly run
// reads, so that a flag and its planner.yaml key are one setting with one
// default (config's Default functions) and one check. cfg holds the
// defaults until --config loads a planner.yaml, whose values the flags set
// on the command line then override.
type settings struct {
	path string // --config
	cfg  *config.Config
	// placed says --config has a place section: the plans route the
	// placed channels' orders to the nodes the placement picks, as the
	// nightly run does.
	placed bool
	// assorted says --config has an assort section: the plans are made on
	// the ranges it chooses, as the nightly run's are.
	assorted bool
}

func newSettings() *settings { return &settings{cfg: config.Default().WithAllSections()} }

// configFlag adds --config.
func (s *settings) configFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.path, "config", "", "read the settings (and the database's path) from this planner.yaml; flags override it")
}

// dbFlag adds --db, bound to the configuration's database.
func (s *settings) dbFlag(cmd *cobra.Command, usage string) {
	cmd.Flags().StringVar(&s.cfg.DB, "db", s.cfg.DB, usage)
}

// resolve loads --config, when given, under the flags set on the command
// line, and checks the sections named with the flags' spelling.
func (s *settings) resolve(cmd *cobra.Command, check ...func(name func(string) string) error) error {
	if s.path != "" {
		if err := s.load(cmd); err != nil {
			return err
		}
	}
	for _, c := range check {
		if err := c(flagName); err != nil {
			return &usageError{err}
		}
	}
	return nil
}

func (s *settings) load(cmd *cobra.Command) error {
	file, err := config.Load(s.path)
	if err != nil {
		return &usageError{err}
	}
	s.placed = file.Place != nil
	s.assorted = file.Assort != nil
	file = file.WithAllSections()
	// The flags set on the command line win: note their values, copy the
	// file's settings into the structs the flags are bound to, then set
	// the flags again.
	type setFlag struct {
		f     *pflag.Flag
		value string
		list  []string
	}
	var set []setFlag
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			set = append(set, setFlag{f: f, list: sv.GetSlice()})
			return
		}
		set = append(set, setFlag{f: f, value: f.Value.String()})
	})
	c := s.cfg
	c.DB, c.Out, c.Inputs, c.Stages = file.DB, file.Out, file.Inputs, file.Stages
	c.Forecast, c.Replenish = file.Forecast, file.Replenish
	*c.Allocate, *c.Produce, *c.Price, *c.ATP, *c.Place, *c.Assort, *c.Peak = *file.Allocate, *file.Produce, *file.Price, *file.ATP, *file.Place, *file.Assort, *file.Peak
	c.Params, c.MemoryLimit = file.Params, file.MemoryLimit
	c.Security = file.Security
	if !cmd.Flags().Changed("file-mode") {
		if err := pipeline.SetFileMode(c.Security.FileMode); err != nil {
			return &usageError{err}
		}
	}
	for _, f := range set {
		var err error
		if sv, ok := f.f.Value.(pflag.SliceValue); ok {
			err = sv.Replace(f.list)
		} else {
			err = f.f.Value.Set(f.value)
		}
		if err != nil {
			return usagef("--%s: %v", f.f.Name, err)
		}
	}
	return nil
}

// flagName names a setting as its flag: max_change is --max-change.
func flagName(key string) string { return config.Flag(key) }

// forecastFlags binds the forecast section's flags: what the commands
// that forecast share.
func (s *settings) forecastFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	fc := &s.cfg.Forecast
	f.IntVar(&fc.Horizon, "horizon", fc.Horizon, "periods to forecast")
	f.Var((*floatList)(&fc.Quantiles), "quantiles", "quantiles to write, each strictly between 0 and 1")
	f.StringVar(&fc.Models, "models", fc.Models, "auto, a model, or a comma-separated list to choose among")
	f.IntVar(&fc.Window, "window", fc.Window, "fit on at most this many recent periods (0: three years; -1: all)")
	s.historyFlags(cmd)
	complete(cmd, "models", config.ModelNames()...)
}

// historyFlags binds the forecast section's flags that say how the sales
// are read: period, drivers and reconciliation.
func (s *settings) historyFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	fc := &s.cfg.Forecast
	f.StringVar(&fc.Freq, "freq", fc.Freq, "period of the series: D, W or M (default: the data's own)")
	f.StringVar(&fc.Drivers, "drivers", fc.Drivers, "use prices and promotions as demand drivers: auto (those planned ahead or keeping to a schedule), on or off")
	f.StringVar(&fc.Reconcile, "reconcile", fc.Reconcile, "reconcile across the product and location hierarchies: none, bu, td or mint")
	f.StringVar(&fc.Peaks, "peaks", fc.Peaks, "learn the calendar's peaks (events of kind peak) from their past occurrences and forecast the next with them: auto or off")
	complete(cmd, "freq", "D", "W", "M")
	complete(cmd, "peaks", "auto", "off")
	complete(cmd, "drivers", "auto", "on", "off")
	complete(cmd, "reconcile", "none", "bu", "td", "mint")
}

// source are the flags that say where a command reads the sales from: a
// file loaded into a private in-memory database (validated as planner
// load validates), or the database.
type source struct {
	db    *string
	sales string
	maps  []string
	// extra are other tables' files that go with --sales, by table name.
	extra map[string]*string
}

func (src *source) flags(cmd *cobra.Command, s *settings, dbUsage string, extra ...string) {
	src.db = &s.cfg.DB
	s.dbFlag(cmd, dbUsage)
	f := cmd.Flags()
	f.StringVar(&src.sales, "sales", "", "read the sales from this file instead of the database")
	f.StringArrayVar(&src.maps, "map", nil, "rename the files' columns: canonical=source[,...]")
	src.extra = map[string]*string{}
	for _, t := range extra {
		var path string
		src.extra[t] = &path
		f.StringVar(&path, t, "", "with --sales: the "+t+" file")
	}
}

// open opens the source: the --sales files loaded into memory, or the
// database read-only.
func (src *source) open(ctx context.Context, a *app) (*datasets.Store, error) {
	if src.sales == "" {
		for t, p := range src.extra {
			if *p != "" {
				return nil, usagef("--%s goes with --sales (the database has its own %s)", t, t)
			}
		}
		if len(src.maps) > 0 {
			return nil, usagef("--map applies to --sales files")
		}
		return pipeline.OpenDatabase(ctx, *src.db, ", or pass --sales")
	}
	m := files.Mapping{}
	for _, raw := range src.maps {
		parsed, err := files.ParseMapping(raw)
		if err != nil {
			return nil, &usageError{err}
		}
		m = m.Merge(parsed)
	}
	byTable := map[string]string{"sales": src.sales}
	for t, p := range src.extra {
		if *p != "" {
			byTable[t] = *p
		}
	}
	return pipeline.LoadFiles(ctx, byTable, m, a.logger())
}

// valueError is a flag value's problem, in words.
type valueError struct{ msg string }

func (e *valueError) Error() string { return e.msg }

// floatList is a flag of comma-separated numbers, such as 0.1,0.5,0.9.
type floatList []float64

func (l *floatList) String() string {
	parts := make([]string, len(*l))
	for i, v := range *l {
		parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

func (l *floatList) Set(s string) error {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return &valueError{fmt.Sprintf("%q is not a number (a list such as 0.1,0.5,0.9)", f)}
		}
		out = append(out, v)
	}
	*l = out
	return nil
}

func (l *floatList) Type() string { return "numbers" }

// place is the place section the plans route by: --config's, or nil
// when it has none.
func (s *settings) place() *config.Place {
	if !s.placed {
		return nil
	}
	return s.cfg.Place
}

// assort is the assort section the plans are made on, as in the nightly
// run; nil without one in --config.
func (s *settings) assort() *config.Assort {
	if !s.assorted {
		return nil
	}
	return s.cfg.Assort
}

// demandFromDB is forecastsFromDB's forecasts routed to the locations
// that serve them (pipeline.UpstreamDemand), which replenishment,
// allocation and the promises plan from.
func (s *settings) demandFromDB(ctx context.Context, file string) (*datasets.Store, pipeline.Source, *series.Forecasts, error) {
	store, plans, fc, err := s.forecastsFromDB(ctx, file)
	if err != nil {
		return nil, nil, nil, err
	}
	if fc, err = pipeline.UpstreamDemand(ctx, plans, fc, s.place(), s.assort()); err != nil {
		store.Close()
		return nil, nil, nil, err
	}
	return store, plans, fc, nil
}

// forecastsFromDB opens the configured database (read-only) as the plans'
// source and the daily forecasts they start from: the file named, or the
// database forecast as the forecast stage does. The caller closes the
// store.
func (s *settings) forecastsFromDB(ctx context.Context, file string) (*datasets.Store, pipeline.Source, *series.Forecasts, error) {
	store, err := pipeline.OpenDatabase(ctx, s.cfg.DB, "")
	if err != nil {
		return nil, nil, nil, err
	}
	plans, err := pipeline.SourceFor(store, s.cfg)
	if err == nil {
		var fc *series.Forecasts
		if fc, err = pipeline.UpstreamForecasts(ctx, plans, file, s.cfg.Forecast); err == nil {
			return store, plans, fc, nil
		}
	}
	store.Close()
	return nil, nil, nil, err
}
