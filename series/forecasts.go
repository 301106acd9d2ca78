package series

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Forecasts are the forecasts of many series: for each series, a mean and
// quantiles for each of Horizon periods from its start. They are what the
// planning packages plan from, whoever made them (the forecast package, or
// a file read back).
type Forecasts struct {
	Freq      Freq
	Horizon   int
	Quantiles []float64
	Keys      []Key
	// Starts is the first forecast period of each series.
	Starts []Date
	// Mean holds Horizon values per series.
	Mean []float64
	// Q holds Horizon x len(Quantiles) values per series: the quantile k
	// of step t of series i is Q[(i*Horizon+t)*len(Quantiles)+k].
	Q []float64
}

// Len returns the number of series.
func (f *Forecasts) Len() int { return len(f.Keys) }

// Series returns the mean forecast of series i.
func (f *Forecasts) Series(i int) []float64 { return f.Mean[i*f.Horizon : (i+1)*f.Horizon] }

// Quantile returns quantile k of step t of series i.
func (f *Forecasts) Quantile(i, t, k int) float64 {
	return f.Q[(i*f.Horizon+t)*len(f.Quantiles)+k]
}

// Variance is the variance of step t of series i that its quantiles
// imply: the spread of the outermost two over the same spread of a
// normal, squared; the mean (a Poisson variance) when there are fewer
// than two quantiles. Planning reads demand's spread from it.
func (f *Forecasts) Variance(i, t int) float64 {
	nq := len(f.Quantiles)
	if nq < 2 {
		return math.Max(0, f.Mean[i*f.Horizon+t])
	}
	sd := SDFromQuantiles(f.Quantiles[0], f.Quantiles[nq-1], f.Quantile(i, t, 0), f.Quantile(i, t, nq-1))
	return sd * sd
}

// First returns the earliest first forecast period of any series: the day
// plans made from the forecasts start.
func (f *Forecasts) First() Date {
	first := Date(math.MaxInt32)
	for _, s := range f.Starts {
		first = min(first, s)
	}
	return first
}

// SDFromQuantiles returns the standard deviation of a forecast period from
// two of its quantiles, the probabilities lo < hi and their values: the
// spread between them over the same spread of a normal. The central 80%
// (p10 to p90) is what forecasts carry by default.
func SDFromQuantiles(lo, hi, qlo, qhi float64) float64 {
	z := distuv.UnitNormal.Quantile(hi) - distuv.UnitNormal.Quantile(lo)
	if z <= 0 || qhi < qlo {
		return 0
	}
	return (qhi - qlo) / z
}
