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
package production
