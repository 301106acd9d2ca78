package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/planner-engine/planner/series"
)

// plannedDrivers reads the drivers of the Horizon periods after end for
// every series, from the price list (a location's own price before the
// price for every location) and the promotion plan: the log of the planned
// price paid over the series' reference price, and the share of each period
// under a promotion, a feature and a display. Without a planned price the
// last regular price observed holds. It returns len(all) x horizon x 4
// values, and which drivers no plan gives a future for (unplanned, as
// DriverNames): the promotion mechanics when no promotion ends after the
// day plannedAfter (the history's end, or the day before the days a
// simulation replays), and the price when neither a price nor a promotion
// does. Their values then stand in for an unknown future (no promotion,
// the last regular price).
func (s *Store) plannedDrivers(ctx context.Context, conn *sql.Conn, all []panelSeries, cal *periodCalendar,
	freq series.Freq, end, plannedAfter series.Date, horizon int) (_ []float64, unplanned []bool, _ error) {
	out := make([]float64, len(all)*horizon*4)
	if horizon <= 0 {
		return out, nil, nil
	}
	var promos, prices bool
	q := fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM promotions WHERE end_date > DATE '%[1]s'),
		EXISTS (SELECT 1 FROM prices WHERE coalesce(end_date, DATE '9999-12-31') > DATE '%[1]s')`, plannedAfter)
	if err := conn.QueryRowContext(ctx, q).Scan(&promos, &prices); err != nil {
		return nil, nil, fmt.Errorf("reading whether prices and promotions are planned: %w", err)
	}
	unplanned = []bool{!prices && !promos, !promos, !promos, !promos}
	first := end + 1
	last := freq.Add(freq.PeriodStart(end), horizon+1) - 1 // last day of the last future period
	q = fmt.Sprintf(`WITH days AS (SELECT (DATE '%[1]s' + i::INTEGER) AS day FROM range(0, %[2]d) t(i)),
		planned AS (
			SELECT k.id, d.day,
			  (SELECT p.price FROM prices p WHERE p.sku = k.sku AND p.location IN (k.location, '*')
			     AND d.day BETWEEN p.start_date AND coalesce(p.end_date, DATE '9999-12-31')
			   ORDER BY (p.location = '*'), p.start_date DESC LIMIT 1) AS regular,
			  (SELECT max(pr.discount) FROM promotions pr WHERE pr.sku = k.sku AND pr.location IN (k.location, '*')
			     AND d.day BETWEEN pr.start_date AND pr.end_date) AS discount,
			  (SELECT max(CASE WHEN pr.mechanic = 'feature' THEN 1 ELSE 0 END) FROM promotions pr WHERE pr.sku = k.sku
			     AND pr.location IN (k.location, '*') AND d.day BETWEEN pr.start_date AND pr.end_date) AS feature,
			  (SELECT max(CASE WHEN pr.mechanic = 'display' THEN 1 ELSE 0 END) FROM promotions pr WHERE pr.sku = k.sku
			     AND pr.location IN (k.location, '*') AND d.day BETWEEN pr.start_date AND pr.end_date) AS display
			FROM planner_panel_keys k, days d
			WHERE EXISTS (SELECT 1 FROM prices p WHERE p.sku = k.sku) OR EXISTS (SELECT 1 FROM promotions pr WHERE pr.sku = k.sku))
		SELECT id, (day - DATE '%[1]s')::BIGINT, coalesce(regular, 0), coalesce(discount, -1), coalesce(feature, 0), coalesce(display, 0)
		FROM planned`, first, int(last-first)+1)
	// Defaults for every series: the last regular price, no promotion.
	counts := make([]float64, len(all)*horizon)
	sums := make([]float64, len(all)*horizon*4)
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("reading planned prices and promotions: %w", err)
	}
	defer rows.Close()
	seen := make([]bool, len(all))
	for rows.Next() {
		var id, day int64
		var regular, discount, feature, display float64
		if err := rows.Scan(&id, &day, &regular, &discount, &feature, &display); err != nil {
			return nil, nil, err
		}
		h := freq.Between(freq.PeriodStart(end), first+series.Date(day)) - 1
		if h < 0 || h >= horizon {
			continue
		}
		ps := all[id]
		seen[id] = true
		if regular <= 0 {
			regular = ps.lastRegular
		}
		paid := regular
		promo := 0.0
		if discount >= 0 {
			promo = 1
			paid = regular * (1 - discount)
		}
		cell := int(id)*horizon + h
		if paid > 0 && ps.ref > 0 {
			sums[cell*4] += math.Log(paid / ps.ref)
		}
		sums[cell*4+1] += promo
		sums[cell*4+2] += feature
		sums[cell*4+3] += display
		counts[cell]++
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for id, ps := range all {
		for h := 0; h < horizon; h++ {
			cell := id*horizon + h
			if counts[cell] > 0 {
				for k := 0; k < 4; k++ {
					out[cell*4+k] = sums[cell*4+k] / counts[cell]
				}
			} else if !seen[id] && ps.lastRegular > 0 && ps.ref > 0 {
				out[cell*4] = math.Log(ps.lastRegular / ps.ref)
			}
		}
	}
	return out, unplanned, nil
}
