package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// PriceHistory reads the sales as price series per period of freq (daily
// or weekly, weeks starting on Monday). The rows come through Arrow with
// the series numbered, so a retailer of tens of millions of rows is read
// without a string per row.
func (s *Store) PriceHistory(ctx context.Context, freq series.Freq) (*series.PriceHistory, error) {
	if freq != series.Daily && freq != series.Weekly {
		return nil, fmt.Errorf("price history is daily or weekly, not %s", freq)
	}
	h := &series.PriceHistory{Freq: freq}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var lo, hi sql.NullTime
	err = conn.QueryRowContext(ctx, `SELECT min(date), max(date), count(*), count(*) FILTER (WHERE price IS NULL),
		count(*) FILTER (WHERE price = 0) FROM sales`).Scan(&lo, &hi, &h.Rows, &h.Unpriced, &h.ZeroPrice)
	if err != nil {
		return nil, fmt.Errorf("reading the sales' dates: %w", err)
	}
	if !lo.Valid {
		return h, nil
	}
	h.Start, h.End = freq.PeriodStart(series.DateOf(lo.Time)), series.DateOf(hi.Time)
	keysQ := `CREATE OR REPLACE TEMP TABLE planner_price_keys AS
		SELECT sku, location, (row_number() OVER (ORDER BY sku, location) - 1)::BIGINT AS id
		FROM (SELECT DISTINCT sku, location FROM sales WHERE price > 0)`
	if _, err := conn.ExecContext(ctx, keysQ); err != nil {
		return nil, fmt.Errorf("numbering price series: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS planner_price_keys")
	err = func() error {
		rows, err := conn.QueryContext(ctx, `SELECT sku, location FROM planner_price_keys ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var ps series.PriceSeries
			if err := rows.Scan(&ps.SKU, &ps.Location); err != nil {
				return err
			}
			h.Series = append(h.Series, ps)
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, fmt.Errorf("reading price series: %w", err)
	}
	// Days whose demand went unobserved (closed, out of stock) say nothing
	// of how demand answers price.
	observed := ""
	var has bool
	if err := conn.QueryRowContext(ctx, `SELECT count(*) > 0 FROM information_schema.columns
		WHERE table_schema = 'main' AND table_name = 'sales' AND column_name = 'available'`).Scan(&has); err != nil {
		return nil, err
	}
	if has {
		observed = " AND coalesce(s.available, true)"
	}
	period := fmt.Sprintf("(s.date - DATE '%s')", h.Start)
	if freq == series.Weekly {
		period += " // 7"
	}
	// Event days per region ('*' for everywhere), joined rather than
	// looked up row by row.
	q := fmt.Sprintf(`WITH ev AS (SELECT DISTINCT date, region FROM events),
		days AS (SELECT s.*, k.id, l.region AS loc_region FROM sales s JOIN planner_price_keys k USING (sku, location)
			LEFT JOIN locations l ON l.location = s.location WHERE s.price > 0%s)
		SELECT id, (%s)::BIGINT AS period, sum(qty)::DOUBLE, avg(price)::DOUBLE, avg(coalesce(base_price, price))::DOUBLE,
			avg(CASE WHEN promo THEN 1 ELSE 0 END)::DOUBLE, avg(CASE WHEN feature THEN 1 ELSE 0 END)::DOUBLE,
			avg(CASE WHEN display THEN 1 ELSE 0 END)::DOUBLE,
			avg(CASE WHEN e1.date IS NOT NULL OR e2.date IS NOT NULL THEN 1 ELSE 0 END)::DOUBLE
		FROM days s
			LEFT JOIN ev e1 ON e1.date = s.date AND e1.region = '*'
			LEFT JOIN ev e2 ON e2.date = s.date AND e2.region = s.loc_region AND e2.region <> '*'
		GROUP BY ALL ORDER BY 1, 2`, observed, period)
	err = scanArrow(ctx, conn, s.spoolDir(), q, func(rec arrow.RecordBatch) error {
		ids := rec.Column(0).(*array.Int64).Int64Values()
		periods := rec.Column(1).(*array.Int64).Int64Values()
		var cols [7][]float64
		for k := range cols {
			cols[k] = rec.Column(2 + k).(*array.Float64).Float64Values()
		}
		for i, id := range ids {
			o := series.PriceObservation{Period: int(periods[i]), Units: cols[0][i], Paid: cols[1][i], Regular: cols[2][i],
				Promo: cols[3][i], Feature: cols[4][i], Display: cols[5][i], Event: cols[6][i]}
			// A regular price below the price paid is a data slip (a base
			// price not updated after an increase); the paid price is then
			// the regular.
			o.Regular = math.Max(o.Regular, o.Paid)
			ps := &h.Series[id]
			ps.Obs = append(ps.Obs, o)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading price history: %w", err)
	}
	return h, nil
}

// PricingTerms reads the product master's pricing fields, by SKU.
func (s *Store) PricingTerms(ctx context.Context) (map[string]supply.PricingTerms, error) {
	out := map[string]supply.PricingTerms{}
	err := s.eachRow(ctx, `SELECT sku, category, department, brand, unit_cost, unit_price, pack_size, end_date,
		price_family, size, min_price, max_price FROM products`, func(rows *sql.Rows) error {
		var p supply.PricingTerms
		var cat, dept, brand, family sql.NullString
		var cost, price, pack, size, lo, hi sql.NullFloat64
		var end sql.NullTime
		if err := rows.Scan(&p.SKU, &cat, &dept, &brand, &cost, &price, &pack, &end, &family, &size, &lo, &hi); err != nil {
			return err
		}
		p.Category, p.Department, p.Brand, p.PriceFamily = cat.String, dept.String, brand.String, family.String
		p.UnitCost, p.UnitPrice, p.Size = nullNaN(cost), nullNaN(price), nullNaN(size)
		p.MinPrice, p.MaxPrice = nullNaN(lo), nullNaN(hi)
		p.PackSize = max(1, pack.Float64)
		if end.Valid {
			p.EndDate = series.DateOf(end.Time)
		}
		out[p.SKU] = p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading products: %w", err)
	}
	return out, nil
}

func nullNaN(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}
