package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/pipeline"
)

func (a *app) placeCmd() *cobra.Command {
	s := newSettings()
	pc := s.cfg.Place
	var forecasts, out string
	var promises []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "place",
		Short: "Decide which DCs and forward warehouses hold each SKU, and the stock each targets",
		Long: "Place decides, for each SKU, which fulfilment nodes (every location with a lane in the lanes table) hold\n" +
			"it, which zones each serves and the stock each targets. The demand comes from the forecasts by zone and\n" +
			"channel: a location's series are its zone's (locations' zone column), an online location's are shared\n" +
			"among the zones by their online_share. It weighs delivery (the lanes' cost and the nodes' handling cost),\n" +
			"holding (cycle stock and the safety stock of the demand a node pools, which grows with its square root,\n" +
			"so slow movers stay central) and lost service (a unit's margin where no holding node reaches its zone\n" +
			"within the channel's promise), within each node's capacity.\n" +
			"It is the nightly run's place stage on its own, with the place section of --config: it forecasts the\n" +
			"database as the forecast stage does unless --forecasts names a file. --out writes one row per SKU and\n" +
			"node (.csv, .parquet, .json or .jsonl; columns in docs/schema.md). Demand in a zone that no node reaches\n" +
			"within its channel's promise makes the exit code 3.",
		Example: "  planner place --config planner.yaml --out placement.csv\n" +
			"  planner place --config planner.yaml --forecasts out/latest/forecasts.csv --promise instant=1 --out placement.csv --json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.resolve(cmd, s.cfg.Forecast.Check); err != nil {
				return err
			}
			// --promise adds to the section's promises, which resolve
			// has just read from --config.
			if err := bindPromises(promises, pc.PromiseHours, &pc.PromiseHours); err != nil {
				return err
			}
			name := func(key string) string {
				if c, ok := strings.CutPrefix(key, "promise_hours."); ok {
					return "--promise " + c
				}
				return flagName(key)
			}
			if err := pc.Check(name); err != nil {
				return &usageError{err}
			}
			ctx := a.context(cmd)
			began := time.Now()
			store, plans, fc, err := s.forecastsFromDB(ctx, forecasts)
			if err != nil {
				return err
			}
			defer store.Close()
			res, err := pipeline.Place(ctx, plans, fc, *pc)
			if err != nil {
				return err
			}
			if out != "" {
				if _, err := res.Write(out); err != nil {
					return err
				}
			}
			return a.finish(res.Report(), asJSON, "Placed", began, out, func() (any, error) {
				sum := res.Summary()
				sum.Out, sum.Seconds = out, seconds(time.Since(began))
				return sum, nil
			})
		},
	}
	s.dbFlag(cmd, "database with sales, zones, lanes and locations")
	s.configFlag(cmd)
	s.forecastFlags(cmd)
	f := cmd.Flags()
	f.IntVar(&pc.HorizonDays, "horizon-days", pc.HorizonDays, "days of forecast the demand is averaged and the costs summed over")
	f.Float64Var(&pc.CoverDays, "cover-days", pc.CoverDays, "days of demand a node's stock covers: its lead time plus review")
	f.Float64Var(&pc.Service, "service", pc.Service, "chance a node's stock covers its demand over the cover days")
	f.Float64Var(&pc.HoldingRate, "holding-rate", pc.HoldingRate, "yearly cost of holding a unit, as a share of its unit cost")
	f.StringSliceVar(&promises, "promise", nil, "a channel's delivery promise in hours, as channel=hours (repeat or separate by commas); adds to --config's")
	f.StringVar(&forecasts, "forecasts", "", "place from this forecasts file (planner forecast's columns, daily) instead of forecasting the database")
	f.StringVar(&out, "out", "", "write the placement: .csv, .parquet, .json or .jsonl")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// bindPromises adds --promise's channel=hours pairs to the promises of
// the configuration, in a new map (the configuration's is not changed).
func bindPromises(flags []string, from map[string]float64, to *map[string]float64) error {
	if len(flags) == 0 {
		return nil
	}
	out := map[string]float64{}
	for c, h := range from {
		out[c] = h
	}
	for _, p := range flags {
		channel, hours, ok := strings.Cut(p, "=")
		h, err := strconv.ParseFloat(strings.TrimSpace(hours), 64)
		if !ok || strings.TrimSpace(channel) == "" || err != nil {
			return usagef("--promise %q is not channel=hours, such as instant=1", p)
		}
		out[strings.TrimSpace(channel)] = h
	}
	*to = out
	return nil
}
