package datasets

import (
	"context"
	"database/sql"

	"github.com/planner-engine/planner/series"
)

// CapacityRow is one row of the capacity table: a factory's capacity over
// the days of a period.
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

// Production reads the capacity table and the pre-orders, in order.
// Tables not loaded read as empty.
func (s *Store) Production(ctx context.Context) ([]CapacityRow, []Preorder, error) {
	var caps []CapacityRow
	err := s.eachRow(ctx, `SELECT factory, period_start, period_end, capacity, unit FROM capacity ORDER BY factory, period_start`, func(rows *sql.Rows) error {
		var r CapacityRow
		var start, end sql.NullTime
		if err := rows.Scan(&r.Factory, &start, &end, &r.Capacity, &r.Unit); err != nil {
			return err
		}
		r.Start, r.End = series.DateOf(start.Time), series.DateOf(end.Time)
		caps = append(caps, r)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var pre []Preorder
	err = s.eachRow(ctx, `SELECT sku, location, due_date, qty FROM preorders ORDER BY due_date, sku, location`, func(rows *sql.Rows) error {
		var p Preorder
		var due sql.NullTime
		if err := rows.Scan(&p.SKU, &p.Location, &due, &p.Qty); err != nil {
			return err
		}
		p.Due = series.DateOf(due.Time)
		pre = append(pre, p)
		return nil
	})
	return caps, pre, err
}
