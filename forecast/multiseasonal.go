package forecast

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// MultiSeasonal handles a second, long season (the year in daily or weekly
// data) that the inner model's own season (the week) cannot: it fits
// Fourier terms of the long period by least squares, with a linear trend so
// that growth does not leak into the season, removes that season from the
// series, forecasts what remains with the inner model and puts the season
// back (Hyndman & Athanasopoulos, Forecasting: Principles and Practice,
// 3rd ed., section 12.1, "dynamic harmonic regression"; here the errors are
// modelled by the inner model rather than ARIMA). For positive data the
// season is multiplicative (fitted on the logarithm); otherwise additive.
type MultiSeasonal struct {
	// Inner models the adjusted series; ETS{} when nil.
	Inner Model
	// Period of the long season; 0 means a year of the series' periods.
	Period float64
	// MaxHarmonics is the most sine-cosine pairs tried; the number is
	// chosen by AIC. 0 means 6.
	MaxHarmonics int
	// InnerWindow fits the inner model on at most this many of the most
	// recent adjusted periods (0: all).
	InnerWindow int
}

// Name implements Model.
func (m MultiSeasonal) Name() string {
	inner := m.Inner
	if inner == nil {
		inner = ETS{}
	}
	return "mseas_" + inner.Name()
}

// Fit implements Model.
func (m MultiSeasonal) Fit(y []float64, info *SeriesInfo) (Fitted, error) {
	inner := m.Inner
	if inner == nil {
		inner = ETS{}
	}
	period := m.Period
	if period == 0 {
		period = info.Freq.PeriodsPerYear()
	}
	maxK := m.MaxHarmonics
	if maxK == 0 {
		maxK = 6
	}
	n := len(y)
	// A season needs to be seen twice to be told from a trend.
	if float64(n) < 2*period || period < 4 {
		return nil, fmt.Errorf("%s needs two long seasons (%.0f periods) of data: %w", m.Name(), 2*period, ErrTooShort)
	}
	mult := true
	for _, v := range y {
		if v <= 0 {
			mult = false
			break
		}
	}
	z := make([]float64, n)
	for t, v := range y {
		z[t] = v
		if mult {
			z[t] = math.Log(v)
		}
	}
	coef, k, ok := fourierFit(z, period, min(maxK, int(period/2)-1))
	if !ok {
		return nil, fmt.Errorf("%s: the seasonal regression is singular", m.Name())
	}
	sf := &fourierSeason{period: period, k: k, coef: coef, mult: mult}
	adj := make([]float64, n)
	for t, v := range y {
		if mult {
			adj[t] = v / sf.factor(t)
		} else {
			adj[t] = v - sf.at(t)
		}
	}
	skip := 0
	if m.InnerWindow > 0 && n > m.InnerWindow {
		skip = n - m.InnerWindow
	}
	fit, err := inner.Fit(adj[skip:], info)
	if err != nil {
		return nil, err
	}
	return &multiSeasonalFit{inner: fit, innerModel: inner, season: sf, n: n, skip: skip}, nil
}

// fourierSeason is the fitted long season: sum over k of a_k sin(2 pi k t/P)
// + b_k cos(2 pi k t/P).
type fourierSeason struct {
	period float64
	k      int
	coef   []float64 // a_1, b_1, a_2, b_2, ...
	mult   bool
}

func (s *fourierSeason) at(t int) float64 {
	var v float64
	for j := 1; j <= s.k; j++ {
		angle := 2 * math.Pi * float64(j) * float64(t) / s.period
		v += s.coef[2*j-2]*math.Sin(angle) + s.coef[2*j-1]*math.Cos(angle)
	}
	return v
}

func (s *fourierSeason) factor(t int) float64 { return math.Exp(s.at(t)) }

// fourierFit regresses z on an intercept, a trend and k Fourier pairs for
// k = 1..maxK, keeps the k with the smallest AIC and returns its seasonal
// coefficients.
func fourierFit(z []float64, period float64, maxK int) ([]float64, int, bool) {
	n := len(z)
	if maxK < 1 {
		return nil, 0, false
	}
	cols := 2 + 2*maxK
	x := mat.NewDense(n, cols, nil)
	for t := 0; t < n; t++ {
		x.Set(t, 0, 1)
		x.Set(t, 1, float64(t)/float64(n))
		for j := 1; j <= maxK; j++ {
			angle := 2 * math.Pi * float64(j) * float64(t) / period
			x.Set(t, 2*j, math.Sin(angle))
			x.Set(t, 2*j+1, math.Cos(angle))
		}
	}
	yv := mat.NewVecDense(n, z)
	bestAIC := math.Inf(1)
	var best []float64
	bestK := 0
	for k := 1; k <= maxK; k++ {
		sub := x.Slice(0, n, 0, 2+2*k)
		var qr mat.QR
		qr.Factorize(sub)
		var beta mat.VecDense
		if err := qr.SolveVecTo(&beta, false, yv); err != nil {
			continue
		}
		var fitted mat.VecDense
		fitted.MulVec(sub, &beta)
		var rss float64
		for t := 0; t < n; t++ {
			d := z[t] - fitted.AtVec(t)
			rss += d * d
		}
		if rss <= 0 {
			rss = 1e-300
		}
		aic := float64(n)*math.Log(rss/float64(n)) + 2*float64(2+2*k)
		if aic < bestAIC {
			bestAIC, bestK = aic, k
			best = make([]float64, 2*k)
			for j := range best {
				best[j] = beta.AtVec(2 + j)
			}
		}
	}
	return best, bestK, best != nil
}

type multiSeasonalFit struct {
	inner      Fitted
	innerModel Model
	season     *fourierSeason
	n          int
	skip       int // leading periods the inner model was not fitted on
}

// Refilter keeps the fitted season and reruns (or refits) the inner model
// on the adjusted y.
func (f *multiSeasonalFit) Refilter(y []float64, info *SeriesInfo) (Fitted, error) {
	adj := make([]float64, len(y))
	for t, v := range y {
		if f.season.mult {
			adj[t] = v / f.season.factor(t)
		} else {
			adj[t] = v - f.season.at(t)
		}
	}
	// The inner model's initial states belong to the period it was first
	// fitted from, so it is rerun from there; with too little history left
	// after it, it is fitted again instead.
	skip := f.skip
	var inner Fitted
	var err error
	rf, ok := f.inner.(refilterer)
	switch {
	case ok && len(adj)-skip >= minTrain(info):
		inner, err = rf.Refilter(adj[skip:], info)
	default:
		skip = 0
		inner, err = f.innerModel.Fit(adj, info)
	}
	if err != nil {
		return nil, err
	}
	return &multiSeasonalFit{inner: inner, innerModel: f.innerModel, season: f.season, n: len(y), skip: skip}, nil
}

// Predict implements Fitted.
func (f *multiSeasonalFit) Predict(mean, sd []float64) bool {
	has := f.inner.Predict(mean, sd)
	for h := range mean {
		t := f.n + h
		if f.season.mult {
			k := f.season.factor(t)
			mean[h] *= k
			if has {
				sd[h] *= k
			}
		} else {
			mean[h] += f.season.at(t)
		}
	}
	return has
}

// Describe implements Fitted.
func (f *multiSeasonalFit) Describe() string {
	kind := "additive"
	if f.season.mult {
		kind = "multiplicative"
	}
	return fmt.Sprintf("%s+Fourier(%.0f,%d %s)", f.inner.Describe(), f.season.period, f.season.k, kind)
}

// Residuals implements residualer: the inner model's, seasonal again.
func (f *multiSeasonalFit) Residuals() []float64 {
	r, ok := f.inner.(residualer)
	if !ok {
		return nil
	}
	inner := r.Residuals()
	if inner == nil {
		return nil
	}
	out := make([]float64, f.n)
	for t := f.skip; t < f.n && t-f.skip < len(inner); t++ {
		e := inner[t-f.skip]
		if f.season.mult {
			e *= f.season.factor(t)
		}
		out[t] = e
	}
	return out
}
