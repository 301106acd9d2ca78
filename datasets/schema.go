package datasets

import (
	"fmt"
	"strings"
)

// Type is the type of a canonical column.
type Type int

// Column types, each stored as the DuckDB type SQL returns.
const (
	Text Type = iota
	Date
	Int
	Float
	Bool
)

// SQL returns the DuckDB type of the column.
func (t Type) SQL() string {
	return [...]string{"VARCHAR", "DATE", "BIGINT", "DOUBLE", "BOOLEAN"}[t]
}

// String returns a short name for documentation.
func (t Type) String() string {
	return [...]string{"text", "date", "integer", "number", "boolean"}[t]
}

// Bound says which numbers a numeric column accepts.
type Bound int

// Numeric bounds.
const (
	AnyNumber Bound = iota
	NonNegative
	Positive
	Fraction // 0 <= x < 1
)

// Plausibility limits: a number above its column's limit is refused as a
// typo or a corrupt cell (1e308 units sold would overflow every sum it
// enters). They sit far above any real retail figure.
const (
	MaxMoney = 1e12 // prices and costs, in any currency
	MaxUnits = 1e9  // quantities, capacities and sizes
	MaxPack  = 1e6  // pack sizes and order multiples
	MaxDays  = 3650 // lead times, review periods and shelf lives: ten years
)

// WeekdayList matches a list of weekday names, short or full, in any case,
// separated by commas, semicolons or spaces.
const WeekdayList = `(?i)\s*(mon(day)?|tue(sday)?|wed(nesday)?|thu(rsday)?|fri(day)?|sat(urday)?|sun(day)?)(\s*[,; ]\s*(mon(day)?|tue(sday)?|wed(nesday)?|thu(rsday)?|fri(day)?|sat(urday)?|sun(day)?))*\s*`

// Column describes one canonical column.
type Column struct {
	Name     string
	Type     Type
	Required bool   // must be present in every input file of its table, and never empty
	Key      bool   // part of the table's key: no two rows share all key values
	Default  string // SQL literal used when the column is absent or empty; "" means NULL
	Bound    Bound
	Max      float64  // largest plausible value of a number column; 0 means MaxMoney
	Enum     []string // allowed values of a text column; empty means any
	// Match, when set, is a regular expression (RE2) every non-empty value
	// of a text column must match whole; MatchHint says what it wants.
	Match, MatchHint string
	Ref              *Ref // the values must exist in another table
	WarnZero         bool // zero is legal but suspicious: warn about it
	TimeZone         bool // the values are IANA time zone names
	Doc              string
}

// Limit is the largest plausible value of a number column.
func (c Column) Limit() float64 {
	if c.Max > 0 {
		return c.Max
	}
	return MaxMoney
}

// Ref points a column at the key column of another table, optionally
// requiring the referenced row to have a given location type.
type Ref struct {
	Table, Column string
	LocationType  string // for references to locations: the type the row must have
	Wildcard      string // a value that means "all" and is not looked up, such as "*"
}

// Table describes one canonical table.
type Table struct {
	Name    string
	Flag    string // the load command's flag that names its file
	Doc     string
	Columns []Column
}

// Column returns the column called name, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// KeyColumns returns the names of the key columns in schema order.
func (t *Table) KeyColumns() []string {
	var keys []string
	for _, c := range t.Columns {
		if c.Key {
			keys = append(keys, c.Name)
		}
	}
	return keys
}

// DDL returns the CREATE TABLE statement of the table under the given name.
func (t *Table) DDL(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (", quoteIdent(name))
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", quoteIdent(c.Name), c.Type.SQL())
	}
	b.WriteString(")")
	return b.String()
}

// Location types.
const (
	TypeStore    = "store"
	TypeDC       = "dc"
	TypeOnline   = "online"
	TypeFactory  = "factory"
	TypeSupplier = "supplier"
	TypeForward  = "forward"
)

// AllZones is the wildcard zone of fulfilment rules that apply to every
// zone.
const AllZones = "*"

// ClockTime matches a time of day as HH:MM (24 hours).
const ClockTime = `([01]?[0-9]|2[0-3]):[0-5][0-9]`

// AllLocations is the wildcard location of price, promotion and event rows
// that apply everywhere.
const AllLocations = "*"

// The canonical tables. Their order is the load order: masters before the
// tables that refer to them.
var (
	Zones = &Table{
		Name: "zones", Flag: "zones",
		Doc: "Demand zones: the areas customers order from, which fulfilment rules and lanes name. Optional; placement and fulfilment rules need it.",
		Columns: []Column{
			{Name: "zone", Type: Text, Required: true, Key: true, Doc: "Zone identifier."},
			{Name: "name", Type: Text, Doc: "Zone name."},
			{Name: "region", Type: Text, Doc: "Region the zone is in."},
			{Name: "online_share", Type: Float, Bound: NonNegative, Max: 1, Doc: "Share of the online locations' demand that customers in the zone place; empty in every row means shares in proportion to the zone's stores' demand."},
		},
	}
	Products = &Table{
		Name: "products", Flag: "products",
		Doc: "The product master: one row per SKU, with its place in the product hierarchy " +
			"(category > department > SKU) and the attributes planning needs.",
		Columns: []Column{
			{Name: "sku", Type: Text, Required: true, Key: true, Doc: "Stock-keeping unit identifier."},
			{Name: "name", Type: Text, Doc: "Product name shown to merchandisers."},
			{Name: "category", Type: Text, Doc: "Top level of the product hierarchy."},
			{Name: "department", Type: Text, Doc: "Middle level of the product hierarchy, within a category."},
			{Name: "brand", Type: Text, Doc: "Brand or manufacturer."},
			{Name: "unit_cost", Type: Float, Bound: NonNegative, Doc: "Cost of one unit to the retailer."},
			{Name: "unit_price", Type: Float, Bound: Positive, Doc: "Regular selling price of one unit."},
			{Name: "pack_size", Type: Float, Bound: Positive, Max: MaxPack, Default: "1", Doc: "Units per case: orders and allocations move whole packs."},
			{Name: "unit_volume", Type: Float, Bound: Positive, Max: MaxUnits, Doc: "Volume of one unit, in the unit the locations' volume capacities are in (such as litres or m³): a node whose capacity_unit is volume counts it; empty means unknown."},
			{Name: "shelf_life_days", Type: Int, Bound: NonNegative, Max: MaxDays, Doc: "Days a unit can be sold after receipt; empty or 0 means not perishable."},
			{Name: "launch_date", Type: Date, Doc: "First day the product can sell."},
			{Name: "end_date", Type: Date, Doc: "Last day the product sells (end of life); empty means no end planned."},
			{Name: "price_family", Type: Text, Doc: "Products priced together: the same price for the same size, and a larger size never dearer per unit of content."},
			{Name: "size", Type: Float, Bound: Positive, Max: MaxUnits, Doc: "Content of one unit (ml, g, count) that per-unit price rules compare within a price family."},
			{Name: "min_price", Type: Float, Bound: Positive, Doc: "Lowest price allowed (a reference or competitor bound); empty means none."},
			{Name: "max_price", Type: Float, Bound: Positive, Doc: "Highest price allowed (a reference or competitor bound); empty means none."},
			{Name: "planner", Type: Text, Doc: "The person who owns the product's exceptions (exceptions.csv's owner); empty means none."},
			{Name: "facing_width", Type: Float, Bound: Positive, Max: MaxUnits, Default: "1", Doc: "Shelf one facing of the product takes, in the unit of the shelves' space (1 when space counts facings; metres when it is linear metres)."},
			{Name: "min_facings", Type: Int, Bound: Positive, Max: 1000, Default: "1", Doc: "Facings the product needs at least wherever it is carried."},
			{Name: "price_tier", Type: Text, Doc: "Price tier of the product (such as entry, core, premium), for a store's minimum range per tier."},
			{Name: "subcategory", Type: Text, Doc: "Lowest level of the product hierarchy, within a department: the products shoppers take for one another when one is missing from a store's range; empty means the department."},
		},
	}
	Locations = &Table{
		Name: "locations", Flag: "locations",
		Doc: "The location master: stores, distribution centres, online fulfilment points, factories " +
			"and suppliers, with the region and the DC that serves each one.",
		Columns: []Column{
			{Name: "location", Type: Text, Required: true, Key: true, Doc: "Location identifier."},
			{Name: "name", Type: Text, Doc: "Location name."},
			{Name: "type", Type: Text, Default: "'store'", Enum: []string{TypeStore, TypeDC, TypeOnline, TypeFactory, TypeSupplier, TypeForward},
				Doc: "What the location is: a forward warehouse is a small one near customers, for fast delivery."},
			{Name: "region", Type: Text, Doc: "Region of the location hierarchy (store > region > total)."},
			{Name: "dc", Type: Text, Ref: &Ref{Table: "locations", Column: "location", LocationType: TypeDC}, Doc: "The distribution centre that replenishes this location."},
			{Name: "capacity", Type: Float, Bound: NonNegative, Max: MaxUnits, Doc: "Storage capacity, in units or (with capacity_unit volume) in the products' unit_volume; empty means unlimited."},
			{Name: "capacity_unit", Type: Text, Default: "'units'", Enum: []string{"units", "volume"}, Doc: "What capacity counts: units, or volume (each unit takes its product's unit_volume)."},
			{Name: "zone", Type: Text, Ref: &Ref{Table: "zones", Column: "zone"}, Doc: "Demand zone the location is in: its walk-in and instant demand is that zone's (see zones)."},
			{Name: "handling_cost", Type: Float, Bound: NonNegative, Doc: "Cost of handling one unit through the location as a fulfilment node (placement); empty means 0."},
			{Name: "throughput", Type: Float, Bound: NonNegative, Max: MaxUnits, Doc: "Units a day the location can receive, and as many it can ship (a DC's handling capacity), which the peak plan's capacity check weighs; empty means unlimited."},
			{Name: "timezone", Type: Text, TimeZone: true, Doc: "IANA time zone of the location, such as Europe/Berlin: transaction times that carry a zone are turned into the location's business day; empty means times are taken as written."},
		},
	}
	Sales = &Table{
		Name: "sales", Flag: "sales",
		Doc: "Sales history: units sold per day (or week), SKU, location and channel, with the price " +
			"paid and the promotion mechanics in force. Days without a row count as zero sales.",
		Columns: []Column{
			{Name: "date", Type: Date, Required: true, Key: true, Doc: "Business day of the sale (or the day that labels the week)."},
			{Name: "sku", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "products", Column: "sku"}, Doc: "SKU sold."},
			{Name: "location", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "locations", Column: "location"}, Doc: "Location whose stock served the sale."},
			{Name: "channel", Type: Text, Key: true, Default: "'store'", Doc: "Sales channel, such as store, online or instant (instant delivery from store stock)."},
			{Name: "qty", Type: Float, Required: true, Bound: NonNegative, Max: MaxUnits, Doc: "Units sold: demand met that day. Returns are not netted out of it (see returns)."},
			{Name: "price", Type: Float, Bound: NonNegative, WarnZero: true, Doc: "Average unit price paid (0 for units given away)."},
			{Name: "base_price", Type: Float, Bound: Positive, Doc: "Regular (shelf) price before temporary discounts."},
			{Name: "promo", Type: Bool, Default: "false", Doc: "A temporary price reduction or other promotion was in force."},
			{Name: "feature", Type: Bool, Default: "false", Doc: "The product was featured in the circular or app."},
			{Name: "display", Type: Bool, Default: "false", Doc: "The product was on a special in-store display."},
			{Name: "returns", Type: Float, Bound: NonNegative, Max: MaxUnits, Default: "0", Doc: "Units returned that day (from negative transaction lines); never netted out of qty, which is demand."},
			{Name: "orders", Type: Int, Bound: NonNegative, Max: MaxUnits, Doc: "Orders (receipts) holding the SKU that day, counted from the lines' order_id; empty when not known."},
			{Name: "customers", Type: Int, Bound: NonNegative, Max: MaxUnits, Doc: "Distinct customers who bought the SKU that day, counted from the lines' customer_id (which is never stored); empty when not known."},
			{Name: "available", Type: Bool, Default: "true", Doc: "The SKU could be bought that day: false for a day the location was closed or out of stock, which forecasting treats as unobserved demand, not zero."},
		},
	}
	Prices = &Table{
		Name: "prices", Flag: "prices",
		Doc: "The regular price list over time, past and planned. A row holds from start_date to end_date (inclusive).",
		Columns: []Column{
			{Name: "sku", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "products", Column: "sku"}, Doc: "SKU priced."},
			{Name: "location", Type: Text, Key: true, Default: "'*'", Ref: &Ref{Table: "locations", Column: "location", Wildcard: AllLocations}, Doc: "Location, or * for every location."},
			{Name: "start_date", Type: Date, Required: true, Key: true, Doc: "First day of the price."},
			{Name: "end_date", Type: Date, Doc: "Last day of the price; empty means until further notice."},
			{Name: "price", Type: Float, Required: true, Bound: Positive, Doc: "Regular unit price."},
		},
	}
	Promotions = &Table{
		Name: "promotions", Flag: "promotions",
		Doc: "Promotions, past and planned: which SKU, where, when and how deep.",
		Columns: []Column{
			{Name: "promo_id", Type: Text, Doc: "Promotion identifier (one promotion may cover many SKUs)."},
			{Name: "sku", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "products", Column: "sku"}, Doc: "SKU promoted."},
			{Name: "location", Type: Text, Key: true, Default: "'*'", Ref: &Ref{Table: "locations", Column: "location", Wildcard: AllLocations}, Doc: "Location, or * for every location."},
			{Name: "start_date", Type: Date, Required: true, Key: true, Doc: "First day of the promotion."},
			{Name: "end_date", Type: Date, Required: true, Doc: "Last day of the promotion (inclusive)."},
			{Name: "mechanic", Type: Text, Default: "'tpr'", Enum: []string{"tpr", "feature", "display", "multibuy", "other"}, Doc: "tpr (temporary price reduction), feature, display, multibuy or other."},
			{Name: "discount", Type: Float, Bound: Fraction, Default: "0", Doc: "Price reduction as a fraction of the regular price (0.2 = 20% off)."},
		},
	}
	Events = &Table{
		Name: "events", Flag: "events",
		Doc: "Calendar events that move demand: public holidays, sports finals, paydays, and so on, past and planned.",
		Columns: []Column{
			{Name: "date", Type: Date, Required: true, Key: true, Doc: "Day of the event (one row per day for events spanning days)."},
			{Name: "event", Type: Text, Required: true, Key: true, Doc: "Event name."},
			{Name: "kind", Type: Text, Default: "'event'", Doc: "Kind of event, such as holiday, sporting, cultural, religious or payday; peak for the few trading days a year (Singles' Day, Black Friday, an anniversary sale) whose effect the forecast learns from their past occurrences and the peak stage plans for, one event name a type (its name in lower case, other characters as _: singles_day)."},
			{Name: "region", Type: Text, Key: true, Default: "'*'", Doc: "Region where it applies, or * for everywhere."},
		},
	}
	Inventory = &Table{
		Name: "inventory", Flag: "inventory",
		Doc: "Stock positions per SKU and location at an as-of date. One pool of stock serves every channel of a location.",
		Columns: []Column{
			{Name: "as_of", Type: Date, Required: true, Key: true, Doc: "Day the position was taken (end of day)."},
			{Name: "sku", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "products", Column: "sku"}, Doc: "SKU."},
			{Name: "location", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "locations", Column: "location"}, Doc: "Location holding the stock."},
			{Name: "on_hand", Type: Float, Required: true, Bound: NonNegative, Max: MaxUnits, Doc: "Units physically on hand."},
			{Name: "on_order", Type: Float, Bound: NonNegative, Max: MaxUnits, Default: "0", Doc: "Units ordered and not yet shipped."},
			{Name: "in_transit", Type: Float, Bound: NonNegative, Max: MaxUnits, Default: "0", Doc: "Units shipped and not yet received."},
			{Name: "backorders", Type: Float, Bound: NonNegative, Max: MaxUnits, Default: "0", Doc: "Units owed to customers."},
			{Name: "reserved", Type: Float, Bound: NonNegative, Max: MaxUnits, Default: "0", Doc: "Units promised to online or instant orders and not yet picked."},
		},
	}
	Sourcing = &Table{
		Name: "sourcing", Flag: "sourcing",
		Doc: "Sourcing rules: where each SKU at each location is replenished from, and on what terms.",
		Columns: []Column{
			{Name: "sku", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "products", Column: "sku"}, Doc: "SKU."},
			{Name: "from_location", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "locations", Column: "location"}, Doc: "Supplier, factory or DC that ships."},
			{Name: "to_location", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "locations", Column: "location"}, Doc: "Location that receives."},
			{Name: "lead_time_days", Type: Float, Required: true, Bound: Positive, Max: MaxDays, Doc: "Mean days from order to receipt."},
			{Name: "lead_time_sd_days", Type: Float, Bound: NonNegative, Max: MaxDays, Default: "0", Doc: "Standard deviation of the lead time in days."},
			{Name: "moq", Type: Float, Bound: NonNegative, Max: MaxUnits, Default: "0", Doc: "Minimum order quantity in units."},
			{Name: "order_multiple", Type: Float, Bound: Positive, Max: MaxPack, Default: "1", Doc: "Orders are a whole multiple of this many units."},
			{Name: "review_days", Type: Float, Bound: Positive, Max: MaxDays, Default: "7", Doc: "Days between reviews (order opportunities)."},
			{Name: "unit_cost", Type: Float, Bound: NonNegative, Doc: "Cost per unit on this lane; empty means the product's unit cost."},
			{Name: "order_days", Type: Text, Match: WeekdayList, MatchHint: "list weekdays by name, such as Mon,Thu or Monday;Thursday",
				Doc: "Weekdays orders can be placed, such as Mon,Thu; empty means any day."},
		},
	}
	Shelves = &Table{
		Name: "shelves", Flag: "shelves",
		Doc: "Each store's shelf for a category: the space its range must fit, and the rules of its range. Optional; the assortment needs it.",
		Columns: []Column{
			{Name: "location", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "locations", Column: "location"}, Doc: "Store."},
			{Name: "category", Type: Text, Required: true, Key: true, Doc: "Product category, as the products' category column names it."},
			{Name: "space", Type: Float, Required: true, Bound: Positive, Max: MaxUnits, Doc: "Shelf space: facings, or linear metres, in the unit of the products' facing_width."},
			{Name: "max_changes", Type: Int, Bound: NonNegative, Max: 100000, Doc: "Most products added or dropped at a review; empty means no limit."},
		},
	}
	MustCarry = &Table{
		Name: "must_carry", Flag: "must-carry",
		Doc: "Products a store must carry, whatever they sell (a contract, a brand's rule, a range's anchor). Optional.",
		Columns: []Column{
			{Name: "location", Type: Text, Key: true, Default: "'*'", Ref: &Ref{Table: "locations", Column: "location", Wildcard: AllLocations}, Doc: "Store, or * for every store."},
			{Name: "sku", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "products", Column: "sku"}, Doc: "Product."},
		},
	}
	Fulfilment = &Table{
		Name: "fulfilment", Flag: "fulfilment",
		Doc: "Fulfilment rules: which locations' stock serves a channel's orders from a zone, in priority order. Orders a candidate cannot cover fall to the next. Optional.",
		Columns: []Column{
			{Name: "channel", Type: Text, Required: true, Key: true, Doc: "Sales channel the rule routes, such as online or instant."},
			{Name: "zone", Type: Text, Key: true, Default: "'*'", Ref: &Ref{Table: "zones", Column: "zone", Wildcard: AllZones}, Doc: "Zone the orders come from, or * for every zone."},
			{Name: "rank", Type: Int, Required: true, Key: true, Bound: Positive, Max: 1000, Doc: "Priority of the candidate: 1 is tried first."},
			{Name: "location", Type: Text, Required: true, Ref: &Ref{Table: "locations", Column: "location"}, Doc: "Candidate location whose stock serves the orders (a store ships from store or hands over click-and-collect)."},
			{Name: "max_share", Type: Float, Bound: Positive, Max: 1, Default: "1", Doc: "Most of the zone's orders of the channel the candidate takes; the rest falls to the next rank."},
			{Name: "cutoff", Type: Text, Match: ClockTime, MatchHint: "a time of day as HH:MM, such as 14:00",
				Doc: "Last time of day an order is served the same day; empty means any time."},
		},
	}
	Lanes = &Table{
		Name: "lanes", Flag: "lanes",
		Doc: "Delivery lanes from fulfilment nodes (DCs, forward warehouses, stores) to demand zones: how long and how much to deliver one unit. Optional; placement needs it.",
		Columns: []Column{
			{Name: "node", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "locations", Column: "location"}, Doc: "Location that ships."},
			{Name: "zone", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "zones", Column: "zone"}, Doc: "Zone delivered to."},
			{Name: "lead_time_hours", Type: Float, Required: true, Bound: Positive, Max: MaxDays * 24, Doc: "Hours from order to delivery."},
			{Name: "cost_per_unit", Type: Float, Bound: NonNegative, Default: "0", Doc: "Cost of delivering one unit."},
		},
	}
	Capacity = &Table{
		Name: "capacity", Flag: "capacity",
		Doc: "Factory capacity per period, in units (or hours, with per-product hours in the production costs).",
		Columns: []Column{
			{Name: "factory", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "locations", Column: "location", LocationType: TypeFactory}, Doc: "Factory location."},
			{Name: "period_start", Type: Date, Required: true, Key: true, Doc: "First day of the period."},
			{Name: "period_end", Type: Date, Required: true, Doc: "Last day of the period (inclusive)."},
			{Name: "capacity", Type: Float, Required: true, Bound: NonNegative, Max: MaxUnits, Doc: "Capacity available in the period."},
			{Name: "unit", Type: Text, Default: "'units'", Enum: []string{"units", "hours"}, Doc: "units or hours."},
		},
	}
	Openings = &Table{
		Name: "openings", Flag: "openings",
		Doc: "The store calendar: days a location is closed (or open against its habit), past and planned. " +
			"Forecasts are zero on a planned closed day, and a past closed day is unobserved demand, not zero.",
		Columns: []Column{
			{Name: "location", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "locations", Column: "location"}, Doc: "Location."},
			{Name: "date", Type: Date, Required: true, Key: true, Doc: "Day."},
			{Name: "open", Type: Bool, Required: true, Doc: "Whether the location trades that day."},
		},
	}
	Preorders = &Table{
		Name: "preorders", Flag: "preorders",
		Doc: "Consumer pre-orders (C2M): firm demand placed ahead of production.",
		Columns: []Column{
			{Name: "order_id", Type: Text, Required: true, Key: true, Doc: "Pre-order identifier."},
			{Name: "sku", Type: Text, Required: true, Key: true, Ref: &Ref{Table: "products", Column: "sku"}, Doc: "SKU ordered."},
			{Name: "location", Type: Text, Required: true, Ref: &Ref{Table: "locations", Column: "location"}, Doc: "Location that fulfils the order."},
			{Name: "channel", Type: Text, Default: "'online'", Doc: "Channel the order came through."},
			{Name: "order_date", Type: Date, Required: true, Doc: "Day the consumer ordered."},
			{Name: "due_date", Type: Date, Required: true, Doc: "Day the order is promised."},
			{Name: "qty", Type: Float, Required: true, Bound: Positive, Max: MaxUnits, Doc: "Units ordered."},
		},
	}
)

// Tables lists every canonical table in load order.
var Tables = []*Table{Zones, Products, Locations, Sales, Prices, Promotions, Events, Inventory, Sourcing, Capacity, Preorders, Openings, Fulfilment, Lanes, Shelves, MustCarry}

// TableNamed returns the canonical table called name, or nil.
func TableNamed(name string) *Table {
	for _, t := range Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// dateOrder lists, per table, pairs of date columns where the first must not
// come after the second.
var dateOrder = map[string][][2]string{
	"products":   {{"launch_date", "end_date"}},
	"prices":     {{"start_date", "end_date"}},
	"promotions": {{"start_date", "end_date"}},
	"capacity":   {{"period_start", "period_end"}},
	"preorders":  {{"order_date", "due_date"}},
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
