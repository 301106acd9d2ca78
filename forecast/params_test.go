package forecast

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/series"
)

// shardPanel builds a panel of the SKUs keep accepts, the same series
// whichever others are with it: busy weekly-seasonal series, slow
// intermittent ones, each with a promotion flag and a log price as
// drivers, planned for the horizon.
func shardPanel(keep func(sku int) bool) *series.Panel {
	const skus, stores, days, h = 60, 2, 200, 14
	start := series.MustParseDate("2024-01-01")
	p := &series.Panel{Freq: series.Daily}
	ex := &series.Exog{Names: []string{"promo", "log_price"}, Horizon: h}
	for s := 0; s < skus; s++ {
		if !keep(s) {
			continue
		}
		for l := 0; l < stores; l++ {
			r := rand.New(rand.NewPCG(uint64(s), uint64(l)))
			level := 2 + float64(s%7)*3
			if s%4 == 0 {
				level = 0.3 // intermittent
			}
			promo := func(t int) float64 {
				if (t/7+s)%5 == 0 {
					return 1
				}
				return 0
			}
			price := func(t int) float64 { return math.Log(2 + 0.2*float64((t/30+s)%3)) }
			y := make([]float64, days)
			for t := range y {
				mean := level * (1 + 0.3*math.Sin(2*math.Pi*float64(t)/7)) * (1 + 0.8*promo(t)) * math.Exp(-1.5*(price(t)-math.Log(2.2)))
				y[t] = float64(poisson(r, mean))
				ex.Hist = append(ex.Hist, float32(promo(t)), float32(price(t)))
			}
			for t := days; t < days+h; t++ {
				ex.Future = append(ex.Future, promo(t), price(t))
			}
			p.Append(series.Key{SKU: fmt.Sprintf("SKU%03d", s), Location: fmt.Sprintf("S%d", l), Channel: "store"}, start, y)
		}
	}
	p.Exog = ex
	return p
}

func poisson(r *rand.Rand, mean float64) int {
	l, k, prod := math.Exp(-mean), 0, r.Float64()
	for prod > l {
		k++
		prod *= r.Float64()
	}
	return k
}

// A shard forecast with the whole panel's parameters gives every series
// the forecast the whole panel gives it, model, means and quantiles; the
// shard left to learn its own parameters does not.
func TestShardsForecastWithThePanelsParams(t *testing.T) {
	ctx := context.Background()
	run := func(p *series.Panel, params *PanelParams) *Result {
		model, _, err := WithDrivers(Auto{}, p, "on")
		require.NoError(t, err)
		res, err := Run(ctx, p, Options{Horizon: 14, Model: model, Params: params})
		require.NoError(t, err)
		return res
	}
	full := run(shardPanel(func(int) bool { return true }), nil)
	require.NotNil(t, full.Params)
	require.NotNil(t, full.Params.Prior, "the drivers' pooled prior")
	require.NotEmpty(t, full.Params.Preferred)
	require.NotEmpty(t, full.Params.Calibration)
	at := map[series.Key]int{}
	for i, k := range full.Keys {
		at[k] = i
	}
	h, nq := full.Horizon, len(full.Quantiles)
	differs := 0
	for s := 0; s < 3; s++ {
		keep := func(sku int) bool { return sku%3 == s }
		with := run(shardPanel(keep), full.Params)
		alone := run(shardPanel(keep), nil)
		for i, k := range with.Keys {
			j := at[k]
			assert.Equal(t, full.Model[j], with.Model[i], k)
			assert.Equal(t, full.Mean[j*h:(j+1)*h], with.Mean[i*h:(i+1)*h], k)
			assert.Equal(t, full.Q[j*h*nq:(j+1)*h*nq], with.Q[i*h*nq:(i+1)*h*nq], k)
			if alone.Model[i] != full.Model[j] || alone.Q[i*h*nq] != full.Q[j*h*nq] {
				differs++
			}
		}
	}
	assert.Positive(t, differs, "without the panel's parameters, a shard forecasts some series otherwise")

	// The pre-pass learns the same parameters on a panel this small.
	model, _, err := WithDrivers(Auto{}, shardPanel(func(int) bool { return true }), "on")
	require.NoError(t, err)
	learned, err := LearnParams(ctx, shardPanel(func(int) bool { return true }), Options{Horizon: 14, Model: model})
	require.NoError(t, err)
	assert.Equal(t, full.Params, learned)

	_, err = Run(ctx, shardPanel(func(int) bool { return true }), Options{Horizon: 14, Quantiles: []float64{0.05, 0.95}, Params: full.Params})
	assert.ErrorContains(t, err, "the panel parameters calibrate quantiles")
}
