package datasets

import (
	"context"
	"database/sql"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// Production reads the capacity table and the pre-orders, in order.
// Tables not loaded read as empty.
func (s *Store) Production(ctx context.Context) ([]supply.CapacityRow, []supply.Preorder, error) {
	var caps []supply.CapacityRow
	err := s.eachRow(ctx, `SELECT factory, period_start, period_end, capacity, unit FROM capacity ORDER BY factory, period_start`, func(rows *sql.Rows) error {
		var r supply.CapacityRow
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
	var pre []supply.Preorder
	err = s.eachRow(ctx, `SELECT sku, location, due_date, qty FROM preorders ORDER BY due_date, sku, location`, func(rows *sql.Rows) error {
		var p supply.Preorder
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
