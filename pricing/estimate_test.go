package pricing

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

// simProduct draws weekly Poisson sales of a product at nLoc locations over
// weeks periods: a regular price that steps twice, promotions every few
// weeks with 10-40% off, a feature lift, a yearly season and a trend, all
// multiplying a constant-elasticity response to the price paid.
func simProduct(seed uint64, sku string, elasticity float64, nLoc, weeks int, level float64) Product {
	rng := rand.New(rand.NewPCG(seed, 99))
	p := Product{SKU: sku, Group: "g"}
	for l := 0; l < nLoc; l++ {
		p.Locations = append(p.Locations, string(rune('A'+l)))
	}
	regular := make([]float64, weeks)
	paid := make([]float64, weeks)
	promo := make([]float64, weeks)
	feature := make([]float64, weeks)
	base := 2.99
	for t := 0; t < weeks; t++ {
		if t == weeks/3 {
			base = 3.49
		}
		if t == 2*weeks/3 {
			base = 3.29
		}
		regular[t], paid[t] = base, base
		if rng.IntN(6) == 0 {
			off := []float64{0.1, 0.2, 0.3, 0.4}[rng.IntN(4)]
			paid[t] = math.Round(base*(1-off)*100) / 100
			promo[t] = 1
			if rng.IntN(2) == 0 {
				feature[t] = 1
			}
		}
	}
	for l := 0; l < nLoc; l++ {
		scale := level * (0.5 + float64(l)/float64(nLoc))
		for t := 0; t < weeks; t++ {
			season := math.Exp(0.3 * math.Cos(2*math.Pi*float64(t)/52.18))
			m := scale * season * math.Exp(0.1*float64(t)/52.18) * math.Pow(paid[t]/3, elasticity) * math.Exp(0.3*feature[t])
			units := distuv.Poisson{Lambda: m, Src: rng}.Rand()
			p.Obs = append(p.Obs, Observation{Location: l, Period: t, Units: units, Paid: paid[t], Regular: regular[t],
				Promo: promo[t], Feature: feature[t]})
		}
	}
	return p
}

var weekly = Calendar{Freq: series.Weekly, Start: series.MustParseDate("2023-01-02")}

func TestEstimateRecoversElasticity(t *testing.T) {
	var products []Product
	truth := []float64{-0.8, -1.5, -2.2, -3.0}
	for i, e := range truth {
		products = append(products, simProduct(uint64(i), "P", e, 5, 156, 20))
	}
	fits, err := Estimate(context.Background(), weekly, products, nil)
	require.NoError(t, err)
	for i, f := range fits {
		require.NoError(t, f.Err)
		assert.InDelta(t, truth[i], f.Elasticity, 3*f.StdError+0.02, "product %d", i)
		assert.Less(t, f.StdError, 0.15, "product %d: 5 stores x 3 years should pin the elasticity", i)
		assert.InDelta(t, math.Exp(0.3), f.FeatureLift, 0.15, "product %d feature lift", i)
		assert.Equal(t, 5*156, f.NObs)
	}
}

// The standard errors must mean what they say: across many products with
// the same truth, about 95% of the intervals of two standard errors hold
// the true elasticity.
func TestEstimateStandardErrorsAreCalibrated(t *testing.T) {
	if testing.Short() {
		t.Skip("200 fits")
	}
	var products []Product
	for i := 0; i < 200; i++ {
		products = append(products, simProduct(uint64(100+i), "P", -1.7, 2, 104, 4))
	}
	fits, err := Estimate(context.Background(), weekly, products, nil)
	require.NoError(t, err)
	var inside int
	for _, f := range fits {
		if math.Abs(f.Elasticity+1.7) <= 1.96*f.StdError {
			inside++
		}
	}
	share := float64(inside) / float64(len(fits))
	assert.InDelta(t, 0.95, share, 0.05, "coverage of the 95%% intervals")
}

func TestEstimateWithoutPriceVariation(t *testing.T) {
	p := simProduct(7, "FLAT", -2, 3, 104, 10)
	for i := range p.Obs {
		p.Obs[i].Paid, p.Obs[i].Regular, p.Obs[i].Promo, p.Obs[i].Feature = 3, 3, 0, 0
	}
	fits, err := Estimate(context.Background(), weekly, []Product{p}, nil)
	require.NoError(t, err)
	assert.True(t, math.IsNaN(fits[0].Elasticity))
	assert.Greater(t, fits[0].Baseline(0, 104, 3), 0.0, "the baseline still fits")
}

func TestEstimateNoSales(t *testing.T) {
	p := Product{SKU: "ZERO", Locations: []string{"A"}, Obs: []Observation{{Period: 0, Paid: 1, Regular: 1}, {Period: 1, Paid: 1, Regular: 1}}}
	fits, err := Estimate(context.Background(), weekly, []Product{p, {SKU: "EMPTY"}}, nil)
	require.NoError(t, err)
	assert.Error(t, fits[0].Err)
	assert.Error(t, fits[1].Err)
}

func TestBaselineFollowsThePrice(t *testing.T) {
	p := simProduct(3, "P", -2, 4, 156, 30)
	fits, err := Estimate(context.Background(), weekly, []Product{p}, nil)
	require.NoError(t, err)
	f := &fits[0]
	at3, at33 := f.Baseline(1, 160, 3), f.Baseline(1, 160, 3.3)
	assert.InDelta(t, math.Pow(1.1, f.Elasticity), at33/at3, 1e-9)
	// The true mean of period 130 at 3.29, with the trend held at the last
	// period (155).
	want := 30 * 0.75 * math.Exp(0.3*math.Cos(2*math.Pi*130/52.18)) * math.Exp(0.1*155/52.18) * math.Pow(3.29/3, -2)
	assert.InEpsilon(t, want, f.Baseline(1, 130, 3.29), 0.1)
}

func TestEstimateCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Estimate(ctx, weekly, []Product{simProduct(1, "P", -2, 2, 52, 5), simProduct(2, "Q", -2, 2, 52, 5)}, &EstimateOptions{Workers: 1})
	assert.ErrorIs(t, err, context.Canceled)
}
