package datasets

import (
	"context"
	"database/sql"

	"github.com/planner-engine/planner/supply"
)

// HierarchyLabels reads the product and location hierarchies, with the
// products' and locations' names and the products' planners.
func (s *Store) HierarchyLabels(ctx context.Context) (*supply.Labels, error) {
	l := &supply.Labels{Category: map[string]string{}, Department: map[string]string{}, Region: map[string]string{},
		Name: map[string]string{}, Planner: map[string]string{}, LocationName: map[string]string{}}
	// A database opened read-only may predate the planner column.
	cols, err := s.tableColumns(ctx)
	if err != nil {
		return nil, err
	}
	planner := "planner"
	if !cols["products"]["planner"] {
		planner = "CAST(NULL AS VARCHAR)"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT sku, category, department, name, `+planner+` FROM products`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sku string
		var cat, dept, name, planner sql.NullString
		if err := rows.Scan(&sku, &cat, &dept, &name, &planner); err != nil {
			rows.Close()
			return nil, err
		}
		l.Category[sku], l.Department[sku] = cat.String, dept.String
		if name.String != "" {
			l.Name[sku] = name.String
		}
		if planner.String != "" {
			l.Planner[sku] = planner.String
		}
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT location, region, name FROM locations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var loc string
		var region, name sql.NullString
		if err := rows.Scan(&loc, &region, &name); err != nil {
			return nil, err
		}
		l.Region[loc] = region.String
		if name.String != "" {
			l.LocationName[loc] = name.String
		}
	}
	return l, rows.Err()
}
