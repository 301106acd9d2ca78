package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/planner-engine/planner/series"
)

// PriceObservation is one SKU's sales at one location over one period, with
// the prices and promotion mechanics in force: what price-response models
// are fitted on. Channels are summed (one shelf price serves them all).
type PriceObservation struct {
	SKU, Location string
	Period        int     // periods since PriceHistory.Start
	Units         float64 // units sold
	Paid, Regular float64 // average price paid and regular price over the period's rows
	// Promo, Feature, Display and Event are the share of the period's rows
	// under a promotion, a feature, a display and on a day with a calendar
	// event (everywhere or in the location's region).
	Promo, Feature, Display, Event float64
}

// PriceHistory is the sales history as price observations, ordered by SKU,
// location and period.
type PriceHistory struct {
	Freq  series.Freq
	Start series.Date // first day of period 0
	End   series.Date // last day with sales
	Obs   []PriceObservation
	// Rows is how many sales rows there are; Unpriced how many have no
	// price paid, ZeroPrice how many a price of 0. Neither kind is used.
	Rows, Unpriced, ZeroPrice int64
}

// PriceHistory reads the sales as price observations per period of freq
// (daily or weekly, weeks starting on Monday).
func (s *Store) PriceHistory(ctx context.Context, freq series.Freq) (*PriceHistory, error) {
	if freq != series.Daily && freq != series.Weekly {
		return nil, fmt.Errorf("datasets: price history is daily or weekly, not %s", freq)
	}
	h := &PriceHistory{Freq: freq}
	var lo, hi sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT min(date), max(date), count(*), count(*) FILTER (WHERE price IS NULL),
		count(*) FILTER (WHERE price = 0) FROM sales`).Scan(&lo, &hi, &h.Rows, &h.Unpriced, &h.ZeroPrice)
	if err != nil {
		return nil, fmt.Errorf("datasets: reading the sales' dates: %w", err)
	}
	if !lo.Valid {
		return h, nil
	}
	h.Start, h.End = freq.PeriodStart(series.DateOf(lo.Time)), series.DateOf(hi.Time)
	period := fmt.Sprintf("(s.date - DATE '%s')", h.Start)
	if freq == series.Weekly {
		period += " // 7"
	}
	q := fmt.Sprintf(`WITH ev AS (SELECT DISTINCT date, region FROM events)
		SELECT s.sku, s.location, %s AS period, sum(s.qty), avg(s.price), avg(coalesce(s.base_price, s.price)),
			avg(CASE WHEN s.promo THEN 1 ELSE 0 END), avg(CASE WHEN s.feature THEN 1 ELSE 0 END),
			avg(CASE WHEN s.display THEN 1 ELSE 0 END),
			avg(CASE WHEN EXISTS (SELECT 1 FROM ev WHERE ev.date = s.date AND (ev.region = '*' OR ev.region = l.region)) THEN 1 ELSE 0 END)
		FROM sales s LEFT JOIN locations l ON l.location = s.location
		WHERE s.price > 0
		GROUP BY ALL ORDER BY 1, 2, 3`, period)
	err = s.eachRow(ctx, q, func(rows *sql.Rows) error {
		var o PriceObservation
		var p int64
		if err := rows.Scan(&o.SKU, &o.Location, &p, &o.Units, &o.Paid, &o.Regular, &o.Promo, &o.Feature, &o.Display, &o.Event); err != nil {
			return err
		}
		o.Period = int(p)
		// A regular price below the price paid is a data slip (a base price
		// not updated after an increase); the paid price is then the regular.
		o.Regular = math.Max(o.Regular, o.Paid)
		h.Obs = append(h.Obs, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("datasets: reading price history: %w", err)
	}
	return h, nil
}

// PricingProduct holds the product master's fields pricing uses.
type PricingProduct struct {
	SKU, Category, Department, Brand string
	UnitCost                         float64 // NaN when the master has none
	UnitPrice                        float64 // NaN when the master has none
	PackSize                         float64
	EndDate                          series.Date // 0 when no end is planned
	// PriceFamily groups products priced together (flavours of one line,
	// sizes of one product); Size is the content of one unit, which
	// per-unit price rules compare (NaN when not given).
	PriceFamily string
	Size        float64
	// MinPrice and MaxPrice bound the price (competitor or reference
	// prices); NaN when not given.
	MinPrice, MaxPrice float64
}

// PricingProducts reads the product master, by SKU.
func (s *Store) PricingProducts(ctx context.Context) (map[string]PricingProduct, error) {
	out := map[string]PricingProduct{}
	err := s.eachRow(ctx, `SELECT sku, category, department, brand, unit_cost, unit_price, pack_size, end_date,
		price_family, size, min_price, max_price FROM products`, func(rows *sql.Rows) error {
		var p PricingProduct
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
		return nil, fmt.Errorf("datasets: reading products: %w", err)
	}
	return out, nil
}

func nullNaN(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}
