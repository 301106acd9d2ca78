// Package dist holds the distributions of demand that the planning
// packages share: a count (Poisson or negative binomial) for the units a
// product sells over some days, a normal cut at zero when counting is
// pointless. Forecasts read quantiles from it; replenishment and
// allocation read expected shortages (the loss function) and the levels
// that keep those shortages within a target.
package dist
