// Package metrics measures forecast accuracy: point errors (MAE, RMSE,
// sMAPE, WAPE, bias), errors scaled by a naive benchmark's in-sample error
// (MASE, RMSSE; Hyndman & Koehler, 2006), the scaled pinball loss of
// quantiles and the coverage of intervals, and the sales-weighted RMSSE of
// the M5 competition (Makridakis, Spiliotis & Assimakopoulos, 2022).
//
// Functions take the actuals and forecasts of one series and window; the
// Accumulator sums them over series and windows.
package metrics
