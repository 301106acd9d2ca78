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

// ExceptionMemory is what the database keeps of an exception between
// nights: the day it was first seen, and a person's snooze or
// acknowledgement (planner snooze).
type ExceptionMemory struct {
	FirstSeen, SnoozedUntil series.Date
	SnoozedUpTo             float64
	Acknowledged            bool
}

// ExceptionsSeen returns what the database keeps of each exception the
// runs raised, by id.
func (s *Store) ExceptionsSeen(ctx context.Context) (map[string]ExceptionMemory, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT exception_id, CAST(first_seen AS VARCHAR), coalesce(CAST(snooze_until AS VARCHAR), ''),
		coalesce(snooze_up_to, 0), coalesce(acknowledged, false) FROM planner_exceptions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]ExceptionMemory{}
	for rows.Next() {
		var id, first, until string
		var m ExceptionMemory
		if err := rows.Scan(&id, &first, &until, &m.SnoozedUpTo, &m.Acknowledged); err != nil {
			return nil, err
		}
		if m.FirstSeen, err = series.ParseDate(first); err != nil {
			return nil, err
		}
		if until != "" {
			if m.SnoozedUntil, err = series.ParseDate(until); err != nil {
				return nil, err
			}
		}
		out[id] = m
	}
	return out, rows.Err()
}

// Snooze records a person's decision on exceptions the runs raised: a
// snooze until a plan date (until, 0 for none) and while the value at
// risk grows by at most a share of what it is now (grows, below 0 for
// none), or an acknowledgement (ack). Unknown ids are an error and
// nothing is recorded.
func (s *Store) Snooze(ctx context.Context, ids []string, until series.Date, grows float64, ack bool, note, who string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range ids {
		var untilArg, upTo any
		if until != 0 {
			untilArg = until.String()
		}
		if grows >= 0 {
			upTo = grows
		}
		res, err := tx.ExecContext(ctx, `UPDATE planner_exceptions SET snooze_until = CAST(? AS DATE),
			snooze_up_to = CASE WHEN ? IS NULL THEN NULL ELSE value * (1 + CAST(? AS DOUBLE)) END,
			acknowledged = ?, decision_note = ?, decided_by = ? WHERE exception_id = ?`, untilArg, upTo, upTo, ack, note, who, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%s is not an exception a run raised in this database (the exception_id column of exceptions.csv)", id)
		}
	}
	return tx.Commit()
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
