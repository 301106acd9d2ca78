package forecast

import "math"

// levenbergMarquardt minimises the sum of squares of the residuals that
// res writes for a parameter vector (Levenberg 1944, Marquardt 1963): each
// step solves (J'J + lambda diag(J'J)) d = -J'r with J the Jacobian,
// taken by forward differences, and lambda shrinks after a step that
// lowers the sum and grows after one that does not. It stops when a step
// lowers the sum by less than reltol of it, or after maxIter Jacobians,
// and returns the best point and its sum (+Inf when res never gives a
// finite one). A non-finite residual makes the sum +Inf: steps there are
// refused.
//
// A sum of squares is what conditional least squares minimises, and the
// Gauss-Newton steps use that shape: ARIMA's fits take a few dozen
// residual passes this way against hundreds by the simplex.
func levenbergMarquardt(res func(x, dst []float64), x0 []float64, nres, maxIter int, reltol float64) ([]float64, float64) {
	np := len(x0)
	x := append([]float64(nil), x0...)
	r := make([]float64, nres)
	sum := func(v []float64) float64 {
		var s float64
		for _, e := range v {
			s += e * e
		}
		if math.IsNaN(s) || s > 1e300 {
			return math.Inf(1)
		}
		return s
	}
	res(x, r)
	f := sum(r)
	if math.IsInf(f, 1) {
		return x, f
	}
	jac := make([]float64, nres*np) // column k at jac[k*nres:]
	rk := make([]float64, nres)
	a := make([]float64, np*np)
	g := make([]float64, np)
	d := make([]float64, np)
	xn := make([]float64, np)
	lambda := 1e-3
	for iter := 0; iter < maxIter; iter++ {
		for k := 0; k < np; k++ {
			h := 1e-7 * math.Max(1, math.Abs(x[k]))
			copy(xn, x)
			xn[k] += h
			col := jac[k*nres : (k+1)*nres]
			res(xn, rk)
			for i := range col {
				col[i] = (rk[i] - r[i]) / h
			}
		}
		for i := 0; i < np; i++ {
			ci := jac[i*nres : (i+1)*nres]
			var gi float64
			for t, v := range ci {
				gi += v * r[t]
			}
			g[i] = gi
			for j := 0; j <= i; j++ {
				cj := jac[j*nres : (j+1)*nres]
				var s float64
				for t, v := range ci {
					s += v * cj[t]
				}
				a[i*np+j], a[j*np+i] = s, s
			}
		}
		improved := false
		for lambda < 1e12 {
			if !solveDamped(a, g, lambda, d) {
				lambda *= 10
				continue
			}
			for k := range xn {
				xn[k] = x[k] - d[k]
			}
			res(xn, rk)
			fn := sum(rk)
			if fn < f {
				done := f-fn <= reltol*f
				copy(x, xn)
				copy(r, rk)
				f = fn
				lambda = math.Max(lambda/10, 1e-12)
				improved = !done
				break
			}
			lambda *= 10
		}
		if !improved {
			break
		}
	}
	return x, f
}

// solveDamped solves (A + lambda diag(A)) d = g for a small symmetric A
// (n x n, row-major) by Gaussian elimination with partial pivoting; false
// when the system is singular.
func solveDamped(a, g []float64, lambda float64, d []float64) bool {
	n := len(g)
	m := make([]float64, n*(n+1)) // the augmented matrix
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			m[i*(n+1)+j] = a[i*n+j]
		}
		diag := a[i*n+i]
		if diag == 0 {
			diag = 1e-12
		}
		m[i*(n+1)+i] += lambda * diag
		m[i*(n+1)+n] = g[i]
	}
	for col := 0; col < n; col++ {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(m[r*(n+1)+col]) > math.Abs(m[piv*(n+1)+col]) {
				piv = r
			}
		}
		if math.Abs(m[piv*(n+1)+col]) < 1e-300 {
			return false
		}
		if piv != col {
			for k := 0; k <= n; k++ {
				m[col*(n+1)+k], m[piv*(n+1)+k] = m[piv*(n+1)+k], m[col*(n+1)+k]
			}
		}
		for r := col + 1; r < n; r++ {
			f := m[r*(n+1)+col] / m[col*(n+1)+col]
			for k := col; k <= n; k++ {
				m[r*(n+1)+k] -= f * m[col*(n+1)+k]
			}
		}
	}
	for r := n - 1; r >= 0; r-- {
		s := m[r*(n+1)+n]
		for k := r + 1; k < n; k++ {
			s -= m[r*(n+1)+k] * d[k]
		}
		d[r] = s / m[r*(n+1)+r]
		if math.IsNaN(d[r]) || math.IsInf(d[r], 0) {
			return false
		}
	}
	return true
}
