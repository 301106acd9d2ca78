package supply

// DCStock is the units of a SKU a distribution centre can allocate, and
// how many it keeps back.
type DCStock struct {
	SKU, DC      string
	Qty, Reserve float64
}

// StoreStock is the units of a SKU a store holds.
type StoreStock struct {
	SKU, Location string
	Qty           float64
}

// StoreRules are one store's allocation settings: the DC serving it, its
// region for rebalancing, presentation minimum, capacity, pack size,
// priority and replenishment lead time.
type StoreRules struct {
	Location, DC, Region string
	Min, Max, Pack       float64
	Priority             int
	LeadTime             float64
}

// LikeItem says a new SKU sells like an existing one, scaled.
type LikeItem struct {
	SKU, Like string
	Scale     float64
}

// ProductionDemand is what a factory must finish of a SKU by a period.
type ProductionDemand struct {
	Factory, SKU, Period string
	Qty                  float64
}

// FactoryCapacity is a factory's capacity in a period.
type FactoryCapacity struct {
	Factory, Period string
	Capacity        float64
}

// ProductionCost is a SKU's production costs and batch rules.
type ProductionCost struct {
	SKU                               string
	Setup, Holding, CapacityPerUnit   float64
	MinBatch, BatchMultiple, LeadTime float64
}
