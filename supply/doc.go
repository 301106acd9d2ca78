// Package supply holds the leaf types of the retailer's network that the
// input side reads and the planning packages plan from: stock positions,
// sourcing lanes, product and location terms (a Snapshot of the network as
// of the latest stock date), factory capacity, consumer pre-orders, and the
// rows of the plan-side files (DC and store stock, store rules, like items,
// production demand, capacity and costs).
//
// Data flows one way through it:
//
//	datasets (the database, users' files) --> supply values --> replenish, allocation, production, pricing
//
// The types carry data only; the rules that use them live in the planning
// packages. Like series, the package imports nothing else of the planner's
// but series.
package supply
