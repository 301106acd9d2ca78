// Package atp decides what each sales channel may promise of one pool of
// stock: a store's units serve its walk-in customers, the orders the app
// routes to it (ship-from-store, click-and-collect) and instant delivery
// alike, and a unit promised to one channel is gone for the others.
//
// When stock is short, the channel whose lost sale costs more should not
// find it sold to a channel whose lost sale costs less. The units kept for
// it are a protection level, nested over the channels in falling order of
// what a lost sale costs: Littlewood's rule for two classes (protect y for
// the dearer class while the chance its demand exceeds y is above the
// cheaper class's value over the dearer's; Littlewood, "Forecasting and
// control of passenger bookings", 1972) and its expected-marginal-revenue
// extension to many (EMSR-b: each cheaper class faces the dearer classes
// pooled, their demand summed and their value weighted by their demand;
// Belobaba, "Application of a probabilistic decision model to airline
// seat inventory control", Operations Research 1989). Each channel's
// demand over the protection horizon is a count (dist.Demand) from the
// forecast's mean and variance, so protection comes in whole units.
//
// Policy adds to that: a reserve always kept for a channel (a ring-fence
// such as "keep 3 units for instant delivery"), and a cap on the share of
// the stock a channel may take ("the app may take at most 40%"). A
// channel may promise the stock less what is kept for the channels whose
// lost sale costs more and the reserves of every other channel, within its
// cap. Plan works on values in memory: the pipeline reads the stock and
// the forecasts, and writes the lines (atp.csv).
package atp
