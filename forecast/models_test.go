package forecast

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
)

// predictN fits model on y and returns h steps of mean and spread.
func predictN(t *testing.T, model Model, y []float64, info *SeriesInfo, h int) (mean, sd []float64, fit Fitted) {
	t.Helper()
	fit, err := model.Fit(y, info)
	require.NoError(t, err, model.Name())
	mean, sd = make([]float64, h), make([]float64, h)
	fit.Predict(mean, sd)
	return mean, sd, fit
}

func TestBenchmarkModelsOnAWorkedExample(t *testing.T) {
	y := []float64{1, 3, 2, 4, 3, 5, 4}
	info := &SeriesInfo{Freq: series.Daily, Period: 3, Horizon: 4}

	mean, sd, _ := predictN(t, Naive{}, y, info, 4)
	assert.Equal(t, []float64{4, 4, 4, 4}, mean)
	// Differences 2,-1,2,-1,2,-1: sigma = sqrt(15/6) = 1.58; step h has sigma sqrt(h).
	assert.InDelta(t, math.Sqrt(2.5)*math.Sqrt(3), sd[2], 1e-12)

	mean, sd, fit := predictN(t, SeasonalNaive{}, y, info, 4)
	assert.Equal(t, []float64{3, 5, 4, 3}, mean)
	assert.Equal(t, "SNaive(3)", fit.Describe())
	// Seasonal differences y[t] - y[t-3]: 3, 0, 3, 0, so sigma^2 = 18/4.
	ss := 18.0
	assert.InDelta(t, math.Sqrt(ss/4), sd[0], 1e-12)
	assert.InDelta(t, math.Sqrt(ss/4)*math.Sqrt(2), sd[3], 1e-12, "the second season ahead doubles the variance")

	mean, _, _ = predictN(t, WindowAverage{Window: 2}, y, info, 2)
	assert.Equal(t, []float64{4.5, 4.5}, mean)
	mean, _, _ = predictN(t, HistoricAverage{}, y, info, 2)
	assert.InDelta(t, 22.0/7, mean[0], 1e-12)
}

func TestClassifyUsesTheSyntetosBoylanCutOffs(t *testing.T) {
	for _, c := range []struct {
		y     []float64
		class string
		adi   float64
	}{
		{[]float64{5, 6, 5, 6, 5, 6}, Smooth, 1},
		{[]float64{1, 10, 1, 10, 1, 10}, Erratic, 1}, // CV2 = 0.98
		{[]float64{0, 0, 4, 0, 0, 5, 0, 0, 4}, Intermittent, 3},
		{[]float64{0, 0, 1, 0, 0, 12, 0, 0, 2}, Lumpy, 3},
		{[]float64{0, 0, 0}, Intermittent, math.Inf(1)},
	} {
		class, adi, _ := Classify(c.y)
		assert.Equal(t, c.class, class, "%v", c.y)
		assert.Equal(t, c.adi, adi, "%v", c.y)
	}
	// CV2 of the nonzero demands 1 and 10: sample variance 40.5 over 5.5^2.
	_, _, cv2 := Classify([]float64{0, 1, 0, 10})
	assert.InDelta(t, 40.5/30.25, cv2, 1e-12)
	assert.Zero(t, testing.AllocsPerRun(10, func() { Classify(usAccDeaths) }), "Classify runs on every series")
}

func TestCrostonAndSBAOnAWorkedExample(t *testing.T) {
	// Demands 3, 2, 5 after intervals 3, 2, 4. With alpha 0.1, sizes
	// smooth to 3 -> 2.9 -> 3.11, intervals to 3 -> 2.9 -> 3.01.
	y := []float64{0, 0, 3, 0, 2, 0, 0, 0, 5}
	mean, _, _ := predictN(t, Croston{}, y, nil, 3)
	assert.InDelta(t, 3.11/3.01, mean[0], 1e-12)
	assert.Equal(t, mean[0], mean[2], "a flat forecast")
	mean, _, _ = predictN(t, Croston{Variant: SBA}, y, nil, 1)
	assert.InDelta(t, 0.95*3.11/3.01, mean[0], 1e-12)
	mean, _, fit := predictN(t, Croston{Variant: Optimized}, y, nil, 1)
	assert.Equal(t, "Croston(optimized)", fit.Describe())
	assert.True(t, mean[0] > 0.5 && mean[0] < 2, "%v", mean[0])
}

func TestTSBDecaysWhenDemandStops(t *testing.T) {
	// Worked example, alphas 0.1: the demand probability starts at 3/9 and
	// ends at 0.3479; the size at 3.11.
	y := []float64{0, 0, 3, 0, 2, 0, 0, 0, 5}
	mean, _, _ := predictN(t, TSB{}, y, nil, 1)
	assert.InDelta(t, 0.347894263*3.11, mean[0], 1e-8)

	// Steady demand, then nothing for 30 periods: Croston still forecasts
	// the old rate; TSB has let it fade (the obsolescence it was made for).
	dead := append(make([]float64, 0, 90), func() []float64 {
		s := make([]float64, 60)
		for i := range s {
			if i%2 == 0 {
				s[i] = 4
			}
		}
		return s
	}()...)
	dead = append(dead, make([]float64, 30)...)
	croston, _, _ := predictN(t, Croston{}, dead, nil, 1)
	tsb, _, _ := predictN(t, TSB{}, dead, nil, 1)
	assert.InDelta(t, 2, croston[0], 0.1)
	assert.Less(t, tsb[0], 0.1*croston[0])
}

func TestADIDAAndIMAPAAggregateToTheDemandInterval(t *testing.T) {
	// One sale of 4 every fourth period: buckets of four hold exactly 4.
	y := make([]float64, 40)
	for i := 3; i < len(y); i += 4 {
		y[i] = 4
	}
	mean, _, fit := predictN(t, ADIDA{}, y, nil, 2)
	assert.Equal(t, "ADIDA(4)", fit.Describe())
	assert.InDelta(t, 1, mean[0], 1e-9)
	mean, _, fit = predictN(t, IMAPA{}, y, nil, 2)
	assert.Equal(t, "IMAPA(1..4)", fit.Describe())
	assert.InDelta(t, 1, mean[0], 0.3, "the average of the levels' forecasts stays near the rate")
	for _, m := range []Model{Croston{}, TSB{}, ADIDA{}, IMAPA{}} {
		mean, _, fit := predictN(t, m, make([]float64, 20), nil, 1)
		assert.Zero(t, mean[0], m.Name())
		assert.Contains(t, fit.Describe(), "no demand", m.Name())
	}
}

func TestETSFindsTheSmoothingOfASimulatedLevel(t *testing.T) {
	// A local level with alpha 0.3: y_t = l_{t-1} + e_t, l_t = l_{t-1} + 0.3 e_t.
	rng := rand.New(rand.NewPCG(11, 12))
	y := make([]float64, 2000)
	l := 100.0
	for i := range y {
		e := rng.NormFloat64() * 2
		y[i] = l + e
		l += 0.3 * e
	}
	_, sd, fit := predictN(t, ETS{}, y, &SeriesInfo{Freq: series.Daily, Period: 1, Horizon: 5}, 5)
	f := fit.(*etsFit)
	// A local level with additive noise: the simple exponential smoothing
	// of additive errors.
	assert.True(t, strings.HasPrefix(f.Describe(), "ETS(A,N,N)"), f.Describe())
	assert.InDelta(t, 0.3, f.alpha, 0.05)
	// The h-step variance of the local level: sigma^2 (1 + (h-1) alpha^2).
	assert.InDelta(t, 2*math.Sqrt(1+4*0.09), sd[4], 0.15)
}

func TestETSChoosesASeasonalModelForSeasonalData(t *testing.T) {
	y := testSeries()["seasonal"]
	mean, _, fit := predictN(t, ETS{}, y, &SeriesInfo{Freq: series.Daily, Period: 7, Horizon: 14}, 14)
	d := fit.Describe()
	// A weekly sine of constant amplitude around a level: an additive season.
	assert.Equal(t, "ETS(A,N,A)", d)
	for h := range mean {
		want := 20 + 5*math.Sin(2*math.Pi*float64(len(y)+h)/7)
		assert.InDelta(t, want, mean[h], 1.2, "step %d", h)
	}
}

func TestThetaVariantsOnALinearTrend(t *testing.T) {
	// On a straight line plus noise the optimised variants, which choose
	// how far to follow the trend line, extrapolate the line; the standard
	// ones (theta = 2: SES with half the slope as drift) go up more slowly.
	rng := rand.New(rand.NewPCG(5, 6))
	y := make([]float64, 150)
	for i := range y {
		y[i] = 50 + 0.8*float64(i) + rng.NormFloat64()
	}
	info := &SeriesInfo{Freq: series.Daily, Period: 1, Horizon: 10}
	for _, v := range []ThetaVariant{ThetaAuto, STM, OTM, DSTM, DOTM} {
		mean, sd, fit := predictN(t, Theta{Variant: v}, y, info, 10)
		assert.Contains(t, fit.Describe(), "Theta(", v.String())
		slope := (mean[9] - mean[0]) / 9
		assert.True(t, slope > 0.3 && slope < 1.0, "%s: slope %.2f", v, slope)
		if v == OTM || v == DOTM || v == ThetaAuto {
			for h := range mean {
				assert.InDelta(t, 50+0.8*float64(150+h), mean[h], 3, "%s step %d", v, h)
			}
		}
		assert.Greater(t, sd[9], sd[0], "%s: uncertainty grows with the horizon", v)
	}
}

func TestMultiSeasonalCarriesTheYearlySeason(t *testing.T) {
	// Three years of daily data with a weekly and a yearly cycle: ETS alone
	// (weekly season) forecasts the summer peak from the spring level;
	// with Fourier terms for the year it sees the peak coming.
	// The history ends three weeks before the yearly peak, and the 90 days
	// ahead go over it: a trend fitted to the rise overshoots.
	n := 3*365 + 70
	const h = 90
	y := make([]float64, n+h)
	rng := rand.New(rand.NewPCG(8, 8))
	for t := range y {
		year := 1 + 0.5*math.Sin(2*math.Pi*float64(t)/365.25)
		week := 1 + 0.2*math.Cos(2*math.Pi*float64(t)/7)
		y[t] = 40 * year * week * (1 + 0.05*rng.NormFloat64())
	}
	hist, future := y[:n], y[n:]
	info := &SeriesInfo{Freq: series.Daily, Period: 7, Horizon: h}
	mse := func(m Model) float64 {
		mean, _, _ := predictN(t, m, hist, info, h)
		var s float64
		for k, v := range future {
			s += (v - mean[k]) * (v - mean[k])
		}
		return s / h
	}
	plain, withYear := mse(ETS{}), mse(MultiSeasonal{Inner: ETS{}})
	assert.Less(t, withYear, 0.5*plain, "yearly season: MSE %.1f, without %.1f", withYear, plain)
	_, err := MultiSeasonal{}.Fit(hist[:500], info)
	assert.ErrorIs(t, err, ErrTooShort, "a year and a half cannot show a yearly season")
}

func TestCombinationAveragesItsMembers(t *testing.T) {
	y := []float64{1, 3, 2, 4, 3, 5, 4}
	info := &SeriesInfo{Freq: series.Daily, Period: 3, Horizon: 3}
	mean, _, fit := predictN(t, Combination{Members: []Model{Naive{}, SeasonalNaive{}, HistoricAverage{}}}, y, info, 3)
	for h, want := range []float64{(4 + 3 + 22.0/7) / 3, (4 + 5 + 22.0/7) / 3, (4 + 4 + 22.0/7) / 3} {
		assert.InDelta(t, want, mean[h], 1e-12)
	}
	assert.Equal(t, "Mean(Naive + SNaive(3) + HistoricAverage)", fit.Describe())
	mean, _, _ = predictN(t, Combination{Members: []Model{Naive{}, SeasonalNaive{}, HistoricAverage{}}, Median: true}, y, info, 3)
	// Step by step: median of (4, 3, 3.14), (4, 5, 3.14), (4, 4, 3.14).
	assert.Equal(t, []float64{22.0 / 7, 4, 4}, mean)
	// A member that cannot be fitted is left out, not fatal.
	_, _, fit = predictN(t, Combination{Members: []Model{SeasonalNaive{Period: 30}, Naive{}}}, y, info, 3)
	assert.Equal(t, "Mean(Naive)", fit.Describe())
}
