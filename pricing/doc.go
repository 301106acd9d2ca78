// Package pricing estimates how demand responds to price and promotions,
// and turns the estimates into price and markdown recommendations.
//
// Data flows in three steps:
//
//  1. Estimate fits one log-log demand model per product on its sales
//     history (a Product: one Observation per location and period, with the
//     price paid, the regular price and the promotion mechanics in force).
//     The model is a Poisson regression with a log link, so zero-sale
//     periods need no fudge, with one fixed effect per location, controls
//     for trend, the yearly season, calendar events, feature, display and
//     the temporary price cut. The regular price and the discount enter
//     separately; the discount's extra response is shrunk towards none, so
//     a product whose regular price never moved still learns from its
//     promotions.
//  2. Pool shrinks every product's elasticity towards its group's (an
//     empirical Bayes estimate across the products of a department), and
//     replaces the estimates it cannot trust (no price variation, too few
//     periods, the wrong sign, a huge standard error) by the group's,
//     flagging each. The groups' priors (Pools) can be learned once on
//     every product (LearnPools) and given to Price, as a run spread over
//     shards does.
//  3. Recommend picks everyday prices from a price ladder within the
//     retailer's guardrails (minimum margin, maximum change, price bounds,
//     price families and pack sizes), and PlanMarkdown schedules discounts
//     that clear a stock by an exit date at the best revenue plus salvage.
//
// The package computes on in-memory values only; datasets reads the
// history from the database or files and export writes the results.
package pricing
