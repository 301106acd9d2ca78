package forecast

import "math"

// brentMin minimises f on [a, b] by Brent's method (R. P. Brent,
// Algorithms for Minimization without Derivatives, 1973, chapter 5):
// golden-section steps, replaced by the minimum of the parabola through
// the three best points so far whenever that falls inside the bracket and
// the steps keep shrinking. It stops when the bracket around the best
// point is within tol of it (relative, plus 1e-10), or after maxEvals
// evaluations, and returns the best point and its value. The one-parameter
// searches (Theta's smoothing, ETS's level-only models) take a third of
// the evaluations a simplex does.
func brentMin(f func(float64) float64, a, b, tol float64, maxEvals int) (float64, float64) {
	const golden = 0.3819660112501051 // (3 - sqrt 5) / 2
	eval := func(x float64) float64 {
		v := f(x)
		if math.IsNaN(v) {
			return math.Inf(1)
		}
		return v
	}
	x := a + golden*(b-a)
	w, v := x, x
	fx := eval(x)
	fw, fv := fx, fx
	var d, e float64 // the last step, and the one before
	for evals := 1; evals < maxEvals; evals++ {
		mid := 0.5 * (a + b)
		tol1 := tol*math.Abs(x) + 1e-10
		tol2 := 2 * tol1
		if math.Abs(x-mid) <= tol2-0.5*(b-a) {
			break
		}
		parabolic := false
		if math.Abs(e) > tol1 {
			r := (x - w) * (fx - fv)
			q := (x - v) * (fx - fw)
			p := (x-v)*q - (x-w)*r
			q = 2 * (q - r)
			if q > 0 {
				p = -p
			} else {
				q = -q
			}
			// Accept the parabola's step if it is less than half the step
			// before last and lands inside the bracket.
			if math.Abs(p) < math.Abs(0.5*q*e) && p > q*(a-x) && p < q*(b-x) {
				e, d = d, p/q
				if u := x + d; u-a < tol2 || b-u < tol2 {
					d = math.Copysign(tol1, mid-x)
				}
				parabolic = true
			}
		}
		if !parabolic {
			if x < mid {
				e = b - x
			} else {
				e = a - x
			}
			d = golden * e
		}
		u := x + d
		if math.Abs(d) < tol1 {
			u = x + math.Copysign(tol1, d)
		}
		fu := eval(u)
		if fu <= fx {
			if u < x {
				b = x
			} else {
				a = x
			}
			v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
			continue
		}
		if u < x {
			a = u
		} else {
			b = u
		}
		switch {
		case fu <= fw || w == x:
			v, fv, w, fw = w, fw, u, fu
		case fu <= fv || v == x || v == w:
			v, fv = u, fu
		}
	}
	return x, fx
}
