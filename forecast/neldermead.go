package forecast

import "math"

// nelderMead minimises f from x0 with the Nelder-Mead simplex method
// (Nelder & Mead, "A simplex method for function minimization", Computer
// Journal 1965), with the moves of R's optim: reflection 1, expansion 2,
// contraction 0.5, shrink 0.5, and a first simplex that steps each
// coordinate by a tenth of the largest one. It stops when the values on the
// simplex agree to the relative tolerance reltol (R uses 1.5e-8), or after
// maxEvals evaluations.
//
// gonum's optimize.NelderMead stops only on the best value's progress, not
// on the simplex's spread, and allocates as it iterates; the ETS and Theta
// fits call this millions of times on a large panel, so they use this one.
func nelderMead(f func([]float64) float64, x0 []float64, maxEvals int, reltol float64) ([]float64, float64) {
	n := len(x0)
	if n == 0 {
		return x0, f(x0)
	}
	// Vertex i is pts[i*n:(i+1)*n]; the extra rows hold the centroid and
	// the trial points.
	pts := make([]float64, (n+4)*n)
	vals := make([]float64, n+1)
	order := make([]int, n+1)
	vertex := func(i int) []float64 { return pts[i*n : (i+1)*n] }
	cen, xr, xe, xc := vertex(n+1), vertex(n+2), vertex(n+3), make([]float64, n)

	step := 0.0
	for _, v := range x0 {
		step = math.Max(step, math.Abs(v))
	}
	step *= 0.1
	if step == 0 {
		step = 0.1
	}
	copy(vertex(0), x0)
	evals := 0
	eval := func(x []float64) float64 {
		evals++
		v := f(x)
		if math.IsNaN(v) {
			return math.Inf(1)
		}
		return v
	}
	vals[0] = eval(vertex(0))
	for i := 1; i <= n; i++ {
		copy(vertex(i), x0)
		vertex(i)[i-1] += step
		vals[i] = eval(vertex(i))
	}
	for i := range order {
		order[i] = i
	}
	for evals < maxEvals {
		// Insertion sort: the simplex is small and nearly sorted after one
		// move, and sort.Slice would allocate on every iteration.
		for a := 1; a < len(order); a++ {
			for b := a; b > 0 && vals[order[b]] < vals[order[b-1]]; b-- {
				order[b], order[b-1] = order[b-1], order[b]
			}
		}
		best, worst, second := order[0], order[n], order[n-1]
		fl, fh := vals[best], vals[worst]
		if !math.IsInf(fh, 1) && fh-fl <= reltol*(math.Abs(fl)+reltol) {
			break
		}
		// Centroid of all but the worst.
		for j := range cen {
			cen[j] = 0
		}
		for _, i := range order[:n] {
			for j, v := range vertex(i) {
				cen[j] += v
			}
		}
		for j := range cen {
			cen[j] /= float64(n)
		}
		w := vertex(worst)
		for j := range xr {
			xr[j] = 2*cen[j] - w[j]
		}
		fr := eval(xr)
		switch {
		case fr < fl:
			for j := range xe {
				xe[j] = cen[j] + 2*(xr[j]-cen[j])
			}
			if fe := eval(xe); fe < fr {
				copy(w, xe)
				vals[worst] = fe
			} else {
				copy(w, xr)
				vals[worst] = fr
			}
		case fr < vals[second]:
			copy(w, xr)
			vals[worst] = fr
		default:
			// Contract towards the better of the worst and the reflection.
			if fr < fh {
				for j := range xc {
					xc[j] = cen[j] + 0.5*(xr[j]-cen[j])
				}
			} else {
				for j := range xc {
					xc[j] = cen[j] + 0.5*(w[j]-cen[j])
				}
			}
			fc := eval(xc)
			if fc < math.Min(fr, fh) {
				copy(w, xc)
				vals[worst] = fc
				continue
			}
			// Shrink towards the best.
			b := vertex(best)
			for _, i := range order[1:] {
				v := vertex(i)
				for j := range v {
					v[j] = b[j] + 0.5*(v[j]-b[j])
				}
				vals[i] = eval(v)
			}
		}
	}
	best := 0
	for i := 1; i <= n; i++ {
		if vals[i] < vals[best] {
			best = i
		}
	}
	out := make([]float64, n)
	copy(out, vertex(best))
	return out, vals[best]
}
