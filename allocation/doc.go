// Package allocation splits the stock a distribution centre holds among
// the stores it serves, and proposes store-to-store transfers where one
// store will be left with stock another will run out of.
//
// Every store's demand until the next delivery is a distribution (from the
// forecast's mean and quantiles, see dist.Walk), so the units a store is
// expected to sell with s units on hand, E[min(D, s)], are concave in s:
// each further unit sells with probability P(D > s), which only falls.
// Maximising the expected units sold over all stores under limited stock
// is then solved by marginal allocation: give the next pack to the store
// where it adds the most expected sales, until the stock runs out or every
// store has what it needs (Gross's greedy algorithm for separable concave
// resource allocation; Ibaraki & Katoh, "Resource Allocation Problems",
// 1988). With one pack size the greedy is optimal among whole packs; with
// packs differing by store it is within one pack of the linear relaxation.
//
// The rules planners and ERPs already use are here for comparison and for
// users who want them: proportional to forecast (FairShare), the same
// share of every store's target stock (EqualCover) and store priority
// order (PriorityOrder).
package allocation
