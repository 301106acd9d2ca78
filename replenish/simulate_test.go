package replenish

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/planner-engine/planner/series"
)

// poissonPanel is n daily series of Poisson sales with means from 1 to 20.
func poissonPanel(n, days int, seed uint64) (*series.Panel, []float64) {
	rng := rand.New(rand.NewPCG(seed, seed))
	p := &series.Panel{Freq: series.Daily}
	means := make([]float64, n)
	for i := 0; i < n; i++ {
		means[i] = 1 + 19*float64(i)/float64(max(1, n-1))
		d := distuv.Poisson{Lambda: means[i], Src: rng}
		y := make([]float64, days)
		for t := range y {
			y[t] = d.Rand()
		}
		p.Append(series.Key{SKU: string(rune('A' + i%26)), Location: "S"}, series.MustParseDate("2025-01-06"), y)
	}
	return p, means
}

// knownMean forecasts each series' true Poisson mean.
type knownMean struct{ mean float64 }

func (k knownMean) Forecast(y []float64, mean, sd []float64) {
	for t := range mean {
		mean[t], sd[t] = k.mean, math.Sqrt(k.mean)
	}
}

func TestSimulatedFillRateMeetsTarget(t *testing.T) {
	p, means := poissonPanel(20, 1200, 3)
	next := 0
	opts := SimOptions{Holdout: 1000, LeadTime: 7, Review: 7, Target: Target{0.95, FillRate}, Backorders: true,
		Forecaster: func() Forecaster { next++; return knownMean{means[next-1]} }, Workers: 1}
	res, err := Simulate(context.Background(), p, []PolicyFor{
		func(float64) Policy { return OrderUpTo{} },
		func(avg float64) Policy { return Cover{Days: 14, Average: avg} },
	}, opts)
	require.NoError(t, err)
	rs, cover := res[0], res[1]
	t.Logf("order-up-to %+v\ncover %+v", rs, cover)
	assert.Equal(t, "order-up-to", rs.Policy)
	assert.InDelta(t, 0.95, rs.FillRate, 0.01, "%+v", rs)
	assert.Equal(t, 20, rs.Series)
	assert.Greater(t, rs.Orders, 20*100)
	// Fourteen days of cover is exactly the mean demand over lead time and
	// review, no safety stock: it falls short of 95%.
	assert.Less(t, cover.FillRate, rs.FillRate)
	assert.Greater(t, cover.StockoutDays, rs.StockoutDays)
	// The cycle service level of a fill-rate policy is below its fill rate.
	assert.Less(t, rs.CycleServiceLevel, rs.FillRate)
	assert.Greater(t, rs.AvgInventoryUnits, 0.0)
	assert.Equal(t, rs.AvgInventoryUnits, rs.AvgInventoryValue, "units valued at 1 without costs")
}

func TestSimulationIsDeterministicWhateverTheWorkers(t *testing.T) {
	p, _ := poissonPanel(12, 300, 5)
	run := func(workers int) []SimResult {
		opts := SimOptions{Holdout: 200, LeadTime: 4, LeadTimeSD: 1.5, Review: 3, Target: Target{0.9, CycleService}, Seed: 9, Workers: workers,
			Forecaster: func() Forecaster { return trailing{} }}
		res, err := Simulate(context.Background(), p, []PolicyFor{
			func(float64) Policy { return OrderUpTo{} },
			func(avg float64) Policy { return ERPMinMax{SafetyDays: 3, Average: avg} },
		}, opts)
		require.NoError(t, err)
		return res
	}
	assert.Equal(t, run(1), run(4))
}

// trailing forecasts the mean of the last four weeks with a Poisson spread.
type trailing struct{}

func (trailing) Forecast(y []float64, mean, sd []float64) {
	m := meanOf(y[max(0, len(y)-28):])
	for t := range mean {
		mean[t], sd[t] = m, math.Sqrt(m)
	}
}

func TestShelfLifeExpiresStock(t *testing.T) {
	p, _ := poissonPanel(4, 200, 7)
	opts := SimOptions{Holdout: 150, LeadTime: 2, Review: 7, Target: Target{0.95, CycleService}, Forecaster: func() Forecaster { return trailing{} }}
	cover := []PolicyFor{func(avg float64) Policy { return Cover{Days: 30, Average: avg} }}
	res, err := Simulate(context.Background(), p, cover, opts)
	require.NoError(t, err)
	assert.Equal(t, 0.0, res[0].ExpiredUnits)
	opts.ShelfLife = 5
	res, err = Simulate(context.Background(), p, cover, opts)
	require.NoError(t, err)
	assert.Greater(t, res[0].ExpiredUnits, 0.0, "30 days of cover with a 5-day shelf life")
}

func TestSimulateLeavesOutSeriesWithoutHistory(t *testing.T) {
	p, _ := poissonPanel(3, 200, 1)
	p.Append(series.Key{SKU: "new", Location: "S"}, series.MustParseDate("2025-06-01"), make([]float64, 40))
	res, err := Simulate(context.Background(), p, []PolicyFor{func(float64) Policy { return OrderUpTo{} }},
		SimOptions{Holdout: 30, LeadTime: 2, Review: 7, Target: Target{0.95, FillRate}, Forecaster: func() Forecaster { return trailing{} }})
	require.NoError(t, err)
	assert.Equal(t, 3, res[0].Series)
	assert.Equal(t, 1, res[0].Skipped)
}

func TestSimulateRefusesBadOptions(t *testing.T) {
	p, _ := poissonPanel(2, 50, 1)
	pol := []PolicyFor{func(float64) Policy { return OrderUpTo{} }}
	good := SimOptions{Holdout: 20, LeadTime: 2, Review: 7, Target: Target{0.95, FillRate}}
	for name, edit := range map[string]func(*SimOptions){
		"holdout 0":        func(o *SimOptions) { o.Holdout = 0 },
		"holdout too long": func(o *SimOptions) { o.Holdout = 30 }, // leaves 20 days of history
		"lead time 0":      func(o *SimOptions) { o.LeadTime = 0 },
		"review 0":         func(o *SimOptions) { o.Review = 0 },
		"target 95":        func(o *SimOptions) { o.Target.Level = 95 },
		"costs":            func(o *SimOptions) { o.UnitCost = []float64{1} },
	} {
		o := good
		edit(&o)
		_, err := Simulate(context.Background(), p, pol, o)
		assert.Error(t, err, name)
	}
}

func TestCompareTunesTheBaselinesToTheSameFillRate(t *testing.T) {
	p, means := poissonPanel(10, 400, 11)
	k := 0
	opts := SimOptions{Holdout: 300, LeadTime: 5, Review: 7, Target: Target{0.95, FillRate}, Workers: 1,
		Forecaster: func() Forecaster { k++; return knownMean{means[k-1]} }}
	c, err := Compare(context.Background(), p, func(float64) Policy { return OrderUpTo{} }, opts)
	require.NoError(t, err)
	require.True(t, c.CoverReached && c.MinMaxReached)
	assert.GreaterOrEqual(t, c.Cover.FillRate, c.Policy.FillRate)
	assert.GreaterOrEqual(t, c.MinMax.FillRate, c.Policy.FillRate)
	// A quarter day less of each baseline falls short: the setting is the
	// cheapest that serves as well.
	opts.Forecaster = nil
	less, err := Simulate(context.Background(), p, []PolicyFor{
		func(avg float64) Policy { return Cover{Days: c.CoverDays - dayStep, Average: average(avg)} },
		func(avg float64) Policy {
			return ERPMinMax{SafetyDays: c.MinMaxSafetyDays - dayStep, Average: average(avg)}
		},
	}, opts)
	require.NoError(t, err)
	assert.Less(t, less[0].FillRate, c.Policy.FillRate)
	if c.MinMaxSafetyDays > 0 {
		assert.Less(t, less[1].FillRate, c.Policy.FillRate)
	}
	assert.Contains(t, c.Cover.Policy, "cover (")
}

func TestCheapestReportsTheBestWhenNoneReaches(t *testing.T) {
	res := []SimResult{{FillRate: 0.8}, {FillRate: 0.9}, {FillRate: 0.85}}
	r, k, ok := cheapest(res, 0.95)
	assert.False(t, ok)
	assert.Equal(t, 1, k)
	assert.Equal(t, 0.9, r.FillRate)
	_, k, ok = cheapest(res, 0.82)
	assert.True(t, ok)
	assert.Equal(t, 1, k)
}

// seenMean forecasts the mean of the history it is given, and keeps it.
type seenMean struct{ got *[]float64 }

func (s seenMean) Forecast(y []float64, mean, sd []float64) {
	m := meanOf(y[max(0, len(y)-28):])
	*s.got = append(*s.got, m)
	for t := range mean {
		mean[t], sd[t] = m, math.Sqrt(m)
	}
}

// A store closed on some days sells nothing then and loses no sale; the
// forecasts behind its orders see the demand of its open days, not the
// zeros of the days it was closed.
func TestSimulationForecastsFromDemandNotClosedDays(t *testing.T) {
	p := &series.Panel{Freq: series.Daily}
	y := make([]float64, 400)
	mask := make([]bool, 400)
	start := series.MustParseDate("2025-01-06") // a Monday
	for d := range y {
		y[d] = 5       // a slow seller: a zero could be demand, so only the marks say it is not
		if d%10 == 3 { // closed now and then, on any weekday
			y[d], mask[d] = 0, true
		}
	}
	p.Append(series.Key{SKU: "A", Location: "S1"}, start, y)
	run := func(unobserved []bool) []float64 {
		p.Unobserved = unobserved
		var seen []float64
		_, err := Simulate(context.Background(), p, []PolicyFor{func(float64) Policy { return OrderUpTo{} }},
			SimOptions{Holdout: 300, LeadTime: 2, Review: 7, Target: Target{0.95, FillRate}, Workers: 1,
				Forecaster: func() Forecaster { return seenMean{&seen} }})
		require.NoError(t, err)
		return seen
	}
	for _, m := range run(mask) {
		assert.InDelta(t, 5, m, 1e-9, "closed days filled at the open days' level")
	}
	for _, m := range run(nil) {
		assert.InDelta(t, 4.55, m, 0.1, "as zeros, closed days pull the level down")
	}
}

// recordMeans is a policy that orders up to the forecast and keeps each
// review's forecast.
type recordMeans struct{ got *[][]float64 }

func (recordMeans) Name() string { return "record" }

func (r recordMeans) Levels(it *Item) (Levels, error) {
	*r.got = append(*r.got, append([]float64(nil), it.Mean...))
	return OrderUpTo{}.Levels(it)
}

// The days a store is closed are known ahead in a replay (the sales mark
// them, as a store calendar would), so the forecasts the orders come from
// expect nothing on them.
func TestSimulationForecastsNothingOnClosedDaysAhead(t *testing.T) {
	p := &series.Panel{Freq: series.Daily}
	y := make([]float64, 200)
	mask := make([]bool, 200)
	for d := range y {
		y[d] = 5
		if d%10 == 3 {
			y[d], mask[d] = 0, true
		}
	}
	p.Append(series.Key{SKU: "A", Location: "S1"}, series.MustParseDate("2025-01-06"), y)
	p.Unobserved = mask
	var got [][]float64
	_, err := Simulate(context.Background(), p, []PolicyFor{func(float64) Policy { return recordMeans{&got} }},
		SimOptions{Holdout: 70, LeadTime: 2, Review: 7, Target: Target{0.95, FillRate}, Workers: 1,
			Forecaster: func() Forecaster { return seenMean{new([]float64)} }})
	require.NoError(t, err)
	require.Len(t, got, 11, "the warm start and ten reviews")
	for r, mean := range got[1:] {
		d := 130 + 7*r // the review's day
		for t2, m := range mean {
			if day := d + 1 + t2; day < len(y) && day%10 == 3 {
				assert.Zero(t, m, "review on day %d, day %d closed", d, day)
			} else {
				assert.InDelta(t, 5, m, 1e-9, "review on day %d, day %d open", d, day)
			}
		}
	}
}
