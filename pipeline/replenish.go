package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/planner-engine/planner/allocation"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/series"
)

// ReplenishResult is the night's purchase and transfer orders, and the
// network they were planned for.
type ReplenishResult struct {
	Network *replenish.Network
	Lines   []replenish.Line
}

// Replenish plans the day's purchase and transfer orders for the day
// after the latest stock positions, from daily forecasts, the stock
// positions and the sourcing rules of the source, with the replenish
// section's policy and targets. Where a DC holds less than its
// locations' transfers ask for, the transfers are rationed by the
// expected sales each unit adds (allocation's marginal rule). Without
// sourcing rules or stock positions there is nothing to plan (a
// *SkipError).
func Replenish(ctx context.Context, src Source, fc *series.Forecasts, cfg config.Replenish) (*ReplenishResult, error) {
	if err := cfg.Check(config.Key("replenish")); err != nil {
		return nil, err
	}
	snap, err := src.Supply(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case len(snap.Lanes) == 0:
		return nil, skip("no sourcing rules are loaded: load a sourcing file (--sourcing) to say where each SKU is replenished from")
	case snap.AsOf == 0:
		return nil, skip("no stock positions are loaded: load an inventory file (--inventory)")
	case fc.Freq != series.Daily:
		return nil, fmt.Errorf("replenishment plans from daily forecasts, and these are %s: forecast by day (forecast.freq D, or --freq D)", freqWord(fc.Freq))
	}
	var overrides []replenish.TargetOverride
	if cfg.Targets != "" {
		targets, err := files.ReadTargets(cfg.Targets)
		if err != nil {
			return nil, err
		}
		for _, t := range targets {
			overrides = append(overrides, replenish.TargetOverride{SKU: t.SKU, Location: t.Location, Level: t.Level})
		}
	}
	tt, _ := replenish.ParseTargetType(cfg.TargetType)
	classes, _ := replenish.ParseClassTargets(cfg.ClassTargets)
	policy, _ := replenish.PolicyNamed(cfg.Policy, 0)
	net := replenish.NetworkFrom(snap, fc, replenish.Target{Level: cfg.Target, Type: tt})
	net.Ration = rationByExpectedSales
	cuts, err := classCuts(ctx, src)
	if err != nil {
		return nil, err
	}
	replenish.SetTargets(net.Items, cuts, tt, classes, overrides)
	return &ReplenishResult{Network: net, Lines: replenish.PlanNetwork(net, policy)}, nil
}

// rationByExpectedSales splits a short DC's stock among its locations'
// transfer orders by allocation's marginal rule.
func rationByExpectedSales(sku, dc string, available float64, claims []replenish.Claim) ([]float64, error) {
	orders := make([]allocation.Order, len(claims))
	for i, c := range claims {
		orders[i] = allocation.Order(c)
	}
	return allocation.Ration(sku, dc, available, orders)
}

// Write writes the orders (.csv, .parquet, .json or .jsonl) and returns
// the rows written: the lines with a quantity and those with an
// exception and none.
func (r *ReplenishResult) Write(path string) (map[string]int64, error) {
	if err := export.WriteOrders(path, r.Lines); err != nil {
		return nil, err
	}
	n := 0
	for i := range r.Lines {
		if export.OrderWritten(&r.Lines[i]) {
			n++
		}
	}
	return map[string]int64{baseName(path): int64(n)}, nil
}

// exceptions are the lines' exceptions, each with its lane.
func (r *ReplenishResult) exceptions() []string {
	var out []string
	for _, l := range r.Lines {
		if l.Exception != "" {
			out = append(out, fmt.Sprintf("%s %s -> %s: %s", l.SKU, l.From, l.To, l.Exception))
		}
	}
	return out
}

// Report says what the plan orders, for which day, and its exceptions.
func (r *ReplenishResult) Report() StageReport {
	s := r.Summary()
	rep := StageReport{Rows: map[string]int64{"items": int64(s.Items)},
		Summary: fmt.Sprintf("%s purchase and %s transfer orders for %s, %s units, value %.2f", words.Commas(int64(s.PurchaseOrders)),
			words.Commas(int64(s.TransferOrders)), s.AsOf, words.Commas(int64(math.Round(s.Units))), s.Value)}
	rep.listExceptions(r.exceptions())
	return rep
}

// OrderException is an order line's exception in ReplenishSummary.
type OrderException struct {
	SKU     string `json:"sku"`
	From    string `json:"from"`
	To      string `json:"to"`
	Message string `json:"message"`
}

// ReplenishSummary is planner replenish --json's object (docs/cli.md).
type ReplenishSummary struct {
	AsOf           string           `json:"order_date"`
	Items          int              `json:"items"`
	PurchaseOrders int              `json:"purchase_orders"`
	TransferOrders int              `json:"transfer_orders"`
	Units          float64          `json:"units"`
	Value          float64          `json:"value"`
	Exceptions     []OrderException `json:"exceptions"`
	Seconds        float64          `json:"seconds"`
	Out            string           `json:"out,omitempty"`
}

// Summary is the plan's --json object; the caller fills Out and Seconds.
func (r *ReplenishResult) Summary() ReplenishSummary {
	s := ReplenishSummary{AsOf: r.Network.AsOf.String(), Items: len(r.Network.Items), Exceptions: []OrderException{}}
	for _, l := range r.Lines {
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
			s.Exceptions = append(s.Exceptions, OrderException{SKU: l.SKU, From: l.From, To: l.To, Message: l.Exception})
		}
	}
	s.Value = math.Round(s.Value*100) / 100
	return s
}

// UpstreamForecasts returns the forecasts a plan made on its own plans
// from: the file's when one is named (planner forecast's columns; daily),
// else
// the forecast stage's on the source, with the forecast section's
// settings, as the nightly run makes them.
func UpstreamForecasts(ctx context.Context, src Source, file string, cfg config.Forecast) (*series.Forecasts, error) {
	if file != "" {
		fc, err := files.ReadForecasts(file)
		if err == nil && fc.Freq != series.Daily {
			err = &files.Error{Code: "invalid_input", Err: fmt.Errorf("%s: the plans are made from daily forecasts, and these are %s", file, freqWord(fc.Freq))}
		}
		return fc, err
	}
	res, err := Forecast(ctx, src, cfg)
	if err != nil {
		return nil, err
	}
	return res.Values(), nil
}

// UpstreamDemand returns the forecasts routed to the locations that serve
// them (RouteDemand), as the nightly run routes them: by the placement
// when place names the place section and it is not advisory (planned here
// with it; none when nothing can be placed), and by the fulfilment rules;
// and made on the stores' ranges (AssortResult.Apply) when assort names
// the assort section and it is not advisory (chosen here with it; none
// without shelves).
func UpstreamDemand(ctx context.Context, src Source, fc *series.Forecasts, place *config.Place, assort *config.Assort) (*series.Forecasts, error) {
	var placed *PlaceResult
	var s *SkipError
	if place != nil && !place.Advisory {
		var err error
		placed, err = Place(ctx, src, fc, *place)
		if errors.As(err, &s) {
			placed, err = nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
	if assort != nil && !assort.Advisory {
		ranges, err := Assort(ctx, src, fc, *assort)
		switch {
		case errors.As(err, &s):
		case err != nil:
			return nil, err
		default:
			fc = ranges.Apply(fc, assort.HorizonDays)
		}
	}
	return RouteDemand(ctx, src, fc, placed)
}

// UpstreamOrders returns the replenish stage's lines on the source, for a
// plan made on its own that nets them out as the nightly run does; none
// when there is nothing to replenish.
func UpstreamOrders(ctx context.Context, src Source, fc *series.Forecasts, cfg config.Replenish) ([]replenish.Line, error) {
	res, err := Replenish(ctx, src, fc, cfg)
	var s *SkipError
	if errors.As(err, &s) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return res.Lines, nil
}
