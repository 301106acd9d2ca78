package series

// Override is a planner's change to the statistical forecast of a SKU, at
// one location or all ("*"), over the days From to To (inclusive): either
// a quantity a day (Set) or a change by a share (Change, 0.2 for +20%).
type Override struct {
	SKU, Location string
	From, To      Date
	Set           bool
	Qty, Change   float64
	// Note says why, Who who asked.
	Note, Who string
}

// Covers says whether the override applies to the key on day d.
func (o *Override) Covers(k Key, d Date) bool {
	return o.SKU == k.SKU && (o.Location == "*" || o.Location == "" || o.Location == k.Location) && d >= o.From && d <= o.To
}
