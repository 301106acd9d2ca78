package forecast

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

func noisyTrend(n int) []float64 {
	rng := rand.New(rand.NewPCG(5, 6))
	y := make([]float64, n)
	for t := range y {
		y[t] = 30 + 0.2*float64(t) + 4*rng.NormFloat64()
	}
	return y
}

// TestNonSeasonalFilterIsTheTextbookRecursion runs ETS models without a
// season through run (which carries the one-step forecast as its state)
// and through the level and trend equations of Hyndman et al. (2008)
// written out here, and expects the same likelihood and final states.
func TestNonSeasonalFilterIsTheTextbookRecursion(t *testing.T) {
	y := noisyTrend(120)
	for _, spec := range []etsSpec{
		{err: 'A', trend: 'N', season: 'N'}, {err: 'A', trend: 'A', season: 'N', damped: true},
		{err: 'M', trend: 'A', season: 'N'}, {err: 'M', trend: 'A', season: 'N', damped: true},
	} {
		alpha, beta, phi := 0.3, 0.05, 1.0
		if spec.trend == 'N' {
			beta = 0
		}
		if spec.damped {
			phi = 0.9
		}
		l0, b0 := 29.0, 0.1
		if spec.trend == 'N' {
			b0 = 0
		}
		// Textbook: f = l + phi b; l' = f + alpha (y - f); b' = phi b + beta (y - f).
		l, b := l0, b0
		var sumsq, sumLog float64
		for _, v := range y {
			f := l + phi*b
			e := v - f
			if spec.err == 'M' {
				sumLog += math.Log(math.Abs(f))
				e /= f
			}
			sumsq += e * e
			l, b = f+alpha*(v-f), phi*b+beta*(v-f)
		}
		want := float64(len(y)) * math.Log(sumsq)
		if spec.err == 'M' {
			want += 2 * sumLog
		}
		st := &etsState{spec: spec, m: 1, y: y, w: newETSWork(len(y), 1)}
		gl, gb := l0, b0
		var sse float64
		got := st.run(alpha, beta, 0, phi, &gl, &gb, &sse)
		assert.InDelta(t, want, got, 1e-9*math.Abs(want), spec.String())
		assert.InDelta(t, sumsq, sse, 1e-9*sumsq, spec.String())
		assert.InDelta(t, l, gl, 1e-9, spec.String())
		assert.InDelta(t, b, gb, 1e-9, spec.String())
	}
}

// TestProfiledInitialStatesAreTheBest checks the concentrated likelihood:
// the initial level and trend profiledSSE returns give, through run, the
// sum of squares it reports, and moving either of them raises it.
func TestProfiledInitialStatesAreTheBest(t *testing.T) {
	y := noisyTrend(120)
	for _, spec := range []etsSpec{
		{err: 'A', trend: 'N', season: 'N'}, {err: 'A', trend: 'A', season: 'N'}, {err: 'A', trend: 'A', season: 'N', damped: true},
	} {
		phi := 1.0
		if spec.damped {
			phi = 0.92
		}
		st := &etsState{spec: spec, m: 1, y: y, w: newETSWork(len(y), 1)}
		l0, b0, sse := st.profiledSSE(0.2, 0.03, phi, 10, -1) // a poor guess
		sseAt := func(l, b float64) float64 {
			var s float64
			st.run(0.2, 0.03, 0, phi, &l, &b, &s)
			return s
		}
		assert.InDelta(t, sseAt(l0, b0), sse, 1e-6*sse, spec.String())
		for _, d := range [][2]float64{{0.5, 0}, {-0.5, 0}, {0, 0.05}, {0, -0.05}} {
			if spec.trend == 'N' && d[1] != 0 {
				continue
			}
			assert.Greater(t, sseAt(l0+d[0], b0+d[1]), sse, "%s moved by %v", spec, d)
		}
	}
}

// TestThetaStartingLevelIsTheBest checks the same for theta's starting
// level, in a static and a dynamic variant.
func TestThetaStartingLevelIsTheBest(t *testing.T) {
	y := noisyTrend(80)
	for _, v := range []ThetaVariant{STM, DOTM} {
		a, b := lineFit(y)
		l0, mse := thetaProfiled(y, v, 0.4, 2.5, a, b)
		assert.InDelta(t, thetaRun(y, v, l0, 0.4, 2.5, nil).mse, mse, 1e-9*mse, v.String())
		assert.Greater(t, thetaRun(y, v, l0+1, 0.4, 2.5, nil).mse, mse, v.String())
		assert.Greater(t, thetaRun(y, v, l0-1, 0.4, 2.5, nil).mse, mse, v.String())
	}
}
