package datasets

import (
	"context"
	"database/sql"
	"fmt"

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

// SeenException is an exception as the database remembers it from night
// to night.
type SeenException struct {
	ID, Kind, SKU, Location string
	Value                   float64
}

// RecordExceptions records that a run for the plan date day raised the
// exceptions: a new one is first seen on day; every one was last seen on
// it, with its value at risk, and keeps the value and day it had on the
// night before (a rerun for the same day keeps those as they were).
func (s *Store) RecordExceptions(ctx context.Context, day series.Date, exs []SeenException) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, e := range exs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO planner_exceptions
			(exception_id, first_seen, last_seen, kind, sku, location, value) VALUES (?, CAST(? AS DATE), CAST(? AS DATE), ?, ?, ?, ?)
			ON CONFLICT (exception_id) DO UPDATE SET
				first_seen = least(first_seen, excluded.first_seen),
				prev_seen = CASE WHEN last_seen < excluded.last_seen THEN last_seen ELSE prev_seen END,
				prev_value = CASE WHEN last_seen < excluded.last_seen THEN value ELSE prev_value END,
				value = CASE WHEN last_seen <= excluded.last_seen THEN excluded.value ELSE value END,
				last_seen = greatest(last_seen, excluded.last_seen),
				kind = excluded.kind, sku = excluded.sku, location = excluded.location`,
			e.ID, day.String(), day.String(), e.Kind, e.SKU, e.Location, e.Value); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// ExceptionChanges are the exceptions of the night before day that day's
// run no longer raised (Resolved), and those it raised again with more at
// risk (Worsened, with their value the night before as Previous).
type ExceptionChanges struct {
	Resolved, Worsened []SeenException
	Previous           []float64
}

// ChangesSince compares day's exceptions with the latest night before it.
func (s *Store) ChangesSince(ctx context.Context, day series.Date) (*ExceptionChanges, error) {
	out := &ExceptionChanges{}
	q := `SELECT exception_id, coalesce(kind, ''), coalesce(sku, ''), coalesce(location, ''), coalesce(value, 0), coalesce(prev_value, 0)
		FROM planner_exceptions WHERE %s ORDER BY value DESC, exception_id`
	for k, where := range []string{
		`last_seen = (SELECT max(last_seen) FROM planner_exceptions WHERE last_seen < CAST(? AS DATE))`,
		`last_seen = CAST(? AS DATE) AND prev_seen IS NOT NULL AND value > prev_value + 0.005`,
	} {
		rows, err := s.db.QueryContext(ctx, fmt.Sprintf(q, where), day.String())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var e SeenException
			var prev float64
			if err := rows.Scan(&e.ID, &e.Kind, &e.SKU, &e.Location, &e.Value, &prev); err != nil {
				rows.Close()
				return nil, err
			}
			if k == 0 {
				out.Resolved = append(out.Resolved, e)
			} else {
				out.Worsened, out.Previous = append(out.Worsened, e), append(out.Previous, prev)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
