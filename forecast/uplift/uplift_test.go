package uplift

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/planner-engine/planner/dist"
	"github.com/planner-engine/planner/series"
)

// world is a small chain whose peaks have known effects: categories with
// their own uplift, the same dips, and each year's uplift drawn around
// the category's mean.
type world struct {
	panel    *series.Panel
	labels   Labels
	past     []series.Occurrence
	next     series.Occurrence
	uplift   map[string]float64
	realized map[string]float64
	pre      float64
	post     float64
}

func newWorld(seed uint64, years int) *world {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := &world{labels: Labels{Category: map[string]string{}, Region: map[string]string{}},
		uplift: map[string]float64{"A": 2, "B": 3, "C": 4.5}, pre: 0.85, post: 0.7}
	start := series.MustParseDate("2021-01-04")
	// The history ends two days after the last year's peak, whose window
	// is then not whole.
	days := int(series.DateFromYMD(2020+years, 11, 13)-start) + 1
	for y := 0; y < years; y++ {
		d := series.DateFromYMD(2021+y, 11, 11)
		w.past = append(w.past, series.Occurrence{Type: "singles_day", First: d, Last: d, Region: "*"})
	}
	w.next = series.Occurrence{Type: "singles_day", First: series.DateFromYMD(2021+years, 11, 11), Last: series.DateFromYMD(2021+years, 11, 11), Region: "*"}
	// realized is each category's mean uplift over the whole windows of
	// the history (every year but the last), as drawn.
	w.realized = map[string]float64{}
	shock := map[string][]float64{}
	for _, c := range []string{"A", "B", "C"} {
		for range years {
			shock[c] = append(shock[c], math.Exp(0.1*rng.NormFloat64()-0.005))
		}
		var logs float64
		for _, x := range shock[c][:years-1] {
			logs += math.Log(w.uplift[c] * x)
		}
		w.realized[c] = math.Exp(logs / float64(years-1))
	}
	week := [7]float64{0.8, 0.9, 0.9, 1, 1.1, 1.4, 0.9}
	p := &series.Panel{Freq: series.Daily}
	for _, c := range []string{"A", "B", "C"} {
		for j := 0; j < 20; j++ {
			sku := fmt.Sprintf("%s%02d", c, j)
			w.labels.Category[sku] = c
			level := math.Exp(rng.NormFloat64()*0.8) * 2
			for l := 0; l < 4; l++ {
				loc := fmt.Sprintf("L%d", l)
				y := make([]float64, days)
				gamma := distuv.Gamma{Alpha: 3, Src: rng}
				for t := range y {
					d := start + series.Date(t)
					mean := level * week[(int(d.Weekday())+6)%7]
					for k, o := range w.past {
						switch gap := int(d - o.First); {
						case gap == 0:
							mean *= w.uplift[c] * shock[c][k]
						case gap >= -3 && gap < 0:
							mean *= w.pre
						case gap > 0 && gap <= 7:
							mean *= w.post
						}
					}
					gamma.Beta = 3 / mean
					y[t] = float64(poisson(rng, gamma.Rand()))
				}
				p.Append(series.Key{SKU: sku, Location: loc, Channel: "store"}, start, y)
			}
		}
	}
	w.panel = p
	return w
}

func poisson(rng *rand.Rand, lambda float64) int {
	return int(distuv.Poisson{Lambda: lambda, Src: rng}.Rand())
}

// Each category's estimate is within 2.5 standard errors of the mean of
// the years it saw (its error is about 6% here: three years of a few
// hundred units on the day).
func TestEstimateRecoversEachCategorysEffects(t *testing.T) {
	w := newWorld(2, 4)
	m := Estimate(w.panel, w.past, w.labels, Options{})
	require.Len(t, m.Past, 3, "the last year's peak falls in the history's last days: its window is not whole")
	assert.Equal(t, w.past[:3], m.Past)
	for _, c := range []string{"A", "B", "C"} {
		e, ok := m.Effect("singles_day", c)
		require.True(t, ok, c)
		assert.Equal(t, 3, e.Occurrences)
		assert.InEpsilon(t, w.realized[c], e.Lifts[During].Mult, 0.15, "%s: uplift", c)
		assert.InEpsilon(t, w.pre, e.Lifts[Before].Mult, 0.08, "%s: the dip before", c)
		assert.InEpsilon(t, w.post, e.Lifts[After].Mult, 0.08, "%s: the dip after", c)
		// The year-to-year spread (0.1) shows in the predictive spread.
		assert.Greater(t, e.Lifts[During].SD, 0.04, "%s", c)
		assert.Less(t, e.Lifts[During].SD, 0.3, "%s", c)
	}
}

// A product that sells twice as much on the peak as its category, every
// year at every store, keeps most of that; one whose only peak at one
// store was as far above keeps most of its category's.
func TestProductsWithLittleHistoryTakeTheirCategorysUplift(t *testing.T) {
	w := newWorld(2, 5)
	p := &series.Panel{Freq: series.Daily}
	for i, k := range w.panel.Keys {
		y := append([]float64(nil), w.panel.Series(i)...)
		start := w.panel.Starts[i]
		boost := func(o series.Occurrence) {
			if t := int(o.First - start); t >= 0 && t < len(y) {
				y[t] = math.Round(y[t] * 2)
			}
		}
		switch k.SKU {
		case "A01": // launched before the last whole peak, at one store
			if k.Location != "L0" {
				continue
			}
			cut := int(w.past[3].First-start) - 200
			y, start = y[cut:], start+series.Date(cut)
			boost(w.past[3])
		case "A02":
			for _, o := range w.past {
				boost(o)
			}
		}
		p.Append(k, start, y)
	}
	m := Estimate(p, w.past, w.labels, Options{})
	cat, _ := m.Effect("singles_day", "A")
	thin, ok := m.Lift("singles_day", "A", "A01", During)
	require.True(t, ok)
	thick, _ := m.Lift("singles_day", "A", "A02", During)
	assert.Greater(t, thick.Mult/cat.Lifts[During].Mult, 1.25, "A02's own uplift shows (%.2f vs %.2f)", thick.Mult, cat.Lifts[During].Mult)
	assert.Less(t, thin.Mult/cat.Lifts[During].Mult, 1.3,
		"a product with one peak at one store keeps most of its category's uplift (%.2f vs %.2f)", thin.Mult, cat.Lifts[During].Mult)
	assert.Greater(t, thin.SE, thick.SE, "and is less sure of it")
	t.Logf("category %.2f, thick %.2f (se %.3f), thin %.2f (se %.3f)", cat.Lifts[During].Mult, thick.Mult, thick.SE, thin.Mult, thin.SE)
}

func TestMaskLeavesThePeaksOutOfTheFit(t *testing.T) {
	w := newWorld(3, 2)
	m := Estimate(w.panel, w.past, w.labels, Options{})
	require.Len(t, m.Past, 1)
	w.past = w.past[:1]
	marked := m.Mask(w.panel, w.past, w.labels)
	assert.Equal(t, w.panel.Len()*11, marked, "3 days before, the day, 7 after, at every series")
	i := 0
	first := int(w.past[0].First - w.panel.Starts[i])
	u := w.panel.UnobservedOf(i)
	assert.False(t, u[first-4])
	assert.True(t, u[first-3])
	assert.True(t, u[first+7])
	assert.False(t, u[first+8])
}

func TestApplyScalesTheWindowAndWidensItsQuantiles(t *testing.T) {
	w := newWorld(4, 4)
	m := Estimate(w.panel, w.past, w.labels, Options{})
	start := w.next.First - 10
	f := &series.Forecasts{Freq: series.Daily, Horizon: 20, Quantiles: []float64{0.1, 0.5, 0.9},
		Keys: []series.Key{{SKU: "C05", Location: "L1", Channel: "store"}}, Starts: []series.Date{start}}
	for t := 0; t < 20; t++ {
		f.Mean = append(f.Mean, 10)
		f.Q = append(f.Q, 6, 10, 14)
	}
	changed := m.Apply(f, []series.Occurrence{w.next}, w.labels)
	assert.Equal(t, 11, changed)
	l, _ := m.Lift("singles_day", "C", "C05", During)
	assert.InDelta(t, 10*l.Mult, f.Mean[10], 1e-9)
	assert.Equal(t, 10.0, f.Mean[6], "the day before the window")
	assert.Less(t, f.Mean[9], 10.0, "the dip before")
	assert.Less(t, f.Mean[11], 10.0, "the dip after")
	// Without the uplift's uncertainty, the model's (Poisson-like) spread
	// at the new mean.
	sd := series.SDFromQuantiles(0.1, 0.9, 6, 14)
	certain := make([]float64, 3)
	dist.CountMidQuantiles(f.Mean[10], sd*sd*l.Mult, f.Quantiles, certain)
	assert.Greater(t, f.Q[10*3+2]-f.Q[10*3], 1.2*(certain[2]-certain[0]), "the uplift's uncertainty widens the event day's interval")
}

// A model read back from JSON (a run's parameters, learned once for every
// shard) lifts as the model it was written from.
func TestModelReadBackFromJSONLiftsTheSame(t *testing.T) {
	w := newWorld(5, 4)
	m := Estimate(w.panel, w.past, w.labels, Options{})
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var back Model
	require.NoError(t, json.Unmarshal(b, &back))
	for _, sku := range []string{"A00", "B07", "C19"} {
		for _, seg := range Segments {
			want, ok1 := m.Lift("singles_day", w.labels.Category[sku], sku, seg)
			got, ok2 := back.Lift("singles_day", w.labels.Category[sku], sku, seg)
			require.True(t, ok1 && ok2)
			assert.Equal(t, want, got, "%s %s", sku, seg)
		}
	}
}
