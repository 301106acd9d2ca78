package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/pipeline/config"
)

// stockFlags are the flags allocate and rebalance share: where the
// forecasts, the stock and the stores' rules come from.
func stockFlags(cmd *cobra.Command, s *settings, in *pipeline.AllocationSources, dcStock bool) {
	s.dbFlag(cmd, "database to forecast and read stock from when no --forecasts file is given")
	s.configFlag(cmd)
	s.forecastFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&in.Forecasts, "forecasts", "", "forecasts.csv as planner forecast writes it (sku,location,date,mean,p10,...,p90); the stock and stores then come from files")
	if dcStock {
		f.StringVar(&in.Files.DCStock, "stock", "", "with --forecasts: DC stock, sku,dc,qty (optional reserve)")
	}
	f.StringVar(&in.Files.StoreStock, "store-stock", "", "with --forecasts: stock stores hold, sku,location,qty (none when absent)")
	f.StringVar(&in.Files.Locations, "locations", "", "with --forecasts: stores, location,dc (optional min_stock,max_stock,pack_size,priority,region,lead_time_days)")
}

// checkStockSources checks that files go with --forecasts, and that it
// has the files it needs.
func checkStockSources(in *pipeline.AllocationSources, dcStock bool) error {
	if in.Forecasts == "" {
		if in.Files != (pipeline.AllocationFiles{}) {
			return usagef("--stock, --store-stock and --locations go with --forecasts; without it everything comes from --db")
		}
		return nil
	}
	switch {
	case dcStock && in.Files.DCStock == "":
		return usagef("--forecasts needs --stock and --locations")
	case in.Files.Locations == "":
		return usagef("--forecasts needs --locations")
	case !dcStock && in.Files.StoreStock == "":
		return usagef("--forecasts needs --store-stock: rebalancing moves the stores' stock")
	}
	return nil
}

func (a *app) allocateCmd() *cobra.Command {
	s := newSettings()
	in := &pipeline.AllocationSources{}
	var out string
	var asJSON bool
	ac := s.cfg.Allocate
	cmd := &cobra.Command{
		Use:   "allocate",
		Short: "Split DC stock among the stores it serves",
		Long: "Allocate splits each SKU's stock at each DC among the stores the DC serves. Every store's need is the\n" +
			"stock that meets its demand until the next delivery (--horizon-days) with probability --service, less what\n" +
			"it holds, in whole packs, within its min and max stock. When the DC has less than the stores need, the\n" +
			"marginal method gives each next pack to the store where it adds the most expected sales (optimal in whole\n" +
			"packs); fair-share splits in proportion to forecast, equal-cover brings every store to the same share of\n" +
			"its target, priority fills stores whole in priority order.\n" +
			"It is the nightly run's allocate stage on its own: from the database it forecasts and plans the night's\n" +
			"transfer orders first (the forecast and replenish sections of --config), and splits what they leave at\n" +
			"each DC; its flags are the allocate section of planner.yaml. With --forecasts, the stock and stores come\n" +
			"from files instead. --out writes one row per SKU, DC and store (.csv, .parquet, .json or .jsonl;\n" +
			"columns in docs/schema.md). Exceptions (DC stock short, no demand, stores no DC serves) make the exit\n" +
			"code 3.",
		Example: "  planner allocate --config planner.yaml --out allocation.csv\n" +
			"  planner allocate --forecasts forecasts.csv --stock dc_stock.csv --locations locations.csv --out allocation.csv --json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.resolve(cmd, s.cfg.Forecast.Check, ac.Check); err != nil {
				return err
			}
			if err := checkStockSources(in, true); err != nil {
				return err
			}
			ctx := a.context(cmd)
			began := time.Now()
			in.DB, in.Place, in.Assort = s.cfg.DB, s.place(), s.assort()
			input, err := in.Input(ctx, s.cfg, ac.HorizonDays, ac.Service)
			if err != nil {
				return err
			}
			res, err := pipeline.Allocate(ctx, input, *ac)
			if err != nil {
				return err
			}
			if out != "" {
				if _, err := res.Write(out); err != nil {
					return err
				}
			}
			return a.finish(res.Report(), asJSON, "Allocated", began, out, func() (any, error) {
				sum := res.Summary()
				var err error
				if sum.ByMethod, err = res.CompareMethods(ctx); err != nil {
					return nil, err
				}
				sum.Out, sum.Seconds = out, seconds(time.Since(began))
				return sum, nil
			})
		},
	}
	stockFlags(cmd, s, in, true)
	f := cmd.Flags()
	f.StringVar(&ac.Method, "method", ac.Method, "marginal, fair-share, equal-cover or priority")
	f.IntVar(&ac.HorizonDays, "horizon-days", ac.HorizonDays, "days until the next delivery: the demand the stock must cover")
	f.Float64Var(&ac.Service, "service", ac.Service, "probability of meeting the horizon's demand a store's target stock is set for")
	f.Float64Var(&ac.ReserveShare, "reserve-share", ac.ReserveShare, "share of each DC's stock kept back for online orders")
	f.StringVar(&in.Like, "like", "", "new products without history: sku,like_sku (optional scale); each sells like its like item, scaled")
	f.StringVar(&out, "out", "", "write the allocation: .csv, .parquet, .json or .jsonl")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	complete(cmd, "method", config.MethodNames()...)
	return cmd
}

func (a *app) rebalanceCmd() *cobra.Command {
	s := newSettings()
	rb := config.DefaultRebalance()
	in := &pipeline.AllocationSources{}
	var out string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rebalance",
		Short: "Propose store-to-store transfers where one store has stock another will run out of",
		Long: "Rebalance looks at every SKU in every region (the locations file's region column, else the DC) and\n" +
			"proposes transfers between its stores (or online stock locations) when the expected sales the receiver\n" +
			"gains over --horizon-days, less those the sender loses, are worth more than the transfer costs. A sender\n" +
			"keeps what its own lead time (lead_time_days) needs at the --service level, a receiver gets no more than\n" +
			"its target, a store sends or receives at most --max-transfers times, and a transfer moves at least\n" +
			"--min-transfer units. From the database, the night's transfer orders from DCs count as the stores'\n" +
			"stock, as in the nightly run. --out writes the transfers in the allocation file's columns (docs/schema.md).",
		Example: "  planner rebalance --forecasts forecasts.csv --store-stock stock.csv --locations locations.csv --transfer-cost 5 --out transfers.csv",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := s.resolve(cmd, s.cfg.Forecast.Check, rb.Check); err != nil {
				return err
			}
			if err := checkStockSources(in, false); err != nil {
				return err
			}
			ctx := a.context(cmd)
			began := time.Now()
			in.DB, in.Place, in.Assort = s.cfg.DB, s.place(), s.assort()
			input, err := in.Input(ctx, s.cfg, rb.HorizonDays, rb.Service)
			if err != nil {
				return err
			}
			res, err := pipeline.Rebalance(ctx, input, rb)
			if err != nil {
				return err
			}
			if out != "" {
				if _, err := res.Write(out); err != nil {
					return err
				}
			}
			if asJSON {
				sum := res.Summary()
				sum.Out, sum.Seconds = out, seconds(time.Since(began))
				return printJSON(a.stdout, sum)
			}
			a.printReport("Proposed", res.Report(), time.Since(began), out)
			return nil
		},
	}
	stockFlags(cmd, s, in, false)
	f := cmd.Flags()
	f.IntVar(&rb.HorizonDays, "horizon-days", rb.HorizonDays, "days until the next delivery: the demand the stock must cover")
	f.Float64Var(&rb.Service, "service", rb.Service, "probability of meeting the horizon's demand a store's target stock is set for")
	f.Float64Var(&rb.TransferCost, "transfer-cost", rb.TransferCost, "fixed cost of one transfer, in units of sales value (1 per unit sold)")
	f.Float64Var(&rb.UnitCost, "unit-cost", rb.UnitCost, "cost of moving one unit, in the same units")
	f.Float64Var(&rb.MinTransfer, "min-transfer", rb.MinTransfer, "fewest units worth moving")
	f.IntVar(&rb.MaxTransfers, "max-transfers", rb.MaxTransfers, "most transfers a store sends or receives in one plan")
	f.StringVar(&out, "out", "", "write the transfers: .csv, .parquet, .json or .jsonl")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
