package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/planner-engine/planner/series"
)

// availability is what the database says of the days a series could not
// sell: the cells of its history whose demand went unobserved, and the
// future days its location is closed.
type availability struct {
	cells  []unobservedCell         // sorted by series, then period
	closed map[string][]series.Date // location -> future closed days
}

type unobservedCell struct {
	id, period int
}

// regularWeeks is how many weeks in a row a location must have been
// closed on a weekday for the forecast to take it as closed on that
// weekday ahead (a store closed on Sundays).
const regularWeeks = 8

// readAvailability reads the days without demand observed: sales rows
// marked unavailable (closed, or out of stock), closed days of the store
// calendar (openings), and days that ended with no stock on hand
// (inventory). A period is unobserved when each of its days is. Closed
// future days, for daily forecasts, are the calendar's planned closures
// and the weekdays a location was closed on in each of the last
// regularWeeks weeks, unless the calendar says it opens.
func readAvailability(ctx context.Context, conn *sql.Conn, cal *periodCalendar, end series.Date, horizon int) (*availability, error) {
	av := &availability{}
	lists, calendar, err := availabilitySources(ctx, conn)
	if err != nil || len(lists) == 0 {
		return av, err // nothing unobserved, nor closed by habit
	}
	lo := cal.origin
	q := fmt.Sprintf(`SELECT k.id, (u.date - DATE '%[1]s')::BIGINT AS d FROM (%[3]s) u
		JOIN planner_panel_keys k USING (sku, location, channel)
		WHERE u.date BETWEEN DATE '%[1]s' AND DATE '%[2]s'
		ORDER BY k.id, d`, lo, end, strings.Join(lists, " UNION "))
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("reading unobserved days: %w", err)
	}
	// Days per period: a period is unobserved when all its days are.
	daysIn := func(period int) int {
		switch cal.freq {
		case series.Weekly:
			return 7
		case series.Monthly:
			first := cal.freq.Add(cal.origin, period)
			return int(cal.freq.Add(first, 1) - first)
		}
		return 1
	}
	last := unobservedCell{-1, -1}
	count := 0
	flush := func() {
		if last.id >= 0 && count == daysIn(last.period) {
			av.cells = append(av.cells, last)
		}
	}
	for rows.Next() {
		var id, d int64
		if err := rows.Scan(&id, &d); err != nil {
			rows.Close()
			return nil, err
		}
		c := unobservedCell{int(id), cal.of(int(d))}
		if c != last {
			flush()
			last, count = c, 0
		}
		count++
	}
	flush()
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if cal.freq != series.Daily || horizon <= 0 || !calendar {
		return av, nil // closed days ahead are days; without a calendar, a database from before it
	}
	q = fmt.Sprintf(`WITH closed AS (
			SELECT location, date FROM openings WHERE NOT open AND date > DATE '%[1]s' - %[3]d AND date <= DATE '%[1]s'
			UNION SELECT location, date FROM sales WHERE date > DATE '%[1]s' - %[3]d AND date <= DATE '%[1]s'
			      GROUP BY location, date HAVING NOT bool_or(coalesce(available, true))),
		regular AS (SELECT location, isodow(date) AS dow FROM closed GROUP BY ALL HAVING count(*) >= %[4]d),
		ahead AS (SELECT (DATE '%[1]s' + i::INTEGER)::DATE AS date FROM range(1, %[2]d + 1) t(i))
		SELECT location, date FROM openings WHERE NOT open AND date > DATE '%[1]s' AND date <= DATE '%[1]s' + %[2]d
		UNION
		SELECT r.location, a.date FROM regular r JOIN ahead a ON isodow(a.date) = r.dow
		WHERE NOT EXISTS (SELECT 1 FROM openings o WHERE o.location = r.location AND o.date = a.date AND o.open)
		ORDER BY 1, 2`, end, horizon, 7*regularWeeks, regularWeeks)
	rows, err = conn.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("reading closed days ahead: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var loc string
		var d dateScan
		if err := rows.Scan(&loc, &d); err != nil {
			return nil, err
		}
		if av.closed == nil {
			av.closed = map[string][]series.Date{}
		}
		av.closed[loc] = append(av.closed[loc], d.Date)
	}
	return av, rows.Err()
}

// unobservedSources are the places the database keeps days without
// observed demand: by table, the SQL that counts them and the SQL that
// lists them by series and day.
var unobservedSources = []struct{ table, count, list string }{
	{"sales", "SELECT count(*) FROM sales WHERE available = false",
		"SELECT sku, location, channel, date FROM sales WHERE available = false"},
	{"openings", "SELECT count(*) FROM openings WHERE NOT open",
		"SELECT k.sku, k.location, k.channel, o.date FROM openings o JOIN planner_panel_keys k USING (location) WHERE NOT o.open"},
	{"inventory", "SELECT count(*) FROM inventory WHERE on_hand = 0",
		"SELECT k.sku, k.location, k.channel, i.as_of AS date FROM inventory i JOIN planner_panel_keys k USING (sku, location) WHERE i.on_hand = 0"},
}

// availabilitySources returns the SQL listing the unobserved days of each
// source that holds some, and whether the database has a store calendar.
// A database written before availability was kept, opened read-only (and
// so not brought up to date), has neither the column nor the calendar:
// everything it holds was observed.
func availabilitySources(ctx context.Context, conn *sql.Conn) (lists []string, calendar bool, err error) {
	rows, err := conn.QueryContext(ctx, `SELECT table_name FROM information_schema.columns
		WHERE table_schema = 'main' AND table_catalog = current_database()
		  AND (table_name, column_name) IN (('sales', 'available'), ('openings', 'open'), ('inventory', 'on_hand'))`)
	if err != nil {
		return nil, false, fmt.Errorf("reading availability: %w", err)
	}
	present := map[string]bool{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, false, err
		}
		present[t] = true
	}
	rows.Close()
	for _, src := range unobservedSources {
		if !present[src.table] {
			continue
		}
		var n int64
		if err := conn.QueryRowContext(ctx, src.count).Scan(&n); err != nil {
			return nil, false, fmt.Errorf("reading availability: %w", err)
		}
		if n > 0 {
			lists = append(lists, src.list)
		}
	}
	return lists, present["openings"], nil
}

// apply marks the unobserved cells and closed days of the series [lo, hi)
// of all in their panel.
func (av *availability) apply(p *series.Panel, all []panelSeries, lo, hi int) {
	if av == nil {
		return
	}
	j := sort.Search(len(av.cells), func(k int) bool { return av.cells[k].id >= lo })
	for ; j < len(av.cells) && av.cells[j].id < hi; j++ {
		c := av.cells[j]
		t := c.period - all[c.id].first
		i := c.id - lo
		if t < 0 || p.Offsets[i]+t >= p.Offsets[i+1] {
			continue
		}
		if p.Unobserved == nil {
			p.Unobserved = make([]bool, len(p.Values))
		}
		p.Unobserved[p.Offsets[i]+t] = true
	}
	if len(av.closed) > 0 {
		p.Closed = make([][]series.Date, hi-lo)
		for i := lo; i < hi; i++ {
			p.Closed[i-lo] = av.closed[all[i].key.Location]
		}
	}
}
