// Package hierarchy makes forecasts of a hierarchy of series coherent: the
// forecast of every aggregate (a department, a region, the total) equal to
// the sum of the forecasts below it.
//
// A Structure lists, for each bottom series (a SKU at a location through a
// channel), the aggregates it sums into; Aggregate builds their series from
// the bottom panel. Each node is forecast on its own (base forecasts), then
// Reconcile combines them:
//
//	BottomUp:  aggregates are the sums of the bottom forecasts.
//	TopDown:   the top forecast is split down the product tree by the base
//	           forecasts' proportions (Athanasopoulos, Ahmed & Hyndman, 2009).
//	MinTShrink: the minimum-trace combination of every level (Wickramasuriya,
//	           Athanasopoulos & Hyndman, "Optimal forecast reconciliation for
//	           hierarchical and grouped time series through trace
//	           minimization", JASA 2019), with the in-sample one-step error
//	           covariance shrunk towards its diagonal (Schafer & Strimmer,
//	           2005).
//
// MinT is computed in the paper's form that inverts only an
// aggregates-by-aggregates matrix, with products by the covariance taken
// through the residuals themselves, so a retailer with tens of thousands of
// bottom series and a few thousand aggregates reconciles in seconds without
// a dense bottom-by-bottom matrix.
package hierarchy
