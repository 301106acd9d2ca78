package forecast

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBrentMinFindsTheMinimum(t *testing.T) {
	for _, tc := range []struct {
		name   string
		f      func(float64) float64
		a, b   float64
		wantX  float64
		within float64
	}{
		{"parabola", func(x float64) float64 { return (x - 0.3) * (x - 0.3) }, 0, 1, 0.3, 1e-6},
		{"at the edge", func(x float64) float64 { return x }, 0.1, 0.99, 0.1, 1e-6},
		{"not smooth", func(x float64) float64 { return math.Abs(x - 0.77) }, 0, 1, 0.77, 1e-6},
		{"quartic", func(x float64) float64 { return math.Pow(x-2, 4) + 1 }, -5, 5, 2, 1e-2},
		{"cosine", math.Cos, 2, 4, math.Pi, 1e-6},
	} {
		evals := 0
		f := func(x float64) float64 { evals++; return tc.f(x) }
		x, fx := brentMin(f, tc.a, tc.b, 1e-8, 200)
		assert.InDelta(t, tc.wantX, x, tc.within, tc.name)
		assert.Equal(t, tc.f(x), fx, tc.name)
		assert.Less(t, evals, 100, tc.name)
	}
}
