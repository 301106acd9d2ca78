package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/forecast"
	"github.com/planner-engine/planner/pipeline"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

type replenishOptions struct {
	db         string
	policy     string
	target     float64
	targetType string
	classes    string
	targets    string
	forecasts  string
	out        string
	json       bool
}

func (a *app) replenishCmd() *cobra.Command {
	o := &replenishOptions{}
	cmd := &cobra.Command{
		Use:   "replenish",
		Short: "Plan purchase and transfer orders from forecasts, stock positions and sourcing rules",
		Long: "Replenish forecasts daily demand for every SKU at every location the sourcing rules replenish (all\n" +
			"channels of a location share its stock), then plans, for the day after the latest stock positions,\n" +
			"transfer orders from DCs to the locations they serve and purchase orders for the DCs, whose demand\n" +
			"is their locations' demand. Order-up-to levels come from the forecast's own distribution over the\n" +
			"lead time and review period, for a cycle service level or fill rate target; minimum orders,\n" +
			"multiples, pack sizes, order days and shelf life shape each order, and every line says why.\n" +
			"Locations that sell without a sourcing rule, negative stock and similar problems become exception\n" +
			"lines. --out writes the orders (.csv, .parquet, .json or .jsonl; columns in docs/schema.md).",
		Example: "  planner replenish --target 0.95 --target-type fill --out orders.csv",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			policy, err := replenishPolicy(o.policy)
			if err != nil {
				return err
			}
			tt, err := replenish.ParseTargetType(o.targetType)
			if err != nil {
				return &usageError{err}
			}
			if o.target <= 0 || o.target >= 1 {
				return usagef("--target must be between 0 and 1 (got %v)", o.target)
			}
			var classes replenish.ClassTargets
			if o.classes != "" {
				if classes, err = replenish.ParseClassTargets(o.classes); err != nil {
					return &usageError{err}
				}
			}
			var overrides map[[2]string]float64
			if o.targets != "" {
				if overrides, err = readTargets(o.targets); err != nil {
					return err
				}
			}
			began := time.Now()
			net, err := a.buildNetwork(cmd.Context(), o.db, o.forecasts, replenish.Target{Level: o.target, Type: tt})
			if err != nil {
				return err
			}
			pipeline.SetTargets(net, tt, classes, overrides)
			lines := replenish.PlanNetwork(net, policy)
			if o.out != "" {
				if err := export.WriteOrders(o.out, lines); err != nil {
					return err
				}
			}
			sum := summarizeOrders(lines)
			sum.AsOf, sum.Items, sum.Seconds, sum.Out = net.AsOf.String(), len(net.Items), time.Since(began).Seconds(), o.out
			if o.json {
				if err := printJSON(a.stdout, sum); err != nil {
					return err
				}
				if len(sum.Exceptions) > 0 {
					return &exitError{code: exitExceptions}
				}
				return nil
			}
			fmt.Fprintf(a.stdout, "Planned %s items for %s in %.1fs: %s purchase and %s transfer orders, %s units, value %.2f\n",
				commas(int64(sum.Items)), sum.AsOf, sum.Seconds, commas(int64(sum.PurchaseOrders)), commas(int64(sum.TransferOrders)),
				commas(int64(sum.Units)), sum.Value)
			if len(sum.Exceptions) > 0 {
				fmt.Fprintf(a.stdout, "%s to review:\n", plural(len(sum.Exceptions), "exception"))
				tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
				for i, e := range sum.Exceptions {
					if i == 20 {
						fmt.Fprintf(tw, "  ... and %d more (see --json)\n", len(sum.Exceptions)-20)
						break
					}
					fmt.Fprintf(tw, "  %s\t%s <- %s\t%s\n", e.SKU, e.To, e.From, e.Message)
				}
				tw.Flush()
				return &exitError{code: exitExceptions}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.db, "db", datasets.DefaultDB, "database with sales, inventory, sourcing, products and locations")
	f.StringVar(&o.policy, "policy", "order-up-to", "order-up-to, base-stock, reorder-point or min-max")
	f.Float64Var(&o.target, "target", 0.95, "service target, between 0 and 1")
	f.StringVar(&o.targetType, "target-type", "fill", "fill (fill rate) or csl (cycle service level)")
	f.StringVar(&o.classes, "class-targets", "", "targets per ABC / XYZ class, such as A=0.98,B=0.95,C=0.9,CZ=0.85 (unmatched classes use --target)")
	f.StringVar(&o.targets, "targets", "", "CSV of per-SKU targets: sku,target or sku,location,target (overrides classes)")
	f.StringVar(&o.forecasts, "forecasts", "", "plan from this forecast file (planner forecast's columns, daily) instead of forecasting the database")
	f.StringVar(&o.out, "out", "", "write the orders: .csv, .parquet, .json or .jsonl")
	f.BoolVar(&o.json, "json", false, "print one JSON object")
	return cmd
}

func replenishPolicy(name string) (replenish.Policy, error) {
	p, err := pipeline.PolicyNamed(name)
	if err != nil {
		return nil, usagef("--policy %v", err)
	}
	return p, nil
}

// buildNetwork reads the supply data and forecasts every location's daily
// demand (channels added), then puts together one item per sourcing rule,
// and an exception item for every location that sells without one.
func (a *app) buildNetwork(ctx context.Context, db, forecastFile string, target replenish.Target) (*replenish.Network, error) {
	store, sup, err := openSupply(ctx, db, "")
	if err != nil {
		return nil, err
	}
	defer store.Close()
	if len(sup.Lanes) == 0 {
		return nil, fmt.Errorf("no sourcing rules in %s: load a sourcing file (--sourcing) to say where each SKU is replenished from", db)
	}
	// The forecast must cover the longest lead time (with its spread) and
	// review period, and the longest shelf life.
	horizon := 28
	for _, l := range sup.Lanes {
		horizon = max(horizon, int(math.Ceil(l.LeadTime+4*l.LeadTimeSD))+l.Review+1)
	}
	for _, p := range sup.Products {
		horizon = max(horizon, p.ShelfLife+28)
	}
	if forecastFile != "" {
		// Forecasts made elsewhere (or by planner forecast earlier):
		// daily, and extended at their last week's rate where a lane
		// needs more days than they cover.
		res, err := export.ReadForecasts(forecastFile)
		if err != nil {
			return nil, err
		}
		if res.Freq != series.Daily {
			return nil, fmt.Errorf("%s: replenishment plans from daily forecasts; these are %s", forecastFile, res.Freq)
		}
		return pipeline.NetworkFrom(sup, res, target), nil
	}
	res, err := a.forecastDaily(ctx, store, horizon)
	if err != nil {
		return nil, err
	}
	return pipeline.NetworkFrom(sup, res, target), nil
}

// openSupply opens the database read-only and reads its stock positions,
// sourcing rules and masters; a database without stock positions is an
// error saying what to load. hint adds another way out to the message of
// a missing database.
func openSupply(ctx context.Context, db, hint string) (*datasets.Store, *datasets.Supply, error) {
	if _, err := os.Stat(db); err != nil {
		return nil, nil, fmt.Errorf("no database at %s: load data first with planner load%s", db, hint)
	}
	store, err := datasets.Open(ctx, db, &datasets.StoreOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	sup, err := store.Supply(ctx)
	if err == nil && sup.AsOf == 0 {
		err = fmt.Errorf("no stock positions in %s: load an inventory file (--inventory)", db)
	}
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, sup, nil
}

// forecastDaily forecasts the database's daily demand (drivers included)
// for the horizon with auto, the 10% and 90% quantiles giving the spread:
// the forecasts the planning commands plan from when given no file.
func (a *app) forecastDaily(ctx context.Context, store *datasets.Store, horizon int) (*forecast.Result, error) {
	task := a.progress().Start("read series", 0)
	p, err := store.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily, TrimLeadingZeros: true, Drivers: true, Horizon: horizon})
	if err != nil {
		task.Fail()
		return nil, err
	}
	task.Done(fmt.Sprintf("%s series", commas(int64(p.Len()))))
	model, err := forecast.WithDrivers(forecast.Auto{}, p, "auto")
	if err != nil {
		return nil, err
	}
	ftask := a.progress().Start("forecast", p.Len())
	res, err := forecast.Run(ctx, p, forecast.Options{Horizon: horizon, Quantiles: []float64{0.1, 0.9}, Model: model,
		Progress: func(done, _ int) { ftask.Set(done) }})
	if err != nil {
		ftask.Fail()
		return nil, err
	}
	ftask.Done("")
	return res, nil
}

// readTargets reads per-SKU service targets: sku,target or
// sku,location,target, with a header row.
func readTargets(path string) (map[[2]string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--targets: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	si, ok1 := col["sku"]
	ti, ok2 := col["target"]
	li, hasLoc := col["location"]
	if !ok1 || !ok2 {
		return nil, &usageError{fmt.Errorf("%s: the header must name sku and target (and optionally location); it is %s", path, strings.Join(header, ","))}
	}
	out := map[[2]string]float64{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, &usageError{fmt.Errorf("%s line %d: %w", path, line, err)}
		}
		if len(rec) <= max(si, ti) || (hasLoc && len(rec) <= li) {
			return nil, &usageError{fmt.Errorf("%s line %d: %d fields, the header has %d", path, line, len(rec), len(header))}
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[ti]), 64)
		if err != nil || !(v > 0 && v < 1) {
			return nil, &usageError{fmt.Errorf("%s line %d, column target: %q is not a level between 0 and 1", path, line, rec[ti])}
		}
		k := [2]string{strings.TrimSpace(rec[si]), ""}
		if hasLoc {
			k[1] = strings.TrimSpace(rec[li])
		}
		out[k] = v
	}
}

type orderException struct {
	SKU     string `json:"sku"`
	From    string `json:"from"`
	To      string `json:"to"`
	Message string `json:"message"`
}

type ordersSummary struct {
	AsOf           string           `json:"order_date"`
	Items          int              `json:"items"`
	PurchaseOrders int              `json:"purchase_orders"`
	TransferOrders int              `json:"transfer_orders"`
	Units          float64          `json:"units"`
	Value          float64          `json:"value"`
	Exceptions     []orderException `json:"exceptions"`
	Seconds        float64          `json:"seconds"`
	Out            string           `json:"out,omitempty"`
}

func summarizeOrders(lines []replenish.Line) ordersSummary {
	s := ordersSummary{Exceptions: []orderException{}}
	for _, l := range lines {
		if l.Qty > 0 {
			if l.Transfer {
				s.TransferOrders++
			} else {
				s.PurchaseOrders++
			}
			s.Units += l.Qty
			s.Value += l.Qty * l.UnitCost
		}
		if l.Exception != "" {
			s.Exceptions = append(s.Exceptions, orderException{SKU: l.SKU, From: l.From, To: l.To, Message: l.Exception})
		}
	}
	s.Value = math.Round(s.Value*100) / 100
	return s
}
