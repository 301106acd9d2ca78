package datasets

import (
	"context"
	"database/sql"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// HierarchyLabels reads the product and location hierarchies, with the
// products' and locations' names and the products' planners.
func (s *Store) HierarchyLabels(ctx context.Context) (*supply.Labels, error) {
	l := &supply.Labels{Category: map[string]string{}, Department: map[string]string{}, Region: map[string]string{},
		Name: map[string]string{}, Planner: map[string]string{}, LocationName: map[string]string{}}
	rows, err := s.db.QueryContext(ctx, `SELECT sku, category, department, name, planner FROM products`)
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

// ExceptionsSeen returns the plan date each exception was first seen on,
// by id, as RecordExceptions kept them.
func (s *Store) ExceptionsSeen(ctx context.Context) (map[string]series.Date, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT exception_id, CAST(first_seen AS VARCHAR) FROM planner_exceptions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]series.Date{}
	for rows.Next() {
		var id, day string
		if err := rows.Scan(&id, &day); err != nil {
			return nil, err
		}
		d, err := series.ParseDate(day)
		if err != nil {
			return nil, err
		}
		out[id] = d
	}
	return out, rows.Err()
}

// RecordExceptions records that a run for the plan date day raised the
// exceptions ids: a new id is first seen on day; every id was last seen
// on it.
func (s *Store) RecordExceptions(ctx context.Context, day series.Date, ids []string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO planner_exceptions VALUES (?, CAST(? AS DATE), CAST(? AS DATE))
			ON CONFLICT (exception_id) DO UPDATE SET first_seen = least(first_seen, excluded.first_seen), last_seen = excluded.last_seen`,
			id, day.String(), day.String()); err != nil {
			return err
		}
	}
	return tx.Commit()
}
