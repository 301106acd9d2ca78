package forecast

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/forecast/hierarchy"
	"github.com/planner-engine/planner/series"
)

// randomPanel is n daily series of varied shapes and lengths: seasonal,
// trending, intermittent and all-zero, from a fixed seed.
func randomPanel(n, length int, seed uint64) *series.Panel {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	p := &series.Panel{Freq: series.Daily}
	start := series.MustParseDate("2023-01-02")
	for i := 0; i < n; i++ {
		l := length/2 + rng.IntN(length/2+1)
		y := make([]float64, l)
		level := 1 + 30*rng.Float64()
		kind := i % 4
		for t := range y {
			switch kind {
			case 0: // weekly season
				y[t] = math.Round(level * (1 + 0.4*math.Sin(2*math.Pi*float64(t)/7)) * (1 + 0.2*rng.NormFloat64()))
			case 1: // trend
				y[t] = math.Round(level + 0.05*float64(t) + 2*rng.NormFloat64())
			case 2: // intermittent
				if rng.Float64() < 0.15 {
					y[t] = float64(1 + rng.IntN(5))
				}
			case 3: // all zero but for one early sale
				if t == 0 {
					y[t] = 1
				}
			}
			y[t] = math.Max(0, y[t])
		}
		p.Append(series.Key{SKU: "S" + string(rune('A'+i%26)) + string(rune('a'+i/26%26)), Location: "L" + string(rune('0'+i%10))},
			start+series.Date(rng.IntN(30)), y)
	}
	return p
}

func TestRunIsDeterministicAndKeepsTheInputOrder(t *testing.T) {
	p := randomPanel(150, 200, 1)
	one, err := Run(context.Background(), p, Options{Horizon: 14, Workers: 1})
	require.NoError(t, err)
	many, err := Run(context.Background(), p, Options{Horizon: 14, Workers: 7})
	require.NoError(t, err)
	assert.Equal(t, one.Mean, many.Mean)
	assert.Equal(t, one.Q, many.Q)
	assert.Equal(t, one.Model, many.Model)
	assert.Equal(t, one.Why, many.Why)
	assert.Equal(t, p.Keys, one.Keys)
	for i := 0; i < p.Len(); i++ {
		assert.Equal(t, p.End(i)+1, one.Starts[i], "the forecast starts the period after the history")
	}
	// Each series' forecast is its own: forecasting series 17 alone gives
	// the same numbers, but for calibration, which pools errors across
	// the panel, so compare with a model that needs none.
	alone := &series.Panel{Freq: p.Freq}
	alone.Append(p.Keys[17], p.Starts[17], p.Series(17))
	a, err := Run(context.Background(), alone, Options{Horizon: 14, Model: ETS{}})
	require.NoError(t, err)
	all, err := Run(context.Background(), p, Options{Horizon: 14, Model: ETS{}})
	require.NoError(t, err)
	assert.Equal(t, a.Series(0), all.Series(17))
}

func TestRunRefusesMissingValuesNamingTheSeriesAndDate(t *testing.T) {
	p := &series.Panel{Freq: series.Daily}
	p.Append(series.Key{SKU: "A", Location: "S1"}, series.MustParseDate("2024-03-01"), []float64{1, 2, 3})
	p.Append(series.Key{SKU: "B", Location: "S1"}, series.MustParseDate("2024-03-01"), []float64{1, math.NaN(), 3})
	_, err := Run(context.Background(), p, Options{Horizon: 2})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "B@S1/")
	assert.Contains(t, err.Error(), "2024-03-02")
}

func TestRunAllowsReturnsButNeverForecastsBelowZero(t *testing.T) {
	p := &series.Panel{Freq: series.Daily}
	y := []float64{5, 3, -2, 1, -4, -6, -8, -10, -12, -14}
	p.Append(series.Key{SKU: "A"}, 0, y)
	res, err := Run(context.Background(), p, Options{Horizon: 5})
	require.NoError(t, err)
	for step := 0; step < 5; step++ {
		assert.GreaterOrEqual(t, res.Series(0)[step], 0.0)
		for k := range res.Quantiles {
			assert.GreaterOrEqual(t, res.Quantile(0, step, k), 0.0)
		}
	}
}

// failing is a model that fails, or forecasts nothing usable.
type failing struct{ nan bool }

func (failing) Name() string { return "failing" }
func (f failing) Fit([]float64, *SeriesInfo) (Fitted, error) {
	if f.nan {
		return &levelFit{level: math.NaN(), name: "NaN"}, nil
	}
	return nil, errors.New("no convergence")
}

func TestRunFallsBackAndSaysWhy(t *testing.T) {
	p := &series.Panel{Freq: series.Daily}
	p.Append(series.Key{SKU: "A"}, 0, testSeries()["seasonal"])
	p.Append(series.Key{SKU: "B"}, 0, []float64{4, 5})
	for _, m := range []failing{{}, {nan: true}} {
		res, err := Run(context.Background(), p, Options{Horizon: 3, Model: m})
		require.NoError(t, err)
		assert.Equal(t, "SNaive(7)", res.Model[0])
		assert.Equal(t, "Naive", res.Model[1], "two values are too few for the seasonal naive")
		for i := range 2 {
			assert.True(t, strings.HasPrefix(res.Note[i], "failing failed ("), res.Note[i])
		}
		if m.nan {
			assert.Contains(t, res.Note[0], "non-finite forecast")
		} else {
			assert.Contains(t, res.Note[0], "no convergence")
		}
	}
}

func TestRunReportsProgressToTheEnd(t *testing.T) {
	p := randomPanel(100, 60, 2)
	var last, calls atomic.Int64
	_, err := Run(context.Background(), p, Options{Horizon: 7, Model: Naive{}, Progress: func(done, total int) {
		assert.Equal(t, 100, total)
		calls.Add(1)
		for {
			old := last.Load()
			if int64(done) <= old || last.CompareAndSwap(old, int64(done)) {
				break
			}
		}
	}})
	require.NoError(t, err)
	assert.Equal(t, int64(100), last.Load())
	assert.Positive(t, calls.Load())
}

func TestRunStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, randomPanel(50, 100, 3), Options{Horizon: 7})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestAutoRoutesSeriesByDemandClassAndExplainsItsChoice(t *testing.T) {
	info := &SeriesInfo{Freq: series.Daily, Period: 7, Horizon: 7, Count: true}
	_, _, fit := predictN(t, Auto{}, testSeries()["seasonal"], info, 7)
	why := fit.(explainer).Reason()
	assert.True(t, strings.HasPrefix(why, "smooth; RMSE over 4 windows: "), why)
	for _, name := range []string{"ets", "theta_dotm", "snaive"} {
		assert.Contains(t, why, name)
	}
	_, _, fit = predictN(t, Auto{}, testSeries()["intermittent"], info, 7)
	why = fit.(explainer).Reason()
	for _, name := range []string{"croston_sba", "tsb", "imapa"} {
		assert.Contains(t, why, name)
	}
	assert.NotContains(t, why, "ets")
	assert.Equal(t, "Croston(SBA)", fit.Describe(), "the intermittent series' smallest out-of-sample error")

	// The winner is the candidate with the smallest out-of-sample error:
	// on a pure weekly pattern the seasonal naive is exact.
	y := make([]float64, 120)
	for i := range y {
		y[i] = []float64{3, 9, 4, 12, 5, 30, 20}[i%7]
	}
	mean, _, fit := predictN(t, Auto{Candidates: []Model{Naive{}, SeasonalNaive{}, HistoricAverage{}}}, y, info, 7)
	assert.Equal(t, "SNaive(7)", fit.Describe())
	assert.Equal(t, []float64{y[113], y[114], y[115], y[116], y[117], y[118], y[119]}, mean)
	// A candidate that fails is reported, not fatal.
	_, _, fit = predictN(t, Auto{Candidates: []Model{failing{}, Naive{}}}, y, info, 7)
	assert.Equal(t, "Naive", fit.Describe())
	assert.Contains(t, fit.(explainer).Reason(), "failing n/a")
}

func TestAutoKeepsThePanelsUsualChoiceUnlessClearlyBeaten(t *testing.T) {
	// Most series are a clean weekly pattern, where the seasonal naive
	// wins; one climbs steadily, where the naive forecast is far better
	// (its errors grow to a week's climb; the seasonal naive's are a week's
	// climb at every step).
	p := &series.Panel{Freq: series.Daily}
	rng := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 20; i++ {
		y := make([]float64, 100)
		for t := range y {
			y[t] = []float64{3, 9, 4, 12, 5, 30, 20}[t%7] + 0.3*rng.NormFloat64()
		}
		p.Append(series.Key{SKU: "W" + string(rune('a'+i))}, 0, y)
	}
	climb := make([]float64, 100)
	for t := range climb {
		climb[t] = 10 + 3*float64(t) + 0.3*rng.NormFloat64()
	}
	p.Append(series.Key{SKU: "climb"}, 0, climb)
	auto := Auto{Candidates: []Model{SeasonalNaive{}, Naive{}}}
	res, err := Run(context.Background(), p, Options{Horizon: 7, Model: auto})
	require.NoError(t, err)
	for i := 0; i < 20; i++ {
		assert.Equal(t, "SNaive(7)", res.Model[i])
	}
	assert.Equal(t, "Naive", res.Model[20], res.Why[20])
}

func TestQuantilesAreCalibratedOutOfSample(t *testing.T) {
	// Series whose errors are heavier-tailed than normal (Student t with
	// 4 degrees of freedom), so the models' normal intervals alone would
	// be off; the backtest's coverage over fresh windows must still be
	// near the nominal level.
	rng := rand.New(rand.NewPCG(21, 22))
	p := &series.Panel{Freq: series.Daily}
	student := func() float64 {
		var chi float64
		for range 4 {
			z := rng.NormFloat64()
			chi += z * z
		}
		return rng.NormFloat64() / math.Sqrt(chi/4)
	}
	for i := 0; i < 300; i++ {
		y := make([]float64, 160)
		level := 50 + 50*rng.Float64()
		for t := range y {
			level += 0.5 * student()
			y[t] = level*(1+0.3*math.Sin(2*math.Pi*float64(t)/7)) + 3*student()
		}
		p.Append(series.Key{SKU: "S" + string(rune('a'+i%26)) + string(rune('a'+i/26))}, 0, y)
	}
	res, err := Backtest(context.Background(), p, BacktestOptions{Horizon: 14, Windows: 2})
	require.NoError(t, err)
	sc := res.Overall[0]
	assert.InDelta(t, 0.80, sc.Coverage80, 0.04, "80%% interval covers %.3f", sc.Coverage80)
	assert.InDelta(t, 0.95, sc.Coverage95, 0.03, "95%% interval covers %.3f", sc.Coverage95)
}

func TestReconciledForecastsAddUp(t *testing.T) {
	p := randomPanel(24, 150, 5)
	levels := []hierarchy.Level{
		{Name: "total", Of: func(series.Key) string { return "total" }},
		{Name: "location", Of: func(k series.Key) string { return k.Location }},
	}
	st, err := hierarchy.NewStructure(p.Keys, levels, []string{"total"})
	require.NoError(t, err)
	for _, m := range []hierarchy.Method{hierarchy.BottomUp, hierarchy.TopDown, hierarchy.MinTShrink} {
		rec, err := RunReconciled(context.Background(), p, st, m, Options{Horizon: 7, Model: ETS{}})
		require.NoError(t, err, m)
		assert.Equal(t, m.String(), rec.Bottom.Reconciled)
		for node := range st.Nodes {
			for step := 0; step < 7; step++ {
				var sum float64
				for i, parents := range st.Parents {
					for _, pa := range parents {
						if pa == node {
							sum += rec.Bottom.Series(i)[step]
						}
					}
				}
				assert.InDelta(t, sum, rec.Aggregates.Series(node)[step], 1e-6*math.Max(1, sum), "%s: node %d step %d", m, node, step)
			}
		}
		for i := range rec.Bottom.Note {
			assert.Empty(t, rec.Bottom.Note[i], "reconciling is not a fallback")
		}
	}
}

// Errors whose scale is optimistic (a long series' reruns) set only the
// shape of the quantiles: the 95% interval stays the model's own, and the
// 80% one stands to it as in the errors. Laplace errors (b = 0.5, half
// the predicted spread) put the 90% quantile at 0.821 of where a normal
// with the 95% interval's spread would.
func TestLongSeriesCalibrateTheShapeOfTheirQuantiles(t *testing.T) {
	probs := []float64{0.025, 0.1, 0.5, 0.9, 0.975}
	res := &Result{Forecasts: series.Forecasts{Horizon: 1, Quantiles: probs, Mean: []float64{100}, Q: make([]float64, len(probs))}}
	quantilesOf(100, 10, false, probs, res.Q)
	raw := append([]float64(nil), res.Q...)
	const n, b = 2000, 0.5
	errs := make([]float64, n)
	for k := range errs {
		u := (float64(k) + 0.5) / n
		if u < 0.5 {
			errs[k] = b * math.Log(2*u)
		} else {
			errs[k] = -b * math.Log(2*(1-u))
		}
	}
	calib := []calibrationData{{errs: errs, shapeOnly: true}}
	calibrate(res, probs, []float64{10}, []bool{false}, calib, calibrationFactors(probs, calib))
	assert.InDelta(t, raw[4], res.Q[4], 0.01, "the 97.5% quantile is the model's own")
	assert.InDelta(t, raw[0], res.Q[0], 0.01, "and the 2.5%")
	want := 100 + 1.2816*10*(math.Log(5)/1.2816)/(math.Log(20)/1.96)
	assert.InDelta(t, want, res.Q[3], 0.1, "the 90% quantile moves in")
	assert.InDelta(t, 200-want, res.Q[1], 0.1)

	// The same errors taken as honest set the scale too: every quantile
	// moves in, the 97.5% one to 100 + 10 * 0.5 * ln 20.
	res.Q = append([]float64(nil), raw...)
	calib = []calibrationData{{errs: errs}}
	calibrate(res, probs, []float64{10}, []bool{false}, calib, calibrationFactors(probs, calib))
	assert.InDelta(t, 100+10*b*math.Log(20), res.Q[4], 0.1)
}
