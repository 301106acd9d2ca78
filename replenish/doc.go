// Package replenish turns demand forecasts, stock positions and sourcing
// rules into replenishment orders: how much each location should order
// from its source, and why.
//
// Demand over a protection interval (lead time plus review period) is a
// distribution built from the forecast's own daily means and quantiles,
// count-aware for slow movers (dist.Demand); policies (order-up-to, reorder
// point, min / max, base stock) read service targets from it as cycle
// service level or fill rate; order constraints (minimum order, multiples,
// capacity, shelf life) shape the quantity last. Where a DC holds less
// than its locations' transfers ask for, the transfers are rationed by the
// network's Rationer (the pipeline passes allocation's marginal rule: by
// expected sales) and flagged.
package replenish
