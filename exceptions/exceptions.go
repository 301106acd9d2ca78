package exceptions

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/planner-engine/planner/series"
)

// Kind names a root cause.
type Kind string

// The kinds of root cause, as exceptions.csv names them.
const (
	// DCShort: a DC holds less than its locations' orders or needs.
	DCShort Kind = "dc_short"
	// NotPlanned: the planner could not plan a line (no lane, bad terms).
	NotPlanned Kind = "not_planned"
	// OrderCheck: a line was planned, with a condition to check (a minimum
	// order far above demand, a capacity that cut it).
	OrderCheck Kind = "order_check"
	// NoDemand: a DC holds stock that no store expects to sell.
	NoDemand Kind = "no_demand"
	// StockoutRisk: a location's stock on hand and in transit is expected
	// to fill less of the demand over the lead time than its target.
	StockoutRisk Kind = "stockout_risk"
	// Overstock: stock on hand beyond the overstock horizon's demand.
	Overstock Kind = "overstock"
	// Ageing: perishable stock on hand that will not sell within its
	// shelf life.
	Ageing Kind = "ageing"
	// ForecastBias: a series whose forecasts kept erring one way (the
	// tracking signal beyond its limit).
	ForecastBias Kind = "forecast_bias"
	// CapacityOverload: a factory cannot make what is due in time.
	CapacityOverload Kind = "capacity_overload"
	// ProductionLate: production due inside the lead time.
	ProductionLate Kind = "production_late"
	// InputCheck: a plan's inputs disagree (a store no DC serves, a
	// factory with demand and no capacity, a product made in two places).
	InputCheck Kind = "input_check"
	// PriceCheck: a product whose price could not be set.
	PriceCheck Kind = "price_check"
	// PriceMove: a new price that moves more than the limit.
	PriceMove Kind = "price_move"
	// DataProblem: input rows the load warned about.
	DataProblem Kind = "data_problem"
	// RingFence: a location's channel reserves add up to more than its
	// stock, so not every channel's ring-fence can be kept.
	RingFence Kind = "ring_fence"
	// ZoneUnserved: a zone's demand through a channel that no node
	// reaches within the channel's promise.
	ZoneUnserved Kind = "zone_unserved"
	// PeakShort: a store will lack a product's stock when a peak starts,
	// because some capacity before it cannot carry it in time.
	PeakShort Kind = "peak_short"
)

// Action is the suggested first step for each kind.
var Action = map[Kind]string{
	DCShort:          "expedite the DC's inbound or approve the cut lines as they are",
	NotPlanned:       "fix the line's master data (sourcing, costs) so that the next run plans it",
	OrderCheck:       "check the order's quantity before approving it",
	NoDemand:         "move the stock to where it sells, or mark it down",
	StockoutRisk:     "expedite the open order, or move stock from a nearby location",
	Overstock:        "stop ordering, move the stock to where it sells, or mark it down",
	Ageing:           "mark it down or move it before it expires",
	ForecastBias:     "check the forecast, or override it until the model catches up",
	CapacityOverload: "add capacity, move production earlier, or agree a later date",
	ProductionLate:   "agree a later date with the customer, or expedite",
	InputCheck:       "fix the masters, sourcing or capacity file the detail names",
	PriceCheck:       "check the product's costs and price bounds",
	PriceMove:        "check the price change before approving it",
	DataProblem:      "fix the rows in the named file before the next load",
	RingFence:        "send stock to the location, or lower the channels' reserves (planner.yaml's atp section)",
	ZoneUnserved:     "add a lane from a node within the promise (a forward warehouse near the zone), or change the channel's promise (planner.yaml's place section)",
	PeakShort:        "add capacity in the weeks before the peak (a factory's shift, a DC's hours, a store's backroom) or start its stock moving earlier (peak/capacity.csv shows the full weeks)",
}

// Finding is one sign of a root cause: a plan line flagged, or a cause
// with no line of its own (Line is then "").
type Finding struct {
	Kind Kind
	// SKU and Location place the cause: for a short DC the DC, not the
	// store whose line was cut.
	SKU, Location string
	// Cause tells apart causes that are not one SKU's at one place (a
	// data problem's file, column and code; an input check's words).
	Cause string
	// Plan is the file the line is in (orders, allocation, production,
	// prices, problems); Line its id there.
	Plan, Line string
	// Units are short (or in excess); Value is what they are worth.
	Units, Value float64
	// Detail says what happened, in words.
	Detail string
}

// Exception is one root cause, with every line it affects.
type Exception struct {
	// ID is stable across nights for the same kind, SKU and location, so
	// that an exception can be followed (FirstSeen) and, later, snoozed.
	ID            string
	Kind          Kind
	SKU, Location string
	// Lines are the affected plan lines, as plan:line_id, sorted.
	Lines []string
	// Units and ValueAtRisk: within a plan the findings add up; across
	// plans the largest counts, since two plans that see one short DC see
	// the same units.
	Units, ValueAtRisk float64
	Severity           Severity
	Owner              string
	// Status is new on the first night the exception is seen, open after;
	// acknowledged once someone owns it; snoozed while a snooze holds.
	Status    string
	FirstSeen series.Date
	Action    string
	Detail    string
}

// Severity ranks an exception by its value at risk.
type Severity string

// Severities, from the most urgent.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

// Rules say how findings become exceptions.
type Rules struct {
	// HighValue and MediumValue are the values at risk from which an
	// exception is high or medium severity; below MediumValue it is low.
	HighValue, MediumValue float64
	// Owner names the person who owns a SKU's exceptions; nil or "" for
	// none.
	Owner func(sku string) string
}

// ID is an exception's id for its kind, SKU, location and cause: EX- and
// 12 hex digits.
func ID(kind Kind, sku, location, cause string) string {
	h := sha256.Sum256([]byte(string(kind) + "\x00" + sku + "\x00" + location + "\x00" + cause))
	return "EX-" + hex.EncodeToString(h[:6])
}

// Group groups findings by root cause (kind, SKU, location and cause)
// and ranks the exceptions by value at risk, the largest first (then by
// kind, SKU, location and id, so that the order never depends on the findings' order).
// Every exception is new and first seen on day; Carry says otherwise for
// the ones seen on earlier nights.
func Group(findings []Finding, rules Rules, day series.Date) []Exception {
	type key struct {
		kind                 Kind
		sku, location, cause string
	}
	type acc struct {
		ex           *Exception
		units, value map[string]float64 // by plan
		lines        map[string]bool
	}
	groups := map[key]*acc{}
	var order []key
	for _, f := range findings {
		k := key{f.Kind, f.SKU, f.Location, f.Cause}
		g := groups[k]
		if g == nil {
			g = &acc{ex: &Exception{ID: ID(f.Kind, f.SKU, f.Location, f.Cause), Kind: f.Kind, SKU: f.SKU, Location: f.Location,
				Status: "new", FirstSeen: day, Action: Action[f.Kind], Detail: f.Detail},
				units: map[string]float64{}, value: map[string]float64{}, lines: map[string]bool{}}
			groups[k] = g
			order = append(order, k)
		}
		g.units[f.Plan] += f.Units
		g.value[f.Plan] += f.Value
		if f.Line != "" {
			g.lines[f.Plan+":"+f.Line] = true
		}
	}
	out := make([]Exception, 0, len(order))
	for _, k := range order {
		g := groups[k]
		e := g.ex
		for _, plan := range sortedKeys(g.units) {
			e.Units = math.Max(e.Units, g.units[plan])
			e.ValueAtRisk = math.Max(e.ValueAtRisk, g.value[plan])
		}
		e.Units, e.ValueAtRisk = round2(e.Units), round2(e.ValueAtRisk)
		e.Lines = sortedKeys(g.lines)
		e.Severity = rules.severity(e.ValueAtRisk)
		if rules.Owner != nil {
			e.Owner = rules.Owner(e.SKU)
		}
		out = append(out, *e)
	}
	sort.SliceStable(out, func(i, j int) bool { return RanksBefore(&out[i], &out[j]) })
	return out
}

// RanksBefore says whether a comes before b in the ranked list: the more
// value at risk first, then by kind, SKU, location and id. Lists ranked
// apart (a run's shards') merge into the one list the whole would give.
func RanksBefore(a, b *Exception) bool {
	if a.ValueAtRisk != b.ValueAtRisk {
		return a.ValueAtRisk > b.ValueAtRisk
	}
	return strings.Join([]string{string(a.Kind), a.SKU, a.Location, a.ID}, "\x00") < strings.Join([]string{string(b.Kind), b.SKU, b.Location, b.ID}, "\x00")
}

func (r Rules) severity(value float64) Severity {
	switch {
	case value >= r.HighValue && r.HighValue > 0:
		return High
	case value >= r.MediumValue && r.MediumValue > 0:
		return Medium
	}
	return Low
}

// Memory is what earlier nights left of an exception: the day it was
// first seen, and a person's decision on it.
type Memory struct {
	FirstSeen series.Date
	// SnoozedUntil, when set, snoozes the exception up to and including
	// that plan date; SnoozedUpTo, when above 0, while its value at risk
	// stays at or below it. Both hold when both are set.
	SnoozedUntil series.Date
	SnoozedUpTo  float64
	// Acknowledged says someone owns it: it stays on the list, so marked.
	Acknowledged bool
}

// Snoozed says whether a snooze holds for an exception worth value on
// day.
func (m *Memory) Snoozed(day series.Date, value float64) bool {
	if m.SnoozedUntil == 0 && m.SnoozedUpTo <= 0 {
		return false
	}
	return (m.SnoozedUntil == 0 || day <= m.SnoozedUntil) && (m.SnoozedUpTo <= 0 || value <= m.SnoozedUpTo+1e-9)
}

// Carry applies what earlier nights left: an exception seen before keeps
// its first day and is open, or acknowledged when someone said so, or
// snoozed while its snooze holds on day.
func Carry(exs []Exception, memory map[string]Memory, day series.Date) {
	for i := range exs {
		e := &exs[i]
		m, ok := memory[e.ID]
		if !ok {
			continue
		}
		if m.FirstSeen != 0 && m.FirstSeen < e.FirstSeen {
			e.FirstSeen, e.Status = m.FirstSeen, "open"
		}
		switch {
		case m.Snoozed(day, e.ValueAtRisk):
			e.Status = "snoozed"
		case m.Acknowledged:
			e.Status = "acknowledged"
		}
	}
}

// Active counts the exceptions someone must act on: every kind but data
// problems, less the snoozed.
func Active(exs []Exception) int {
	n := 0
	for i := range exs {
		if exs[i].Kind != DataProblem && exs[i].Status != "snoozed" {
			n++
		}
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func round2(v float64) float64 { return math.Round(v*100)/100 + 0 }
