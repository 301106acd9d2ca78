package forecast

import (
	"fmt"
	"math"
)

// ARIMA is a seasonal ARIMA(p,d,q)(P,D,Q)m model. With no Order it chooses
// one as R's forecast::auto.arima does (Hyndman & Khandakar, "Automatic time
// series forecasting: the forecast package for R", JSS 2008): the number of
// differences d by repeated KPSS tests, the seasonal differences D by the
// strength of the seasonality (above 0.64), then a stepwise search over p,
// q, P, Q and the constant by AICc, with orders capped at a third of the
// series (of its seasons, for P and Q) and every order of a search scored
// on the same periods. Parameters are estimated by conditional sum of
// squares (what auto.arima uses while searching long or seasonal series);
// fits whose AR or MA part has a root within minRootModulus of the unit
// circle are rejected.
type ARIMA struct {
	// Order fixes the model; nil searches.
	Order *ARIMAOrder
	// Period is the seasonal period; 0 means the series' own.
	Period int
	// Bounds of the search; zero values mean R's defaults: p, q <= 5,
	// P, Q <= 2, p+q+P+Q <= 5, d <= 2, D <= 1.
	MaxP, MaxQ, MaxSP, MaxSQ, MaxOrder, MaxD, MaxSD int
}

// ARIMAOrder is (p,d,q)(P,D,Q) with or without a constant (a mean when
// nothing is differenced, a drift with one difference).
type ARIMAOrder struct {
	P, D, Q    int
	SP, SD, SQ int
	Constant   bool
}

func (o ARIMAOrder) String() string {
	s := fmt.Sprintf("ARIMA(%d,%d,%d)", o.P, o.D, o.Q)
	if o.SP+o.SD+o.SQ > 0 {
		s += fmt.Sprintf("(%d,%d,%d)", o.SP, o.SD, o.SQ)
	}
	if o.Constant {
		if o.D+o.SD == 0 {
			s += " with mean"
		} else {
			s += " with drift"
		}
	}
	return s
}

// Name implements Model.
func (ARIMA) Name() string { return "arima" }

// Fit implements Model.
func (a ARIMA) Fit(y []float64, info *SeriesInfo) (Fitted, error) {
	m := a.Period
	if m == 0 {
		m = info.Period
	}
	if m < 1 {
		m = 1
	}
	n := len(y)
	if n < 8 {
		return nil, ErrTooShort
	}
	lim := a.limits()
	if m > 1 && n < 2*m+8 {
		m = 1 // too short to tell a season
	}
	// As auto.arima: no more coefficients of a kind than a third of the
	// series (of its seasons, for the seasonal ones) could estimate. Three
	// years of weekly data make no room for seasonal AR or MA terms, only
	// a seasonal difference.
	lim.MaxP, lim.MaxQ = min(lim.MaxP, n/3), min(lim.MaxQ, n/3)
	lim.MaxSP, lim.MaxSQ = min(lim.MaxSP, n/3/m), min(lim.MaxSQ, n/3/m)
	if isConstant(y) {
		o := ARIMAOrder{Constant: true}
		return fitARIMA(y, o, 1, 0, nil)
	}
	if a.Order != nil {
		f, err := fitARIMA(y, *a.Order, m, 0, nil)
		if err != nil {
			return nil, err
		}
		return f, nil
	}
	// Differencing.
	sd := 0
	if m > 1 && lim.MaxSD > 0 && seasonalStrength(y, m) > 0.64 {
		sd = 1
	}
	w := difference(y, 0, sd, m)
	d := 0
	for d < lim.MaxD && len(w) > 10 && !isConstant(w) && kpss(w) > kpssCritical5 {
		w = difference(w, 1, 0, 1)
		d++
	}
	return stepwiseARIMA(y, d, sd, m, lim)
}

func (a ARIMA) limits() ARIMA {
	def := func(v, d int) int {
		if v == 0 {
			return d
		}
		return v
	}
	a.MaxP, a.MaxQ = def(a.MaxP, 5), def(a.MaxQ, 5)
	a.MaxSP, a.MaxSQ = def(a.MaxSP, 2), def(a.MaxSQ, 2)
	a.MaxOrder, a.MaxD, a.MaxSD = def(a.MaxOrder, 5), def(a.MaxD, 2), def(a.MaxSD, 1)
	return a
}

// stepwiseARIMA is the search of Hyndman & Khandakar (2008), section 3.2:
// four starting models, then moves of one step in p, q, P, Q (alone and in
// pairs) and of the constant, keeping any move that lowers the AICc.
func stepwiseARIMA(y []float64, d, sd, m int, lim ARIMA) (*arimaFit, error) {
	seasonal := m > 1
	allowConst := d+sd <= 1
	visited := map[ARIMAOrder]bool{}
	var best *arimaFit
	// Every order is scored on the same periods: those after the longest
	// stretch any order of the search conditions on (see fitARIMA).
	scoreFrom := lim.MaxP
	if seasonal {
		scoreFrom += m * lim.MaxSP
	}
	try := func(o ARIMAOrder) bool {
		if o.P < 0 || o.Q < 0 || o.SP < 0 || o.SQ < 0 || o.P > lim.MaxP || o.Q > lim.MaxQ ||
			o.SP > lim.MaxSP || o.SQ > lim.MaxSQ || o.P+o.Q+o.SP+o.SQ > lim.MaxOrder || (o.Constant && !allowConst) {
			return false
		}
		if !seasonal && (o.SP > 0 || o.SQ > 0) {
			return false
		}
		if visited[o] || len(visited) >= 94 {
			return false
		}
		visited[o] = true
		f, err := fitARIMA(y, o, m, scoreFrom, best)
		if err != nil {
			return false
		}
		if best == nil || f.aicc < best.aicc {
			best = f
			return true
		}
		return false
	}
	start := []ARIMAOrder{{P: 2, Q: 2, SP: 1, SQ: 1}, {}, {P: 1, SP: 1}, {Q: 1, SQ: 1}}
	for _, o := range start {
		o.D, o.SD, o.Constant = d, sd, allowConst
		if !seasonal {
			o.SP, o.SQ = 0, 0
		}
		// Starting orders beyond the limits are cut to them, as in R.
		o.P, o.Q, o.SP, o.SQ = min(o.P, lim.MaxP), min(o.Q, lim.MaxQ), min(o.SP, lim.MaxSP), min(o.SQ, lim.MaxSQ)
		try(o)
	}
	if allowConst {
		try(ARIMAOrder{D: d, SD: sd})
	}
	if best == nil {
		return nil, fmt.Errorf("no ARIMA model could be fitted")
	}
	for moved := true; moved; {
		moved = false
		c := best.order
		for _, step := range [][4]int{
			{0, 0, -1, 0}, {0, 0, 1, 0}, {0, 0, 0, -1}, {0, 0, 0, 1}, {0, 0, -1, -1}, {0, 0, 1, 1},
			{-1, 0, 0, 0}, {1, 0, 0, 0}, {0, -1, 0, 0}, {0, 1, 0, 0}, {-1, -1, 0, 0}, {1, 1, 0, 0},
		} {
			o := c
			o.P, o.Q, o.SP, o.SQ = o.P+step[0], o.Q+step[1], o.SP+step[2], o.SQ+step[3]
			if try(o) {
				moved = true
				break
			}
		}
		if !moved && allowConst {
			o := c
			o.Constant = !o.Constant
			moved = try(o)
		}
	}
	return best, nil
}

// arimaFit is an estimated ARIMA model, ready to forecast.
type arimaFit struct {
	order   ARIMAOrder
	m       int
	ar, ma  []float64 // expanded phi(B)Phi(B^m) and theta(B)Theta(B^m), lag 1 first
	mu      float64   // mean of the differenced series (0 without a constant)
	sigma2  float64
	aicc    float64
	y       []float64 // the last values of the series, for undoing the differences
	w       []float64 // the differenced series' last values
	e       []float64 // the last residuals
	diffPol []float64 // (1-B)^d (1-B^m)^D, lag 1 first
	params  []float64 // p, q, P, Q coefficients and the constant, as estimated
	resid   []float64 // in-sample one-step errors
}

// warmStart copies into x0 the coefficients of prev that the order o has
// too, so a neighbouring model starts where the current best ended.
func warmStart(x0 []float64, o ARIMAOrder, prev *arimaFit) {
	po := prev.order
	if po.D != o.D || po.SD != o.SD {
		return
	}
	src, dst := 0, 0
	for _, n := range [][2]int{{po.P, o.P}, {po.Q, o.Q}, {po.SP, o.SP}, {po.SQ, o.SQ}} {
		for i := 0; i < min(n[0], n[1]); i++ {
			x0[dst+i] = prev.params[src+i]
		}
		src += n[0]
		dst += n[1]
	}
	if o.Constant && po.Constant {
		x0[dst] = prev.params[src]
	}
}

// fitARIMA estimates one order by conditional sum of squares, starting
// from zero coefficients, or from those of from when not nil. Its AICc
// scores the one-step errors of the differenced periods from scoreFrom on
// (or from the first the order does not condition on, if later), so that
// the orders of a search compare on the same periods.
func fitARIMA(y []float64, o ARIMAOrder, m, scoreFrom int, from *arimaFit) (*arimaFit, error) {
	w := difference(y, o.D, o.SD, m)
	np := o.P + o.Q + o.SP + o.SQ
	if o.Constant {
		np++
	}
	pp := o.P + m*o.SP
	nUsed := len(w) - pp
	if nUsed <= np+2 {
		return nil, ErrTooShort
	}
	wmean, _ := meanSD(w)
	css := &cssState{o: o, m: m, w: w}
	x0 := make([]float64, np)
	if o.Constant {
		x0[np-1] = wmean
	}
	if from != nil {
		warmStart(x0, o, from)
	}
	var x []float64
	var sse float64
	if np == 0 {
		x, sse = x0, css.sse(x0)
	} else {
		// Conditional least squares by Levenberg-Marquardt. Over-fitted
		// orders (AR and MA roots that nearly cancel) leave a flat ridge
		// that the steps would follow for hundreds of passes without
		// changing the sum of squares in any way that matters; 25
		// Jacobians are plenty for the rest, which converge in a handful.
		x, sse = levenbergMarquardt(func(x, dst []float64) {
			copy(dst, css.residuals(x)[pp:])
		}, x0, len(w)-pp, 25, likTolerance)
	}
	if math.IsInf(sse, 0) || math.IsNaN(sse) || sse <= 0 {
		return nil, fmt.Errorf("%s did not converge", o)
	}
	css.unpack(x)
	if !rootsOutside(css.ar, -1) || !rootsOutside(css.ma, +1) {
		return nil, fmt.Errorf("%s is not stationary or not invertible", o)
	}
	// The conditional sum of squares leaves out the first p + mP periods,
	// more for larger orders. Scored on the periods each order used, a
	// seasonal AR order of a weekly series (52 periods held back per
	// term) wins whenever the later periods happen to be calmer, however
	// the likelihood is scaled (R's auto.arima has this flaw): the AICc
	// takes the errors of the same periods for every order of a search.
	// sigma2, the forecasts' variance, uses every error the order has.
	sigma2 := sse / float64(nUsed)
	resid := css.residuals(x)
	from0 := max(pp, min(scoreFrom, len(w)-np-4))
	var scoreSSE float64
	for _, e := range resid[from0:] {
		scoreSSE += e * e
	}
	nScore := float64(len(w) - from0)
	loglik := -0.5 * nScore * (math.Log(2*math.Pi*scoreSSE/nScore) + 1)
	k := float64(np + 1)
	aicc := -2*loglik + 2*k + 2*k*(k+1)/(nScore-k-1)
	f := &arimaFit{order: o, m: m, ar: css.ar, ma: css.ma, mu: css.mu, sigma2: sigma2, aicc: aicc,
		diffPol: diffPolynomial(o.D, o.SD, m), params: append([]float64(nil), x...)}
	keep := func(s []float64, k int) []float64 { return append([]float64(nil), s[max(0, len(s)-k):]...) }
	f.y = keep(y, len(f.diffPol))
	f.w = keep(w, len(f.ar))
	f.e = keep(resid, len(f.ma))
	// The innovations of the differenced series are the one-step errors of
	// y; the first len(y)-len(w) periods have none.
	f.resid = make([]float64, len(y))
	copy(f.resid[len(y)-len(resid):], resid)
	return f, nil
}

// Residuals implements residualer.
func (f *arimaFit) Residuals() []float64 { return f.resid }

// cssState evaluates the conditional sum of squares of a parameter vector:
// p AR, q MA, P seasonal AR, Q seasonal MA coefficients, then the mean.
type cssState struct {
	o              ARIMAOrder
	m              int
	w              []float64
	ar, ma         []float64
	mu             float64
	e              []float64
	arLag, maLag   []int
	arCoef, maCoef []float64
}

func (c *cssState) unpack(x []float64) {
	o := c.o
	phi, theta := x[:o.P], x[o.P:o.P+o.Q]
	sphi, stheta := x[o.P+o.Q:o.P+o.Q+o.SP], x[o.P+o.Q+o.SP:o.P+o.Q+o.SP+o.SQ]
	c.ar = expandSeasonal(c.ar, phi, sphi, c.m, -1)
	c.ma = expandSeasonal(c.ma, theta, stheta, c.m, +1)
	c.mu = 0
	if o.Constant {
		c.mu = x[len(x)-1]
	}
}

// expandSeasonal multiplies out a(B) A(B^m), both written as
// 1 + sign*(c1 B + c2 B^2 ...), and returns the coefficients of the product
// in the same form (lag 1 first).
func expandSeasonal(dst, a, sa []float64, m int, sign float64) []float64 {
	n := len(a) + m*len(sa)
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	dst = dst[:n]
	for i := range dst {
		dst[i] = 0
	}
	// (1 + s*sum a_i B^i)(1 + s*sum A_j B^{mj}) = 1 + s*a + s*A + s^2 a A.
	for i, v := range a {
		dst[i] += v
	}
	for j, v := range sa {
		dst[m*(j+1)-1] += v
		for i, u := range a {
			dst[m*(j+1)+i] += sign * u * v
		}
	}
	return dst
}

func (c *cssState) residuals(x []float64) []float64 {
	c.unpack(x)
	w := c.w
	if cap(c.e) < len(w) {
		c.e = make([]float64, len(w))
	}
	e := c.e[:len(w)]
	// Seasonal polynomials are mostly zeros: loop over the nonzero lags.
	c.arLag, c.arCoef = nonzero(c.arLag[:0], c.arCoef[:0], c.ar)
	c.maLag, c.maCoef = nonzero(c.maLag[:0], c.maCoef[:0], c.ma)
	pp := len(c.ar)
	for t := range e[:min(pp, len(e))] {
		e[t] = 0
	}
	// The AR part, w_t - mu - sum phi_k (w_{t-k} - mu), has no recursion:
	// each period on its own.
	var sumAR float64
	for _, v := range c.arCoef {
		sumAR += v
	}
	level := c.mu * (1 - sumAR)
	for t := pp; t < len(w); t++ {
		v := w[t] - level
		for k, lag := range c.arLag {
			v -= c.arCoef[k] * w[t-lag]
		}
		e[t] = v
	}
	// The MA part, e_t = v_t - sum theta_j e_{t-j}, with no errors before
	// the first period used: the only recursion, kept apart so that it is
	// all the dependent work there is.
	if len(c.maLag) == 0 {
		return e
	}
	maxLag := c.maLag[len(c.maLag)-1]
	t := pp
	for ; t < len(w) && t < pp+maxLag; t++ {
		v := e[t]
		for k, lag := range c.maLag {
			if t-lag >= pp {
				v -= c.maCoef[k] * e[t-lag]
			}
		}
		e[t] = v
	}
	for ; t < len(w); t++ {
		v := e[t]
		for k, lag := range c.maLag {
			v -= c.maCoef[k] * e[t-lag]
		}
		e[t] = v
	}
	return e
}

// nonzero lists the lags (1-based) and values of the nonzero coefficients.
func nonzero(lags []int, coefs, c []float64) ([]int, []float64) {
	for i, v := range c {
		if v != 0 {
			lags = append(lags, i+1)
			coefs = append(coefs, v)
		}
	}
	return lags, coefs
}

func (c *cssState) sse(x []float64) float64 {
	e := c.residuals(x)
	var s float64
	for _, v := range e[len(c.ar):] {
		s += v * v
	}
	if math.IsNaN(s) || s > 1e300 {
		return math.Inf(1)
	}
	return s
}

// minRootModulus is how far outside the unit circle every AR and MA root
// of an accepted ARIMA fit must be. auto.arima asks for 1.01 of its
// maximum-likelihood fits; conditional least squares puts seasonal MA
// roots closer to the circle (a seasonal MA near -1 after a seasonal
// difference is common), and at 1.01 those models were refused: on 40
// daily Store Item Demand series MASE rose from 0.949 to 0.986.
const minRootModulus = 1.001

// rootsOutside says whether 1 - sum c_i z^i (sign -1: an AR polynomial)
// or 1 + sum c_i z^i (sign +1: MA) has every root outside the circle of
// radius minRootModulus. It is the Schur-Cohn test in its step-down form (the
// Durbin-Levinson recursion run backwards): the polynomial's roots all lie
// outside the unit circle exactly when every partial autocorrelation it
// implies is less than 1 in size. Scaling c_i by r^i moves the circle to
// radius r.
// O(p^2) for p coefficients: a seasonal polynomial of degree 104 needs
// no eigenvalues.
func rootsOutside(c []float64, sign float64) bool {
	k := len(c)
	for k > 0 && c[k-1] == 0 {
		k--
	}
	if k == 0 {
		return true
	}
	phi := make([]float64, 2*k)
	a, prev := phi[:k], phi[k:]
	scale := 1.0
	for i := 0; i < k; i++ {
		scale *= minRootModulus
		a[i] = -sign * c[i] * scale
	}
	for n := k; n >= 1; n-- {
		kappa := a[n-1]
		if !(math.Abs(kappa) < 1) {
			return false
		}
		den := 1 - kappa*kappa
		copy(prev[:n-1], a[:n-1])
		for j := 0; j < n-1; j++ {
			a[j] = (prev[j] + kappa*prev[n-2-j]) / den
		}
	}
	return true
}

// difference applies d regular and sd seasonal (lag m) differences.
func difference(y []float64, d, sd, m int) []float64 {
	w := y
	for k := 0; k < sd; k++ {
		if len(w) <= m {
			return nil
		}
		nw := make([]float64, len(w)-m)
		for t := range nw {
			nw[t] = w[t+m] - w[t]
		}
		w = nw
	}
	for k := 0; k < d; k++ {
		if len(w) <= 1 {
			return nil
		}
		nw := make([]float64, len(w)-1)
		for t := range nw {
			nw[t] = w[t+1] - w[t]
		}
		w = nw
	}
	return w
}

// diffPolynomial returns the coefficients (lag 1 first) of
// (1-B)^d (1-B^m)^D without its leading 1.
func diffPolynomial(d, sd, m int) []float64 {
	p := []float64{1}
	mul := func(lag int) {
		q := make([]float64, len(p)+lag)
		for i, v := range p {
			q[i] += v
			q[i+lag] -= v
		}
		p = q
	}
	for k := 0; k < d; k++ {
		mul(1)
	}
	for k := 0; k < sd; k++ {
		mul(m)
	}
	return p[1:]
}

// Predict implements Fitted: forecasts of the differenced series by the
// ARMA recursion, integrated back, with variances from the psi weights of
// the whole model.
func (f *arimaFit) Predict(mean, sd []float64) bool {
	h := len(mean)
	pp, qq := len(f.ar), len(f.ma)
	w := append(append([]float64(nil), f.w...), make([]float64, h)...)
	e := append(append([]float64(nil), f.e...), make([]float64, h)...)
	w0, e0 := len(f.w), len(f.e)
	for k := 0; k < h; k++ {
		v := f.mu
		for i := 0; i < pp; i++ {
			if idx := w0 + k - 1 - i; idx >= 0 {
				v += f.ar[i] * (w[idx] - f.mu)
			}
		}
		for j := 0; j < qq; j++ {
			if idx := e0 + k - 1 - j; idx >= 0 && idx < e0 {
				v += f.ma[j] * e[idx]
			}
		}
		w[w0+k] = v
	}
	// Undo the differences: y_t = w_t - sum delta_k y_{t-k}.
	nd := len(f.diffPol)
	ys := append(append([]float64(nil), f.y...), make([]float64, h)...)
	y0 := len(f.y)
	for k := 0; k < h; k++ {
		v := w[w0+k]
		for i := 0; i < nd; i++ {
			if idx := y0 + k - 1 - i; idx >= 0 {
				v -= f.diffPol[i] * ys[idx]
			}
		}
		ys[y0+k] = v
		mean[k] = v
	}
	// Psi weights of (1 - sum ar B^i)(1 + sum diff B^k) y = (1 + sum ma B^j) e.
	full := make([]float64, pp+nd) // coefficients c with y_t = sum c_i y_{t-i} + ...
	for i := 0; i < pp; i++ {
		full[i] += f.ar[i]
	}
	for k := 0; k < nd; k++ {
		full[k] -= f.diffPol[k]
		for i := 0; i < pp; i++ {
			full[k+i+1] += f.ar[i] * f.diffPol[k]
		}
	}
	psi := make([]float64, h)
	psi[0] = 1
	var acc float64
	for j := 0; j < h; j++ {
		if j > 0 {
			v := 0.0
			if j-1 < qq {
				v = f.ma[j-1]
			}
			for i := 1; i <= j && i <= len(full); i++ {
				v += full[i-1] * psi[j-i]
			}
			psi[j] = v
		}
		acc += psi[j] * psi[j]
		sd[j] = math.Sqrt(f.sigma2 * acc)
	}
	return true
}

// Describe implements Fitted.
func (f *arimaFit) Describe() string {
	s := f.order.String()
	if f.m > 1 && f.order.SP+f.order.SD+f.order.SQ > 0 {
		s = fmt.Sprintf("%s[%d]", s, f.m)
	}
	return s
}

// AICc returns the fit's corrected Akaike information criterion.
func (f *arimaFit) AICc() float64 { return f.aicc }

// kpssCritical5 is the 5% critical value of the KPSS level-stationarity test.
const kpssCritical5 = 0.463

// kpss is the KPSS statistic for level stationarity (Kwiatkowski, Phillips,
// Schmidt & Shin, 1992) with the Newey-West long-run variance truncated at
// 3 sqrt(n)/13 lags, the bandwidth Hobijn, Franses & Ooms (2004) recommend
// and R's forecast::ndiffs uses. (The usual "short" 4 (n/100)^(1/4) lags
// agree on long series but, on a hundred values, keep trending series such as
// R's WWWusage undifferenced.)
func kpss(y []float64) float64 {
	n := len(y)
	mean, _ := meanSD(y)
	var s, sumS2, s0 float64
	for _, v := range y {
		e := v - mean
		s += e
		sumS2 += s * s
		s0 += e * e
	}
	l := int(3 * math.Sqrt(float64(n)) / 13)
	lrv := s0 / float64(n)
	for k := 1; k <= l; k++ {
		var c float64
		for t := k; t < n; t++ {
			c += (y[t] - mean) * (y[t-k] - mean)
		}
		lrv += 2 * (1 - float64(k)/float64(l+1)) * c / float64(n)
	}
	if lrv <= 0 {
		return 0
	}
	return sumS2 / (float64(n) * float64(n) * lrv)
}

// seasonalStrength is max(0, 1 - Var(remainder)/Var(season + remainder)) of
// a classical additive decomposition (Wang, Smith & Hyndman, 2006), the
// measure R's nsdiffs uses (there with STL).
func seasonalStrength(y []float64, m int) float64 {
	n := len(y)
	if n < 2*m+1 {
		return 0
	}
	idx := make([]float64, m)
	if !seasonalIndices(y, m, false, idx) {
		return 0
	}
	half := m / 2
	var sr, r []float64
	for t := half; t+half < n; t++ {
		var trend float64
		if m%2 == 1 {
			for k := t - half; k <= t+half; k++ {
				trend += y[k]
			}
			trend /= float64(m)
		} else {
			if t+half >= n {
				break
			}
			trend = 0.5*y[t-half] + 0.5*y[t+half]
			for k := t - half + 1; k < t+half; k++ {
				trend += y[k]
			}
			trend /= float64(m)
		}
		detrended := y[t] - trend
		sr = append(sr, detrended)
		r = append(r, detrended-idx[t%m])
	}
	_, sdR := meanSD(r)
	_, sdSR := meanSD(sr)
	if sdSR == 0 {
		return 0
	}
	return math.Max(0, 1-sdR*sdR/(sdSR*sdSR))
}

func isConstant(y []float64) bool {
	for _, v := range y[1:] {
		if v != y[0] {
			return false
		}
	}
	return true
}

// Refilter runs the estimated coefficients over y: the residuals of the
// differenced y, and the last values forecasts start from.
func (f *arimaFit) Refilter(y []float64, info *SeriesInfo) (Fitted, error) {
	o := f.order
	w := difference(y, o.D, o.SD, f.m)
	if len(w) <= len(f.ar)+1 {
		return nil, ErrTooShort
	}
	css := &cssState{o: o, m: f.m, w: w}
	resid := css.residuals(f.params)
	out := *f
	keep := func(s []float64, k int) []float64 { return append([]float64(nil), s[max(0, len(s)-k):]...) }
	out.y = keep(y, len(f.diffPol))
	out.w = keep(w, len(f.ar))
	out.e = keep(resid, len(f.ma))
	out.resid = nil
	return &out, nil
}
