package metrics

import "math"

// MAE is the mean absolute error.
func MAE(actual, forecast []float64) float64 {
	var s float64
	for i, a := range actual {
		s += math.Abs(a - forecast[i])
	}
	return s / float64(len(actual))
}

// RMSE is the root mean squared error.
func RMSE(actual, forecast []float64) float64 {
	var s float64
	for i, a := range actual {
		d := a - forecast[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(actual)))
}

// SMAPE is the symmetric mean absolute percentage error in percent, with
// terms where actual and forecast are both zero counted as zero error.
func SMAPE(actual, forecast []float64) float64 {
	var s float64
	for i, a := range actual {
		den := math.Abs(a) + math.Abs(forecast[i])
		if den > 0 {
			s += 2 * math.Abs(a-forecast[i]) / den
		}
	}
	return 100 * s / float64(len(actual))
}

// WAPE is the sum of absolute errors over the sum of actuals (NaN when the
// actuals sum to zero).
func WAPE(actual, forecast []float64) float64 {
	var e, a float64
	for i, v := range actual {
		e += math.Abs(v - forecast[i])
		a += math.Abs(v)
	}
	if a == 0 {
		return math.NaN()
	}
	return e / a
}

// Bias is the mean of forecast minus actual: positive means over-forecast.
func Bias(actual, forecast []float64) float64 {
	var s float64
	for i, a := range actual {
		s += forecast[i] - a
	}
	return s / float64(len(actual))
}

// NaiveScale returns the in-sample mean absolute (p=1) or squared (p=2)
// error of the seasonal naive forecast with period m (m=1: naive), over
// the periods since the first nonzero value (the M5 convention, so a
// product's time before launch does not shrink its scale). NaN when there
// is nothing to measure.
func NaiveScale(insample []float64, m, p int) float64 {
	start := 0
	for start < len(insample) && insample[start] == 0 {
		start++
	}
	if m < 1 {
		m = 1
	}
	var s float64
	n := 0
	for t := start + m; t < len(insample); t++ {
		d := math.Abs(insample[t] - insample[t-m])
		if p == 2 {
			d *= d
		}
		s += d
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

// MASE is the mean absolute scaled error: MAE over the in-sample MAE of the
// seasonal naive forecast with period m.
func MASE(actual, forecast, insample []float64, m int) float64 {
	return MAE(actual, forecast) / NaiveScale(insample, m, 1)
}

// RMSSE is the root mean squared scaled error, scaled by the in-sample
// mean squared error of the naive forecast (m=1 in the M5 competition).
func RMSSE(actual, forecast, insample []float64, m int) float64 {
	var s float64
	for i, a := range actual {
		d := a - forecast[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(actual)) / NaiveScale(insample, m, 2))
}

// Pinball is the mean pinball (quantile) loss of quantile q at probability tau.
func Pinball(actual, q []float64, tau float64) float64 {
	var s float64
	for i, a := range actual {
		if a >= q[i] {
			s += tau * (a - q[i])
		} else {
			s += (1 - tau) * (q[i] - a)
		}
	}
	return s / float64(len(actual))
}

// ScaledPinball is Pinball over the in-sample mean absolute error of the
// naive forecast with period m (the M5 uncertainty competition's SPL).
func ScaledPinball(actual, q, insample []float64, tau float64, m int) float64 {
	return Pinball(actual, q, tau) / NaiveScale(insample, m, 1)
}

// Coverage is the share of actuals inside [lo, hi].
func Coverage(actual, lo, hi []float64) float64 {
	n := 0
	for i, a := range actual {
		if a >= lo[i] && a <= hi[i] {
			n++
		}
	}
	return float64(n) / float64(len(actual))
}
