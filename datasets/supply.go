package datasets

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/planner-engine/planner/series"
)

// Supply is what replenishment plans from besides the forecasts: the
// latest stock positions, the sourcing rules and the product and location
// attributes that constrain orders.
type Supply struct {
	// AsOf is the latest inventory date; positions are taken from it.
	AsOf      series.Date
	Positions []StockPosition
	Lanes     []SourcingRule
	Products  map[string]ProductTerms
	Locations map[string]LocationInfo
}

// StockPosition is one row of the inventory table.
type StockPosition struct {
	SKU, Location                                    string
	OnHand, OnOrder, InTransit, Backorders, Reserved float64
}

// Inventory returns the inventory position: on hand + on order + in
// transit - backorders - reserved (units promised to online orders).
func (p StockPosition) Inventory() float64 {
	return p.OnHand + p.OnOrder + p.InTransit - p.Backorders - p.Reserved
}

// SourcingRule is one row of the sourcing table.
type SourcingRule struct {
	SKU, From, To        string
	LeadTime, LeadTimeSD float64
	MOQ, Multiple        float64
	Review               int
	UnitCost             float64 // NaN-free: 0 when the lane has none (see Products)
	HasUnitCost          bool
	OrderDays            [7]bool // all false: any day
}

// ProductTerms are the product attributes orders depend on.
type ProductTerms struct {
	UnitCost  float64
	PackSize  float64
	ShelfLife int
}

// LocationInfo is a location's type, the DC that serves it and its
// storage capacity (0: unlimited).
type LocationInfo struct {
	Type, DC, Region string
	Capacity         float64
}

// Supply reads the latest stock positions, the sourcing rules and the
// product and location attributes. Tables not loaded read as empty.
func (s *Store) Supply(ctx context.Context) (*Supply, error) {
	out := &Supply{Products: map[string]ProductTerms{}, Locations: map[string]LocationInfo{}}
	var asOf sql.NullTime
	if err := s.db.QueryRowContext(ctx, `SELECT max(as_of) FROM inventory`).Scan(&asOf); err != nil {
		return nil, err
	}
	if asOf.Valid {
		out.AsOf = series.DateOf(asOf.Time)
	}
	err := s.eachRow(ctx, `SELECT sku, location, on_hand, on_order, in_transit, backorders, reserved
		FROM inventory WHERE as_of = (SELECT max(as_of) FROM inventory) ORDER BY sku, location`, func(rows *sql.Rows) error {
		var p StockPosition
		if err := rows.Scan(&p.SKU, &p.Location, &p.OnHand, &p.OnOrder, &p.InTransit, &p.Backorders, &p.Reserved); err != nil {
			return err
		}
		out.Positions = append(out.Positions, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT sku, from_location, to_location, lead_time_days, lead_time_sd_days, moq, order_multiple,
		review_days, unit_cost, order_days FROM sourcing ORDER BY sku, to_location, from_location`, func(rows *sql.Rows) error {
		var r SourcingRule
		var review float64
		var cost sql.NullFloat64
		var days sql.NullString
		if err := rows.Scan(&r.SKU, &r.From, &r.To, &r.LeadTime, &r.LeadTimeSD, &r.MOQ, &r.Multiple, &review, &cost, &days); err != nil {
			return err
		}
		r.Review = max(1, int(review+0.5))
		r.UnitCost, r.HasUnitCost = cost.Float64, cost.Valid
		r.OrderDays = parseWeekdays(days.String)
		out.Lanes = append(out.Lanes, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT sku, unit_cost, pack_size, shelf_life_days FROM products`, func(rows *sql.Rows) error {
		var sku string
		var cost, pack sql.NullFloat64
		var life sql.NullInt64
		if err := rows.Scan(&sku, &cost, &pack, &life); err != nil {
			return err
		}
		out.Products[sku] = ProductTerms{UnitCost: cost.Float64, PackSize: max(1, pack.Float64), ShelfLife: int(life.Int64)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT location, type, dc, region, capacity FROM locations`, func(rows *sql.Rows) error {
		var loc string
		var typ, dc, region sql.NullString
		var capacity sql.NullFloat64
		if err := rows.Scan(&loc, &typ, &dc, &region, &capacity); err != nil {
			return err
		}
		out.Locations[loc] = LocationInfo{Type: typ.String, DC: dc.String, Region: region.String, Capacity: capacity.Float64}
		return nil
	})
	return out, err
}

func (s *Store) eachRow(ctx context.Context, query string, scan func(*sql.Rows) error) error {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// parseWeekdays reads "Mon,Thu" (any case, full names too; what
// WeekdayList admits at load) into a mask.
func parseWeekdays(s string) [7]bool {
	var out [7]bool
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		f = strings.ToLower(f)
		for d := time.Sunday; d <= time.Saturday; d++ {
			if name := strings.ToLower(d.String()); f == name || f == name[:3] {
				out[d] = true
			}
		}
	}
	return out
}
