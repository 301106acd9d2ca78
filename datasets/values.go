package datasets

import (
	"context"
	"database/sql"
	"fmt"
)

// SeriesValues are the values of each SKU's sales at each location over
// the last days days of the sales history: units times the product's unit
// cost, or units when it has none (replenish.CutsOf turns them into the
// ABC classes' cuts). The order is by value, then SKU and location.
func (s *Store) SeriesValues(ctx context.Context, days int) ([]float64, error) {
	var out []float64
	err := s.eachRow(ctx, fmt.Sprintf(`WITH last AS (SELECT max(date) AS d FROM sales),
		units AS (SELECT sku, location, sum(qty) AS units FROM sales, last
			WHERE date > last.d - INTERVAL %d DAY GROUP BY sku, location)
		SELECT units * CASE WHEN p.unit_cost > 0 THEN p.unit_cost ELSE 1 END AS v
		FROM units u LEFT JOIN products p USING (sku)
		ORDER BY v DESC, u.sku, u.location`, days), func(rows *sql.Rows) error {
		var v float64
		if err := rows.Scan(&v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the recent sales' values: %w", err)
	}
	return out, nil
}
