// Package fulfil routes a channel's orders from a zone to the locations
// whose stock serves them, as the fulfilment rules say: candidates in
// rank order, each taking at most its share of the orders (ship-from-
// store taking a fifth of a zone's online orders, say, after the online
// fulfilment point's four fifths).
//
// Split turns the rules into the share of the orders each candidate
// plans for, which the plans add to the candidate's own demand, so that a
// store is stocked for its walk-in customers and the online orders routed
// to it alike. Serve replays a day: each candidate is offered its share
// of the day's orders and what the candidates before it could not fill;
// what the last cannot fill is lost. The fall-through is what makes a
// pool of several locations' stock serve a zone better than any one.
package fulfil
