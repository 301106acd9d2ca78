package forecast

import (
	"fmt"
	"math"
)

// Bounds on the smoothing parameters: R's "usual" region, with beta below
// alpha and gamma below 1 - alpha.
const (
	etsLower    = 1e-4
	etsUpper    = 0.9999
	etsPhiLower = 0.8
	etsPhiUpper = 0.98
)

// etsWork is scratch space reused across the candidates of one series.
type etsWork struct {
	season []float64 // seasonal states, a ring indexed by time mod period
	init   []float64 // initial seasonal states, one per phase
	sa     []float64 // seasonally adjusted data
}

func newETSWork(n, period int) *etsWork {
	return &etsWork{season: make([]float64, period), init: make([]float64, period), sa: make([]float64, n)}
}

// etsFit is one fitted member of the family.
type etsFit struct {
	spec                    etsSpec
	m                       int
	alpha, beta, gamma, phi float64
	l0, b0                  float64   // initial level and trend
	s0                      []float64 // initial seasonal states, one per phase
	l, b                    float64   // final level and trend
	s                       []float64 // final seasonal states, ring indexed by time mod m
	n                       int       // observations fitted
	resid                   []float64 // in-sample one-step errors, y - forecast
	sigma2                  float64
	loglik, aicc            float64
}

// likTolerance is the relative agreement of the simplex's likelihoods at
// which the search stops. R's 1.5e-8 costs twice the evaluations; on the
// likelihood of a year of daily data (around 10^4) 1e-6 is a difference of
// 0.01, which moves no forecast and never changed the model chosen in the
// comparisons with R's ets (BENCHMARKS.md).
const likTolerance = 1e-6

// likPrecision is how close, in -2 log-likelihood, ETS's searches take
// the simplex's values before stopping: 0.01, a likelihood ratio of 1.005,
// far below any difference that moves a forecast or the AICc's choice. As
// a relative tolerance it is likTolerance on a year of daily data and
// eight times looser on three years of weekly data, where the searches
// then take 15% fewer steps.
const likPrecision = 0.01

// relTolerance is likPrecision relative to a likelihood of about f (within
// [1e-8, 1e-4]; likTolerance when f is not a number).
func relTolerance(f float64) float64 {
	if math.IsInf(f, 0) || math.IsNaN(f) || f == 0 {
		return likTolerance
	}
	return math.Max(1e-8, math.Min(1e-4, likPrecision/math.Abs(f)))
}

// etsState evaluates a parameter vector: its layout is alpha, [beta],
// [gamma], [phi], level/scale, [trend/scale], and the first m-1 seasonal
// states (divided by scale when additive).
type etsState struct {
	spec  etsSpec
	m     int
	scale float64
	y     []float64
	w     *etsWork
	// fixedSeason keeps the decomposition's seasonal states instead of
	// estimating them (long series; see fitETS).
	fixedSeason bool
	// resid, when not nil, receives y - forecast for every period.
	resid []float64
}

func (st *etsState) unpack(x []float64) (alpha, beta, gamma, phi, l, b float64, ok bool) {
	i := 0
	alpha = x[i]
	i++
	beta, gamma, phi = 0, 0, 1
	if st.spec.trend != 'N' {
		beta = x[i]
		i++
	}
	if st.spec.season != 'N' {
		gamma = x[i]
		i++
	}
	if st.spec.damped {
		phi = x[i]
		i++
	}
	l = x[i] * st.scale
	i++
	if st.spec.trend != 'N' {
		b = x[i] * st.scale
		i++
	}
	if alpha < etsLower || alpha > etsUpper {
		return
	}
	if st.spec.trend != 'N' && (beta < etsLower || beta > math.Min(etsUpper, alpha)) {
		return
	}
	if st.spec.season != 'N' && (gamma < etsLower || gamma > math.Min(etsUpper, 1-alpha)) {
		return
	}
	if st.spec.damped && (phi < etsPhiLower || phi > etsPhiUpper) {
		return
	}
	if st.spec.season != 'N' && st.fixedSeason {
		copy(st.w.season, st.w.init[:st.m])
	} else if st.spec.season != 'N' {
		s := st.w.season
		var sum float64
		for j := 0; j < st.m-1; j++ {
			v := x[i+j]
			if st.spec.season == 'A' {
				v *= st.scale
			} else if v <= 0 {
				return
			}
			s[j] = v
			sum += v
		}
		if st.spec.season == 'A' {
			s[st.m-1] = -sum
		} else {
			s[st.m-1] = float64(st.m) - sum
			if s[st.m-1] <= 0 {
				return
			}
		}
	}
	return alpha, beta, gamma, phi, l, b, true
}

// run filters the data through the model and returns R's "lik": n log(sum
// of squared errors), plus 2 sum log|forecast| for multiplicative errors
// (-2 log-likelihood up to a constant; Hyndman et al. 2008, section 5.2).
// It leaves the final states in l, b and w.season.
func (st *etsState) run(alpha, beta, gamma, phi float64, l, b *float64, sse *float64) float64 {
	if st.spec.season == 'N' {
		return st.runNonSeasonal(alpha, beta, phi, l, b, sse)
	}
	spec, m, s, y := st.spec, st.m, st.w.season, st.y
	var sumsq float64
	prod := logProduct{frac: 1}
	lv, bv := *l, *b
	j := 0
	for t, yt := range y {
		phib := 0.0
		if spec.trend != 'N' {
			phib = phi * bv
		}
		q := lv + phib
		f := q
		sj := 0.0
		switch spec.season {
		case 'A':
			sj = s[j]
			f = q + sj
		case 'M':
			sj = s[j]
			f = q * sj
		}
		var e float64
		if spec.err == 'A' {
			e = yt - f
		} else {
			if math.Abs(f) < 1e-10 {
				return math.Inf(1)
			}
			e = (yt - f) / f
			prod.mul(math.Abs(f))
		}
		sumsq += e * e
		if st.resid != nil {
			st.resid[t] = yt - f
		}
		p := yt
		switch spec.season {
		case 'A':
			p = yt - sj
		case 'M':
			p = yt / sj
		}
		// The trend's update, phib + beta/alpha (ln - lv - phib), is
		// phib + beta d: both new states follow from d at once, which
		// halves the chain of dependent arithmetic from one period to the
		// next (the loop's speed limit).
		d := p - q
		ln := q + alpha*d
		if spec.trend != 'N' {
			bv = phib + beta*d
		}
		switch spec.season {
		case 'A':
			s[j] = sj + gamma*(yt-q-sj)
		case 'M':
			if q == 0 {
				return math.Inf(1)
			}
			s[j] = sj + gamma*(yt/q-sj)
		}
		lv = ln
		if j++; j == m {
			j = 0
		}
	}
	*l, *b, *sse = lv, bv, sumsq
	return etsLik(len(y), sumsq, spec.err == 'M', prod)
}

// runNonSeasonal is run for models without a season, carrying the
// one-step forecast q = l + phi b instead of the level. Substituting the
// updates l' = q + alpha d and b' = phi b + beta d (d = y - q) gives
//
//	q' = q + phi^2 b + (alpha + phi beta) d
//
// so each period's forecast is one fused multiply-add away from the last
// error: about half the dependent arithmetic per period of the textbook
// form, and these short series are latency-bound. (math.FMA rounds once,
// the same on every machine.)
func (st *etsState) runNonSeasonal(alpha, beta, phi float64, l, b *float64, sse *float64) float64 {
	bv := *b
	if st.spec.trend == 'N' {
		beta, phi, bv = 0, 0, 0
	}
	q := *l + phi*bv
	gain, phi2 := alpha+phi*beta, phi*phi
	mult := st.spec.err == 'M'
	var sumsq float64
	prod := logProduct{frac: 1}
	for t, y := range st.y {
		d := y - q
		e := d
		if mult {
			if math.Abs(q) < 1e-10 {
				return math.Inf(1)
			}
			e = d / q
			prod.mul(math.Abs(q))
		}
		sumsq += e * e
		if st.resid != nil {
			st.resid[t] = d
		}
		q = math.FMA(gain, d, q+phi2*bv)
		bv = math.FMA(beta, d, phi*bv)
	}
	*l, *b, *sse = q-phi*bv, bv, sumsq
	return etsLik(len(st.y), sumsq, mult, prod)
}

// logProduct is a running product of positive numbers kept as a fraction
// and a binary exponent, renormalised when it strays, so that the sum of
// their logarithms costs one math.Log per fit instead of one per period.
type logProduct struct {
	frac float64
	exp2 int
}

func (p *logProduct) mul(x float64) {
	p.frac *= x
	if p.frac > 1e100 || p.frac < 1e-100 {
		p.renormalize()
	}
}

func (p *logProduct) renormalize() {
	f, e := math.Frexp(p.frac)
	p.frac, p.exp2 = f, p.exp2+e
}

func (p logProduct) log() float64 { return math.Log(p.frac) + float64(p.exp2)*math.Ln2 }

// etsLik is R's "lik" from the sum of squared errors of n periods and, for
// multiplicative errors, the product of the forecasts' sizes.
func etsLik(n int, sumsq float64, mult bool, prod logProduct) float64 {
	if sumsq <= 0 {
		sumsq = 1e-300
	}
	lik := float64(n) * math.Log(sumsq)
	if mult {
		lik += 2 * prod.log()
	}
	if math.IsNaN(lik) {
		return math.Inf(1)
	}
	return lik
}

// objective is the function Nelder-Mead minimises.
func (st *etsState) objective(x []float64) float64 {
	alpha, beta, gamma, phi, l, b, ok := st.unpack(x)
	if !ok {
		return math.Inf(1)
	}
	var sse float64
	return st.run(alpha, beta, gamma, phi, &l, &b, &sse)
}

// profiledSSE is the sum of squared one-step errors of a model without a
// season and with additive errors, at the smoothing parameters given and
// the best initial level and trend for them, which it returns. Such a
// model's recursions are linear in its states, so each one-step error is
// the error from the starting guess (l, b) less the responses to a unit
// change of the initial level and of the initial trend, scaled by those
// changes: the best changes solve a 2x2 least-squares problem, and the
// likelihood need only be searched over the smoothing parameters (the
// initial states concentrated out of the likelihood of a linear model;
// Hyndman et al. 2008, section 5.2). The three recursions run side by side
// in one pass; their arithmetic is independent, so the pass costs little
// more than one.
func (st *etsState) profiledSSE(alpha, beta, phi, l, b float64) (l0, b0, sse float64) {
	trend := st.spec.trend != 'N'
	if !trend {
		phi, beta, b = 0, 0, 0
	}
	// Forecasts and trends in runNonSeasonal's form: the data's from the
	// guess, and the responses (no data) to a unit initial level (q1, b1)
	// and a unit initial trend (q2, b2).
	q, bv := l+phi*b, b
	q1, b1 := 1.0, 0.0
	q2, b2 := phi, 1.0
	gain, phi2 := alpha+phi*beta, phi*phi
	var see, seg, seh, sgg, sgh, shh float64
	for _, y := range st.y {
		e := y - q
		see += e * e
		seg += e * q1
		seh += e * q2
		sgg += q1 * q1
		sgh += q1 * q2
		shh += q2 * q2
		q = math.FMA(gain, e, q+phi2*bv)
		bv = math.FMA(beta, e, phi*bv)
		q1, b1 = q1+phi2*b1-gain*q1, phi*b1-beta*q1
		q2, b2 = q2+phi2*b2-gain*q2, phi*b2-beta*q2
	}
	det := sgg*shh - sgh*sgh
	if !trend || !(det > 1e-12*sgg*shh) {
		// No trend, or the two responses are (nearly) the same: move the
		// level only.
		if !(sgg > 0) {
			return l, b, see
		}
		dl := seg / sgg
		return l + dl, b, math.Max(see-dl*seg, 0)
	}
	dl := (shh*seg - sgh*seh) / det
	db := (sgg*seh - sgh*seg) / det
	return l + dl, b + db, math.Max(see-dl*seg-db*seh, 0)
}

// fitETS estimates one member of the family, or returns nil when it cannot.
func fitETS(y []float64, spec etsSpec, m int, w *etsWork) *etsFit {
	if spec.season == 'N' {
		m = 1
	}
	l0, b0, ok := etsInitialStates(y, spec, m, w)
	if !ok {
		return nil
	}
	scale := math.Abs(l0)
	if scale < 1e-8 {
		scale = 1
	}
	// With five or more seasons of data the decomposition's seasonal
	// indices are already close to their maximum-likelihood values, and
	// estimating m-1 more states makes the simplex search several times
	// longer for a likelihood gain that does not change the forecasts.
	fixed := spec.season != 'N' && len(y) >= 5*m
	st := &etsState{spec: spec, m: m, scale: scale, y: y, w: w, fixedSeason: fixed}

	// Starting parameters as in R's initparam.
	alpha := etsLower + 0.2*(etsUpper-etsLower)/float64(m)
	x0 := []float64{alpha}
	if spec.trend != 'N' {
		x0 = append(x0, etsLower+0.1*(math.Min(etsUpper, alpha)-etsLower))
	}
	if spec.season != 'N' {
		x0 = append(x0, etsLower+0.05*(math.Min(etsUpper, 1-alpha)-etsLower))
	}
	if spec.damped {
		x0 = append(x0, etsPhiLower+0.99*(etsPhiUpper-etsPhiLower))
	}
	x0 = append(x0, l0/scale)
	if spec.trend != 'N' {
		x0 = append(x0, b0/scale)
	}
	if spec.season != 'N' && !fixed {
		for j := 0; j < m-1; j++ {
			v := w.init[j]
			if spec.season == 'A' {
				v /= scale
			}
			x0 = append(x0, v)
		}
	}
	var x []float64
	if spec.err == 'A' && spec.season == 'N' {
		x = st.fitProfiled(x0, l0, b0)
	} else {
		x, _ = nelderMead(st.objective, x0, 2000, relTolerance(st.objective(x0)))
	}
	if x == nil {
		return nil
	}
	alpha, beta, gamma, phi, l, b, ok := st.unpack(x)
	if !ok {
		return nil
	}
	l0, b0 = l, b
	s0 := append([]float64(nil), w.season[:m]...)
	var sse float64
	st.resid = make([]float64, len(y))
	lik := st.run(alpha, beta, gamma, phi, &l, &b, &sse)
	if math.IsInf(lik, 0) || math.IsNaN(lik) {
		return nil
	}
	n := len(y)
	np := spec.params(m) // the fixed seasonal states still count: they were estimated from the data
	if n-np-1 <= 0 {
		return nil
	}
	f := &etsFit{spec: spec, m: m, alpha: alpha, beta: beta, gamma: gamma, phi: phi, l0: l0, b0: b0, s0: s0,
		l: l, b: b, n: n, s: append([]float64(nil), w.season[:m]...), resid: st.resid}
	f.sigma2 = sse / float64(n-np)
	f.loglik = -0.5 * lik
	aic := -2*f.loglik + 2*float64(np)
	f.aicc = aic + 2*float64(np*(np+1))/float64(n-np-1)
	return f
}

// fitProfiled searches the smoothing parameters of a model without a
// season and with additive errors, with the initial states concentrated
// out (profiledSSE), and returns the full parameter vector (x0's layout)
// at the best point, or nil.
func (st *etsState) fitProfiled(x0 []float64, l0, b0 float64) []float64 {
	k := 1 // alpha, [beta], [phi]
	if st.spec.trend != 'N' {
		k++
	}
	if st.spec.damped {
		k++
	}
	full := append([]float64(nil), x0...)
	n := float64(len(st.y))
	obj := func(p []float64) float64 {
		copy(full, p)
		alpha, beta, _, phi, _, _, ok := st.unpack(full)
		if !ok {
			return math.Inf(1)
		}
		_, _, sse := st.profiledSSE(alpha, beta, phi, l0, b0)
		return n * math.Log(math.Max(sse, 1e-300))
	}
	var p []float64
	var v float64
	if k == 1 {
		// The level alone: a line search over alpha.
		var alpha float64
		alpha, v = brentMin(func(a float64) float64 { return obj([]float64{a}) }, etsLower, etsUpper, 1e-5, 200)
		p = []float64{alpha}
	} else {
		p, v = nelderMead(obj, x0[:k], 2000, relTolerance(obj(x0[:k])))
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	copy(full, p)
	alpha, beta, _, phi, _, _, _ := st.unpack(full)
	l, b, _ := st.profiledSSE(alpha, beta, phi, l0, b0)
	full[k] = l / st.scale
	if st.spec.trend != 'N' {
		full[k+1] = b / st.scale
	}
	return full
}

// etsInitialStates sets the starting level, trend and seasonal states the
// way R's ets does (initstate): a classical decomposition gives the
// seasonal states (a Fourier regression when there are fewer than three
// seasons of data), and a regression on the first seasonally adjusted
// values gives the level and trend.
func etsInitialStates(y []float64, spec etsSpec, m int, w *etsWork) (l0, b0 float64, ok bool) {
	n := len(y)
	sa := w.sa[:n]
	copy(sa, y)
	if spec.season != 'N' {
		seas := w.init[:m]
		if !seasonalIndices(y, m, spec.season == 'M', seas) {
			return 0, 0, false
		}
		for t := range sa {
			if spec.season == 'A' {
				sa[t] = y[t] - seas[t%m]
			} else {
				sa[t] = y[t] / seas[t%m]
			}
		}
	}
	maxn := min(max(10, 2*m), n)
	if spec.trend == 'N' {
		for _, v := range sa[:maxn] {
			l0 += v
		}
		return l0 / float64(maxn), 0, true
	}
	// Least squares of sa[t] on t = 1..maxn.
	var st, sy, stt, sty float64
	for i := 0; i < maxn; i++ {
		t := float64(i + 1)
		st += t
		sy += sa[i]
		stt += t * t
		sty += t * sa[i]
	}
	k := float64(maxn)
	den := k*stt - st*st
	if den == 0 {
		return 0, 0, false
	}
	b0 = (k*sty - st*sy) / den
	l0 = (sy - b0*st) / k
	if spec.err == 'M' && math.Abs(l0+b0) < 1e-8 {
		l0 *= 1 + 1e-3
		b0 *= 1 - 1e-3
	}
	return l0, b0, true
}

// seasonalIndices estimates one seasonal index per phase: classical
// decomposition (centred moving average, then the mean detrended value of
// each phase) with three or more seasons of data, otherwise a regression on
// a trend and one pair of Fourier terms. Indices are centred on 0 (additive)
// or 1 (multiplicative, floored at 0.01).
func seasonalIndices(y []float64, m int, mult bool, seas []float64) bool {
	n := len(y)
	if n < 4 || m < 2 {
		return false
	}
	for j := range seas {
		seas[j] = 0
	}
	if n >= 3*m {
		counts := make([]float64, m)
		half := m / 2
		for t := half; t+half < n; t++ {
			// Centred moving average of order m (2 x m when m is even).
			var sum float64
			if m%2 == 1 {
				for k := t - half; k <= t+half; k++ {
					sum += y[k]
				}
				sum /= float64(m)
			} else {
				if t+half >= n {
					break
				}
				sum = 0.5*y[t-half] + 0.5*y[t+half]
				for k := t - half + 1; k < t+half; k++ {
					sum += y[k]
				}
				sum /= float64(m)
			}
			if mult {
				if sum == 0 {
					continue
				}
				seas[t%m] += y[t] / sum
			} else {
				seas[t%m] += y[t] - sum
			}
			counts[t%m]++
		}
		for j := range seas {
			if counts[j] == 0 {
				return false
			}
			seas[j] /= counts[j]
		}
	} else {
		// y = a + b t + c sin + d cos by least squares.
		a, bt, c, d, ok := fourierTrend(y, m)
		if !ok {
			return false
		}
		for j := 0; j < m; j++ {
			trend := a + bt*float64(j+1)
			angle := 2 * math.Pi * float64(j+1) / float64(m)
			season := c*math.Sin(angle) + d*math.Cos(angle)
			if mult {
				if trend == 0 {
					return false
				}
				seas[j] = (trend + season) / trend
			} else {
				seas[j] = season
			}
		}
	}
	// Centre the indices.
	var mean float64
	for _, v := range seas {
		mean += v
	}
	mean /= float64(m)
	for j := range seas {
		if mult {
			seas[j] = math.Max(seas[j]/mean, 1e-2)
		} else {
			seas[j] -= mean
		}
	}
	if mult {
		var sum float64
		for _, v := range seas {
			sum += v
		}
		for j := range seas {
			seas[j] *= float64(m) / sum
		}
	}
	return true
}

// fourierTrend regresses y on 1, t, sin(2 pi t/m) and cos(2 pi t/m).
func fourierTrend(y []float64, m int) (a, b, c, d float64, ok bool) {
	var xtx [4][4]float64
	var xty [4]float64
	for i, v := range y {
		t := float64(i + 1)
		angle := 2 * math.Pi * t / float64(m)
		row := [4]float64{1, t, math.Sin(angle), math.Cos(angle)}
		for r := 0; r < 4; r++ {
			xty[r] += row[r] * v
			for k := 0; k < 4; k++ {
				xtx[r][k] += row[r] * row[k]
			}
		}
	}
	sol, ok := solve4(xtx, xty)
	return sol[0], sol[1], sol[2], sol[3], ok
}

// solve4 solves a 4x4 linear system by Gaussian elimination with pivoting.
func solve4(a [4][4]float64, b [4]float64) ([4]float64, bool) {
	for col := 0; col < 4; col++ {
		piv := col
		for r := col + 1; r < 4; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		if math.Abs(a[piv][col]) < 1e-12 {
			return b, false
		}
		a[col], a[piv] = a[piv], a[col]
		b[col], b[piv] = b[piv], b[col]
		for r := col + 1; r < 4; r++ {
			f := a[r][col] / a[col][col]
			for k := col; k < 4; k++ {
				a[r][k] -= f * a[col][k]
			}
			b[r] -= f * b[col]
		}
	}
	var x [4]float64
	for r := 3; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < 4; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}

// Predict implements Fitted: point forecasts from the final states, and
// forecast-error variances from Hyndman et al. (2008), chapter 6: exact for
// additive errors (class 1) and for multiplicative errors with additive
// components (class 2); with a multiplicative season (class 3) the class 2
// variance of the seasonally adjusted forecast is scaled by the season.
func (f *etsFit) Predict(mean, sd []float64) bool {
	h := len(mean)
	phi := f.phi
	cum := 0.0 // phi + ... + phi^k
	pk := 1.0
	for k := 1; k <= h; k++ {
		trend := 0.0
		switch {
		case f.spec.trend == 'N':
		case f.spec.damped:
			pk *= phi
			cum += pk
			trend = cum * f.b
		default:
			trend = float64(k) * f.b
		}
		base := f.l + trend
		s := f.seasonAhead(k)
		switch f.spec.season {
		case 'A':
			mean[k-1] = base + s
		case 'M':
			mean[k-1] = base * s
		default:
			mean[k-1] = base
		}
	}
	// c_j: the effect of an error at the origin on the forecast j steps on.
	c := make([]float64, h)
	cum, pk = 0, 1
	for j := 1; j < h; j++ {
		cj := f.alpha
		switch {
		case f.spec.trend == 'N':
		case f.spec.damped:
			pk *= phi
			cum += pk
			cj += f.beta * cum
		default:
			cj += f.beta * float64(j)
		}
		if f.spec.season == 'A' && j%f.m == 0 {
			cj += f.gamma
		}
		c[j] = cj
	}
	s2 := f.sigma2
	if f.spec.err == 'A' {
		// v_1 = s2, v_{k+1} = v_k + s2 c_k^2.
		var acc float64
		for k := 1; k <= h; k++ {
			sd[k-1] = math.Sqrt(s2 * (1 + acc))
			if k < h {
				acc += c[k] * c[k]
			}
		}
		return true
	}
	// Class 2 and 3: theta_1 = mu_1^2, theta_h = mu_h^2 + s2 sum c_j^2 theta_{h-j}.
	mu := make([]float64, h)
	for k := 0; k < h; k++ {
		mu[k] = mean[k]
		if f.spec.season == 'M' {
			mu[k] = mean[k] / f.seasonAhead(k+1)
		}
	}
	theta := make([]float64, h)
	for k := 0; k < h; k++ {
		theta[k] = mu[k] * mu[k]
		for j := 1; j <= k; j++ {
			theta[k] += s2 * c[j] * c[j] * theta[k-j]
		}
		v := (1+s2)*theta[k] - mu[k]*mu[k]
		if f.spec.season == 'M' {
			s := f.seasonAhead(k + 1)
			v *= s * s
		}
		sd[k] = math.Sqrt(math.Max(v, 0))
	}
	return true
}

// seasonAhead returns the seasonal state that applies k steps after the
// last observation.
func (f *etsFit) seasonAhead(k int) float64 {
	if f.spec.season == 'N' {
		return 0
	}
	return f.s[(f.n+k-1)%f.m]
}

// Describe implements Fitted.
func (f *etsFit) Describe() string { return f.spec.String() }

// Refilter runs the fitted parameters and initial states over y and
// returns the model at its end, for rolling-origin evaluation.
func (f *etsFit) Refilter(y []float64, info *SeriesInfo) (Fitted, error) {
	w := &etsWork{season: append([]float64(nil), f.s0...)}
	st := &etsState{spec: f.spec, m: f.m, y: y, w: w}
	l, b := f.l0, f.b0
	var sse float64
	if lik := st.run(f.alpha, f.beta, f.gamma, f.phi, &l, &b, &sse); math.IsInf(lik, 0) || math.IsNaN(lik) {
		return nil, fmt.Errorf("%s cannot be run over the shorter history", f.spec)
	}
	out := *f
	out.l, out.b, out.n, out.s, out.resid = l, b, len(y), w.season, nil
	return &out, nil
}

// Residuals implements residualer.
func (f *etsFit) Residuals() []float64 { return f.resid }

// AICc returns the corrected Akaike information criterion of the fit.
func (f *etsFit) AICc() float64 { return f.aicc }
