package datasets

import (
	"context"
	"database/sql"

	"github.com/planner-engine/planner/series"
)

// Events reads the events table, by date, name and region.
func (s *Store) Events(ctx context.Context) ([]series.Event, error) {
	var out []series.Event
	err := s.eachRow(ctx, `SELECT date, event, coalesce(kind, 'event'), coalesce(region, '*') FROM events ORDER BY date, event, region`, func(rows *sql.Rows) error {
		var e series.Event
		var d sql.NullTime
		if err := rows.Scan(&d, &e.Name, &e.Kind, &e.Region); err != nil {
			return err
		}
		e.Date = series.DateOf(d.Time)
		out = append(out, e)
		return nil
	})
	return out, err
}

// CategoryReturns sums the units sold and returned per product category
// and day over the sales history (products without a category count as
// the category ""), for the return rates after peaks. Nil when no sale
// records a return.
func (s *Store) CategoryReturns(ctx context.Context) (*series.CategoryDays, error) {
	var first, last sql.NullTime
	var any bool
	q := `SELECT min(date), max(date), coalesce(bool_or(returns > 0), false) FROM sales`
	if err := s.db.QueryRowContext(ctx, q).Scan(&first, &last, &any); err != nil {
		return nil, err
	}
	if !any {
		return nil, nil
	}
	out := &series.CategoryDays{Start: series.DateOf(first.Time)}
	days := int(series.DateOf(last.Time)-out.Start) + 1
	index := map[string]int{}
	err := s.eachRow(ctx, `SELECT coalesce(p.category, ''), s.date, sum(s.qty), sum(s.returns)
		FROM sales s LEFT JOIN products p USING (sku) GROUP BY ALL ORDER BY 1, 2`, func(rows *sql.Rows) error {
		var cat string
		var d sql.NullTime
		var sold, returned float64
		if err := rows.Scan(&cat, &d, &sold, &returned); err != nil {
			return err
		}
		c, ok := index[cat]
		if !ok {
			c = len(out.Categories)
			index[cat] = c
			out.Categories = append(out.Categories, cat)
			out.Sold = append(out.Sold, make([]float64, days))
			out.Returned = append(out.Returned, make([]float64, days))
		}
		t := int(series.DateOf(d.Time) - out.Start)
		out.Sold[c][t] += sold
		out.Returned[c][t] += returned
		return nil
	})
	return out, err
}
