package series

// PriceSeries is one SKU's sales at one location, period by period, with
// the prices and promotion mechanics in force: what price-response models
// are fitted on. Channels are summed (one shelf price serves them all).
type PriceSeries struct {
	SKU, Location string
	// Obs holds the periods with a priced sales row, in order.
	Obs []PriceObservation
}

// PriceObservation is one period of a PriceSeries.
type PriceObservation struct {
	Period        int     // periods since PriceHistory.Start
	Units         float64 // units sold
	Paid, Regular float64 // average price paid and regular price over the period's rows
	// Promo, Feature, Display and Event are the share of the period's rows
	// under a promotion, a feature, a display and on a day with a calendar
	// event (everywhere or in the location's region).
	Promo, Feature, Display, Event float64
}

// PriceHistory is the sales history as price series, ordered by SKU and
// location.
type PriceHistory struct {
	Freq   Freq
	Start  Date // first day of period 0
	End    Date // last day with sales
	Series []PriceSeries
	// Rows is how many sales rows there are; Unpriced how many have no
	// price paid, ZeroPrice how many a price of 0. Neither kind is used.
	Rows, Unpriced, ZeroPrice int64
}

// Observations returns the number of observations in all series.
func (h *PriceHistory) Observations() int {
	n := 0
	for i := range h.Series {
		n += len(h.Series[i].Obs)
	}
	return n
}
