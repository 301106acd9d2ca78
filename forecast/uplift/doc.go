// Package uplift learns what a recurring peak (Singles' Day, 618, Black
// Friday, an anniversary sale) does to demand from its past occurrences,
// and puts it into forecasts of its next one.
//
// An event's window has three segments: the days before it, when shoppers
// wait for it (a dip); the event's own days (the uplift); and the days
// after, when those who bought ahead buy less (pull-forward). For every
// series and past occurrence, the demand the series would have had
// without the event is the history with the window left out and filled
// in (series.FillUnobserved: seasonal interpolation), and each segment's
// effect is the sales over that baseline.
//
// Effects are estimated at three levels, each shrunk toward the one above
// by how much its own data say (empirical Bayes; Efron & Morris, "Data
// analysis using Stein's estimator and its generalizations", JASA 1975):
//   - per event type and category, pooled across the category's products:
//     the ratio of the category's summed sales to its summed baseline in
//     each occurrence, averaged on the log scale over occurrences; the
//     year-to-year variance of an event's effect is pooled across its
//     categories;
//   - the categories of an event type drawn toward the type's mean by the
//     between-category variance (DerSimonian & Laird, "Meta-analysis in
//     clinical trials", Controlled Clinical Trials 1986), so that a
//     category with one past occurrence leans on the others;
//   - each product's own deviation from its category, drawn toward none
//     by the between-product variance and its own sampling variance (the
//     overdispersion of its counts estimated from the products with two
//     or more occurrences), so that a product with little history takes
//     its category's effect.
//
// A forecast of an upcoming occurrence multiplies the mean of each period
// the window covers by its segment's effect, and widens the quantiles by
// the effect's uncertainty for a new occurrence: the year-to-year variance
// plus the estimate's, added to the model's spread by the law of total
// variance, the quantiles then the mid-quantiles of a count distribution with that
// mean and variance (dist.CountMidQuantiles), as the forecast's own are.
//
// Return rates come from the units returned in the days after each past
// occurrence, over the units sold in its window, above the returns of
// the weeks before it.
package uplift
