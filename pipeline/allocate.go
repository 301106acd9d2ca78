package pipeline

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/planner-engine/planner/allocation"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/internal/progress"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// AllocationInput takes allocation's inputs from the source's network
// snapshot (allocation.InputFrom) with the forecasts, and moves the units
// of the night's transfer orders from their DCs to their stores first, so
// that allocation splits only what replenishment left at each DC. Without
// DC stock or stores that name their DC there is nothing to allocate (a
// *SkipError).
func AllocationInput(ctx context.Context, src Source, fc *series.Forecasts, orders []replenish.Line, horizonDays int, service float64) (*allocation.Input, error) {
	snap, err := src.Supply(ctx)
	if err != nil {
		return nil, err
	}
	in := allocation.InputFrom(snap, fc, horizonDays, service)
	switch {
	case len(in.Stores) == 0:
		return nil, skip("no location names the DC that serves it: load a locations file with a dc column")
	case len(in.DCStock) == 0:
		return nil, skip("no stock at locations of type dc: nothing to allocate")
	}
	var moved []allocation.Shipment
	for _, l := range orders {
		if l.Transfer {
			moved = append(moved, allocation.Shipment{SKU: l.SKU, From: l.From, To: l.To, Qty: l.Qty})
		}
	}
	in.NetOfShipments(moved)
	return in, nil
}

// AllocationFiles name allocation's inputs given as files instead of the
// database (docs/cli.md has their columns).
type AllocationFiles struct {
	DCStock    string // sku,dc,qty (optional reserve); rebalancing needs none
	StoreStock string // sku,location,qty
	Locations  string // location,dc (optional min_stock,max_stock,pack_size,priority,region,lead_time_days)
}

// AllocationInputFromFiles reads allocation's inputs from files.
func AllocationInputFromFiles(fc *series.Forecasts, f AllocationFiles, horizonDays int, service float64) (*allocation.Input, error) {
	in := &allocation.Input{Forecasts: fc, HorizonDays: horizonDays, Service: service}
	var err error
	if f.DCStock != "" {
		if in.DCStock, err = files.ReadDCStock(f.DCStock); err != nil {
			return nil, err
		}
	}
	if f.StoreStock != "" {
		if in.StoreStock, err = files.ReadStoreStock(f.StoreStock); err != nil {
			return nil, err
		}
	}
	if in.Stores, err = files.ReadStoreRules(f.Locations); err != nil {
		return nil, err
	}
	return in, nil
}

// AllocateResult is the split of each DC's stock among its stores.
type AllocateResult struct {
	Method      allocation.Method
	PlanDate    series.Date
	Problems    []allocation.Problem
	Allocations []allocation.Allocation
	// Exceptions are every exception: the inputs' (stores no DC serves,
	// DCs without stock rows), which Inputs repeats, and the allocations'
	// own.
	Exceptions []string
	Inputs     []string
}

// Allocate splits each SKU's stock at each DC among the stores the DC
// serves, by the allocate section's method, up to every store's need over
// the horizon at its service level.
func Allocate(ctx context.Context, in *allocation.Input, cfg config.Allocate) (*AllocateResult, error) {
	if err := cfg.Check(config.Key("allocate")); err != nil {
		return nil, err
	}
	in.ReserveShare = cfg.ReserveShare
	problems, exceptions, err := allocation.Problems(in)
	if err != nil {
		return nil, err
	}
	m, _ := allocation.MethodNamed(cfg.Method)
	allocs, err := allocation.AllocateAll(ctx, problems, m, 0)
	if err != nil {
		return nil, err
	}
	inputs := slices.Clone(exceptions)
	for i := range allocs {
		if a := &allocs[i]; a.Exception != "" {
			exceptions = append(exceptions, fmt.Sprintf("%s at %s: %s", a.SKU, a.DC, a.Exception))
		}
	}
	return &AllocateResult{Method: m, PlanDate: in.Forecasts.First(), Problems: problems, Allocations: allocs, Exceptions: exceptions, Inputs: inputs}, nil
}

// Write writes the allocation file (.csv, .parquet, .json or .jsonl) and
// returns its rows by name.
func (r *AllocateResult) Write(path string) (map[string]int64, error) {
	if err := export.WriteAllocation(path, r.PlanDate.String(), r.Allocations, nil); err != nil {
		return nil, err
	}
	var lines int64
	for i := range r.Allocations {
		a := &r.Allocations[i]
		for j := range a.Qty {
			if a.Qty[j] > 0 || a.Need[j] > 0 {
				lines++
			}
		}
	}
	return map[string]int64{baseName(path): lines}, nil
}

// Report says how many units went to how many stores, and the
// exceptions.
func (r *AllocateResult) Report() StageReport {
	s := r.Summary()
	rep := StageReport{Rows: map[string]int64{"problems": int64(len(r.Problems))},
		Summary: fmt.Sprintf("%s of %s units of %s SKU-DCs to %s stores (%s); %s units expected to sell",
			words.Commas(int64(math.Round(s.AllocatedUnits))), words.Commas(int64(math.Round(s.AllocatedUnits+s.UnallocatedUnits))),
			words.Commas(int64(s.Problems)), words.Commas(int64(s.Stores)), s.Method, words.Commas(int64(math.Round(s.ExpectedSales))))}
	rep.listExceptions(r.Exceptions)
	return rep
}

// AllocateSummary is planner allocate --json's object (docs/cli.md).
type AllocateSummary struct {
	Method           string   `json:"method"`
	PlanDate         string   `json:"plan_date"`
	Problems         int      `json:"skus"`
	ExpectedSales    float64  `json:"expected_sales"`
	AllocatedUnits   float64  `json:"allocated_units"`
	UnallocatedUnits float64  `json:"unallocated_units"`
	Stores           int      `json:"stores"`
	Exceptions       []string `json:"exceptions"`
	// ByMethod compares every method's expected sales on the same input
	// (CompareMethods fills it).
	ByMethod map[string]float64 `json:"expected_sales_by_method"`
	Seconds  float64            `json:"seconds"`
	Out      string             `json:"out,omitempty"`
}

// Summary is the allocation's --json object; the caller fills ByMethod,
// Out and Seconds.
func (r *AllocateResult) Summary() AllocateSummary {
	s := AllocateSummary{Method: r.Method.Name(), PlanDate: r.PlanDate.String(), Problems: len(r.Problems),
		Exceptions: append([]string{}, r.Exceptions...), ByMethod: map[string]float64{}}
	stores := map[string]bool{}
	for i := range r.Allocations {
		a := &r.Allocations[i]
		s.ExpectedSales += a.TotalExpectedSales()
		s.AllocatedUnits += a.Allocated
		s.UnallocatedUnits += a.Unallocated
		for j, q := range a.Qty {
			if q > 0 {
				stores[a.Stores[j]] = true
			}
		}
	}
	s.ExpectedSales = round2(s.ExpectedSales)
	s.Stores = len(stores)
	return s
}

// CompareMethods returns the expected sales every allocation method would
// reach on the same problems, by method name.
func (r *AllocateResult) CompareMethods(ctx context.Context) (map[string]float64, error) {
	out := map[string]float64{}
	for _, m := range allocation.Methods() {
		allocs := r.Allocations
		if m.Name() != r.Method.Name() {
			var err error
			if allocs, err = allocation.AllocateAll(ctx, r.Problems, m, 0); err != nil {
				return nil, err
			}
		}
		total := 0.0
		for i := range allocs {
			total += allocs[i].TotalExpectedSales()
		}
		out[m.Name()] = round2(total)
	}
	return out, nil
}

// RebalanceResult is the store-to-store transfers proposed.
type RebalanceResult struct {
	PlanDate  series.Date
	Transfers []allocation.Transfer
}

// Rebalance proposes transfers between the stores of each region (the
// locations' region, else their DC) where the receiver's gain in expected
// sales, less the sender's loss, is worth more than the transfer costs.
func Rebalance(ctx context.Context, in *allocation.Input, cfg config.Rebalance) (*RebalanceResult, error) {
	if err := cfg.Check(config.Key("rebalance")); err != nil {
		return nil, err
	}
	opts := allocation.RebalanceOptions{Service: cfg.Service, TransferCost: cfg.TransferCost, UnitCost: cfg.UnitCost,
		MinTransfer: cfg.MinTransfer, MaxTransfers: cfg.MaxTransfers}
	skus, regions := allocation.RebalanceRegions(in)
	out := &RebalanceResult{PlanDate: in.Forecasts.First()}
	for i, sites := range regions {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tr, err := allocation.Rebalance(skus[i], sites, opts)
		if err != nil {
			return nil, err
		}
		out.Transfers = append(out.Transfers, tr...)
	}
	return out, nil
}

// Write writes the transfers in the allocation file's columns.
func (r *RebalanceResult) Write(path string) (map[string]int64, error) {
	if err := export.WriteAllocation(path, r.PlanDate.String(), nil, r.Transfers); err != nil {
		return nil, err
	}
	return map[string]int64{baseName(path): int64(len(r.Transfers))}, nil
}

// RebalanceSummary is planner rebalance --json's object (docs/cli.md).
type RebalanceSummary struct {
	PlanDate  string  `json:"plan_date"`
	Transfers int     `json:"transfers"`
	Units     float64 `json:"units"`
	// ExpectedSalesGained is the receivers' gain less the senders' loss.
	ExpectedSalesGained float64 `json:"expected_sales_gained"`
	NetValue            float64 `json:"net_value"`
	Seconds             float64 `json:"seconds"`
	Out                 string  `json:"out,omitempty"`
}

// Summary is the transfers' --json object; the caller fills Out and
// Seconds.
func (r *RebalanceResult) Summary() RebalanceSummary {
	s := RebalanceSummary{PlanDate: r.PlanDate.String(), Transfers: len(r.Transfers)}
	for _, t := range r.Transfers {
		s.Units += t.Qty
		s.ExpectedSalesGained += t.Gain - t.Loss
		s.NetValue += t.Net
	}
	s.ExpectedSalesGained, s.NetValue = round2(s.ExpectedSalesGained), round2(s.NetValue)
	return s
}

// Report says how many transfers move how many units, and what they gain.
func (r *RebalanceResult) Report() StageReport {
	s := r.Summary()
	return StageReport{Summary: fmt.Sprintf("%s transfers of %s units; %.1f more units expected to sell, net value %.2f",
		words.Commas(int64(s.Transfers)), words.Commas(int64(math.Round(s.Units))), s.ExpectedSalesGained, s.NetValue)}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// AllocationSources say where allocate and rebalance, run on their own,
// take their inputs from: files when Forecasts names one (with DC stock,
// store stock and stores from Files), else the database, with the
// forecast and replenish stages run first as the nightly run does. Like
// names new products' like items (sku,like_sku, optional scale) in either
// case.
type AllocationSources struct {
	DB        string
	Forecasts string
	Files     AllocationFiles
	Like      string
	// Place is the place section the demand is routed by (nil: by the
	// fulfilment rules alone), and Assort the assort section whose ranges
	// it is planned on (nil: none), as in the nightly run.
	Place  *config.Place
	Assort *config.Assort
}

// Input reads allocation's inputs from the sources; cfg's forecast and
// replenish sections make the forecasts and orders from the database.
func (s AllocationSources) Input(ctx context.Context, cfg *config.Config, horizonDays int, service float64) (*allocation.Input, error) {
	var in *allocation.Input
	if s.Forecasts != "" {
		task := progress.From(ctx).Start("read forecasts", 0)
		fc, err := files.ReadForecasts(s.Forecasts)
		if err != nil {
			task.Fail()
			return nil, err
		}
		task.Done(words.Commas(int64(fc.Len())) + " series")
		if in, err = AllocationInputFromFiles(fc, s.Files, horizonDays, service); err != nil {
			return nil, err
		}
	} else {
		src, err := OpenDatabase(ctx, s.DB, ", or give --forecasts with the stock and locations files")
		if err != nil {
			return nil, err
		}
		defer src.Close()
		fc, err := UpstreamForecasts(ctx, src, "", cfg.Forecast)
		if err != nil {
			return nil, err
		}
		if fc, err = UpstreamDemand(ctx, src, fc, s.Place, s.Assort); err != nil {
			return nil, err
		}
		orders, err := UpstreamOrders(ctx, src, fc, cfg.Replenish)
		if err != nil {
			return nil, err
		}
		if in, err = AllocationInput(ctx, src, fc, orders, horizonDays, service); err != nil {
			return nil, err
		}
	}
	if s.Like != "" {
		var err error
		if in.Likes, err = files.ReadLikeItems(s.Like); err != nil {
			return nil, err
		}
	}
	return in, nil
}
