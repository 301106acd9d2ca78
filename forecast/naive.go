package forecast

import (
	"fmt"
	"math"
)

// The benchmark models. Their forecast-error variances are the textbook
// ones (Hyndman & Athanasopoulos, Forecasting: Principles and Practice,
// 3rd ed., section 5.5), with sigma estimated from the in-sample residuals.

// Naive forecasts the last value.
type Naive struct{}

// Name implements Model.
func (Naive) Name() string { return "naive" }

// Fit implements Model.
func (Naive) Fit(y []float64, _ *SeriesInfo) (Fitted, error) {
	if len(y) < 1 {
		return nil, ErrTooShort
	}
	var ss float64
	for t := 1; t < len(y); t++ {
		d := y[t] - y[t-1]
		ss += d * d
	}
	sigma := 0.0
	if len(y) > 1 {
		sigma = math.Sqrt(ss / float64(len(y)-1))
	}
	resid := make([]float64, len(y))
	for t := 1; t < len(y); t++ {
		resid[t] = y[t] - y[t-1]
	}
	return &naiveFit{last: y[len(y)-1], sigma: sigma, resid: resid}, nil
}

type naiveFit struct {
	last, sigma float64
	resid       []float64
}

// Residuals implements residualer.
func (f *naiveFit) Residuals() []float64 { return f.resid }

func (f *naiveFit) Predict(mean, sd []float64) bool {
	for h := range mean {
		mean[h] = f.last
		sd[h] = f.sigma * math.Sqrt(float64(h+1))
	}
	return true
}

func (f *naiveFit) Describe() string { return "Naive" }

// SeasonalNaive forecasts the value one season earlier. Period 0 means the
// series' own period.
type SeasonalNaive struct{ Period int }

// Name implements Model.
func (SeasonalNaive) Name() string { return "snaive" }

// Fit implements Model.
func (m SeasonalNaive) Fit(y []float64, info *SeriesInfo) (Fitted, error) {
	p := m.Period
	if p == 0 {
		p = info.Period
	}
	if p < 1 {
		p = 1
	}
	if len(y) < p {
		return nil, ErrTooShort
	}
	var ss float64
	n := 0
	for t := p; t < len(y); t++ {
		d := y[t] - y[t-p]
		ss += d * d
		n++
	}
	sigma := 0.0
	if n > 0 {
		sigma = math.Sqrt(ss / float64(n))
	}
	resid := make([]float64, len(y))
	for t := p; t < len(y); t++ {
		resid[t] = y[t] - y[t-p]
	}
	return &snaiveFit{season: y[len(y)-p:], sigma: sigma, resid: resid}, nil
}

type snaiveFit struct {
	season []float64
	sigma  float64
	resid  []float64
}

// Residuals implements residualer.
func (f *snaiveFit) Residuals() []float64 { return f.resid }

func (f *snaiveFit) Predict(mean, sd []float64) bool {
	p := len(f.season)
	for h := range mean {
		mean[h] = f.season[h%p]
		sd[h] = f.sigma * math.Sqrt(float64(h/p+1))
	}
	return true
}

func (f *snaiveFit) Describe() string { return fmt.Sprintf("SNaive(%d)", len(f.season)) }

// WindowAverage forecasts the mean of the last Window values; 0 means one
// season (or 7 values without a season).
type WindowAverage struct{ Window int }

// Name implements Model.
func (WindowAverage) Name() string { return "window_average" }

// Fit implements Model.
func (m WindowAverage) Fit(y []float64, info *SeriesInfo) (Fitted, error) {
	w := m.Window
	if w == 0 {
		w = max(info.Period, 7)
	}
	if len(y) < 1 {
		return nil, ErrTooShort
	}
	w = min(w, len(y))
	mean, sd := meanSD(y[len(y)-w:])
	return &levelFit{level: mean, sigma: sd * math.Sqrt(1+1/float64(w)), name: fmt.Sprintf("WindowAverage(%d)", w)}, nil
}

// HistoricAverage forecasts the mean of the whole history.
type HistoricAverage struct{}

// Name implements Model.
func (HistoricAverage) Name() string { return "historic_average" }

// Fit implements Model.
func (HistoricAverage) Fit(y []float64, _ *SeriesInfo) (Fitted, error) {
	if len(y) < 1 {
		return nil, ErrTooShort
	}
	mean, sd := meanSD(y)
	return &levelFit{level: mean, sigma: sd * math.Sqrt(1+1/float64(len(y))), name: "HistoricAverage"}, nil
}

// levelFit forecasts a constant, with a constant error spread when the
// model has one (noDist false).
type levelFit struct {
	level, sigma float64
	noDist       bool
	name         string
}

func (f *levelFit) Predict(mean, sd []float64) bool {
	for h := range mean {
		mean[h] = f.level
		if !f.noDist {
			sd[h] = f.sigma
		}
	}
	return !f.noDist
}

func (f *levelFit) Describe() string { return f.name }

func meanSD(y []float64) (mean, sd float64) {
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	if len(y) < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range y {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(y)-1))
}
