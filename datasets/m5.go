package datasets

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/planner-engine/planner/datasets/files"
)

// The M5 competition's wide format keeps one row per item and store with a
// column per day (d_1 .. d_N); calendar.csv maps each d_N to a date and a
// Walmart week (wm_yr_wk), and sell_prices.csv gives a price per store,
// item and week. stageM5 turns the three files into the canonical sales,
// products, locations, events and prices tables.

var dayColumn = regexp.MustCompile(`^d_[0-9]+$`)

const (
	m5Wide     = "planner_m5_wide"
	m5Calendar = "planner_m5_calendar"
	m5Prices   = "planner_m5_prices"
)

func (l *loader) stageM5(m5 M5Files) error {
	began := time.Now()
	// Positions of the wide rows come from row order.
	if _, err := l.conn.ExecContext(l.ctx, "SET preserve_insertion_order = true"); err != nil {
		return err
	}
	in, err := openInput(l.ctx, l.conn, m5.Sales)
	if err != nil {
		l.fileProblem(Sales, m5.Sales, problemCode(err), err)
		return nil
	}
	if in.format == files.XLSX {
		l.fileProblem(Sales, m5.Sales, "unsupported_format", fmt.Errorf("the M5 sales file is read as CSV (plain or gzip), as the competition gives it, or Parquet; a sheet cannot hold its day columns"))
		return nil
	}
	has := map[string]bool{}
	var days []string
	for _, h := range in.header {
		has[h] = true
		if dayColumn.MatchString(h) {
			days = append(days, h)
		}
	}
	ok := true
	for _, need := range []string{"item_id", "store_id"} {
		if !has[need] {
			l.add(Problem{Severity: Error, Code: "missing_column", Table: Sales.Name, File: m5.Sales, Column: need,
				Message: fmt.Sprintf("the M5 sales file has no %s column", need),
				Hint:    "the wide format needs id,item_id,dept_id,cat_id,store_id,state_id,d_1..d_N"})
			ok = false
		}
	}
	if len(days) == 0 {
		l.add(Problem{Severity: Error, Code: "missing_column", Table: Sales.Name, File: m5.Sales, Column: "d_1",
			Message: "the M5 sales file has no day columns (d_1, d_2, ...)", Hint: "is this the long format? drop --format m5"})
		ok = false
	}
	if !ok {
		l.failed[Sales.Name] = true
		return nil
	}

	// The wide file, typed: day columns as numbers, the rest as text.
	names := make([]string, len(in.header))
	var spec []string
	for i, h := range in.header {
		names[i] = h
		typ := "VARCHAR"
		if dayColumn.MatchString(h) {
			typ = "DOUBLE"
		}
		spec = append(spec, fmt.Sprintf("%s: '%s'", quoteString(h), typ))
	}
	salesStage := &stage{table: Sales, file: m5.Sales, name: "planner_stage_sales", pos: "_pos",
		posCol: map[string]string{"qty": "_src_col", "date": "_src_col", "price": "_src_col"},
		source: map[string]string{"sku": "item_id", "location": "store_id", "qty": "d_N", "date": "d_N"},
		where:  "line", copyOut: true, sum: auditAsync(m5.Sales, false)}
	if in.format == files.Parquet {
		// Typed by the file; a day's value that is not a number is left
		// empty, and refused as a missing quantity at its row.
		cols := make([]string, len(in.header))
		for i, h := range in.header {
			cols[i] = fmt.Sprintf("CAST(%s AS VARCHAR) AS %s", quoteIdent(h), quoteIdent(h))
			if dayColumn.MatchString(h) {
				cols[i] = fmt.Sprintf("TRY_CAST(%s AS DOUBLE) AS %s", quoteIdent(h), quoteIdent(h))
			}
		}
		q := fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s AS SELECT %s, file_row_number + 1 AS _pos FROM %s ORDER BY _pos",
			m5Wide, strings.Join(cols, ", "), in.parquetRelation(true))
		if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
			l.fileProblem(Sales, m5.Sales, "unreadable_file", fmt.Errorf("cannot be read to its end as a Parquet file: it is damaged or cut short; export it again"))
			return nil
		}
		salesStage.where = "row"
	} else {
		for _, q := range []string{"DROP TABLE IF EXISTS " + rejectsTable, "DROP TABLE IF EXISTS " + rejectsScans} {
			if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
				return err
			}
		}
		q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS SELECT * FROM read_csv(%s, header = true, auto_detect = false,
			delim = %s, quote = '"', escape = '"', columns = {%s}, nullstr = ['', 'NA'], store_rejects = true, rejects_limit = 0,
			rejects_table = %s, rejects_scan = %s)`,
			m5Wide, quoteString(m5.Sales), quoteString(string(in.delim)), strings.Join(spec, ", "),
			quoteString(rejectsTable), quoteString(rejectsScans))
		if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
			l.fileProblem(Sales, m5.Sales, "unreadable_file", fmt.Errorf("cannot be read as CSV: check that its separator, quotes and encoding (UTF-8) are consistent throughout"))
			return nil
		}
		rejected, err := l.collectRejects(salesStage, in, names)
		if err != nil {
			return err
		}
		salesStage.locate = files.CSVLocator(m5.Sales, in.delim, rejected)
		if err := l.addPosition(m5Wide); err != nil {
			return err
		}
	}

	// The calendar.
	cal, err := openInput(l.ctx, l.conn, m5.Calendar)
	if err != nil {
		l.fileProblem(Events, m5.Calendar, problemCode(err), err)
		l.failed[Sales.Name] = true
		return nil
	}
	calHas := map[string]bool{}
	for _, h := range cal.header {
		calHas[h] = true
	}
	for _, need := range []string{"date", "d", "wm_yr_wk"} {
		if !calHas[need] {
			l.add(Problem{Severity: Error, Code: "missing_column", Table: Events.Name, File: m5.Calendar, Column: need,
				Message: fmt.Sprintf("the M5 calendar has no %s column", need), Hint: "it needs at least date, wm_yr_wk and d"})
			ok = false
		}
	}
	if !ok {
		l.failed[Sales.Name] = true
		return nil
	}
	if err := l.textTable(cal, m5Calendar); err != nil {
		var fe *files.Error
		if errors.As(err, &fe) {
			l.fileProblem(Events, m5.Calendar, fe.Code, fe)
			l.failed[Sales.Name] = true
			return nil
		}
		return err
	}
	var calLocate func([]int64) (map[int64]int64, error)
	calWhere := "row"
	if cal.format == files.CSV {
		calLocate, calWhere = files.CSVLocator(m5.Calendar, cal.delim, nil), "line"
	}
	var badDates int64
	rows, err := l.conn.QueryContext(l.ctx, fmt.Sprintf(
		"SELECT _pos, date FROM %s WHERE TRY_CAST(date AS DATE) IS NULL ORDER BY _pos LIMIT %d", m5Calendar, l.opts.maxPerCheck()))
	if err != nil {
		return err
	}
	calStage := &stage{table: Events, file: m5.Calendar, pos: "_pos", where: calWhere, locate: calLocate}
	for rows.Next() {
		var pos int64
		var v string
		if err := rows.Scan(&pos, &v); err != nil {
			rows.Close()
			return err
		}
		badDates++
		l.addAt(calStage, pos, -1, Problem{Severity: Error, Code: "unparseable_date", Column: "date", Value: v,
			Message: fmt.Sprintf("%q is not a date", v), Hint: "the M5 calendar writes dates as YYYY-MM-DD"})
	}
	rows.Close()
	if badDates > 0 {
		l.failed[Sales.Name] = true
		return nil
	}
	// Day columns the calendar does not know cannot be dated.
	var unknownDays []string
	known := map[string]bool{}
	rows, err = l.conn.QueryContext(l.ctx, "SELECT d FROM "+m5Calendar)
	if err != nil {
		return err
	}
	for rows.Next() {
		var d string
		rows.Scan(&d)
		known[d] = true
	}
	rows.Close()
	for _, d := range days {
		if !known[d] {
			unknownDays = append(unknownDays, d)
		}
	}
	if len(unknownDays) > 0 {
		l.add(Problem{Severity: Error, Code: "unknown_day", Table: Sales.Name, File: m5.Sales, Line: 1, Where: "line",
			Column: unknownDays[0], Count: int64(len(unknownDays)),
			Message: fmt.Sprintf("%d day columns are not in %s: %s", len(unknownDays), m5.Calendar, truncateList(strings.Join(unknownDays, ", "), 5)),
			Hint:    "use the calendar that comes with the sales file"})
		l.failed[Sales.Name] = true
		return nil
	}

	// Prices per store, item and week.
	priceJoin := "NULL"
	priceFrom := ""
	if m5.Prices != "" {
		pin, err := openInput(l.ctx, l.conn, m5.Prices)
		if err != nil {
			l.fileProblem(Prices, m5.Prices, problemCode(err), err)
		} else if err := l.stageM5Prices(m5.Prices, pin); err != nil {
			return err
		} else if !l.failed[Prices.Name] {
			priceJoin = "p.sell_price"
			priceFrom = fmt.Sprintf(" LEFT JOIN %s p ON p.store_id = u.store_id AND p.item_id = u.item_id AND p.wm_yr_wk = c.wm_yr_wk", m5Prices)
		}
	}

	dayList := make([]string, len(days))
	for i, d := range days {
		dayList[i] = quoteIdent(d)
	}
	q := fmt.Sprintf(`CREATE TABLE planner_stage_sales AS
		SELECT CAST(c.date AS DATE) AS date, u.item_id AS sku, u.store_id AS location, 'store' AS channel,
		       CAST(u.qty AS DOUBLE) AS qty, CAST(%s AS DOUBLE) AS price, CAST(NULL AS DOUBLE) AS base_price,
		       false AS promo, false AS feature, false AS display, 0.0 AS returns, CAST(NULL AS BIGINT) AS orders,
		       CAST(NULL AS BIGINT) AS customers, true AS available, u._pos, u._src_col
		FROM (SELECT _pos, item_id, store_id, _src_col, qty FROM (SELECT _pos, item_id, store_id, %s FROM %s)
		      UNPIVOT INCLUDE NULLS (qty FOR _src_col IN (%s))) u
		JOIN (SELECT d, date, wm_yr_wk FROM %s) c ON c.d = u._src_col%s`,
		priceJoin, strings.Join(dayList, ", "), m5Wide, strings.Join(dayList, ", "), m5Calendar, priceFrom)
	if _, err := l.conn.ExecContext(l.ctx, "DROP TABLE IF EXISTS planner_stage_sales"); err != nil {
		return err
	}
	if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
		return fmt.Errorf("reshaping %s: %w", m5.Sales, err)
	}
	if err := l.addStage(salesStage, began); err != nil {
		return err
	}

	// Products and locations come from the id columns of the wide file.
	col := func(name string) string {
		if has[name] {
			return quoteIdent(name)
		}
		return "NULL"
	}
	products := &stage{table: Products, file: m5.Sales, name: "planner_stage_products", pos: "_pos", where: salesStage.where,
		source: map[string]string{"sku": "item_id", "department": "dept_id", "category": "cat_id"},
		locate: salesStage.locate, copyOut: true}
	q = fmt.Sprintf(`CREATE TABLE planner_stage_products AS SELECT item_id AS sku, CAST(NULL AS VARCHAR) AS name,
			%s AS category, %s AS department, CAST(NULL AS VARCHAR) AS brand, CAST(NULL AS DOUBLE) AS unit_cost,
			CAST(NULL AS DOUBLE) AS unit_price, CAST(1 AS DOUBLE) AS pack_size, CAST(NULL AS DOUBLE) AS unit_volume, CAST(NULL AS BIGINT) AS shelf_life_days,
			CAST(NULL AS DATE) AS launch_date, CAST(NULL AS DATE) AS end_date, CAST(NULL AS VARCHAR) AS price_family,
			CAST(NULL AS DOUBLE) AS size, CAST(NULL AS DOUBLE) AS min_price, CAST(NULL AS DOUBLE) AS max_price,
			CAST(NULL AS VARCHAR) AS planner, CAST(1 AS DOUBLE) AS facing_width, CAST(1 AS BIGINT) AS min_facings,
			CAST(NULL AS VARCHAR) AS price_tier, CAST(NULL AS VARCHAR) AS subcategory, min(_pos) AS _pos
		FROM %s WHERE item_id IS NOT NULL GROUP BY ALL ORDER BY _pos`, col("cat_id"), col("dept_id"), m5Wide)
	if err := l.createStage(products, q, began); err != nil {
		return err
	}
	locations := &stage{table: Locations, file: m5.Sales, name: "planner_stage_locations", pos: "_pos", where: salesStage.where,
		source: map[string]string{"location": "store_id", "region": "state_id"}, locate: salesStage.locate, copyOut: true}
	q = fmt.Sprintf(`CREATE TABLE planner_stage_locations AS SELECT store_id AS location, CAST(NULL AS VARCHAR) AS name,
			'store' AS type, %s AS region, CAST(NULL AS VARCHAR) AS dc, CAST(NULL AS DOUBLE) AS capacity, 'units' AS capacity_unit, CAST(NULL AS VARCHAR) AS zone, CAST(NULL AS DOUBLE) AS handling_cost,
			CAST(NULL AS DOUBLE) AS throughput, CAST(NULL AS VARCHAR) AS timezone, min(_pos) AS _pos
		FROM %s WHERE store_id IS NOT NULL GROUP BY ALL ORDER BY _pos`, col("state_id"), m5Wide)
	if err := l.createStage(locations, q, began); err != nil {
		return err
	}

	// Events: named events and, per state, SNAP days.
	var parts []string
	for _, k := range []string{"1", "2"} {
		if calHas["event_name_"+k] {
			kind := "'event'"
			if calHas["event_type_"+k] {
				kind = "lower(event_type_" + k + ")"
			}
			parts = append(parts, fmt.Sprintf("SELECT CAST(date AS DATE) AS date, event_name_%s AS event, %s AS kind, '*' AS region, _pos FROM %s WHERE event_name_%s IS NOT NULL",
				k, kind, m5Calendar, k))
		}
	}
	for _, h := range cal.header {
		if state, ok := strings.CutPrefix(h, "snap_"); ok {
			parts = append(parts, fmt.Sprintf("SELECT CAST(date AS DATE), 'SNAP', 'snap', %s, _pos FROM %s WHERE %s = '1'",
				quoteString(state), m5Calendar, quoteIdent(h)))
		}
	}
	if len(parts) > 0 {
		events := &stage{table: Events, file: m5.Calendar, name: "planner_stage_events", pos: "_pos", where: calWhere,
			source: map[string]string{"event": "event_name_1", "kind": "event_type_1"}, locate: calLocate, copyOut: true,
			sum: auditAsync(m5.Calendar, false)}
		q = "CREATE TABLE planner_stage_events AS " + strings.Join(parts, " UNION ALL ") + " ORDER BY _pos"
		if err := l.createStage(events, q, began); err != nil {
			return err
		}
	}
	return nil
}

// stageM5Prices reads sell_prices.csv and stages it as the price list: one
// row per item, store and week, from the week's first to its last day.
func (l *loader) stageM5Prices(path string, in *inputFile) error {
	has := map[string]bool{}
	for _, h := range in.header {
		has[h] = true
	}
	for _, need := range []string{"store_id", "item_id", "wm_yr_wk", "sell_price"} {
		if !has[need] {
			l.add(Problem{Severity: Error, Code: "missing_column", Table: Prices.Name, File: path, Column: need,
				Message: fmt.Sprintf("the M5 price file has no %s column", need), Hint: "it needs store_id,item_id,wm_yr_wk,sell_price"})
			l.failed[Prices.Name] = true
		}
	}
	if l.failed[Prices.Name] {
		return nil
	}
	st := &stage{table: Prices, file: path, name: "planner_stage_prices", pos: "_pos", where: "line", copyOut: true,
		source: map[string]string{"sku": "item_id", "location": "store_id", "price": "sell_price", "start_date": "wm_yr_wk"},
		sum:    auditAsync(path, false)}
	if in.format != files.CSV {
		// Parquet and XLSX: read as text, then typed; a price that is not a
		// number is left empty, and refused as a missing price.
		st.where = "row"
		if err := l.textTable(in, m5Prices+"_text"); err != nil {
			var fe *files.Error
			if errors.As(err, &fe) {
				l.fileProblem(Prices, path, fe.Code, fe)
				return nil
			}
			return err
		}
		q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS SELECT store_id, item_id, wm_yr_wk, TRY_CAST(sell_price AS DOUBLE) AS sell_price, _pos FROM %s`,
			m5Prices, m5Prices+"_text")
		if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
			return err
		}
		return l.stageM5PriceList(st)
	}
	for _, q := range []string{"DROP TABLE IF EXISTS " + rejectsTable, "DROP TABLE IF EXISTS " + rejectsScans} {
		if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
			return err
		}
	}
	var spec []string
	for _, h := range in.header {
		typ := "VARCHAR"
		if h == "sell_price" {
			typ = "DOUBLE"
		}
		spec = append(spec, fmt.Sprintf("%s: '%s'", quoteString(h), typ))
	}
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS SELECT * FROM read_csv(%s, header = true, auto_detect = false,
		delim = %s, quote = '"', escape = '"', columns = {%s}, nullstr = ['', 'NA'], store_rejects = true, rejects_limit = 0,
		rejects_table = %s, rejects_scan = %s)`,
		m5Prices, quoteString(path), quoteString(string(in.delim)), strings.Join(spec, ", "),
		quoteString(rejectsTable), quoteString(rejectsScans))
	if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
		l.fileProblem(Prices, path, "unreadable_file", fmt.Errorf("cannot be read as CSV: check that its separator, quotes and encoding (UTF-8) are consistent throughout"))
		return nil
	}
	rejected, err := l.collectRejects(st, in, in.header)
	if err != nil {
		return err
	}
	st.locate = files.CSVLocator(path, in.delim, rejected)
	if err := l.addPosition(m5Prices); err != nil {
		return err
	}
	return l.stageM5PriceList(st)
}

// stageM5PriceList turns the weekly prices into the price list.
func (l *loader) stageM5PriceList(st *stage) error {
	q := fmt.Sprintf(`CREATE TABLE planner_stage_prices AS
		SELECT p.item_id AS sku, coalesce(p.store_id, '*') AS location, w.first AS start_date, w.last AS end_date,
		       p.sell_price AS price, p._pos
		FROM %s p LEFT JOIN (SELECT wm_yr_wk, min(CAST(date AS DATE)) AS first, max(CAST(date AS DATE)) AS last
		                     FROM %s GROUP BY ALL) w USING (wm_yr_wk)
		ORDER BY _pos`, m5Prices, m5Calendar)
	return l.createStage(st, q, time.Now())
}

// addPosition adds _pos, each row's place in the table counted from 0.
// Rows written inside a transaction have row ids counted from a large base,
// so the base is subtracted.
func (l *loader) addPosition(table string) error {
	var base int64
	if err := l.conn.QueryRowContext(l.ctx, "SELECT coalesce(min(rowid), 0) FROM "+table).Scan(&base); err != nil {
		return err
	}
	q := fmt.Sprintf("ALTER TABLE %s ADD COLUMN _pos BIGINT; UPDATE %s SET _pos = rowid - %d", table, table, base)
	_, err := l.conn.ExecContext(l.ctx, q)
	return err
}

func (l *loader) createStage(st *stage, q string, began time.Time) error {
	if _, err := l.conn.ExecContext(l.ctx, "DROP TABLE IF EXISTS "+quoteIdent(st.name)); err != nil {
		return err
	}
	if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
		return fmt.Errorf("staging %s from %s: %w", st.table.Name, st.file, err)
	}
	return l.addStage(st, began)
}

func (l *loader) addStage(st *stage, began time.Time) error {
	if err := l.conn.QueryRowContext(l.ctx, "SELECT count(*) FROM "+quoteIdent(st.name)).Scan(&st.rows); err != nil {
		return err
	}
	st.seconds = time.Since(began).Seconds()
	l.staged[st.table.Name] = st
	l.order = append(l.order, st)
	l.log.Debug("read", "table", st.table.Name, "file", st.file, "rows", st.rows, "seconds", round3(st.seconds))
	return nil
}

// textTable reads a file of any format into a temporary table of text
// columns named as in the file, with _pos, each row's position as problems
// give it (a CSV record from 0, which the locator turns into a line; a
// Parquet row from 1; a sheet's row), for the M5 calendar and prices.
func (l *loader) textTable(in *inputFile, name string) error {
	var q string
	switch in.format {
	case files.CSV:
		q = fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS SELECT * FROM read_csv(%s, header = true, all_varchar = true, delim = %s)`,
			name, quoteString(in.path), quoteString(string(in.delim)))
	case files.Parquet:
		cols := make([]string, len(in.header))
		for i, h := range in.header {
			cols[i] = fmt.Sprintf("CAST(%s AS VARCHAR) AS %s", quoteIdent(h), quoteIdent(h))
		}
		q = fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS SELECT %s, file_row_number + 1 AS _pos FROM %s`,
			name, strings.Join(cols, ", "), in.parquetRelation(true))
	case files.XLSX:
		var ddl strings.Builder
		fmt.Fprintf(&ddl, "CREATE OR REPLACE TEMP TABLE %s (_pos BIGINT", name)
		isDate := make([]bool, len(in.header))
		for i, h := range in.header {
			fmt.Fprintf(&ddl, ", %s VARCHAR", quoteIdent(h))
			isDate[i] = strings.EqualFold(h, "date")
		}
		ddl.WriteString(")")
		if _, err := l.conn.ExecContext(l.ctx, ddl.String()); err != nil {
			return err
		}
		return l.appendSheet(name, in, isDate)
	}
	if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
		return unreadable(in)
	}
	if in.format == files.CSV {
		return l.addPosition(name)
	}
	return nil
}
