package supply

import "github.com/planner-engine/planner/series"

// Snapshot is what the plans read of the network besides the forecasts:
// the latest stock positions, the sourcing lanes and the product and
// location attributes that constrain orders.
type Snapshot struct {
	// AsOf is the latest inventory date; positions are taken from it.
	AsOf      series.Date
	Positions []StockPosition
	// Lanes are sorted by SKU, destination and source.
	Lanes     []Lane
	Products  map[string]ProductTerms
	Locations map[string]Location
}

// StockPosition is one SKU's stock at one location on the snapshot's day.
type StockPosition struct {
	SKU, Location                                    string
	OnHand, OnOrder, InTransit, Backorders, Reserved float64
}

// Inventory returns the inventory position: on hand + on order + in
// transit - backorders - reserved (units promised to online orders).
func (p StockPosition) Inventory() float64 {
	return p.OnHand + p.OnOrder + p.InTransit - p.Backorders - p.Reserved
}

// Lane is a sourcing rule: where a location replenishes a SKU from, and
// on what terms.
type Lane struct {
	SKU, From, To        string
	LeadTime, LeadTimeSD float64
	MOQ, Multiple        float64
	Review               int
	UnitCost             float64 // 0 when the lane has none (see HasUnitCost and Products)
	HasUnitCost          bool
	OrderDays            [7]bool // by time.Weekday; all false: any day
}

// ProductTerms are the product attributes orders depend on.
type ProductTerms struct {
	UnitCost  float64
	PackSize  float64
	ShelfLife int
	// Volume is one unit's volume; 0 when unknown.
	Volume float64
}

// Location is a location's type (store, dc, online, factory, supplier,
// forward), the DC that serves it, its region and its storage capacity
// (0: unlimited), in units or, when ByVolume, in the products' volume.
type Location struct {
	Type, DC, Region string
	Capacity         float64
	ByVolume         bool
	// Throughput is the units a day the location can receive, and as
	// many it can ship (a DC's handling); 0 means unlimited.
	Throughput float64
}

// CapacityRow is a factory's capacity over the days of a period.
type CapacityRow struct {
	Factory    string
	Start, End series.Date
	Capacity   float64
	Unit       string
}

// Preorder is one consumer pre-order: firm demand due on a day.
type Preorder struct {
	SKU, Location string
	Due           series.Date
	Qty           float64
}

// PricingTerms are the product master's fields pricing uses.
type PricingTerms struct {
	SKU, Category, Department, Brand string
	UnitCost                         float64 // NaN when the master has none
	UnitPrice                        float64 // NaN when the master has none
	PackSize                         float64
	EndDate                          series.Date // 0 when no end is planned
	// PriceFamily groups products priced together (flavours of one line,
	// sizes of one product); Size is the content of one unit, which
	// per-unit price rules compare (NaN when not given).
	PriceFamily string
	Size        float64
	// MinPrice and MaxPrice bound the price (competitor or reference
	// prices); NaN when not given.
	MinPrice, MaxPrice float64
}

// Labels are the hierarchy labels of the masters: each SKU's category and
// department, and each location's region; with them, the names people
// read beside the codes and each product's planner. Maps are empty when a
// master is not loaded; missing values are "".
type Labels struct {
	Category, Department map[string]string // by SKU
	Region               map[string]string // by location
	// Name and Planner are each SKU's name and owner; LocationName each
	// location's name.
	Name, Planner map[string]string // by SKU
	LocationName  map[string]string // by location
}

// Network is the fulfilment network: the demand zones customers order
// from, the lanes from the nodes that ship to them, the rules that route
// each channel's orders, and what each location is as a node. It is
// empty when none of its tables is loaded.
type Network struct {
	Zones []Zone     // by zone
	Lanes []ZoneLane // by node and zone
	// Rules are sorted by channel, zone and rank.
	Rules []FulfilmentRule
	// ZoneOf is each location's zone, where it has one.
	ZoneOf map[string]string
	// Handling is each location's cost of handling one unit as a node.
	Handling map[string]float64
}

// Zone is one demand zone.
type Zone struct {
	Zone, Name, Region string
	// OnlineShare is the share of the online locations' demand placed
	// from the zone; NaN when not given.
	OnlineShare float64
}

// ZoneLane is how long and how much it takes a node to deliver one unit
// to a zone.
type ZoneLane struct {
	Node, Zone string
	Hours      float64
	Cost       float64
}

// FulfilmentRule routes a channel's orders from a zone ("*": every zone)
// to a candidate location, tried in rank order; the candidate takes at
// most MaxShare of them.
type FulfilmentRule struct {
	Channel, Zone string
	Rank          int
	Location      string
	MaxShare      float64
	Cutoff        string // HH:MM, or "" for any time
}

// Ranges are what a store's assortment reads besides its demand: its
// shelves, the products' facings and the products it must carry. They
// are empty when none of their tables is loaded.
type Ranges struct {
	Shelves []Shelf // by location and category
	// Facings are each product's facing on the shelf, by SKU.
	Facings map[string]Facing
	// MustCarry are the products each store must carry, by location;
	// "*" lists those every store must.
	MustCarry map[string][]string
}

// Shelf is a store's shelf for a category.
type Shelf struct {
	Location, Category string
	Space              float64
	// MaxChanges is the most products added or dropped at a review; -1
	// for no limit.
	MaxChanges int
}

// Facing is how a product takes a shelf: the width of one facing, the
// facings it needs at least, its price tier, and its subcategory (the
// products shoppers take for it when it is missing; "" for its
// department's).
type Facing struct {
	Width       float64
	MinFacings  int
	Tier        string
	Subcategory string
}
