// Package synth generates a complete synthetic retailer in the planner's
// canonical files, with the ground truth that produced it.
//
// Generate builds the retailer's structure (a product hierarchy, regions
// with a distribution centre each, stores, an online fulfilment point,
// factories and suppliers), its calendar (holidays, retail events, paydays,
// regional festivals), its price list and promotion plan, and then simulates
// daily demand for every SKU x location x channel series:
//
//	mean = base x store size x channel share x weekly profile x trend
//	       x yearly season x (price / reference price)^elasticity
//	       x feature and display lifts x post-promotion dip x events x launch ramp
//
// Sales are negative-binomial draws around that mean (a Gamma-Poisson
// mixture), which gives slow movers their intermittent zeros. The products
// of a department fall into subcategories of 8; with Config.Stockouts,
// each product runs out of stock at each store in spells of a few days,
// selling none while its true transfer share of its demand moves to the
// rest of its subcategory on the shelf (store ranges are scored against
// it). The files land
// in one folder beside a planner.yaml that runs the nightly job on them, and
// truth/ holds what a forecast or an elasticity estimate can be scored
// against: the mean demand of every series and day (history and horizon), the
// sales of the horizon, and each product's true parameters (ReadTruthProducts,
// ReadTruthDemand read them back).
//
// Every random draw comes from a stream seeded by the seed and the thing
// drawn for (a product, a series), so the output is the same for the same
// Config whatever the number of workers.
package synth
