package exceptions

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
)

var day = series.MustParseDate("2025-01-06")

// One DC short for five stores is one exception that names the five lines
// it cut, worth the units cut at the product's price; the ranking puts the
// larger value at risk first.
func TestOneShortDCIsOneExceptionWithItsLines(t *testing.T) {
	var fs []Finding
	for i := 1; i <= 5; i++ {
		fs = append(fs, Finding{Kind: DCShort, SKU: "A", Location: "DC1", Plan: "orders", Line: fmt.Sprintf("TO-%d", i),
			Units: float64(i), Value: 2.5 * float64(i), Detail: "DC1 holds 10 of the 25 units ordered from it"})
	}
	// A smaller cause, listed first, ranks second.
	fs = append([]Finding{{Kind: OrderCheck, SKU: "B", Location: "S1", Plan: "orders", Line: "PO-9", Units: 4, Value: 20}}, fs...)
	got := Group(fs, Rules{HighValue: 30, MediumValue: 10, Owner: func(sku string) string { return "owner of " + sku }}, day)
	require.Len(t, got, 2)
	dc := got[0]
	assert.Equal(t, DCShort, dc.Kind)
	assert.Equal(t, []string{"orders:TO-1", "orders:TO-2", "orders:TO-3", "orders:TO-4", "orders:TO-5"}, dc.Lines)
	assert.Equal(t, 15.0, dc.Units)
	assert.Equal(t, 37.5, dc.ValueAtRisk)
	assert.Equal(t, High, dc.Severity)
	assert.Equal(t, "owner of A", dc.Owner)
	assert.Equal(t, "new", dc.Status)
	assert.Equal(t, day, dc.FirstSeen)
	assert.Equal(t, Action[DCShort], dc.Action)
	assert.Equal(t, ID(DCShort, "A", "DC1", ""), dc.ID)
	assert.Equal(t, "B", got[1].SKU)
	assert.Equal(t, Medium, got[1].Severity)
}

// Two plans that see one short DC count its units once: the larger view,
// not the sum; their lines are all listed.
func TestPlansSeeingOneCauseCountItOnce(t *testing.T) {
	got := Group([]Finding{
		{Kind: DCShort, SKU: "A", Location: "DC1", Plan: "orders", Line: "TO-1", Units: 6, Value: 12},
		{Kind: DCShort, SKU: "A", Location: "DC1", Plan: "allocation", Line: "AL-1", Units: 4, Value: 8},
		{Kind: DCShort, SKU: "A", Location: "DC1", Plan: "allocation", Line: "AL-2", Units: 4, Value: 8},
	}, Rules{}, day)
	require.Len(t, got, 1)
	assert.Equal(t, 8.0, got[0].Units)
	assert.Equal(t, 16.0, got[0].ValueAtRisk)
	assert.Equal(t, []string{"allocation:AL-1", "allocation:AL-2", "orders:TO-1"}, got[0].Lines)
	assert.Equal(t, Low, got[0].Severity, "no thresholds: every exception is low")
}

// An exception seen on an earlier night is open since then; one seen only
// today (a rerun) stays new.
func TestCarryKeepsTheFirstNight(t *testing.T) {
	exs := Group([]Finding{{Kind: NoDemand, SKU: "A", Location: "DC1"}, {Kind: NoDemand, SKU: "B", Location: "DC1"}}, Rules{}, day)
	Carry(exs, map[string]Memory{ID(NoDemand, "A", "DC1", ""): {FirstSeen: day.AddDays(-3)}, ID(NoDemand, "B", "DC1", ""): {FirstSeen: day}}, day)
	assert.Equal(t, "open", exs[0].Status)
	assert.Equal(t, day.AddDays(-3), exs[0].FirstSeen)
	assert.Equal(t, "new", exs[1].Status)
	assert.Equal(t, day, exs[1].FirstSeen)
}

// A snooze holds until its day, or while the value at risk stays within
// its bound (both, when both are set); an acknowledged exception stays
// on the list as such; the snoozed are not counted as active.
func TestSnoozesHoldUntilTheirDayOrValue(t *testing.T) {
	exs := Group([]Finding{
		{Kind: DCShort, SKU: "A", Location: "DC1", Units: 1, Value: 50},
		{Kind: DCShort, SKU: "B", Location: "DC1", Units: 1, Value: 200},
		{Kind: DCShort, SKU: "C", Location: "DC1", Units: 1, Value: 10},
		{Kind: DCShort, SKU: "D", Location: "DC1", Units: 1, Value: 5},
	}, Rules{}, day)
	memory := map[string]Memory{
		ID(DCShort, "A", "DC1", ""): {FirstSeen: day - 1, SnoozedUntil: day},
		ID(DCShort, "B", "DC1", ""): {FirstSeen: day - 1, SnoozedUpTo: 150},
		ID(DCShort, "C", "DC1", ""): {FirstSeen: day - 1, Acknowledged: true},
		ID(DCShort, "D", "DC1", ""): {FirstSeen: day - 1, SnoozedUntil: day - 1},
	}
	Carry(exs, memory, day)
	status := map[string]string{}
	for _, e := range exs {
		status[e.SKU] = e.Status
	}
	assert.Equal(t, map[string]string{"A": "snoozed", "B": "open", "C": "acknowledged", "D": "open"}, status,
		"B grew past its bound, D's snooze ended yesterday")
	assert.Equal(t, 3, Active(exs))
	m := Memory{SnoozedUntil: day, SnoozedUpTo: 100}
	assert.True(t, m.Snoozed(day, 100))
	assert.False(t, m.Snoozed(day, 101))
	assert.False(t, m.Snoozed(day+1, 1))
}
