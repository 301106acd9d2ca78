package forecast

import (
	"errors"

	"github.com/planner-engine/planner/series"
)

// Model is a forecasting method. Its settings are the struct's fields, and
// their zero values mean defaults.
type Model interface {
	// Name is the model's alias: how --models names it and how the output's
	// model column shows it.
	Name() string
	// Fit estimates the model on y, oldest value first.
	Fit(y []float64, info *SeriesInfo) (Fitted, error)
}

// Fitted is a model estimated on one series.
type Fitted interface {
	// Predict writes the point forecasts of the next len(mean) periods into
	// mean. When the model has a predictive distribution it also writes
	// each step's forecast-error standard deviation into sd (of the same
	// length) and returns true; otherwise it leaves sd alone and returns
	// false.
	Predict(mean, sd []float64) bool
	// Describe names the fitted model, such as ETS(A,Ad,A).
	Describe() string
}

// residualer is a Fitted that can give its in-sample one-step errors, in
// the series' units, one per value of y (0 where undefined). Hierarchical
// reconciliation estimates the error covariance between series from them.
type residualer interface {
	Residuals() []float64
}

// SeriesInfo is what a model may know of a series besides its values.
type SeriesInfo struct {
	Freq series.Freq
	// Period is the length of the main seasonal cycle in periods (7 for
	// daily data, 52 for weekly, 12 for monthly); 1 means none.
	Period int
	// Horizon is how many periods will be forecast; models that choose
	// among alternatives by out-of-sample error use it.
	Horizon int
	// Count says the values are counts (whole numbers, none negative).
	Count bool
	// Busy says the series sells much in a period (series.IsBusy): a zero
	// is a closure, and its demand is near enough to normal for ARIMA.
	Busy bool
	// Drivers, when not nil, are the series' demand drivers.
	Drivers *Drivers
}

// Drivers are the demand drivers of one series: len(Names) values per
// period of history (X, aligned with y) and per forecast period (Future,
// at least Horizon periods).
type Drivers struct {
	Names     []string
	X, Future []float64
	// Misses, when not nil, says how often each driver's future (as
	// Names) is wrong: a driver carried on by its schedule
	// (series.Exog.Misses).
	Misses []series.ScheduleMiss
}

// window returns the info of the history y[:origin] with the next h
// periods as its future: the drivers of those periods are known in
// rolling-origin evaluation.
func (info *SeriesInfo) window(origin, h int) *SeriesInfo {
	if info.Drivers == nil {
		return info
	}
	k := len(info.Drivers.Names)
	out := *info
	d := *info.Drivers
	d.X = d.X[:origin*k]
	end := min((origin+h)*k, len(info.Drivers.X))
	d.Future = info.Drivers.X[origin*k : end]
	d.Misses = nil
	out.Drivers = &d
	return &out
}

// ErrTooShort is returned by Fit when a series is too short for a model.
var ErrTooShort = errors.New("series too short for the model")

// infoOf describes a series for the models.
func infoOf(y []float64, freq series.Freq, horizon int) *SeriesInfo {
	period := 1
	if freq.Valid() {
		period = freq.SeasonLength()
	}
	count := true
	for _, v := range y {
		if v < 0 || v != float64(int64(v)) {
			count = false
			break
		}
	}
	return &SeriesInfo{Freq: freq, Period: period, Horizon: horizon, Count: count, Busy: series.IsBusy(y)}
}
