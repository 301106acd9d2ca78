package datasets

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/internal/words"
)

// Grains of the sales input: what one row is.
const (
	GrainAuto        = "auto"        // transaction lines when dates hold times or keys repeat in a day; else daily
	GrainDaily       = "daily"       // one row per day, SKU, location and channel
	GrainTransaction = "transaction" // point-of-sale lines, summed per day by the loader
)

// salesLines is the layout of point-of-sale lines: the sales columns, with
// the time of sale as text (any common form), quantities and prices that
// may be negative (returns, cancellations, adjustments), and the order and
// customer of each line. The loader sums lines into sales rows (sumLines);
// the customer ids are counted, never stored.
var salesLines = &Table{
	Name: "sales", Flag: "sales",
	Columns: []Column{
		{Name: "date", Type: Text, Required: true},
		{Name: "sku", Type: Text, Required: true},
		{Name: "location", Type: Text, Required: true},
		{Name: "channel", Type: Text, Default: "'store'"},
		{Name: "qty", Type: Float, Required: true},
		{Name: "price", Type: Float},
		{Name: "base_price", Type: Float},
		{Name: "promo", Type: Bool, Default: "false"},
		{Name: "feature", Type: Bool, Default: "false"},
		{Name: "display", Type: Bool, Default: "false"},
		{Name: "available", Type: Bool, Default: "true"},
		{Name: "order_id", Type: Text, Doc: "Order (receipt, invoice) of a transaction line; orders per day are counted from it, and an order id that starts with the cancellation prefix (C) marks a cancellation."},
		{Name: "customer_id", Type: Text, Doc: "Customer of a transaction line; distinct customers per day are counted from it, and the ids themselves are never stored."},
	},
}

// LineCounts says what the transaction lines of a sales input held.
type LineCounts struct {
	Lines         int64 `json:"lines"`          // lines read
	Rows          int64 `json:"rows"`           // daily sales rows they summed to
	Sales         int64 `json:"sales"`          // lines of units sold, summed into qty
	Returns       int64 `json:"returns"`        // negative lines, summed into returns
	Cancellations int64 `json:"cancellations"`  // lines of cancelled orders, left out
	ZeroPrice     int64 `json:"zero_price"`     // lines at price 0, left out of demand
	NegativePrice int64 `json:"negative_price"` // lines at a negative price (adjustments), left out
	ZeroQty       int64 `json:"zero_qty"`       // lines of no units, left out
	Undated       int64 `json:"undated"`        // lines whose time cannot be read: errors
}

// lineGrainError stops a daily read of sales rows that turn out to be
// transaction lines, so the load starts again summing them.
type lineGrainError struct{ why string }

func (e *lineGrainError) Error() string {
	return "reading the sales again as transaction lines: " + e.why
}

// zoneSuffix matches a time that ends in a zone: Z or an offset after the
// minutes or seconds (a bare date's -01 is no offset).
var zoneSuffix = `[0-9]:[0-9][0-9](:[0-9][0-9](\.[0-9]+)?)? ?(Z|z|[+-][0-9][0-9](:?[0-9][0-9])?)$`

// dayOf returns SQL that turns a line's time (the text column date of
// the lines l) into its business day: in the location's time zone when the
// time carries a zone and the location has one, else as written. join
// brings in the time zones (z), when any location has one.
func (l *loader) dayOf(df files.DateFormat, sniffed bool, typed string) (day, join string, err error) {
	x := "trim(l.date)"
	local := fmt.Sprintf("TRY_CAST(TRY_CAST(%s AS TIMESTAMP) AS DATE)", x)
	switch {
	case typed == "TIMESTAMP WITH TIME ZONE":
		// An instant: the location's day where it has a zone, else UTC's.
		x = "l.date"
		local = "CAST(timezone('UTC', l.date) AS DATE)"
	case typed != "":
		// A time without a zone, or a day: as written.
		return "CAST(l.date AS DATE)", "", nil
	case df.Strftime != "" && (!sniffed || df.Strftime != "%Y-%m-%d"):
		// A layout given or recognised; ISO text the cast reads falls back.
		local = fmt.Sprintf("coalesce(TRY_CAST(try_strptime(%s, %s) AS DATE), %s)", x, quoteString(df.Strftime), local)
	}
	var zoned int64
	if err := l.conn.QueryRowContext(l.ctx, "SELECT count(*) FROM "+l.zoneRelation()).Scan(&zoned); err != nil {
		return "", "", err
	}
	if zoned == 0 {
		return local, "", nil
	}
	inZone := fmt.Sprintf("TRY_CAST(timezone(z.timezone, TRY_CAST(%s AS TIMESTAMPTZ)) AS DATE)", x)
	hasZone := fmt.Sprintf("regexp_matches(%s, %s)", x, quoteString(zoneSuffix))
	if typed != "" {
		hasZone = "true"
	}
	day = fmt.Sprintf("(CASE WHEN z.timezone IS NOT NULL AND %s THEN %s ELSE %s END)", hasZone, inZone, local)
	return day, " LEFT JOIN " + l.zoneRelation() + " z ON z.location = l.location", nil
}

// sumLines turns a stage of transaction lines into daily sales rows, in
// DuckDB: units sold (positive lines at a positive price) sum into qty,
// returns (negative lines) into returns, the price paid is the
// units-weighted mean, and orders and customers are counted. Cancellations,
// lines at a zero or negative price and lines of no units are counted and
// left out of demand; a line whose time cannot be read is an error at its
// line. The rows keep the first line of their day as their position.
//
// One grouped pass over the lines does it all: the counts of each kind of
// line come from the groups, so the lines are read once.
func (l *loader) sumLines(st *stage) error {
	samples, err := l.lineDateSamples(st)
	if err != nil {
		return err
	}
	df, sniffed := files.DateFormat{}, false
	if l.opts.DateFormat != "" {
		df, _ = files.LookupDateFormat(l.opts.DateFormat)
	} else if len(samples) > 0 {
		var ambiguous bool
		df, ambiguous = files.SniffDateFormat(samples)
		sniffed = true
		if ambiguous {
			l.add(Problem{Severity: Warning, Code: "ambiguous_dates", Table: Sales.Name, File: st.file, Column: st.column("date"),
				Message: "every sampled time fits both day/month/year and month/day/year; reading them as day/month/year",
				Hint:    "pass --date-format '%m/%d/%Y %H:%M' if months come first"})
		}
	}
	prefix := l.opts.CancelPrefix
	if prefix == "" {
		prefix = "C"
	}
	cancelled := "false"
	_, hasOrders := st.source["order_id"]
	_, hasCustomers := st.source["customer_id"]
	if hasOrders {
		cancelled = fmt.Sprintf("starts_with(l.order_id, %s)", quoteString(prefix))
	}
	kind := fmt.Sprintf(`CASE
			WHEN l.qty < 0 AND %s THEN 'c'
			WHEN l.price < 0 THEN 'n'
			WHEN l.qty < 0 THEN 'r'
			WHEN l.qty = 0 THEN 'q'
			WHEN l.price = 0 THEN 'z'
			ELSE 's' END`, cancelled)
	day, join, err := l.dayOf(df, sniffed, st.dateType)
	if err != nil {
		return err
	}
	orders, customers := "CAST(NULL AS BIGINT)", "CAST(NULL AS BIGINT)"
	if hasOrders {
		orders = "count(DISTINCT order_id) FILTER (WHERE _kind = 's')"
	}
	if hasCustomers {
		customers = "count(DISTINCT customer_id) FILTER (WHERE _kind = 's')"
	}
	var kindAggs []string
	for _, k := range lineKinds {
		kindAggs = append(kindAggs, fmt.Sprintf("count(*) FILTER (WHERE _kind = '%[1]s') AS _n_%[1]s, min(_lpos) FILTER (WHERE _kind = '%[1]s') AS _f_%[1]s", k.tag))
	}
	groups := st.name + "_groups"
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %[1]s AS
		SELECT _day AS date, sku, location, channel,
		       coalesce(sum(qty) FILTER (WHERE _kind = 's'), 0) AS qty,
		       sum(qty * price) FILTER (WHERE _kind = 's') / nullif(sum(qty) FILTER (WHERE _kind = 's' AND price IS NOT NULL), 0) AS price,
		       max(base_price) AS base_price, coalesce(bool_or(promo), false) AS promo,
		       coalesce(bool_or(feature), false) AS feature, coalesce(bool_or(display), false) AS display,
		       coalesce(-sum(qty) FILTER (WHERE _kind = 'r'), 0) AS returns,
		       %[2]s AS orders, %[3]s AS customers, coalesce(bool_and(available), true) AS available,
		       min(_lpos) FILTER (WHERE _kind IN ('s', 'r')) AS _pos, count(*) AS _lines, %[4]s
		FROM (SELECT l.*, %[5]s AS _day, %[6]s AS _kind, %[7]s AS _lpos FROM %[8]s l%[9]s)
		GROUP BY _day, sku, location, channel`,
		quoteIdent(groups), orders, customers, strings.Join(kindAggs, ", "), day, kind, st.pos, quoteIdent(st.name), join)
	if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
		return fmt.Errorf("summing the transaction lines of %s: %w", st.file, err)
	}

	// Each kind of line, counted, with its first line.
	counts := &LineCounts{Lines: st.rows}
	var undated int64
	n := make([]int64, len(lineKinds))
	first := make([]int64, len(lineKinds))
	dest := []any{&undated}
	var totals []string
	for i, k := range lineKinds {
		totals = append(totals, fmt.Sprintf("coalesce(sum(_n_%[1]s), 0), coalesce(min(_f_%[1]s), -1)", k.tag))
		dest = append(dest, &n[i], &first[i])
	}
	q = fmt.Sprintf("SELECT coalesce(sum(_lines) FILTER (WHERE date IS NULL), 0), %s FROM %s", strings.Join(totals, ", "), quoteIdent(groups))
	if err := l.conn.QueryRowContext(l.ctx, q).Scan(dest...); err != nil {
		return err
	}
	counts.Undated = undated
	for i, k := range lineKinds {
		*k.count(counts) = n[i]
		if k.code == "" || n[i] == 0 {
			continue
		}
		what := "1 " + k.one
		if n[i] > 1 {
			what = words.Commas(n[i]) + " " + k.many
		}
		note := k.note
		if k.tag == "c" {
			note = fmt.Sprintf(note, prefix)
		}
		l.addAt(st, first[i], -1, Problem{Severity: Warning, Code: k.code, Count: n[i],
			Message: fmt.Sprintf("%s%s left out of demand; the first is here", what, note),
			Hint:    "such lines are counted, not loaded"})
	}
	switch {
	case undated > 0 && undated == st.rows:
		// Not one time reads: one sentence, not a list of every line.
		example := ""
		if len(samples) > 0 {
			example = fmt.Sprintf(" (such as %q)", samples[0])
		}
		l.add(Problem{Severity: Error, Code: "unparseable_date", Table: Sales.Name, File: st.file, Column: st.column("date"), Count: undated,
			Message: fmt.Sprintf("no time in the column can be read%s", example),
			Hint:    "pass --date-format with the column's layout, such as '%d/%m/%Y %H:%M' or '%m/%d/%Y %I:%M %p'"})
	case undated > 0:
		// Only now are the lines read again, to name them.
		if err := l.listUndated(st, day, join, undated); err != nil {
			return err
		}
	}

	// The daily rows: days that sold or took returns.
	var keep []string
	for _, c := range Sales.Columns {
		keep = append(keep, quoteIdent(c.Name))
	}
	drop := "DROP TABLE " + quoteIdent(st.name)
	if st.view {
		drop = "DROP VIEW " + quoteIdent(st.name)
	}
	for _, q := range []string{drop,
		fmt.Sprintf("CREATE TABLE %s AS SELECT %s, _pos FROM %s WHERE date IS NOT NULL AND _pos IS NOT NULL", quoteIdent(st.name), strings.Join(keep, ", "), quoteIdent(groups)),
		"DROP TABLE " + quoteIdent(groups)} {
		if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
			return fmt.Errorf("summing the transaction lines of %s: %w", st.file, err)
		}
	}
	if err := l.conn.QueryRowContext(l.ctx, "SELECT count(*) FROM "+quoteIdent(st.name)).Scan(&counts.Rows); err != nil {
		return err
	}
	st.table, st.pos, st.copyOut, st.lines, st.view = Sales, "_pos", true, counts, false
	// The rows an input gave the table are the daily rows; a glob of
	// transaction files cannot tell them apart by file, so its first file
	// carries them.
	st.rows = counts.Rows
	for i, p := range st.parts {
		p.rows = 0
		if i == 0 {
			p.rows = counts.Rows
		}
	}
	return nil
}

// lineKinds are the kinds of transaction line, by the tag sumLines gives
// them; those with a code are left out of demand and reported.
var lineKinds = []struct {
	tag, code, one, many, note string
	count                      func(*LineCounts) *int64
}{
	{"s", "", "", "", "", func(c *LineCounts) *int64 { return &c.Sales }},
	{"r", "", "", "", "", func(c *LineCounts) *int64 { return &c.Returns }},
	{"c", "cancelled_lines", "cancelled line", "cancelled lines", " (negative, of an order id starting with %s)", func(c *LineCounts) *int64 { return &c.Cancellations }},
	{"z", "zero_price_lines", "line at price 0", "lines at price 0", " (samples, gifts, write-offs)", func(c *LineCounts) *int64 { return &c.ZeroPrice }},
	{"n", "negative_price_lines", "line at a negative price", "lines at a negative price", " (adjustments such as bad debt)", func(c *LineCounts) *int64 { return &c.NegativePrice }},
	{"q", "zero_qty_lines", "line of no units", "lines of no units", "", func(c *LineCounts) *int64 { return &c.ZeroQty }},
}

// listUndated reports the lines whose time cannot be read, by line.
func (l *loader) listUndated(st *stage, day, join string, undated int64) error {
	limit := l.opts.maxPerCheck()
	rows, err := l.conn.QueryContext(l.ctx, fmt.Sprintf(
		`SELECT %s AS pos, coalesce(l.date, '') FROM %s l%s WHERE %s IS NULL ORDER BY pos LIMIT %d`, st.pos, quoteIdent(st.name), join, day, limit))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pos int64
		var v string
		if err := rows.Scan(&pos, &v); err != nil {
			return err
		}
		p := Problem{Severity: Error, Code: "unparseable_date", Column: st.column("date"), Value: v,
			Message: fmt.Sprintf("%q is not a date or a time", v),
			Hint:    "write times as YYYY-MM-DD HH:MM:SS (a T, seconds, fractions and a zone may follow), or pass --date-format with the file's layout, such as %d/%m/%Y %H:%M"}
		if strings.TrimSpace(v) == "" {
			p.Code, p.Message, p.Hint = "missing_value", "the value is empty", "every sales line needs a date"
		}
		l.addAt(st, pos, -1, p)
	}
	if undated > int64(limit) {
		l.add(Problem{Severity: Error, Code: "unparseable_date", Table: Sales.Name, File: st.file, Column: st.column("date"), Count: undated,
			Message: fmt.Sprintf("%d lines in all have a time that cannot be read; the first %d are listed", undated, limit)})
	}
	return rows.Err()
}

var timeOfDay = regexp.MustCompile(`[0-9]:[0-5][0-9]`)

// holdsTimes says whether sampled dates carry a time of day.
func holdsTimes(samples []string) bool {
	for _, s := range samples {
		if timeOfDay.MatchString(s) && strings.ContainsAny(strings.TrimSpace(s), " T") {
			return true
		}
	}
	return false
}

// timesIn says why a sales file's dates look like transaction times, or
// "" when they look like days.
func (l *loader) timesIn(in *inputFile, cols []colSource) string {
	const why = "its dates hold times of day"
	var samples []string
	switch in.format {
	case files.Parquet:
		for _, cs := range cols {
			if cs.index < 0 || cs.canon.Name != "date" {
				continue
			}
			src := quoteIdent(in.header[cs.index])
			var timed bool
			q := fmt.Sprintf(`SELECT coalesce(bool_or(typeof(%[1]s) LIKE 'TIMESTAMP%%' AND CAST(%[1]s AS TIME) <> TIME '00:00:00'), false)
				FROM (SELECT %[1]s FROM %[2]s WHERE %[1]s IS NOT NULL LIMIT %[3]d)`, src, in.relation(), sampleRows)
			if err := l.conn.QueryRowContext(l.ctx, q).Scan(&timed); err == nil && timed {
				return why
			}
		}
		samples = l.relationDateSamples(in, cols, in.relation())
	default:
		samples = l.dateSamples(in, cols)
	}
	if holdsTimes(samples) {
		return why
	}
	return ""
}

// checkGrain finds, in a sales stage read as daily rows, what only
// transaction lines hold: keys repeated within a day of one file. Under
// the automatic grain the load then starts again, reading lines.
func (l *loader) checkGrain(st *stage) error {
	if st.table != Sales || l.grain.lines || l.opts.M5 != nil || l.opts.Grain == GrainDaily {
		return nil
	}
	dups, err := l.salesDuplicateCount(st)
	if err != nil {
		return err
	}
	all := dups
	st.dups = &all // the duplicate check reuses the count
	if dups > 0 && st.parts != nil {
		// Files that send the same day again (overlapping extracts in one
		// glob) are not transaction lines: summing them would double the
		// day. Only keys repeated within a file say lines.
		q := fmt.Sprintf(`SELECT count(*) - count(DISTINCT (date, sku, location, channel, (%s) >> %d)) FROM %s`, st.pos, partShift, quoteIdent(st.name))
		if err := l.conn.QueryRowContext(l.ctx, q).Scan(&dups); err != nil {
			return err
		}
	}
	if dups > 0 {
		return &lineGrainError{why: fmt.Sprintf("%s a date, sku, location and channel", rowsVerb(dups, "repeats", "repeat"))}
	}
	return nil
}

// rowsVerb says "1 row repeats" or "12 rows repeat".
func rowsVerb(n int64, one, many string) string {
	if n == 1 {
		return rowsCount(n) + " " + one
	}
	return rowsCount(n) + " " + many
}

// rowsCount says "1 row" or "1,200 rows".
func rowsCount(n int64) string {
	if n == 1 {
		return "1 row"
	}
	return words.Commas(n) + " rows"
}

// zoneRelation lists each location's valid time zone: from the locations
// file being loaded, else from the database.
func (l *loader) zoneRelation() string {
	src := "locations"
	if st, ok := l.staged["locations"]; ok {
		src = quoteIdent(st.name)
	}
	return fmt.Sprintf("(SELECT location, timezone FROM %s WHERE timezone IN (SELECT name FROM pg_timezone_names()))", src)
}

// lineDateSamples returns the first times of a stage of lines, as text.
func (l *loader) lineDateSamples(st *stage) ([]string, error) {
	if st.dateType != "" {
		return nil, nil
	}
	rows, err := l.conn.QueryContext(l.ctx, fmt.Sprintf(
		"SELECT trim(date) FROM %s WHERE date IS NOT NULL AND trim(date) <> '' LIMIT %d", quoteIdent(st.name), sampleRows))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
