package datasets

import (
	"context"
	"database/sql"

	"github.com/planner-engine/planner/supply"
)

// HierarchyLabels reads the product and location hierarchies.
func (s *Store) HierarchyLabels(ctx context.Context) (*supply.Labels, error) {
	l := &supply.Labels{Category: map[string]string{}, Department: map[string]string{}, Region: map[string]string{}}
	rows, err := s.db.QueryContext(ctx, `SELECT sku, category, department FROM products`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sku string
		var cat, dept sql.NullString
		if err := rows.Scan(&sku, &cat, &dept); err != nil {
			rows.Close()
			return nil, err
		}
		l.Category[sku], l.Department[sku] = cat.String, dept.String
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT location, region FROM locations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var loc string
		var region sql.NullString
		if err := rows.Scan(&loc, &region); err != nil {
			return nil, err
		}
		l.Region[loc] = region.String
	}
	return l, rows.Err()
}
