// Package placement decides where each product's stock should live: which
// fulfilment nodes (DCs, forward warehouses, stores that ship) hold it,
// which demand zones each node serves, and the stock each holding node
// targets.
//
// Each SKU's demand comes as streams, one per zone and channel, with a
// daily mean and variance. A stream is served from one holding node
// through that node's lane to the zone, or lost: lost when no holding
// node reaches the zone within the channel's promise (instant delivery
// within an hour reaches only nearby nodes), or when serving it costs
// more than the sale is worth. Three costs are weighed over the planning
// horizon:
//
//   - delivery: each unit served pays its lane's cost and the node's
//     handling cost;
//   - holding: a node's stock is cycle stock (half the demand over the
//     cover days) plus safety stock z·σ·√cover, where σ² is the summed
//     variance of the streams it serves. Pooling many zones' demand in
//     one node holds less safety stock than splitting it, because the
//     standard deviation grows with the square root of the variance
//     pooled (the square-root law of Maister, "Centralisation of
//     inventories and the square root law", 1976; Eppen, "Effects of
//     centralization on expected costs in a multi-location newsboy
//     problem", Management Science 1979). This is what keeps slow,
//     erratic movers central;
//   - lost service: each unit lost costs its lost sale. Delivery costs and
//     promises are what push fast movers forward.
//
// Each node's capacity bounds the target stock of all the SKUs it holds.
// The capacity couples the SKUs; a Lagrangian relaxation uncouples them
// (a price per unit of each node's capacity, moved by subgradient steps,
// as Fisher, "The Lagrangian relaxation method for solving integer
// programming problems", Management Science 1981): each SKU is then a
// small single-sourcing facility-location problem, solved exactly when
// its streams have few assignments, else by greedy opening of nodes and
// local search over the streams' assignments, and the best plan that
// fits every capacity (after moving streams off the nodes still over it)
// is kept and improved by moves of one SKU's streams and exchanges of
// room between two SKUs. For a few SKUs, the decisions met along the way
// (and those one move from them) are pooled, and the best combination
// that fits the capacities is chosen by depth-first search, as a
// restricted master problem over the columns generated. Tests compare
// the plan with the optimum found by enumeration on small instances.
package placement
