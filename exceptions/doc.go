// Package exceptions turns the flags that plans raise line by line into
// the exceptions a person acts on: one per root cause. A DC that holds
// too little for five stores is one exception that names the five order
// lines it cut, not five. Each exception carries the units and the money
// at stake (value at risk), a severity from configurable thresholds, an
// owner, and what to do about it; the list is ranked by value at risk, so
// the first line is the one worth the morning.
//
// The plans stay ignorant of this package: pipeline reads their results
// and hands the findings here as values (Finding). The memory of earlier
// nights (since when each exception is seen, and a person's snooze or
// acknowledgement) is passed in the same way, as values a store kept
// (Memory).
package exceptions
