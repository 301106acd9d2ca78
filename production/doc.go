// Package production plans C2M production: how much of each product a
// factory makes in each period, so that demand (the forecast at a chosen
// quantile plus firm consumer pre-orders, net of stock and open orders) is
// met as late and in batches as small as setup and holding costs allow.
//
// Lot sizing for one product without a capacity limit comes in four
// methods behind one interface: lot-for-lot (make each period's demand),
// fixed period quantity (make every P periods' demand at once),
// Silver-Meal (extend a lot while the cost per period it covers falls;
// Silver & Meal, 1973) and Wagner-Whitin (the exact optimum of setup plus
// holding cost by dynamic programming; Wagner & Whitin, 1958).
//
// A factory's products share its capacity per period: PlanFactory sizes
// each product's lots, moves what overflows a period to the earlier period
// with room where it costs least, then merges, shifts and consolidates
// lots while that saves cost, and names every unit that cannot be made in
// time (Shortfall, and lots due before their lead time has passed).
// PlanFactoryBest tries every lot sizer as a start and, where capacity
// binds, the plans of Lagrangian: capacity priced per period, each product
// then an uncapacitated Wagner-Whitin problem, the prices moved by the
// subgradient method. Its best prices give the lower bound plans are
// measured against, as tight as the facility-location linear relaxation
// (LPBound, which checks it on small factories with gonum's simplex).
// PlanFactories plans many factories side by side.
package production
