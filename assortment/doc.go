// Package assortment chooses each store's range: which products of a
// category it carries, on how many facings, within its shelf.
//
// A product's demand at a store is what it would sell there if carried
// (its forecast where the store carries it; where it does not, what
// similar stores sell). When a product is not carried, a share of its
// demand transfers to the carried products it substitutes for, in
// proportion to their attraction (the substitution weights), and the rest
// walks away: the exogenous demand model of Kök and Fisher ("Demand
// estimation and assortment optimization under substitution", Operations
// Research 2007), with the transfer shared among the substitutes still on
// the shelf. A carried product earns its margin on the units it sells,
// less a fixed cost of carrying it (holding its presentation stock,
// handling, a slot in the planogram).
//
// Choose maximises that over the ranges that fit the shelf (each product
// on at least its minimum facings, each facing its width), keep the
// must-carry products, change at most so many products against today's
// range, and carry at least so many products in each price tier. It
// starts from the must-carry products and today's range trimmed to the
// shelf, adds the product with the most margin per unit of shelf it takes
// while one pays, then adds, drops, swaps and moves of three products
// while one pays (a local search, each move priced only over the products
// it reaches); tests compare it with the best range found by enumeration
// on small categories.
//
// Chain chooses every store's range at once: the stores are clustered by
// their sales mix (Cluster), a product a store does not sell takes what
// its cluster sells of it (LikeStores), each product's substitutes are
// the products of its group nearest in price, and the shelves are solved
// on every core. EstimateShares estimates the transfer shares from a
// sales history: what a product's group sold beyond its usual while the
// product could not be bought, against the product's usual sale.
package assortment
