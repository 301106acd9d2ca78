// Package forecast forecasts every series of a series.Panel: classical
// models fitted with gonum, chosen automatically per series, with calibrated
// quantiles, and evaluated by rolling-origin backtests.
//
// Each method is a small struct of settings behind one interface, in the
// manner of gonum's optimize package: the zero value means defaults, and
// Fit estimates the method on one series and returns a Fitted that
// predicts. Run is the entry point for a panel: it splits the series into
// contiguous ranges for GOMAXPROCS workers, fits and predicts each series,
// turns the predictive distribution into quantiles, and returns the results
// in the panel's order; the same input always gives the same output.
//
//	panel --Run(models)--> per series: Fit -> Predict(mean, sd) -> quantiles --> Result
//
// Models that have a predictive distribution (ETS, ARIMA, the benchmarks)
// give the standard deviation of each step's forecast error; the others
// (Croston and its relatives, combinations) get theirs from out-of-sample
// errors. Quantiles of count series come from a negative-binomial (or
// Poisson) distribution with that mean and variance, so slow movers never
// get negative or fractional quantiles.
//
// Demand drivers (price, promotions) enter through Regression. WithDrivers
// decides, once per run, which of the panel's drivers to use: a driver
// nothing plans ahead is carried on by its own schedule when it keeps one
// (a promotion every other week), with the uncertainty of its misses on
// each period's mean and spread, and left out otherwise, since fitting
// its effect and then assuming it away ahead is worse than ignoring it.
package forecast
