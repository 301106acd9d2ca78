package forecast

import (
	"fmt"
	"math"
)

// ThetaVariant selects a member of the Theta family (Fiorucci, Pellegrini,
// Louzada, Petropoulos & Koehler, "Models for optimising the theta method
// and their relationship to state space models", IJF 2016).
type ThetaVariant int

// Theta variants.
const (
	ThetaAuto ThetaVariant = iota // all four, the one with the smallest in-sample MSE
	STM                           // standard theta: theta = 2, static trend line
	OTM                           // optimised theta: theta estimated, static trend line
	DSTM                          // dynamic standard theta: theta = 2, trend line updated each period
	DOTM                          // dynamic optimised theta
)

func (v ThetaVariant) String() string {
	return [...]string{"Auto", "STM", "OTM", "DSTM", "DOTM"}[v]
}

// Theta forecasts with the theta method: simple exponential smoothing of
// the series pulled towards its linear trend line, (1 - 1/theta) of the way
// (theta = 2 is Assimakopoulos & Nikolopoulos's original method, shown by
// Hyndman & Billah, 2003, to be SES with drift). Seasonal series are first
// divided by classical multiplicative seasonal indices (additive when the
// data are not positive), when the autocorrelation at the seasonal lag is
// significant at 90%, as in R's thetaf.
type Theta struct {
	Variant ThetaVariant
	// Period is the seasonal period; 0 means the series' own.
	Period int
}

// Name implements Model.
func (t Theta) Name() string {
	if t.Variant == ThetaAuto {
		return "theta"
	}
	return "theta_" + map[ThetaVariant]string{STM: "stm", OTM: "otm", DSTM: "dstm", DOTM: "dotm"}[t.Variant]
}

// Fit implements Model.
func (t Theta) Fit(y []float64, info *SeriesInfo) (Fitted, error) {
	if len(y) < 4 {
		return nil, ErrTooShort
	}
	m := t.Period
	if m == 0 {
		m = info.Period
	}
	ds := deseasonalize(y, m)
	variants := []ThetaVariant{t.Variant}
	if t.Variant == ThetaAuto {
		variants = []ThetaVariant{STM, OTM, DSTM, DOTM}
	}
	var best *thetaFit
	for _, v := range variants {
		f := fitTheta(ds.adjusted, v)
		if f != nil && (best == nil || f.mse < best.mse) {
			best = f
		}
	}
	if best == nil {
		return nil, fmt.Errorf("theta could not be fitted")
	}
	best.season = ds
	return best, nil
}

// seasonality is a seasonal adjustment that can be undone on forecasts.
type seasonality struct {
	m        int
	mult     bool
	index    []float64 // per phase; nil when not seasonal
	n        int       // length of the adjusted series
	adjusted []float64
}

// deseasonalize divides (or subtracts) classical seasonal indices when the
// seasonal autocorrelation is significant: |r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n).
func deseasonalize(y []float64, m int) *seasonality {
	s := &seasonality{m: m, n: len(y), adjusted: y}
	if m < 4 || len(y) < 2*m {
		return s
	}
	r := acf(y, m)
	var sum float64
	for k := 1; k < m; k++ {
		sum += r[k] * r[k]
	}
	if math.Abs(r[m]) <= 1.6448536269514722*math.Sqrt((1+2*sum)/float64(len(y))) {
		return s
	}
	positive := true
	for _, v := range y {
		if v <= 0 {
			positive = false
			break
		}
	}
	idx := make([]float64, m)
	s.mult = positive
	if !seasonalIndices(y, m, s.mult, idx) {
		return s
	}
	if s.mult {
		for _, v := range idx {
			if v < 0.01 {
				s.mult = false
				seasonalIndices(y, m, false, idx)
				break
			}
		}
	}
	s.index = idx
	adj := make([]float64, len(y))
	for t, v := range y {
		if s.mult {
			adj[t] = v / idx[t%m]
		} else {
			adj[t] = v - idx[t%m]
		}
	}
	s.adjusted = adj
	return s
}

// reseasonalize puts the season back on forecasts (and scales their spread).
func (s *seasonality) reseasonalize(mean, sd []float64) {
	if s.index == nil {
		return
	}
	for h := range mean {
		k := s.index[(s.n+h)%s.m]
		if s.mult {
			mean[h] *= k
			sd[h] *= k
		} else {
			mean[h] += k
		}
	}
}

// acf returns the sample autocorrelations at lags 0..maxLag.
func acf(y []float64, maxLag int) []float64 {
	n := len(y)
	mean, _ := meanSD(y)
	var c0 float64
	for _, v := range y {
		c0 += (v - mean) * (v - mean)
	}
	r := make([]float64, maxLag+1)
	r[0] = 1
	if c0 == 0 {
		return r
	}
	for k := 1; k <= maxLag && k < n; k++ {
		var c float64
		for t := k; t < n; t++ {
			c += (y[t] - mean) * (y[t-k] - mean)
		}
		r[k] = c / c0
	}
	return r
}

// thetaFit is a fitted theta model on the seasonally adjusted series.
type thetaFit struct {
	variant            ThetaVariant
	alpha, theta, l0   float64
	level, sumY, sumTY float64 // final smoothed level and the running sums of the trend line
	n                  int
	mse, sigma         float64
	season             *seasonality
	resid              []float64 // in-sample one-step errors of the adjusted series
}

// Residuals implements residualer, in the series' own units.
func (f *thetaFit) Residuals() []float64 {
	if f.resid == nil || f.season == nil || f.season.index == nil || !f.season.mult {
		return f.resid
	}
	out := make([]float64, len(f.resid))
	for t, e := range f.resid {
		out[t] = e * f.season.index[t%f.season.m]
	}
	return out
}

// thetaRun filters y from the starting level l0: each one-step forecast
// is the smoothed level plus (1 - 1/theta) of the trend line's pull, with
// A and B the intercept and slope of the least-squares line through the
// data so far (dynamic variants) or through all of it (static ones).
func thetaRun(y []float64, v ThetaVariant, l0, alpha, theta float64, resid []float64) thetaFit {
	var a, b float64
	if v != DSTM && v != DOTM {
		a, b = lineFit(y)
	}
	f, _, _ := thetaFilter(y, v, l0, alpha, theta, a, b, resid)
	return f
}

// thetaFilter is thetaRun with the static line's intercept a and slope b
// given (the dynamic variants ignore them). It also returns the sums that
// concentrate the starting level out (thetaProfiled): the errors weighted
// by (1-alpha)^k, and the sum of those weights squared.
func thetaFilter(y []float64, v ThetaVariant, l0, alpha, theta, a, b float64, resid []float64) (f thetaFit, sed, sdd float64) {
	n := len(y)
	dynamic := v == DSTM || v == DOTM
	pull, invAlpha := 1-1/theta, 1/alpha
	level := l0
	var sumY, sumTY float64 // over t = 1..k
	decay := 1.0            // (1 - alpha)^k
	var sse float64
	for k, yk := range y {
		if dynamic {
			a, b = lineFromSums(k, sumY, sumTY)
		}
		e := yk - level - pull*(a*decay+b*(1-decay*(1-alpha))*invAlpha)
		if resid != nil {
			resid[k] = e
		}
		sse += e * e
		sed += e * decay
		sdd += decay * decay
		level += alpha * (yk - level)
		sumY += yk
		sumTY += float64(k+1) * yk
		decay *= 1 - alpha
	}
	f = thetaFit{variant: v, alpha: alpha, theta: theta, l0: l0, level: level, sumY: sumY, sumTY: sumTY, n: n, mse: sse / float64(n)}
	return f, sed, sdd
}

// lineFit returns the intercept (at t = 0) and slope of y on t = 1..n.
func lineFit(y []float64) (a, b float64) {
	var sumY, sumTY float64
	for k, v := range y {
		sumY += v
		sumTY += float64(k+1) * v
	}
	return lineFromSums(len(y), sumY, sumTY)
}

// lineFromSums is the least-squares line through (t, y_t), t = 1..k, from
// the sums of y_t and t y_t: slope 12(sum t y - (k+1)/2 sum y) / (k(k^2-1)).
func lineFromSums(k int, sumY, sumTY float64) (a, b float64) {
	if k == 0 {
		return 0, 0
	}
	kf := float64(k)
	if k >= 2 {
		b = 12 * (sumTY - (kf+1)/2*sumY) / (kf * (kf*kf - 1))
	}
	return sumY/kf - b*(kf+1)/2, b
}

// thetaProfiled is the mean squared one-step error of thetaRun at the
// best starting level for alpha and theta, which it returns too. The
// level's recursion is linear, so the starting level l0 reaches step k's
// forecast as (1-alpha)^k l0 and nothing else: each error is the error from
// a start at y[0] less (1-alpha)^k times the change, and the best change is
// a one-variable least-squares fit (the starting level concentrated out).
// a and b are the static trend line (unused by the dynamic variants).
func thetaProfiled(y []float64, v ThetaVariant, alpha, theta, a, b float64) (l0, mse float64) {
	f, sed, sdd := thetaFilter(y, v, y[0], alpha, theta, a, b, nil)
	n := float64(len(y))
	delta := sed / sdd
	return y[0] + delta, math.Max(f.mse*n-delta*sed, 0) / n
}

func fitTheta(y []float64, v ThetaVariant) *thetaFit {
	optimiseTheta := v == OTM || v == DOTM
	a, b := lineFit(y)
	var alpha, theta float64
	if optimiseTheta {
		obj := func(x []float64) float64 {
			if x[0] < 0.1 || x[0] > 0.99 || x[1] < 1 || x[1] > 1e10 {
				return math.Inf(1)
			}
			_, mse := thetaProfiled(y, v, x[0], x[1], a, b)
			return mse
		}
		x, fx := nelderMead(obj, []float64{0.5, 2}, 1000, likTolerance)
		if math.IsInf(fx, 0) || math.IsNaN(fx) {
			return nil
		}
		alpha, theta = x[0], x[1]
	} else {
		theta = 2
		obj := func(alpha float64) float64 {
			_, mse := thetaProfiled(y, v, alpha, theta, a, b)
			return mse
		}
		var fx float64
		alpha, fx = brentMin(obj, 0.1, 0.99, 1e-5, 100)
		if math.IsInf(fx, 0) || math.IsNaN(fx) {
			return nil
		}
	}
	l0, _ := thetaProfiled(y, v, alpha, theta, a, b)
	resid := make([]float64, len(y))
	f, _, _ := thetaFilter(y, v, l0, alpha, theta, a, b, resid)
	f.resid = resid
	// The first few errors mostly reflect the starting level.
	burn := resid
	if len(burn) > 5 {
		burn = burn[3:]
	}
	_, f.sigma = meanSD(burn)
	return &f
}

// Predict implements Fitted. Forecasts continue the recursion with each
// forecast taken as the next observation; the spread is that of simple
// exponential smoothing, sigma^2 (1 + (h-1) alpha^2).
func (f *thetaFit) Predict(mean, sd []float64) bool {
	dynamic := f.variant == DSTM || f.variant == DOTM
	level, sumY, sumTY := f.level, f.sumY, f.sumTY
	a, b := lineFromSums(f.n, sumY, sumTY)
	decay := math.Pow(1-f.alpha, float64(f.n))
	for h := range mean {
		k := f.n + h
		if dynamic {
			a, b = lineFromSums(k, sumY, sumTY)
		}
		mu := level + (1-1/f.theta)*(a*decay+b*(1-decay*(1-f.alpha))/f.alpha)
		mean[h] = mu
		sd[h] = f.sigma * math.Sqrt(1+float64(h)*f.alpha*f.alpha)
		level = f.alpha*mu + (1-f.alpha)*level
		sumY += mu
		sumTY += float64(k+1) * mu
		decay *= 1 - f.alpha
	}
	f.season.reseasonalize(mean, sd)
	return true
}

// Refilter runs the fitted parameters (and seasonal indices) over y.
func (f *thetaFit) Refilter(y []float64, info *SeriesInfo) (Fitted, error) {
	season := *f.season
	season.n = len(y)
	adj := y
	if season.index != nil {
		adj = make([]float64, len(y))
		for t, v := range y {
			if season.mult {
				adj[t] = v / season.index[t%season.m]
			} else {
				adj[t] = v - season.index[t%season.m]
			}
		}
	}
	out := thetaRun(adj, f.variant, f.l0, f.alpha, f.theta, nil)
	out.sigma, out.mse, out.season = f.sigma, f.mse, &season
	return &out, nil
}

// Describe implements Fitted.
func (f *thetaFit) Describe() string {
	return fmt.Sprintf("Theta(%s)", f.variant)
}
