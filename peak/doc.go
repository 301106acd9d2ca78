// Package peak plans a retail peak (Singles' Day, 618, Black Friday, an
// anniversary sale) weeks ahead: what each store needs on hand when it
// starts, and when every unit must be made, received at its DC and
// shipped to the store so that it arrives in time without any factory,
// DC or store taking more than it can in any week.
//
// The weeks from the plan's first day to the event are buckets of seven
// days ending the day before the event (the first may be shorter); the
// event's own bucket is its first seven days. Each store and product
// needs, before the event, the event bucket's demand at the service level
// less the stock it holds. The plan is found backward, as late as each
// capacity allows (stock brought forward costs holding and space):
//
//  1. Stores: what a store must hold beyond its usual stock fits the
//     room its capacity (shelf and backroom) leaves, or the excess is
//     short for space.
//  2. DCs out: every store's need is shipped in the last week that still
//     arrives before the event (the lane's lead time), and what that
//     week's handling (the DC's throughput less its usual flow) cannot
//     take moves a week earlier, shared among the stores in proportion
//     to what each still needs; what week 0 cannot take is short.
//  3. DCs in: the DC receives each product by the week it ships it, net
//     of its own stock, again as late as its inbound handling allows.
//  4. Sources: a factory's products are due at the DC a lead time before
//     the DC receives them; the factory's capacity per week less its
//     usual production is shared by the capacitated lot sizer the caller
//     gives (Options.Produce: the production package's), which makes
//     early what does not fit late, and names what cannot be made in
//     time. A supplier's products need only their lead time.
//
// What a step cannot do is taken back from the steps below it, earliest
// weeks first, so no capacity is ever exceeded; every unit short is a
// Shortfall naming its product, place and cause, and the margin it costs.
//
// The same steps with every flow kept in the week before the event plan
// the peak as nightly replenishment alone would (Options.NoPreBuild: it
// orders a lead time and a review ahead, no earlier): what that week's
// capacity beside its usual flow cannot carry is short.
//
// After the event, what the plan leaves on hand beyond the expected sales
// (Leftovers) is what markdowns clear, and a share of what sold comes
// back (the pipeline prices the markdowns and the returns).
package peak
