package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
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
	var out *series.PriceHistory
	for h, err := range s.PriceHistories(ctx, freq, math.MaxInt) {
		if err != nil {
			return nil, err
		}
		out = h
	}
	return out, nil
}

// PriceHistories streams the price history (PriceHistory) in parts of
// whole SKUs, in SKU order, each of at most chunkSeries series unless one
// SKU has more: what learns across every product without holding every
// product's history at once. Each part carries the whole history's dates
// and row counts. A history without priced sales is one empty part.
func (s *Store) PriceHistories(ctx context.Context, freq series.Freq, chunkSeries int) iter.Seq2[*series.PriceHistory, error] {
	return func(yield func(*series.PriceHistory, error) bool) {
		if err := s.streamPriceHistory(ctx, freq, chunkSeries, yield); err != nil {
			yield(nil, err)
		}
	}
}

func (s *Store) streamPriceHistory(ctx context.Context, freq series.Freq, chunkSeries int, yield func(*series.PriceHistory, error) bool) error {
	if freq != series.Daily && freq != series.Weekly {
		return fmt.Errorf("price history is daily or weekly, not %s", freq)
	}
	whole := series.PriceHistory{Freq: freq}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var lo, hi sql.NullTime
	err = conn.QueryRowContext(ctx, `SELECT min(date), max(date), count(*), count(*) FILTER (WHERE price IS NULL),
		count(*) FILTER (WHERE price = 0) FROM sales`).Scan(&lo, &hi, &whole.Rows, &whole.Unpriced, &whole.ZeroPrice)
	if err != nil {
		return fmt.Errorf("reading the sales' dates: %w", err)
	}
	if !lo.Valid {
		yield(&whole, nil)
		return nil
	}
	whole.Start, whole.End = freq.PeriodStart(series.DateOf(lo.Time)), series.DateOf(hi.Time)
	keysQ := `CREATE OR REPLACE TEMP TABLE planner_price_keys AS
		SELECT sku, location, (row_number() OVER (ORDER BY sku, location) - 1)::BIGINT AS id
		FROM (SELECT DISTINCT sku, location FROM sales WHERE price > 0)`
	if _, err := conn.ExecContext(ctx, keysQ); err != nil {
		return fmt.Errorf("numbering price series: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS planner_price_keys")
	// The parts' bounds: runs of whole SKUs, by their first series' id.
	var bounds []int64
	var total int64 // series so far: the SKUs come in id order
	err = eachRowOn(ctx, conn, `SELECT min(id), count(*) FROM planner_price_keys GROUP BY sku ORDER BY 1`, func(rows *sql.Rows) error {
		var first, n int64
		if err := rows.Scan(&first, &n); err != nil {
			return err
		}
		if len(bounds) == 0 || first > bounds[len(bounds)-1] && first+n-bounds[len(bounds)-1] > int64(max(chunkSeries, 1)) {
			bounds = append(bounds, first)
		}
		total = first + n
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading price series: %w", err)
	}
	if total == 0 {
		yield(&whole, nil)
		return nil
	}
	bounds = append(bounds, total)
	// Days whose demand went unobserved (closed, out of stock) say nothing
	// of how demand answers price.
	observed := ""
	var has bool
	if err := conn.QueryRowContext(ctx, `SELECT count(*) > 0 FROM information_schema.columns
		WHERE table_schema = 'main' AND table_name = 'sales' AND column_name = 'available'`).Scan(&has); err != nil {
		return err
	}
	if has {
		observed = " AND coalesce(s.available, true)"
	}
	for c := 0; c+1 < len(bounds); c++ {
		h, err := s.priceHistoryPart(ctx, conn, whole, bounds[c], bounds[c+1], observed)
		if err != nil {
			return err
		}
		if !yield(h, nil) {
			return nil
		}
	}
	return nil
}

// priceHistoryPart reads the price series numbered [lo, hi).
func (s *Store) priceHistoryPart(ctx context.Context, conn *sql.Conn, whole series.PriceHistory, lo, hi int64, observed string) (*series.PriceHistory, error) {
	h := whole
	h.Series = make([]series.PriceSeries, 0, hi-lo)
	err := eachRowOn(ctx, conn, fmt.Sprintf(`SELECT sku, location FROM planner_price_keys WHERE id >= %d AND id < %d ORDER BY id`, lo, hi),
		func(rows *sql.Rows) error {
			var ps series.PriceSeries
			if err := rows.Scan(&ps.SKU, &ps.Location); err != nil {
				return err
			}
			h.Series = append(h.Series, ps)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("reading price series: %w", err)
	}
	period := fmt.Sprintf("(s.date - DATE '%s')", h.Start)
	if h.Freq == series.Weekly {
		period += " // 7"
	}
	// Event days per region ('*' for everywhere), joined rather than
	// looked up row by row.
	q := fmt.Sprintf(`WITH ev AS (SELECT DISTINCT date, region FROM events),
		days AS (SELECT s.*, k.id - %[3]d AS id, l.region AS loc_region FROM sales s JOIN planner_price_keys k USING (sku, location)
			LEFT JOIN locations l ON l.location = s.location WHERE s.price > 0%[1]s AND k.id >= %[3]d AND k.id < %[4]d)
		SELECT id, (%[2]s)::BIGINT AS period, sum(qty)::DOUBLE, avg(price)::DOUBLE, avg(coalesce(base_price, price))::DOUBLE,
			avg(CASE WHEN promo THEN 1 ELSE 0 END)::DOUBLE, avg(CASE WHEN feature THEN 1 ELSE 0 END)::DOUBLE,
			avg(CASE WHEN display THEN 1 ELSE 0 END)::DOUBLE,
			avg(CASE WHEN e1.date IS NOT NULL OR e2.date IS NOT NULL THEN 1 ELSE 0 END)::DOUBLE
		FROM days s
			LEFT JOIN ev e1 ON e1.date = s.date AND e1.region = '*'
			LEFT JOIN ev e2 ON e2.date = s.date AND e2.region = s.loc_region AND e2.region <> '*'
		GROUP BY ALL ORDER BY 1, 2`, observed, period, lo, hi)
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
	return &h, nil
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
