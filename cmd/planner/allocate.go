package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/allocation"
	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/pipeline"
)

// stockInputs are the flags allocate and rebalance share: where forecasts,
// stock and store rules come from.
type stockInputs struct {
	db, forecasts, stock, storeStock, locations string
	horizonDays                                 int
	service                                     float64
}

func (in *stockInputs) flags(cmd *cobra.Command, dcStock bool) {
	f := cmd.Flags()
	f.StringVar(&in.db, "db", datasets.DefaultDB, "database to forecast and read stock from when no --forecasts file is given")
	f.StringVar(&in.forecasts, "forecasts", "", "forecasts.csv as planner forecast writes it (sku,location,date,mean,p10,...,p90)")
	if dcStock {
		f.StringVar(&in.stock, "stock", "", "DC stock: sku,dc,qty (optional reserve)")
	}
	f.StringVar(&in.storeStock, "store-stock", "", "stock stores hold: sku,location,qty (none when absent)")
	f.StringVar(&in.locations, "locations", "", "stores: location,dc (optional min_stock,max_stock,pack_size,priority,region,lead_time_days)")
	f.IntVar(&in.horizonDays, "horizon-days", 7, "days until the next delivery: the demand the stock must cover")
	f.Float64Var(&in.service, "service", 0.95, "probability of meeting the horizon's demand a store's target stock is set for")
}

// read gathers the inputs from files, or from the database (forecasting
// it) when no forecast file is given.
func (a *app) readStockInputs(ctx context.Context, in *stockInputs, dcStock bool) (*pipeline.AllocationInput, error) {
	if in.horizonDays < 1 {
		return nil, usagef("--horizon-days must be at least 1 (got %d)", in.horizonDays)
	}
	if in.service <= 0 || in.service >= 1 {
		return nil, usagef("--service must be between 0 and 1 (got %v)", in.service)
	}
	out := &pipeline.AllocationInput{HorizonDays: in.horizonDays, Service: in.service}
	var err error
	if in.forecasts == "" {
		if in.stock != "" || in.locations != "" || in.storeStock != "" {
			return nil, usagef("--stock, --store-stock and --locations go with --forecasts; without it everything comes from --db")
		}
		return a.stockInputsFromDB(ctx, in, dcStock)
	}
	if in.locations == "" || (dcStock && in.stock == "") {
		need := "--locations"
		if dcStock {
			need = "--stock and --locations"
		}
		return nil, usagef("--forecasts needs %s", need)
	}
	task := a.progress().Start("read forecasts", 0)
	if out.Forecasts, err = export.ReadForecasts(in.forecasts); err != nil {
		task.Fail()
		return nil, err
	}
	task.Done(fmt.Sprintf("%s series", commas(int64(len(out.Forecasts.Keys)))))
	if dcStock {
		if out.DCStock, err = datasets.ReadDCStock(in.stock); err != nil {
			return nil, err
		}
	}
	if in.storeStock != "" {
		if out.StoreStock, err = datasets.ReadStoreStock(in.storeStock); err != nil {
			return nil, err
		}
	}
	if out.Stores, err = datasets.ReadStoreRules(in.locations); err != nil {
		return nil, err
	}
	return out, nil
}

// stockInputsFromDB reads the inputs as pipeline.AllocationFromSupply
// does, forecasting the horizon.
func (a *app) stockInputsFromDB(ctx context.Context, in *stockInputs, needDCStock bool) (*pipeline.AllocationInput, error) {
	store, sup, err := openSupply(ctx, in.db, ", or give --forecasts, --stock and --locations")
	if err != nil {
		return nil, err
	}
	defer store.Close()
	from := pipeline.AllocationFromSupply(sup, nil, in.horizonDays, in.service)
	if len(from.Stores) == 0 {
		return nil, fmt.Errorf("no location in %s names the DC that serves it: load a locations file with a dc column", in.db)
	}
	if len(from.DCStock) == 0 && needDCStock {
		return nil, fmt.Errorf("no stock at locations of type dc in %s: nothing to allocate", in.db)
	}
	if from.Forecasts, err = a.forecastDaily(ctx, store, max(in.horizonDays, 28)); err != nil {
		return nil, err
	}
	return from, nil
}

type allocateSummary struct {
	Method           string   `json:"method"`
	PlanDate         string   `json:"plan_date"`
	Problems         int      `json:"skus"`
	ExpectedSales    float64  `json:"expected_sales"`
	AllocatedUnits   float64  `json:"allocated_units"`
	UnallocatedUnits float64  `json:"unallocated_units"`
	Stores           int      `json:"stores"`
	Exceptions       []string `json:"exceptions"`
	// ByMethod compares every method's expected sales on the same input.
	ByMethod map[string]float64 `json:"expected_sales_by_method"`
	Seconds  float64            `json:"seconds"`
	Out      string             `json:"out,omitempty"`
}

func (a *app) allocateCmd() *cobra.Command {
	in := &stockInputs{}
	var method, out, like string
	var reserve float64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "allocate",
		Short: "Split DC stock among the stores it serves",
		Long: "Allocate splits each SKU's stock at each DC among the stores the DC serves. Every store's need is the\n" +
			"stock that meets its demand until the next delivery (--horizon-days) with probability --service, less what\n" +
			"it holds, in whole packs, within its min and max stock. When the DC has less than the stores need, the\n" +
			"marginal method gives each next pack to the store where it adds the most expected sales (optimal in whole\n" +
			"packs); fair-share splits in proportion to forecast, equal-cover brings every store to the same share of\n" +
			"its target, priority fills stores whole in priority order. --out writes one row per SKU, DC and store\n" +
			"(.csv, .parquet, .json or .jsonl; columns in docs/schema.md). Exceptions (DC stock short, no demand,\n" +
			"stores no DC serves) make the exit code 3.",
		Example: "  planner allocate --forecasts forecasts.csv --stock dc_stock.csv --locations locations.csv --out allocation.csv --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := allocation.MethodNamed(method)
			if err != nil {
				return usagef("--method: %v", err)
			}
			if reserve < 0 || reserve >= 1 {
				return usagef("--reserve-share must be at least 0 and below 1 (got %v)", reserve)
			}
			began := time.Now()
			input, err := a.readStockInputs(cmd.Context(), in, true)
			if err != nil {
				return err
			}
			input.ReserveShare = reserve
			if like != "" {
				if input.Likes, err = datasets.ReadLikeItems(like); err != nil {
					return err
				}
			}
			problems, exceptions, err := pipeline.AllocationProblems(input)
			if err != nil {
				return &usageError{err}
			}
			planDate := pipeline.PlanStart(input.Forecasts).String()
			sum := allocateSummary{Method: m.Name(), PlanDate: planDate, Problems: len(problems), Exceptions: exceptions, ByMethod: map[string]float64{}, Out: out}
			if sum.Exceptions == nil {
				sum.Exceptions = []string{}
			}
			var chosen []allocation.Allocation
			stores := map[string]bool{}
			for _, mm := range allocation.Methods() {
				allocs, err := allocation.AllocateAll(cmd.Context(), problems, mm, 0)
				if err != nil {
					return err
				}
				total := 0.0
				for i := range allocs {
					total += allocs[i].TotalExpectedSales()
				}
				sum.ByMethod[mm.Name()] = round2(total)
				if mm.Name() != m.Name() {
					continue
				}
				chosen = allocs
				sum.ExpectedSales = round2(total)
				for i := range allocs {
					al := &allocs[i]
					sum.AllocatedUnits += al.Allocated
					sum.UnallocatedUnits += al.Unallocated
					for j, q := range al.Qty {
						if q > 0 {
							stores[al.Stores[j]] = true
						}
					}
					if al.Exception != "" {
						sum.Exceptions = append(sum.Exceptions, fmt.Sprintf("%s at %s: %s", al.SKU, al.DC, al.Exception))
					}
				}
			}
			sum.Stores = len(stores)
			if out != "" {
				if err := export.WriteAllocation(out, planDate, chosen, nil); err != nil {
					return err
				}
			}
			sum.Seconds = round2(time.Since(began).Seconds())
			if asJSON {
				if err := printJSON(a.stdout, sum); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(a.stdout, "Allocated %s of %s units of %s SKUs to %s stores (%s); %s units expected to sell (fair share: %s)\n",
					commas(int64(sum.AllocatedUnits)), commas(int64(sum.AllocatedUnits+sum.UnallocatedUnits)), commas(int64(sum.Problems)),
					commas(int64(sum.Stores)), m.Name(), commas(int64(sum.ExpectedSales)), commas(int64(sum.ByMethod["fair-share"])))
				printExceptions(a, sum.Exceptions)
			}
			if len(sum.Exceptions) > 0 {
				return &exitError{code: exitExceptions, err: errors.New(plural(len(sum.Exceptions), "exception") + " to review")}
			}
			return nil
		},
	}
	in.flags(cmd, true)
	f := cmd.Flags()
	f.StringVar(&method, "method", "marginal", "marginal, fair-share, equal-cover or priority")
	f.Float64Var(&reserve, "reserve-share", 0, "share of each DC's stock kept back for online orders")
	f.StringVar(&like, "like", "", "new products without history: sku,like_sku (optional scale); each sells like its like item, scaled")
	f.StringVar(&out, "out", "", "write the allocation: .csv, .parquet, .json or .jsonl")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

func printExceptions(a *app, exceptions []string) {
	if len(exceptions) == 0 {
		return
	}
	fmt.Fprintf(a.stdout, "%s to review:\n", plural(len(exceptions), "exception"))
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	for i, e := range exceptions {
		if i == 20 {
			fmt.Fprintf(tw, "  ... and %d more (see --json)\n", len(exceptions)-20)
			break
		}
		fmt.Fprintf(tw, "  %s\n", e)
	}
	tw.Flush()
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

type rebalanceSummary struct {
	PlanDate  string  `json:"plan_date"`
	Transfers int     `json:"transfers"`
	Units     float64 `json:"units"`
	// ExpectedSalesGained is the receivers' gain less the senders' loss.
	ExpectedSalesGained float64 `json:"expected_sales_gained"`
	NetValue            float64 `json:"net_value"`
	Seconds             float64 `json:"seconds"`
	Out                 string  `json:"out,omitempty"`
}

func (a *app) rebalanceCmd() *cobra.Command {
	in := &stockInputs{}
	var o allocation.RebalanceOptions
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
			"--min-transfer units. --out writes the transfers in the allocation file's columns (docs/schema.md).",
		Example: "  planner rebalance --forecasts forecasts.csv --store-stock stock.csv --locations locations.csv --transfer-cost 5 --out transfers.csv",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			began := time.Now()
			if in.forecasts != "" && in.storeStock == "" {
				return usagef("--forecasts needs --store-stock: rebalancing moves the stores' stock")
			}
			input, err := a.readStockInputs(cmd.Context(), in, false)
			if err != nil {
				return err
			}
			o.Service = in.service
			skus, regions := pipeline.RebalanceRegions(input)
			var transfers []allocation.Transfer
			sum := rebalanceSummary{PlanDate: pipeline.PlanStart(input.Forecasts).String(), Out: out}
			for i, sites := range regions {
				tr, err := allocation.Rebalance(skus[i], sites, o)
				if err != nil {
					return err
				}
				for _, t := range tr {
					sum.Units += t.Qty
					sum.ExpectedSalesGained += t.Gain - t.Loss
					sum.NetValue += t.Net
				}
				transfers = append(transfers, tr...)
			}
			sum.Transfers = len(transfers)
			sum.ExpectedSalesGained, sum.NetValue = round2(sum.ExpectedSalesGained), round2(sum.NetValue)
			if out != "" {
				if err := export.WriteAllocation(out, sum.PlanDate, nil, transfers); err != nil {
					return err
				}
			}
			sum.Seconds = round2(time.Since(began).Seconds())
			if asJSON {
				return printJSON(a.stdout, sum)
			}
			fmt.Fprintf(a.stdout, "Proposed %s transfers of %s units; %.1f more units expected to sell, net value %.2f\n",
				commas(int64(sum.Transfers)), commas(int64(sum.Units)), sum.ExpectedSalesGained, sum.NetValue)
			return nil
		},
	}
	in.flags(cmd, false)
	f := cmd.Flags()
	f.Float64Var(&o.TransferCost, "transfer-cost", 0, "fixed cost of one transfer, in units of sales value (1 per unit sold)")
	f.Float64Var(&o.UnitCost, "unit-cost", 0, "cost of moving one unit, in the same units")
	f.Float64Var(&o.MinTransfer, "min-transfer", 1, "fewest units worth moving")
	f.IntVar(&o.MaxTransfers, "max-transfers", 2, "most transfers a store sends or receives in one plan")
	f.StringVar(&out, "out", "", "write the transfers: .csv, .parquet, .json or .jsonl")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
