package hierarchy

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/planner-engine/planner/series"
)

// grouped is a small grouped hierarchy: SKUs A, B (category C) at stores
// S1, S2 (region R), with levels total, category, sku and store.
func grouped(t *testing.T) ([]series.Key, *Structure) {
	keys := []series.Key{{SKU: "A", Location: "S1"}, {SKU: "A", Location: "S2"}, {SKU: "B", Location: "S1"}, {SKU: "B", Location: "S2"}}
	s, err := NewStructure(keys, []Level{
		{Name: "total", Of: func(series.Key) string { return "total" }},
		{Name: "category", Of: func(series.Key) string { return "C" }},
		{Name: "sku", Of: func(k series.Key) string { return k.SKU }},
		{Name: "store", Of: func(k series.Key) string { return k.Location }},
	}, []string{"total", "category", "sku"})
	require.NoError(t, err)
	return keys, s
}

func TestAggregateSumsTheBottomSeries(t *testing.T) {
	keys, s := grouped(t)
	p := &series.Panel{Freq: series.Daily}
	start := series.MustParseDate("2024-01-01")
	p.Append(keys[0], start, []float64{1, 2, 3})
	p.Append(keys[1], start+1, []float64{10, 20}) // starts a day later
	p.Append(keys[2], start, []float64{100, 0, 0})
	p.Append(keys[3], start, []float64{0, 0, 1000})
	agg := Aggregate(p, s)
	want := map[string][]float64{
		"total=total": {101, 12, 1023}, "category=C": {101, 12, 1023},
		"sku=A": {1, 12, 23}, "sku=B": {100, 0, 1000},
		"store=S1": {101, 2, 3}, "store=S2": {0, 10, 1020},
	}
	require.Equal(t, len(want), agg.Len())
	for j := 0; j < agg.Len(); j++ {
		assert.Equal(t, want[agg.Keys[j].SKU], agg.Series(j), agg.Keys[j].SKU)
	}
}

func randomBase(s *Structure, h, T int, seed uint64) *Base {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := &Base{H: h, Bottom: make([]float64, len(s.Parents)*h), Agg: make([]float64, len(s.Nodes)*h)}
	for i := range b.Bottom {
		b.Bottom[i] = 10 + 5*rng.Float64()
	}
	for j := range b.Agg {
		b.Agg[j] = 20 + 20*rng.Float64()
	}
	common := make([]float64, T)
	for t := range common {
		common[t] = rng.NormFloat64()
	}
	for range s.Parents {
		r := make([]float64, T)
		for t := range r {
			r[t] = rng.NormFloat64() + 0.5*common[t]
		}
		b.BottomResid = append(b.BottomResid, r)
	}
	for range s.Nodes {
		r := make([]float64, T)
		for t := range r {
			r[t] = 2*rng.NormFloat64() + common[t]
		}
		b.AggResid = append(b.AggResid, r)
	}
	return b
}

// TestMinTMatchesTheDenseFormula checks the aggregates-sized computation
// against y~ = S (S'W^-1 S)^-1 S'W^-1 y^ with W built densely.
func TestMinTMatchesTheDenseFormula(t *testing.T) {
	_, s := grouped(t)
	h, T := 3, 40
	b := randomBase(s, h, T, 7)
	bottom, agg, lambda, err := Reconcile(s, MinTShrink, b)
	require.NoError(t, err)
	assert.Greater(t, lambda, 0.0)
	assert.Less(t, lambda, 1.0)

	na, nb := len(s.Nodes), len(s.Parents)
	n := na + nb
	S := mat.NewDense(n, nb, nil)
	for i, ps := range s.Parents {
		for _, j := range ps {
			S.Set(j, i, 1)
		}
		S.Set(na+i, i, 1)
	}
	R := mat.NewDense(T, n, nil)
	for k := 0; k < n; k++ {
		r := b.AggResid
		idx := k
		if k >= na {
			r, idx = b.BottomResid, k-na
		}
		for tt := 0; tt < T; tt++ {
			R.Set(tt, k, r[idx][tt])
		}
	}
	var sigma mat.Dense
	sigma.Mul(R.T(), R)
	sigma.Scale(1/float64(T), &sigma)
	W := mat.NewDense(n, n, nil)
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			v := (1 - lambda) * sigma.At(r, c)
			if r == c {
				v += lambda * sigma.At(r, c)
			}
			W.Set(r, c, v)
		}
	}
	var winv, stw, stws, stwsInv, P mat.Dense
	require.NoError(t, winv.Inverse(W))
	stw.Mul(S.T(), &winv)
	stws.Mul(&stw, S)
	require.NoError(t, stwsInv.Inverse(&stws))
	P.Mul(&stwsInv, &stw)
	for step := 0; step < h; step++ {
		yhat := mat.NewVecDense(n, nil)
		for j := 0; j < na; j++ {
			yhat.SetVec(j, b.Agg[j*h+step])
		}
		for i := 0; i < nb; i++ {
			yhat.SetVec(na+i, b.Bottom[i*h+step])
		}
		var want mat.VecDense
		want.MulVec(&P, yhat)
		for i := 0; i < nb; i++ {
			assert.InDelta(t, want.AtVec(i), bottom[i*h+step], 1e-8, "bottom %d step %d", i, step)
		}
	}
	// Coherent: every aggregate is the sum of its bottom series.
	assert.Equal(t, Sum(s, bottom, h), agg)
}

func TestShrinkageMatchesTheSumOverPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	n, T := 6, 30
	cols := make([][]float64, n)
	for k := range cols {
		cols[k] = make([]float64, T)
		for tt := range cols[k] {
			cols[k][tt] = rng.NormFloat64() + float64(k%2)*0.8*math.Sin(float64(tt))
		}
	}
	got := shrinkage(n, T, func(k int) []float64 { return cols[k] }, nil)
	// Brute force over pairs (Schafer & Strimmer 2005, appendix A).
	x := make([][]float64, n)
	for k := range cols {
		var mean, ss float64
		for _, v := range cols[k] {
			mean += v
		}
		mean /= float64(T)
		for _, v := range cols[k] {
			ss += (v - mean) * (v - mean)
		}
		sd := math.Sqrt(ss / float64(T-1))
		x[k] = make([]float64, T)
		for tt, v := range cols[k] {
			x[k][tt] = (v - mean) / sd
		}
	}
	var num, den float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i == j {
				continue
			}
			var wbar float64
			for tt := 0; tt < T; tt++ {
				wbar += x[i][tt] * x[j][tt]
			}
			wbar /= float64(T)
			var v float64
			for tt := 0; tt < T; tt++ {
				d := x[i][tt]*x[j][tt] - wbar
				v += d * d
			}
			num += float64(T) / math.Pow(float64(T-1), 3) * v
			r := float64(T) / float64(T-1) * wbar
			den += r * r
		}
	}
	assert.InDelta(t, num/den, got, 1e-9)
}

func TestBottomUpAndTopDown(t *testing.T) {
	_, s := grouped(t)
	b := randomBase(s, 2, 10, 1)
	bottom, agg, _, err := Reconcile(s, BottomUp, b)
	require.NoError(t, err)
	assert.Equal(t, b.Bottom, bottom)
	assert.Equal(t, Sum(s, b.Bottom, 2), agg)

	bottom, agg, _, err = Reconcile(s, TopDown, b)
	require.NoError(t, err)
	total := 0 // the total node
	for step := 0; step < 2; step++ {
		assert.InDelta(t, b.Agg[total*2+step], agg[total*2+step], 1e-9, "the top keeps its forecast")
		// A and B split the category by their base forecasts.
		skuA, skuB := 2, 3
		wantA := b.Agg[total*2+step] * b.Agg[skuA*2+step] / (b.Agg[skuA*2+step] + b.Agg[skuB*2+step])
		assert.InDelta(t, wantA, agg[skuA*2+step], 1e-9)
		// A's stores split A by their base forecasts.
		assert.InDelta(t, wantA*b.Bottom[0*2+step]/(b.Bottom[0*2+step]+b.Bottom[1*2+step]), bottom[0*2+step], 1e-9)
	}
}

func TestCoherentBaseForecastsStayPut(t *testing.T) {
	_, s := grouped(t)
	b := randomBase(s, 2, 30, 5)
	b.Agg = Sum(s, b.Bottom, 2)
	bottom, _, _, err := Reconcile(s, MinTShrink, b)
	require.NoError(t, err)
	for i, v := range b.Bottom {
		assert.InDelta(t, v, bottom[i], 1e-9)
	}
	_, err = ParseMethod("ols")
	assert.ErrorContains(t, err, `"ols" is not a reconciliation method`)
	_, _, _, err = Reconcile(s, MinTShrink, &Base{H: 2, Bottom: b.Bottom, Agg: b.Agg})
	assert.ErrorContains(t, err, "in-sample errors")
}
