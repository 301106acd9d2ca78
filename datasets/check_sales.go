package datasets

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/planner-engine/planner/internal/words"
	"github.com/planner-engine/planner/series"
)

// statsTable holds one row per sales series of the stage being checked.
const statsTable = "planner_series_stats"

// salesDuplicateCount builds the per-series summary of the sales stage and
// returns how many rows repeat a series' date. Counting distinct dates with
// a bitmap per series (bitstring_agg) costs a fraction of a hash-based
// count(DISTINCT) on ten million rows.
func (l *loader) salesDuplicateCount(st *stage) (int64, error) {
	var lo, hi *series.Date
	var minD, maxD dateScan
	if err := l.conn.QueryRowContext(l.ctx, fmt.Sprintf(
		"SELECT min(date), max(date) FROM %s", quoteIdent(st.name))).Scan(&minD, &maxD); err != nil {
		return 0, err
	}
	if minD.Valid {
		lo, hi = &minD.Date, &maxD.Date
	}
	distinct := "count(DISTINCT date)"
	if lo != nil && int(*hi-*lo) < 1_000_000 {
		distinct = fmt.Sprintf("bit_count(bitstring_agg((date - DATE '%s')::INTEGER, 0, %d))", lo, int(*hi-*lo))
	}
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
		SELECT sku, location, channel, count(date) AS n, %s AS nd,
		       min(date) AS first, max(date) AS last, sum(qty) AS total
		FROM %s WHERE sku IS NOT NULL AND location IS NOT NULL GROUP BY ALL`,
		statsTable, distinct, quoteIdent(st.name))
	if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
		return 0, err
	}
	var dups int64
	err := l.conn.QueryRowContext(l.ctx, "SELECT coalesce(sum(n - nd), 0) FROM "+statsTable).Scan(&dups)
	return dups, err
}

// checkSalesSeries warns about what is legal but suspicious in a sales
// history: dates missing for every series, gaps inside series (which count
// as zero sales), series that never sell and dates off the data's grid.
func (l *loader) checkSalesSeries(st *stage) error {
	dates, err := l.distinctDates(st)
	if err != nil || len(dates) < 2 {
		return err
	}
	freq := inferFreq(dates)
	unit := map[series.Freq]string{series.Daily: "day", series.Weekly: "week", series.Monthly: "month"}[freq]

	// Dates off the grid, and grid dates with no rows at all.
	first := dates[0]
	var offGrid []series.Date
	have := map[series.Date]bool{}
	for _, d := range dates {
		have[d] = true
		if freq == series.Weekly && (d-first)%7 != 0 {
			offGrid = append(offGrid, d)
		}
		if freq == series.Monthly && d.Time().Day() != first.Time().Day() {
			offGrid = append(offGrid, d)
		}
	}
	if len(offGrid) > 0 {
		l.add(Problem{Severity: Warning, Code: "irregular_dates", Table: st.table.Name, File: st.file, Column: st.column("date"), Count: int64(len(offGrid)),
			Message: fmt.Sprintf("the sales look %s, but %d dates fall between the periods: %s", strings.ToLower(freqWord(freq)), len(offGrid), dateList(offGrid, 5)),
			Hint:    "label every period with the same day (such as the week's last day)"})
	}
	var missing []series.Date
	last := dates[len(dates)-1]
	for i := 1; ; i++ {
		d := gridDate(freq, first, i)
		if d > last {
			break
		}
		if !have[d] {
			missing = append(missing, d)
		}
	}
	if len(missing) > 0 {
		l.add(Problem{Severity: Warning, Code: "missing_dates", Table: st.table.Name, File: st.file, Column: st.column("date"), Count: int64(len(missing)),
			Message: fmt.Sprintf("no series has a row on %s between %s and %s: %s; they count as zero sales",
				words.Plural(len(missing), unit), first, last, dateList(missing, 8)),
			Hint: "check the extract is complete; days the business was closed are fine"})
	}

	// Gaps inside each series, not counting the dates missing everywhere.
	if _, err := l.conn.ExecContext(l.ctx, "CREATE OR REPLACE TEMP TABLE planner_missing_dates (d DATE)"); err != nil {
		return err
	}
	if len(missing) > 0 {
		vals := make([]string, len(missing))
		for i, d := range missing {
			vals[i] = fmt.Sprintf("(DATE '%s')", d)
		}
		if _, err := l.conn.ExecContext(l.ctx, "INSERT INTO planner_missing_dates VALUES "+strings.Join(vals, ", ")); err != nil {
			return err
		}
	}
	expected := map[series.Freq]string{
		series.Daily:   "(last - first) + 1",
		series.Weekly:  "(last - first) // 7 + 1",
		series.Monthly: "datediff('month', first, last) + 1",
	}[freq]
	gapsQ := fmt.Sprintf(`SELECT sku, location, channel, first, last, gaps, count(*) OVER () FROM (
			SELECT s.*, %s - nd - (SELECT count(*) FROM planner_missing_dates m WHERE m.d BETWEEN s.first AND s.last) AS gaps
			FROM %s s) WHERE gaps > 0 ORDER BY sku, location, channel LIMIT %d`, expected, statsTable, l.opts.limitFor(Warning))
	var nSeries int64
	if err := l.conn.QueryRowContext(l.ctx, "SELECT count(*) FROM "+statsTable).Scan(&nSeries); err != nil {
		return err
	}
	if err := l.listSeries(st, gapsQ, "series_gaps", nSeries, func(key string, a, b series.Date, n int64) string {
		return fmt.Sprintf("%s has %s missing between %s and %s; they count as zero sales", key, words.Plural(int(n), unit), a, b)
	}, "rows are needed only for periods with sales; this is fine if the extract leaves out zeros"); err != nil {
		return err
	}
	zeroQ := fmt.Sprintf(`SELECT sku, location, channel, first, last, n, count(*) OVER () FROM %s
		WHERE total = 0 ORDER BY sku, location, channel LIMIT %d`, statsTable, l.opts.limitFor(Warning))
	return l.listSeries(st, zeroQ, "zero_series", nSeries, func(key string, a, b series.Date, n int64) string {
		return fmt.Sprintf("%s sold nothing in %s from %s to %s", key, words.Plural(int(n), "row"), a, b)
	}, "it forecasts as zero; drop it if the product is not sold there")
}

func (l *loader) listSeries(st *stage, q, code string, nSeries int64, msg func(string, series.Date, series.Date, int64) string, hint string) error {
	rows, err := l.conn.QueryContext(l.ctx, q)
	if err != nil {
		return fmt.Errorf("checking series in %s: %w", st.file, err)
	}
	defer rows.Close()
	var total, listed int64
	for rows.Next() {
		var sku, loc, ch string
		var a, b dateScan
		var n int64
		if err := rows.Scan(&sku, &loc, &ch, &a, &b, &n, &total); err != nil {
			return err
		}
		listed++
		key := fmt.Sprintf("series sku %s, location %s, channel %s", sku, loc, ch)
		l.add(Problem{Severity: Warning, Code: code, Table: st.table.Name, File: st.file, Message: msg(key, a.Date, b.Date, n), Hint: hint})
	}
	if total > listed {
		l.add(Problem{Severity: Warning, Code: code, Table: st.table.Name, File: st.file, Count: total,
			Message: fmt.Sprintf("%d of %d series in all have this; the first %d are listed", total, nSeries, listed)})
	}
	return rows.Err()
}

func (l *loader) distinctDates(st *stage) ([]series.Date, error) {
	return queryDates(l.ctx, l.conn, fmt.Sprintf(
		"SELECT DISTINCT date FROM %s WHERE date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31' ORDER BY 1", quoteIdent(st.name)))
}

// inferFreq returns the frequency whose step is the most common gap between
// consecutive distinct dates.
func inferFreq(dates []series.Date) series.Freq {
	counts := map[int]int{}
	for i := 1; i < len(dates); i++ {
		counts[int(dates[i]-dates[i-1])]++
	}
	steps := make([]int, 0, len(counts))
	for s := range counts {
		steps = append(steps, s)
	}
	sort.Ints(steps)
	best := 1
	for _, s := range steps {
		if counts[s] > counts[best] {
			best = s
		}
	}
	switch {
	case best >= 28 && best <= 31:
		return series.Monthly
	case best == 7:
		return series.Weekly
	}
	return series.Daily
}

func freqWord(f series.Freq) string {
	return map[series.Freq]string{series.Daily: "Daily", series.Weekly: "Weekly", series.Monthly: "Monthly"}[f]
}

// gridDate returns the i-th date after first on the data's grid: days and
// weeks step evenly, months keep the day of the month.
func gridDate(f series.Freq, first series.Date, i int) series.Date {
	switch f {
	case series.Weekly:
		return first + series.Date(7*i)
	case series.Monthly:
		y, m, d := first.YMD()
		return series.DateFromYMD(y, m+time.Month(i), d)
	}
	return first + series.Date(i)
}

func dateList(ds []series.Date, n int) string {
	parts := make([]string, 0, n)
	for i, d := range ds {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d more", len(ds)-n))
			break
		}
		parts = append(parts, d.String())
	}
	return strings.Join(parts, ", ")
}
