package forecast

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

// driverSeries simulates Poisson demand with a weekly season, a promotion
// lift and a price elasticity.
func driverSeries(seed uint64, n int, lift, elasticity float64) (y, x []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	y = make([]float64, n)
	x = make([]float64, n*4)
	for t := 0; t < n; t++ {
		promo := 0.0
		if rng.Float64() < 0.15 {
			promo = 1
		}
		logPrice := 0.1 * (rng.Float64() - 0.5)
		if promo == 1 {
			logPrice = math.Log(0.8)
		}
		mean := 20 * (1 + 0.3*math.Sin(2*math.Pi*float64(t)/7)) * math.Exp(math.Log(lift)*promo+elasticity*logPrice)
		y[t] = distuv.Poisson{Lambda: mean, Src: rng}.Rand()
		x[t*4], x[t*4+1] = logPrice, promo
	}
	return y, x
}

func TestRegressionRecoversDriverEffects(t *testing.T) {
	y, x := driverSeries(1, 700, 1.6, -2.0)
	info := infoOf(y, series.Daily, 14)
	info.Drivers = &Drivers{Names: []string{"log_price", "promo", "feature", "display"}, X: x, Future: make([]float64, 14*4)}
	beta, se, active := driverGLM(y, info.Drivers, info)
	require.NotNil(t, beta)
	assert.Equal(t, []bool{true, true, false, false}, active)
	// Price and promotion move together on promotion days, so each effect
	// is known only to a few standard errors.
	assert.InDelta(t, -2.0, beta[0], 4*se[0], "elasticity")
	assert.InDelta(t, math.Log(1.6), beta[1]+beta[0]*math.Log(0.8)-(-2.0)*math.Log(0.8), 0.1, "promotion day's combined effect")

	// A planned promotion lifts the forecast by the estimated effect.
	plain := make([]float64, 14)
	promo := make([]float64, 14)
	for h := 0; h < 14; h++ {
		if h == 3 {
			info.Drivers.Future[h*4], info.Drivers.Future[h*4+1] = math.Log(0.8), 1
		}
	}
	fit, err := Regression{Inner: ETS{}}.Fit(y, info)
	require.NoError(t, err)
	sd := make([]float64, 14)
	fit.Predict(promo, sd)
	noPromo := *info
	noPromo.Drivers = &Drivers{Names: info.Drivers.Names, X: x, Future: make([]float64, 14*4)}
	fit2, err := Regression{Inner: ETS{}}.Fit(y, &noPromo)
	require.NoError(t, err)
	fit2.Predict(plain, sd)
	ratio := promo[3] / plain[3]
	assert.InDelta(t, 1.6*math.Pow(0.8, -2.0), ratio, 0.35, "promotion at 20%% off with elasticity -2 and a 60%% lift")
	assert.InDelta(t, 1, promo[4]/plain[4], 1e-9, "days without a plan are unchanged")
	assert.Contains(t, fit.Describe(), "price ")
}

func TestRegressionShrinksTowardsThePanel(t *testing.T) {
	p := &series.Panel{Freq: series.Daily}
	var hist []float32
	for s := 0; s < 40; s++ {
		n := 700
		if s%2 == 1 {
			n = 60 // short series: noisy on their own
		}
		y, x := driverSeries(uint64(s+10), n, 1.5, -1.5)
		p.Append(series.Key{SKU: string(rune('A' + s))}, 0, y)
		for _, v := range x {
			hist = append(hist, float32(v))
		}
	}
	p.Exog = &series.Exog{Names: []string{"log_price", "promo", "feature", "display"}, Hist: hist, Horizon: 7, Future: make([]float64, 40*7*4)}
	require.NoError(t, p.Check())
	m, err := Regression{Inner: ETS{}}.Prepare(context.Background(), p, -1, 7)
	require.NoError(t, err)
	prior := m.(Regression).Prior
	require.NotNil(t, prior)
	assert.InDelta(t, math.Log(1.5), prior.Mean[1]+prior.Mean[0]*math.Log(0.8)+1.5*math.Log(0.8), 0.15, "pooled promotion-day effect")

	res, err := Run(context.Background(), p, Options{Horizon: 7, Model: Regression{Inner: ETS{}}, Window: -1})
	require.NoError(t, err)
	for i := 0; i < p.Len(); i++ {
		for _, v := range res.Series(i) {
			require.False(t, math.IsNaN(v))
		}
	}
}
