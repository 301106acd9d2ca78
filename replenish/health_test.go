package replenish

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Stock beyond the overstock horizon is excess, beyond the shelf life
// expiring; with too little on hand for the lead time the expected
// shortage is about the demand less the stock (counts: a little more, as
// the Poisson's spread adds to it).
func TestStockHealth(t *testing.T) {
	it := &Item{SKU: "A", Location: "S1", Position: Position{OnHand: 500, Reserved: 20}, Lane: Lane{LeadTime: 3}, ShelfLife: 10,
		Mean: []float64{4, 4, 4, 4}, SD: []float64{0, 0, 0, 0}}
	h := StockHealth(it, 90)
	assert.Equal(t, 4.0, h.DailyDemand)
	assert.Equal(t, 480-360.0, h.Excess)
	assert.Equal(t, 480-40.0, h.Expiring)
	assert.Equal(t, 0.0, h.Short)
	assert.Equal(t, 1.0, h.Fill)

	it.Position = Position{OnHand: 5, InTransit: 2, Backorders: 1}
	h = StockHealth(it, 90)
	assert.InDelta(t, 12-6, h.Short, 0.05, "12 units of demand over three days, 6 to meet it")
	assert.Greater(t, h.Short, 6.0)
	assert.InDelta(t, 1-h.Short/12, h.Fill, 1e-12)
	assert.Zero(t, h.Excess)
}
