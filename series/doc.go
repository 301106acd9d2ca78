// Package series holds the leaf types every planning package shares: calendar
// dates, period frequencies, series keys and the Panel, which keeps many time
// series in one flat slice.
//
// Data flows into a Panel from the datasets package (which reads the sales
// table of the embedded database) and out of it into the planning packages
// (forecast, replenish, allocation, pricing, production), which compute on it
// in memory. Keeping every series in one []float64 with offsets, instead of a
// slice per series, lets workers take contiguous chunks without copying and
// keeps a million series to a handful of allocations.
//
// A Panel may mark the periods whose demand went unobserved (a closed store,
// an empty shelf) and the days ahead a series cannot sell; Filled is the
// demand history with the unobserved periods filled in (FillUnobserved),
// which every model fits on.
//
// The package imports nothing else of the planner's.
package series
