package datasets

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
)

// Days marked unavailable, closed days of the store calendar and days that
// ended with no stock are unobserved in the panel; future closures, planned
// or habitual (every Sunday), are closed days ahead.
func TestPanelMarksUnobservedAndClosedDays(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var sales strings.Builder
	sales.WriteString("date,sku,location,qty,available\n")
	start, _ := series.ParseDate("2024-01-01") // a Monday
	days := 70
	for d := 0; d < days; d++ {
		date := start + series.Date(d)
		for _, loc := range []string{"S1", "S2"} {
			open := date.Weekday() != 0 || loc == "S2" // S1 closes on Sundays
			qty := 5
			if !open {
				qty = 0
			}
			fmt.Fprintf(&sales, "%s,A,%s,%d,%t\n", date, loc, qty, open)
		}
	}
	files := map[string]string{
		"sales":     writeFile(t, dir, "sales.csv", sales.String()),
		"openings":  writeFile(t, dir, "openings.csv", "location,date,open\nS2,2024-01-10,false\nS2,2024-03-12,false\nS1,2024-03-17,true\n"),
		"inventory": writeFile(t, dir, "inventory.csv", "as_of,sku,location,on_hand\n2024-01-20,A,S2,0\n"),
	}
	s := openMemory(t)
	_, err := s.Load(ctx, LoadOptions{Files: files})
	require.NoError(t, err)
	p, err := s.ReadPanel(ctx, PanelOptions{Horizon: 14})
	require.NoError(t, err)
	require.Equal(t, 2, p.Len())
	require.NotNil(t, p.Unobserved)
	var s1, s2 []string
	for i, key := range p.Keys {
		for t2, u := range p.UnobservedOf(i) {
			if u {
				d := (p.Starts[i] + series.Date(t2)).String()
				if key.Location == "S1" {
					s1 = append(s1, d)
				} else {
					s2 = append(s2, d)
				}
			}
		}
	}
	assert.Len(t, s1, 10, "S1's ten Sundays")
	assert.Equal(t, "2024-01-07", s1[0])
	assert.Equal(t, []string{"2024-01-10", "2024-01-20"}, s2, "S2's closed day and its stock-out")
	// Ahead (the history ends on Sunday 2024-03-10): S1 is closed on
	// Sunday 03-17 by habit but the calendar opens it, and on 03-24 by
	// habit; S2 on its planned 03-12.
	closed := map[string][]string{}
	for i, key := range p.Keys {
		for _, d := range p.Closed[i] {
			closed[key.Location] = append(closed[key.Location], d.String())
		}
	}
	assert.Equal(t, map[string][]string{"S1": {"2024-03-24"}, "S2": {"2024-03-12"}}, closed)

	// Weekly, a week is unobserved only when all its days are.
	w, err := s.ReadPanel(ctx, PanelOptions{Freq: series.Weekly})
	require.NoError(t, err)
	assert.Nil(t, w.Unobserved)
}

// A database from before availability was kept, opened read-only, reads
// as fully observed.
func TestPanelOfADatabaseWithoutAvailability(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	_, err := s.Load(ctx, LoadOptions{Files: sampleFiles(t)})
	require.NoError(t, err)
	_, err = s.DB().Exec("DROP TABLE openings; ALTER TABLE sales DROP COLUMN available")
	require.NoError(t, err)
	p, err := s.ReadPanel(ctx, PanelOptions{Horizon: 7})
	require.NoError(t, err)
	assert.Positive(t, p.Len())
	assert.Nil(t, p.Unobserved)
	assert.Nil(t, p.Closed)
}

// The price history leaves out days whose demand went unobserved: a closed
// day's zero says nothing of how demand answers its price.
func TestPriceHistoryLeavesOutUnobservedDays(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openMemory(t)
	_, err := s.Load(ctx, LoadOptions{Files: map[string]string{"sales": writeFile(t, dir, "s.csv",
		"date,sku,location,qty,price,available\n2024-01-01,A,S1,5,2.0,true\n2024-01-02,A,S1,0,2.0,false\n2024-01-03,A,S1,6,2.0,true\n")}})
	require.NoError(t, err)
	h, err := s.PriceHistory(ctx, series.Daily)
	require.NoError(t, err)
	require.Len(t, h.Series, 1)
	var periods []int
	for _, o := range h.Series[0].Obs {
		periods = append(periods, o.Period)
	}
	assert.Equal(t, []int{0, 2}, periods)
}

// The price history read in parts of whole SKUs is the whole history: the
// parts hold the series in order, each at most the part's size unless one
// SKU alone is larger, and each carries the whole history's dates.
func TestPriceHistoryInPartsIsTheWholeHistory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openMemory(t)
	csv := "date,sku,location,qty,price\n"
	for _, r := range []string{"A,S1", "A,S2", "B,S1", "C,S1", "C,S2", "C,S3", "C,S4", "D,S2", "E,S1", "E,S3"} {
		csv += "2024-01-01," + r + ",3,2.5\n2024-01-02," + r + ",4,2.0\n"
	}
	_, err := s.Load(ctx, LoadOptions{Files: map[string]string{"sales": writeFile(t, dir, "s.csv", csv)}})
	require.NoError(t, err)
	whole, err := s.PriceHistory(ctx, series.Daily)
	require.NoError(t, err)
	require.Len(t, whole.Series, 10)
	var got []series.PriceSeries
	var sizes []int
	for h, err := range s.PriceHistories(ctx, series.Daily, 3) {
		require.NoError(t, err)
		assert.Equal(t, whole.Start, h.Start)
		assert.Equal(t, whole.End, h.End)
		assert.Equal(t, whole.Rows, h.Rows)
		got = append(got, h.Series...)
		sizes = append(sizes, len(h.Series))
	}
	assert.Equal(t, whole.Series, got)
	// A and B (3), C alone (4, larger than a part), D and E (3).
	assert.Equal(t, []int{3, 4, 3}, sizes)
}
