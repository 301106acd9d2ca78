package datasets

import (
	"context"
	"database/sql"
	"math"
	"strings"
	"time"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// Supply reads the latest stock positions, the sourcing rules and the
// product and location attributes. Tables not loaded read as empty.
func (s *Store) Supply(ctx context.Context) (*supply.Snapshot, error) {
	out := &supply.Snapshot{Products: map[string]supply.ProductTerms{}, Locations: map[string]supply.Location{}}
	var asOf sql.NullTime
	if err := s.db.QueryRowContext(ctx, `SELECT max(as_of) FROM inventory`).Scan(&asOf); err != nil {
		return nil, err
	}
	if asOf.Valid {
		out.AsOf = series.DateOf(asOf.Time)
	}
	err := s.eachRow(ctx, `SELECT sku, location, on_hand, on_order, in_transit, backorders, reserved
		FROM inventory WHERE as_of = (SELECT max(as_of) FROM inventory) ORDER BY sku, location`, func(rows *sql.Rows) error {
		var p supply.StockPosition
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
		var r supply.Lane
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
	err = s.eachRow(ctx, `SELECT sku, unit_cost, pack_size, shelf_life_days, unit_volume FROM products`, func(rows *sql.Rows) error {
		var sku string
		var cost, pack, volume sql.NullFloat64
		var life sql.NullInt64
		if err := rows.Scan(&sku, &cost, &pack, &life, &volume); err != nil {
			return err
		}
		out.Products[sku] = supply.ProductTerms{UnitCost: cost.Float64, PackSize: max(1, pack.Float64), ShelfLife: int(life.Int64), Volume: volume.Float64}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT location, type, dc, region, capacity, capacity_unit, throughput FROM locations`, func(rows *sql.Rows) error {
		var loc string
		var typ, dc, region, unit sql.NullString
		var capacity, throughput sql.NullFloat64
		if err := rows.Scan(&loc, &typ, &dc, &region, &capacity, &unit, &throughput); err != nil {
			return err
		}
		out.Locations[loc] = supply.Location{Type: typ.String, DC: dc.String, Region: region.String, Capacity: capacity.Float64,
			ByVolume: unit.String == "volume", Throughput: throughput.Float64}
		return nil
	})
	return out, err
}

func (s *Store) eachRow(ctx context.Context, query string, scan func(*sql.Rows) error) error {
	return eachRowOn(ctx, s.db, query, scan)
}

// querier is a database or one of its connections.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// eachRowOn runs query on q and calls scan on each row.
func eachRowOn(ctx context.Context, q querier, query string, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query)
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

// Network reads the fulfilment network: zones, lanes from nodes to zones,
// fulfilment rules, and each location's zone and handling cost. Tables
// not loaded read as empty.
func (s *Store) Network(ctx context.Context) (*supply.Network, error) {
	out := &supply.Network{ZoneOf: map[string]string{}, Handling: map[string]float64{}}
	err := s.eachRow(ctx, `SELECT zone, coalesce(name, ''), coalesce(region, ''), online_share FROM zones ORDER BY zone`, func(rows *sql.Rows) error {
		var z supply.Zone
		var share sql.NullFloat64
		if err := rows.Scan(&z.Zone, &z.Name, &z.Region, &share); err != nil {
			return err
		}
		z.OnlineShare = math.NaN()
		if share.Valid {
			z.OnlineShare = share.Float64
		}
		out.Zones = append(out.Zones, z)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT node, zone, lead_time_hours, cost_per_unit FROM lanes ORDER BY node, zone`, func(rows *sql.Rows) error {
		var l supply.ZoneLane
		if err := rows.Scan(&l.Node, &l.Zone, &l.Hours, &l.Cost); err != nil {
			return err
		}
		out.Lanes = append(out.Lanes, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT channel, zone, rank, location, max_share, coalesce(cutoff, '') FROM fulfilment ORDER BY channel, zone, rank`, func(rows *sql.Rows) error {
		var r supply.FulfilmentRule
		if err := rows.Scan(&r.Channel, &r.Zone, &r.Rank, &r.Location, &r.MaxShare, &r.Cutoff); err != nil {
			return err
		}
		out.Rules = append(out.Rules, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT location, zone, handling_cost FROM locations WHERE zone IS NOT NULL OR handling_cost IS NOT NULL`, func(rows *sql.Rows) error {
		var loc string
		var zone sql.NullString
		var handling sql.NullFloat64
		if err := rows.Scan(&loc, &zone, &handling); err != nil {
			return err
		}
		if zone.Valid {
			out.ZoneOf[loc] = zone.String
		}
		if handling.Valid {
			out.Handling[loc] = handling.Float64
		}
		return nil
	})
	return out, err
}

// Ranges reads the shelves, the products' facings and the must-carry
// products. Tables not loaded read as empty.
func (s *Store) Ranges(ctx context.Context) (*supply.Ranges, error) {
	out := &supply.Ranges{Facings: map[string]supply.Facing{}, MustCarry: map[string][]string{}}
	err := s.eachRow(ctx, `SELECT location, category, space, coalesce(max_changes, -1) FROM shelves ORDER BY location, category`, func(rows *sql.Rows) error {
		var sh supply.Shelf
		if err := rows.Scan(&sh.Location, &sh.Category, &sh.Space, &sh.MaxChanges); err != nil {
			return err
		}
		out.Shelves = append(out.Shelves, sh)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT sku, facing_width, min_facings, coalesce(price_tier, ''), coalesce(subcategory, '') FROM products`, func(rows *sql.Rows) error {
		var sku string
		var width sql.NullFloat64
		var minimum sql.NullInt64
		var f supply.Facing
		if err := rows.Scan(&sku, &width, &minimum, &f.Tier, &f.Subcategory); err != nil {
			return err
		}
		f.Width, f.MinFacings = 1, 1
		if width.Valid {
			f.Width = width.Float64
		}
		if minimum.Valid {
			f.MinFacings = int(minimum.Int64)
		}
		out.Facings[sku] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT location, sku FROM must_carry ORDER BY location, sku`, func(rows *sql.Rows) error {
		var loc, sku string
		if err := rows.Scan(&loc, &sku); err != nil {
			return err
		}
		out.MustCarry[loc] = append(out.MustCarry[loc], sku)
		return nil
	})
	return out, err
}
