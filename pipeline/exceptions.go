package pipeline

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/exceptions"
	"github.com/planner-engine/planner/export"
	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/pricing"
	"github.com/planner-engine/planner/replenish"
	"github.com/planner-engine/planner/report"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// ExceptionsName is the exceptions file in a run's folder.
const ExceptionsName = "exceptions.csv"

// ExceptionsInput is what a run's exceptions are found in: the plans it
// made (nil when a plan was not made), the data problems its load found,
// and the masters that value and own them.
type ExceptionsInput struct {
	// Day is the plan date: the day the exceptions are first seen on.
	Day    series.Date
	Orders []replenish.Line
	// Network is the replenish stage's: its locations' stock against
	// their forecasts (stock-out risk, overstock, ageing).
	Network *replenish.Network
	// Bias are the series whose logged forecasts the later sales show
	// erring one way (datasets.Store.TrackingSignals).
	Bias       []datasets.TrackingSignal
	Allocation *AllocateResult
	Production *ProduceResult
	Prices     *PriceResult
	ATP        *ATPResult
	Place      *PlaceResult
	Assort     *AssortResult
	Peak       *PeakResult
	Problems   datasets.Problems
	// Terms give each SKU's unit price and cost; Labels its planner.
	Terms  map[string]supply.PricingTerms
	Labels *supply.Labels
}

// Exceptions turns the plans' flags into one exception per root cause,
// ranked by value at risk (exceptions.Group). Units short are valued at
// the product's unit price (sales lost); stock and orders to check at its
// unit cost; either falls back to the other, and to 1 a unit.
func Exceptions(in *ExceptionsInput, cfg config.Exceptions) []exceptions.Exception {
	var fs []exceptions.Finding
	add := func(f exceptions.Finding) { fs = append(fs, f) }
	price, cost := in.valuers()
	for i := range in.Orders {
		l := &in.Orders[i]
		switch {
		case l.Exception == "":
		case l.Cut > 0 || strings.HasPrefix(l.Exception, "DC stock short"):
			add(exceptions.Finding{Kind: exceptions.DCShort, SKU: l.SKU, Location: l.From, Plan: "orders", Line: l.ID,
				Units: l.Cut, Value: l.Cut * price(l.SKU), Detail: l.Exception})
		case l.Qty <= 0:
			add(exceptions.Finding{Kind: exceptions.NotPlanned, SKU: l.SKU, Location: l.To, Plan: "orders", Line: l.ID,
				Detail: l.Exception})
		default:
			add(exceptions.Finding{Kind: exceptions.OrderCheck, SKU: l.SKU, Location: l.To, Plan: "orders", Line: l.ID,
				Units: l.Qty, Value: l.Qty * cost(l.SKU), Detail: l.Exception})
		}
	}
	if n := in.Network; n != nil {
		// A DC's item holds its own forecast, not its stores': its stock
		// is judged by allocation (dc_short, no_demand).
		dcs := map[string]bool{}
		for _, it := range n.Items {
			if it.Lane.Transfer {
				dcs[it.Lane.From] = true
			}
		}
		for _, it := range n.Items {
			if dcs[it.Location] {
				continue
			}
			h := replenish.StockHealth(it, cfg.OverstockDays)
			if h.Short >= 0.5 && h.Fill < it.Target.Level {
				add(exceptions.Finding{Kind: exceptions.StockoutRisk, SKU: it.SKU, Location: it.Location, Units: round2(h.Short), Value: h.Short * price(it.SKU),
					Detail: fmt.Sprintf("stock on hand and in transit meets %.0f%% of the demand expected before a new order can arrive (target %.0f%%)", 100*h.Fill, 100*it.Target.Level)})
			}
			switch {
			case h.Expiring >= 1:
				add(exceptions.Finding{Kind: exceptions.Ageing, SKU: it.SKU, Location: it.Location, Units: h.Expiring, Value: h.Expiring * cost(it.SKU),
					Detail: fmt.Sprintf("%s units on hand will not sell within their %d-day shelf life at %.2f a day", units(h.Expiring), it.ShelfLife, h.DailyDemand)})
			case h.Excess >= 1:
				add(exceptions.Finding{Kind: exceptions.Overstock, SKU: it.SKU, Location: it.Location, Units: h.Excess, Value: h.Excess * cost(it.SKU),
					Detail: fmt.Sprintf("%s units on hand beyond %g days of demand at %.2f a day", units(h.Excess), cfg.OverstockDays, h.DailyDemand)})
			}
		}
	}
	for _, b := range in.Bias {
		if math.Abs(b.Signal) <= cfg.TrackingSignal {
			continue
		}
		way := "over"
		if b.Signal < 0 {
			way = "under"
		}
		add(exceptions.Finding{Kind: exceptions.ForecastBias, SKU: b.SKU, Location: b.Location, Cause: b.Channel, Units: math.Abs(b.Error),
			Value:  math.Abs(b.Error) * price(b.SKU),
			Detail: fmt.Sprintf("the %s forecasts %sforecast the %d days scored by %s units (tracking signal %.1f)", b.Channel, way, b.Days, units(math.Abs(b.Error)), b.Signal)})
	}
	if a := in.Allocation; a != nil {
		for _, e := range a.Inputs {
			add(exceptions.Finding{Kind: exceptions.InputCheck, Cause: e, Plan: "allocation", Detail: e})
		}
		day := a.PlanDate.String()
		for k := range a.Allocations {
			al := &a.Allocations[k]
			switch {
			case al.Exception == "":
			case strings.HasPrefix(al.Exception, "DC stock short"):
				for j := range al.Stores {
					if short := al.Need[j] - al.Qty[j]; short > 0 {
						add(exceptions.Finding{Kind: exceptions.DCShort, SKU: al.SKU, Location: al.DC, Plan: "allocation",
							Line: export.AllocationLineID(day, al, j), Units: short, Value: short * price(al.SKU),
							Detail: al.DC + ": " + al.Exception})
					}
				}
			default:
				stock := al.Allocated + al.Unallocated
				add(exceptions.Finding{Kind: exceptions.NoDemand, SKU: al.SKU, Location: al.DC, Plan: "allocation",
					Units: stock, Value: stock * cost(al.SKU), Detail: al.DC + ": " + al.Exception})
			}
		}
	}
	if p := in.Production; p != nil {
		for _, e := range p.Problem.Exceptions {
			add(exceptions.Finding{Kind: exceptions.InputCheck, Cause: e, Plan: "production", Detail: e})
		}
		for k := range p.Problem.Factories {
			f := &p.Problem.Factories[k]
			for _, s := range p.Plans[k].Shortfalls {
				add(exceptions.Finding{Kind: exceptions.CapacityOverload, SKU: s.SKU, Location: f.Name, Plan: "production",
					Units: s.Qty, Value: s.Qty * price(s.SKU),
					Detail: fmt.Sprintf("%s units due in %s cannot be made in time: no capacity left", units(s.Qty), periodLabel(p.Problem.Periods[s.Period]))})
			}
			for _, s := range p.Plans[k].Late {
				add(exceptions.Finding{Kind: exceptions.ProductionLate, SKU: s.SKU, Location: f.Name, Plan: "production",
					Units: s.Qty, Value: s.Qty * price(s.SKU),
					Detail: fmt.Sprintf("%s units due in %s are late: the lead time does not fit", units(s.Qty), periodLabel(p.Problem.Periods[s.Period]))})
			}
		}
	}
	if p := in.Prices; p != nil {
		for _, e := range p.Exceptions {
			sku, _, _ := strings.Cut(e, ":")
			add(exceptions.Finding{Kind: exceptions.PriceCheck, SKU: sku, Cause: e, Plan: "prices", Detail: e})
		}
		for i := range p.Lines {
			l := &p.Lines[i]
			if l.Kind != pricing.KindEveryday || l.Current <= 0 || math.Abs(l.New/l.Current-1) < cfg.PriceMove-1e-9 {
				continue
			}
			moved := math.Abs(l.RevenueNew - l.RevenueCurrent)
			add(exceptions.Finding{Kind: exceptions.PriceMove, SKU: l.SKU, Location: l.Location, Plan: "prices", Line: export.PriceLineID(l),
				Units: l.UnitsNew, Value: moved,
				Detail: fmt.Sprintf("%s price %.2f -> %.2f (%+.0f%%), expected revenue %.2f -> %.2f", l.Kind, l.Current, l.New,
					100*(l.New/l.Current-1), l.RevenueCurrent, l.RevenueNew)})
		}
	}
	if a := in.ATP; a != nil {
		for _, s := range a.Short {
			short := s.Reserved - s.Stock
			add(exceptions.Finding{Kind: exceptions.RingFence, SKU: s.SKU, Location: s.Location, Plan: "atp",
				Units: short, Value: short * price(s.SKU), Detail: s.String()})
		}
	}
	if a := in.Assort; a != nil {
		for _, e := range a.Notes {
			add(exceptions.Finding{Kind: exceptions.InputCheck, Cause: e, Plan: "assortment", Detail: e})
		}
	}
	if p := in.Place; p != nil {
		for _, g := range p.Gaps {
			add(exceptions.Finding{Kind: exceptions.ZoneUnserved, Location: g.Zone, Cause: "zone\x00" + g.Zone + "\x00" + g.Channel, Plan: "placement",
				Units: g.Units, Value: g.Lost, Detail: g.String()})
		}
	}
	if p := in.Peak; p != nil {
		for _, s := range p.Plan.Shortfalls {
			add(exceptions.Finding{Kind: exceptions.PeakShort, SKU: s.SKU, Location: s.Store, Cause: s.Cause, Plan: "peak/shortfalls",
				Units: s.Qty, Value: s.Value,
				Detail: fmt.Sprintf("%s units short at %s for %s on %s: %s", report.Number(s.Qty), s.Store, p.Event.Type, p.Event.First, s.Cause)})
		}
	}
	for _, pr := range in.Problems {
		if pr.Severity != datasets.Warning {
			continue
		}
		n := float64(max(1, pr.Count))
		add(exceptions.Finding{Kind: exceptions.DataProblem, Cause: pr.Table + "\x00" + pr.Column + "\x00" + pr.Code, Plan: "problems",
			Units: n, Detail: pr.String()})
	}
	rules := exceptions.Rules{HighValue: cfg.HighValue, MediumValue: cfg.MediumValue}
	if in.Labels != nil {
		rules.Owner = func(sku string) string { return in.Labels.Planner[sku] }
	}
	return exceptions.Group(fs, rules, in.Day)
}

// valuers return a SKU's unit price and unit cost from the terms, each
// falling back to the other and then to 1.
func (in *ExceptionsInput) valuers() (price, cost func(string) float64) {
	pick := func(a, b float64) float64 {
		switch {
		case a > 0:
			return a
		case b > 0:
			return b
		}
		return 1
	}
	price = func(sku string) float64 { t := in.Terms[sku]; return pick(t.UnitPrice, t.UnitCost) }
	cost = func(sku string) float64 { t := in.Terms[sku]; return pick(t.UnitCost, t.UnitPrice) }
	return price, cost
}

// ExceptionsStage writes exceptions.csv: the root causes of every flag the
// plans raised and of the load's data warnings (Exceptions), with the
// first night each was seen, which the database keeps. Its count of plan
// exceptions is the run's (the manifest's exceptions, and exit code 3).
type ExceptionsStage struct{}

// Name implements Stage.
func (ExceptionsStage) Name() string { return "exceptions" }

// Run implements Stage.
func (ExceptionsStage) Run(ctx context.Context, r *Run) (StageReport, error) {
	if r.forecasts == nil {
		return StageReport{Summary: "skipped: no forecast in this run, so no plan to check"}, nil
	}
	labels, err := r.masterLabels(ctx)
	if err != nil {
		return StageReport{}, err
	}
	terms, err := r.Store.PricingTerms(ctx)
	if err != nil {
		return StageReport{}, err
	}
	bias, err := r.Store.TrackingSignals(ctx)
	if err != nil {
		return StageReport{}, err
	}
	in := &ExceptionsInput{Day: r.forecasts.Values().First(), Orders: r.orderLines(), Allocation: r.allocation, Production: r.production,
		Prices: r.prices, ATP: r.atp, Place: r.place, Assort: r.assort, Peak: r.peak, Problems: r.problems, Terms: terms, Labels: labels, Bias: bias}
	if r.orders != nil {
		in.Network = r.orders.Network
	}
	exs := Exceptions(in, r.Config.Exceptions)
	seen, err := r.Store.ExceptionsSeen(ctx)
	if err != nil {
		return StageReport{}, err
	}
	memory := make(map[string]exceptions.Memory, len(seen))
	for id, m := range seen {
		memory[id] = exceptions.Memory(m)
	}
	exceptions.Carry(exs, memory, in.Day)
	seenNow := make([]datasets.SeenException, len(exs))
	for i, e := range exs {
		seenNow[i] = datasets.SeenException{ID: e.ID, Kind: string(e.Kind), SKU: e.SKU, Location: e.Location, Value: e.ValueAtRisk}
	}
	if err := r.Store.RecordExceptions(ctx, in.Day, seenNow); err != nil {
		return StageReport{}, err
	}
	if err := export.WriteExceptions(r.path(ExceptionsName), exs); err != nil {
		return StageReport{}, err
	}
	r.exceptions = exs
	rep := exceptionsReport(exs)
	return rep, r.recordAll(map[string]int64{ExceptionsName: int64(len(exs))}, &rep)
}

// exceptionsReport counts the exceptions by severity and lists the first.
func exceptionsReport(exs []exceptions.Exception) StageReport {
	var high, data, snoozed int
	var value float64
	for i := range exs {
		switch {
		case exs[i].Kind == exceptions.DataProblem:
			data++
		case exs[i].Status == "snoozed":
			snoozed++
		case exs[i].Severity == exceptions.High:
			high++
		}
		value += exs[i].ValueAtRisk
	}
	rep := StageReport{Exceptions: exceptions.Active(exs),
		Summary: fmt.Sprintf("%s: %d root causes (%d high), %.2f at risk, %s, %d snoozed", ExceptionsName, len(exs), high, value,
			words.Plural(data, "data problem"), snoozed)}
	for i := range exs {
		if i == maxListed {
			rep.Details = append(rep.Details, fmt.Sprintf("  ... and %d more", len(exs)-maxListed))
			break
		}
		e := &exs[i]
		rep.Details = append(rep.Details, "  "+exceptionLine(e))
	}
	return rep
}

// exceptionLine is an exception on one line, as the run summary, the
// workbook and the report list it.
func exceptionLine(e *exceptions.Exception) string {
	where := strings.TrimSpace(e.SKU + " " + e.Location)
	if where != "" {
		where += " "
	}
	lines := ""
	if len(e.Lines) > 0 {
		lines = ", " + words.Plural(len(e.Lines), "line")
	}
	return fmt.Sprintf("%s %s%s: %.2f at risk%s: %s", e.Severity, where, e.Kind, e.ValueAtRisk, lines, e.Detail)
}
