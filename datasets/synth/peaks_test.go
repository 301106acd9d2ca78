package synth_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets/synth"
)

// The peaks move the true demand by what truth/event_years.csv and
// truth/events.csv say, and the returns that follow are the stated share
// of the day's sales.
func TestPeaksCarryTheirTruth(t *testing.T) {
	cfg := synth.Config{Stores: 6, SKUs: 40, Days: 700, Horizon: 14, Seed: 3, Channels: []string{synth.ChannelStore}, Peaks: true}
	res := generate(t, cfg)
	category := map[string]string{}
	for _, row := range readCSV(t, res.Files["products"]) {
		category[row["sku"]] = row["category"]
	}
	peaks := 0
	for _, e := range readCSV(t, res.Files["events"]) {
		if e["kind"] == "peak" {
			peaks++
		}
	}
	assert.Equal(t, 4, peaks, "two peaks a year over two years")
	type cell struct{ date, category string }
	year := map[cell]float64{}
	for _, row := range readCSV(t, res.Files["truth_event_years"]) {
		year[cell{row["date"], row["category"]}], _ = strconv.ParseFloat(row["uplift"], 64)
	}
	type shape struct{ pre, post, returns float64 }
	shapes := map[string]shape{} // by event type and category
	for _, row := range readCSV(t, res.Files["truth_events"]) {
		var s shape
		s.pre, _ = strconv.ParseFloat(row["pre_dip"], 64)
		s.post, _ = strconv.ParseFloat(row["post_dip"], 64)
		s.returns, _ = strconv.ParseFloat(row["return_rate"], 64)
		shapes[row["event"]+"/"+row["category"]] = s
	}
	// Without the peaks, the same retailer: the ratio of the true means is
	// the peaks' effect alone.
	plain := cfg
	plain.Peaks = false
	without := map[string]float64{}
	for _, m := range readCSV(t, generate(t, plain).Files["truth_demand"]) {
		without[m["date"]+"/"+m["sku"]+"/"+m["location"]], _ = strconv.ParseFloat(m["mean"], 64)
	}
	type day struct {
		date  string
		event string
	}
	want := map[[2]string]float64{} // by date and category: the multiplier
	var peakDays []day
	for _, row := range readCSV(t, res.Files["truth_event_years"]) {
		date, cat, s := row["date"], row["category"], shapes[row["event"]+"/"+row["category"]]
		want[[2]string{date, cat}] = year[cell{date, cat}]
		for d := 1; d <= 3; d++ {
			want[[2]string{shiftDate(t, date, -d), cat}] = s.pre
		}
		for d := 1; d <= 7; d++ {
			want[[2]string{shiftDate(t, date, d), cat}] = s.post
		}
		if cat == "Apparel" {
			peakDays = append(peakDays, day{date, row["event"]})
		}
	}
	checked := 0
	for _, m := range readCSV(t, res.Files["truth_demand"]) {
		k := m["date"] + "/" + m["sku"] + "/" + m["location"]
		v, _ := strconv.ParseFloat(m["mean"], 64)
		if without[k] < 0.5 {
			continue
		}
		w, ok := want[[2]string{m["date"], category[m["sku"]]}]
		if !ok {
			w = 1
		}
		require.InEpsilon(t, w, v/without[k], 1e-3, "%s", k)
		checked++
	}
	assert.Greater(t, checked, 10_000)
	sold, returned := map[day]float64{}, map[day]float64{}
	sales := readCSV(t, res.Files["sales"])
	for _, c := range peakDays {
		for _, r := range sales {
			if category[r["sku"]] != "Apparel" {
				continue
			}
			q, _ := strconv.ParseFloat(r["qty"], 64)
			ret, _ := strconv.ParseFloat(r["returns"], 64)
			if r["date"] == c.date {
				sold[c] += q
			}
			if r["date"] > c.date && r["date"] <= shiftDate(t, c.date, 14) {
				returned[c] += ret
			}
		}
		require.Greater(t, sold[c], 30.0)
		assert.InDelta(t, shapes[c.event+"/Apparel"].returns, returned[c]/sold[c], 0.1, "%s %s: returns after the day", c.event, c.date)
	}
	var elsewhere float64
	for _, r := range sales {
		if ret, _ := strconv.ParseFloat(r["returns"], 64); ret > 0 {
			inWindow := false
			for c := range sold {
				if r["date"] > c.date && r["date"] <= shiftDate(t, c.date, 14) {
					inWindow = true
				}
			}
			if !inWindow && category[r["sku"]] == "Apparel" {
				elsewhere += ret
			}
		}
	}
	assert.Zero(t, elsewhere, "returns come only in the fortnight after a peak")
}
