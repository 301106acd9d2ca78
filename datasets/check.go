package datasets

import (
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/planner-engine/planner/internal/words"
)

// rowCheck is a condition a row must not meet. Rows that meet it become
// problems at their positions.
type rowCheck struct {
	sev    Severity
	code   string
	column string // canonical column the problem is reported in; "" for the row
	cond   string // SQL over the stage's columns
	value  string // SQL: the value shown, as text
	msg    func(value string) string
	hint   string
}

func (l *loader) checkAll() error {
	for _, st := range l.order {
		if err := l.checkGrain(st); err != nil {
			return err
		}
	}
	for _, st := range l.order {
		checks := l.columnChecks(st)
		checks = append(checks, l.referenceChecks(st)...)
		checks = append(checks, l.crossTableChecks(st)...)
		if err := l.runRowChecks(st, checks); err != nil {
			return err
		}
		if err := l.checkDuplicates(st); err != nil {
			return err
		}
		if st.table == Sales {
			if err := l.checkSalesSeries(st); err != nil {
				return err
			}
		}
	}
	return l.checkOrphans()
}

// columnChecks derives the checks every row of a table must pass from the
// schema: required values, numeric bounds, allowed values and date order.
func (l *loader) columnChecks(st *stage) []rowCheck {
	t := st.table
	var checks []rowCheck
	for _, c := range t.Columns {
		col := quoteIdent(c.Name)
		asText := "CAST(" + col + " AS VARCHAR)"
		if c.Required {
			checks = append(checks, rowCheck{sev: Error, code: "missing_value", column: c.Name,
				cond: col + " IS NULL", value: "''",
				msg:  func(string) string { return "the value is empty" },
				hint: fmt.Sprintf("every %s row needs a %s", t.Name, c.Name)})
		}
		if c.Type == Float {
			checks = append(checks, rowCheck{sev: Error, code: "not_finite", column: c.Name,
				cond: fmt.Sprintf("(isnan(%s) OR isinf(%s))", col, col), value: asText,
				msg:  func(v string) string { return fmt.Sprintf("%s is not a finite number", v) },
				hint: "use a plain number"})
		}
		if c.Type == Float || c.Type == Int {
			finite := fmt.Sprintf("NOT (isnan(%s::DOUBLE) OR isinf(%s::DOUBLE))", col, col)
			switch c.Bound {
			case NonNegative:
				checks = append(checks, rowCheck{sev: Error, code: "negative_value", column: c.Name,
					cond: col + " < 0 AND " + finite, value: asText,
					msg:  func(v string) string { return fmt.Sprintf("%s is negative", v) },
					hint: fmt.Sprintf("%s must be zero or more", c.Name)})
			case Positive:
				checks = append(checks, rowCheck{sev: Error, code: "not_positive", column: c.Name,
					cond: col + " <= 0 AND " + finite, value: asText,
					msg:  func(v string) string { return fmt.Sprintf("%s is not more than zero", v) },
					hint: fmt.Sprintf("%s must be more than zero; leave it empty if unknown", c.Name)})
			case Fraction:
				checks = append(checks, rowCheck{sev: Error, code: "out_of_range", column: c.Name,
					cond: fmt.Sprintf("(%s < 0 OR %s >= 1) AND %s", col, col, finite), value: asText,
					msg:  func(v string) string { return fmt.Sprintf("%s is not between 0 and 1", v) },
					hint: "give it as a fraction: 0.2 for 20% off"})
			}
			if limit := c.Limit(); c.Bound != Fraction {
				checks = append(checks, rowCheck{sev: Error, code: "implausible_value", column: c.Name,
					cond: fmt.Sprintf("abs(%s::DOUBLE) > %s AND %s", col, strconv.FormatFloat(limit, 'f', -1, 64), finite), value: asText,
					msg: func(v string) string {
						if x, err := strconv.ParseFloat(v, 64); err == nil {
							v = strconv.FormatFloat(x, 'g', -1, 64) // 1e+308, not 309 digits
						}
						return fmt.Sprintf("%s is larger than any plausible %s (%s)", v, c.Name, words.Number(limit))
					},
					hint: "check the cell for a typo or a wrong column"})
			}
		}
		if c.WarnZero {
			checks = append(checks, rowCheck{sev: Warning, code: "zero_value", column: c.Name,
				cond: col + " = 0", value: asText,
				msg:  func(string) string { return fmt.Sprintf("%s is 0", c.Name) },
				hint: "the row is kept; models that need a positive " + c.Name + " leave it out"})
		}
		if len(c.Enum) > 0 {
			quoted := make([]string, len(c.Enum))
			for i, e := range c.Enum {
				quoted[i] = quoteString(e)
			}
			checks = append(checks, rowCheck{sev: Error, code: "invalid_value", column: c.Name,
				cond: fmt.Sprintf("%s IS NOT NULL AND %s NOT IN (%s)", col, col, strings.Join(quoted, ", ")), value: col,
				msg:  func(v string) string { return fmt.Sprintf("%q is not a valid %s", v, c.Name) },
				hint: "use one of " + strings.Join(c.Enum, ", ")})
		}
		if c.Match != "" {
			checks = append(checks, rowCheck{sev: Error, code: "invalid_value", column: c.Name,
				cond: fmt.Sprintf("%s IS NOT NULL AND trim(%s) <> '' AND NOT regexp_full_match(%s, %s)", col, col, col, quoteString(c.Match)), value: col,
				msg:  func(v string) string { return fmt.Sprintf("%q is not a valid %s", v, c.Name) },
				hint: c.MatchHint})
		}
		if c.TimeZone {
			checks = append(checks, rowCheck{sev: Error, code: "invalid_value", column: c.Name,
				cond: fmt.Sprintf("%s IS NOT NULL AND %s NOT IN (SELECT name FROM pg_timezone_names())", col, col), value: col,
				msg:  func(v string) string { return fmt.Sprintf("%q is not a time zone", v) },
				hint: "use an IANA time zone name, such as Europe/Berlin, Asia/Shanghai or UTC"})
		}
		if c.Type == Date {
			checks = append(checks, rowCheck{sev: Error, code: "implausible_date", column: c.Name,
				cond: fmt.Sprintf("(%s < DATE '1900-01-01' OR %s > DATE '2199-12-31')", col, col), value: asText,
				msg:  func(v string) string { return fmt.Sprintf("%s is outside the years 1900 to 2199", v) },
				hint: "check the year for a typo"})
		}
	}
	for _, pair := range dateOrder[t.Name] {
		a, b := pair[0], pair[1]
		checks = append(checks, rowCheck{sev: Error, code: "date_order", column: b,
			cond:  fmt.Sprintf("%s > %s", quoteIdent(a), quoteIdent(b)),
			value: fmt.Sprintf("CAST(%s AS VARCHAR) || '|' || CAST(%s AS VARCHAR)", quoteIdent(b), quoteIdent(a)),
			msg: func(v string) string {
				later, earlier, _ := strings.Cut(v, "|")
				return fmt.Sprintf("%s %s is before %s %s", b, later, a, earlier)
			},
			hint: fmt.Sprintf("%s must not come before %s", b, a)})
	}
	return checks
}

// refRelation returns SQL that lists the keys a reference may point at: the
// table being loaded, the table already in the database, or both when
// appending. ok is false when neither has rows.
func (l *loader) refRelation(table, column string) (string, string, bool) {
	st, staged := l.staged[table]
	if l.failed[table] {
		return "", "", false
	}
	var live int64
	l.conn.QueryRowContext(l.ctx, "SELECT count(*) FROM "+quoteIdent(table)).Scan(&live)
	switch {
	case staged && l.opts.Append && live > 0:
		return fmt.Sprintf("(SELECT %[1]s, %[3]s FROM %[2]s UNION ALL SELECT %[1]s, %[3]s FROM %[4]s)",
			quoteIdent(column), quoteIdent(table), typeColumn(table), quoteIdent(st.name)), st.file, true
	case staged:
		return fmt.Sprintf("(SELECT %s, %s FROM %s)", quoteIdent(column), typeColumn(table), quoteIdent(st.name)), st.file, true
	case live > 0:
		return fmt.Sprintf("(SELECT %s, %s FROM %s)", quoteIdent(column), typeColumn(table), quoteIdent(table)), "the " + table + " table", true
	}
	return "", "", false
}

func typeColumn(table string) string {
	if table == Locations.Name {
		return `"type"`
	}
	return "NULL AS \"type\""
}

// referenceChecks tests that codes a table uses exist in the master they
// point at, and have the location type the column needs.
func (l *loader) referenceChecks(st *stage) []rowCheck {
	var checks []rowCheck
	warned := map[string]bool{}
	for _, c := range st.table.Columns {
		if c.Ref == nil {
			continue
		}
		rel, label, ok := l.refRelation(c.Ref.Table, c.Ref.Column)
		if !ok {
			if !warned[c.Ref.Table] && !l.failed[c.Ref.Table] && l.hasValues(st, c) {
				warned[c.Ref.Table] = true
				l.add(Problem{Severity: Warning, Code: "unchecked_references", Table: st.table.Name, File: st.file,
					Message: fmt.Sprintf("no %s master is loaded, so the codes in %s are not checked against it", c.Ref.Table, st.file),
					Hint:    fmt.Sprintf("load one with --%s to catch unknown codes", c.Ref.Table)})
			}
			continue
		}
		col := quoteIdent(c.Name)
		wild := ""
		if c.Ref.Wildcard != "" {
			wild = fmt.Sprintf(" AND %s <> %s", col, quoteString(c.Ref.Wildcard))
		}
		what := strings.TrimSuffix(c.Ref.Table, "s")
		checks = append(checks, rowCheck{sev: Error, code: "unknown_reference", column: c.Name,
			cond:  fmt.Sprintf("%s IS NOT NULL%s AND %s NOT IN (SELECT %s FROM %s)", col, wild, col, quoteIdent(c.Ref.Column), rel),
			value: col,
			msg:   func(v string) string { return fmt.Sprintf("%s %q is not in %s", what, v, label) },
			hint:  fmt.Sprintf("add it to the %s master or correct the code", c.Ref.Table)})
		if c.Ref.LocationType != "" {
			want := c.Ref.LocationType
			checks = append(checks, rowCheck{sev: Error, code: "wrong_location_type", column: c.Name,
				cond: fmt.Sprintf("%s IN (SELECT %s FROM %s WHERE \"type\" IS DISTINCT FROM %s)", col, quoteIdent(c.Ref.Column), rel, quoteString(want)),
				value: fmt.Sprintf("%s || '|' || coalesce((SELECT any_value(\"type\") FROM %s r WHERE r.%s = %s), '')",
					col, rel, quoteIdent(c.Ref.Column), col),
				msg: func(v string) string {
					code, typ, _ := strings.Cut(v, "|")
					return fmt.Sprintf("location %q is a %s, not a %s", code, typ, want)
				},
				hint: fmt.Sprintf("point it at a location of type %s", want)})
		}
	}
	return checks
}

// crossTableChecks tests what the plans need of a table beyond its own
// rows: every zone has a lane from some node, no lane leaves a node that
// can hold nothing; and it warns of a shelf for a category no product is
// in.
func (l *loader) crossTableChecks(st *stage) []rowCheck {
	switch st.table {
	case Shelves:
		products := l.fullRelation(Products.Name)
		if products == "" {
			return nil
		}
		// A warning, not an error: a shard holds some products only, and
		// its shelves for the others' categories are simply unused.
		return []rowCheck{{sev: Warning, code: "unknown_category", column: "category",
			cond:  fmt.Sprintf(`"category" NOT IN (SELECT "category" FROM %s WHERE "category" IS NOT NULL)`, products),
			value: `"category"`,
			msg: func(v string) string {
				return fmt.Sprintf("category %q is no product's category, so the shelf is not used", v)
			},
			hint: "name the category as the products' category column does, or drop the row"}}
	case Zones:
		lanes, label, ok := l.refRelation(Lanes.Name, "zone")
		if !ok {
			return nil
		}
		return []rowCheck{{sev: Error, code: "zone_unserved", column: "zone",
			cond:  fmt.Sprintf(`"zone" NOT IN (SELECT "zone" FROM %s)`, lanes),
			value: `"zone"`,
			msg: func(v string) string {
				return fmt.Sprintf("no lane in %s reaches zone %q, so no node serves it", label, v)
			},
			hint: "add a lane from a node to the zone, or drop the zone"}}
	case Lanes:
		if _, staged := l.staged[Zones.Name]; !staged {
			l.zonesWithoutLanes(st)
		}
		locs := l.fullRelation(Locations.Name)
		if locs == "" {
			return nil
		}
		return []rowCheck{{sev: Error, code: "zero_capacity", column: "node",
			cond:  fmt.Sprintf(`"node" IN (SELECT "location" FROM %s WHERE "capacity" = 0)`, locs),
			value: `"node"`,
			msg: func(v string) string {
				return fmt.Sprintf("node %q has a capacity of 0 in locations, so it can hold nothing to ship", v)
			},
			hint: "give the node its capacity in locations, leave it empty for no limit, or drop its lanes"}}
	}
	return nil
}

// zonesWithoutLanes reports the zones already in the database that a new
// lanes file leaves without a lane.
func (l *loader) zonesWithoutLanes(st *stage) {
	lanes, _, ok := l.refRelation(Lanes.Name, "zone")
	if !ok {
		return
	}
	var n int64
	var examples sql.NullString
	q := fmt.Sprintf(`SELECT count(*), string_agg("zone", ', ' ORDER BY "zone") FROM zones WHERE "zone" NOT IN (SELECT "zone" FROM %s)`, lanes)
	if err := l.conn.QueryRowContext(l.ctx, q).Scan(&n, &examples); err != nil || n == 0 {
		return
	}
	l.add(Problem{Severity: Error, Code: "zone_unserved", Table: Lanes.Name, File: st.file, Count: n,
		Message: fmt.Sprintf("no lane in %s reaches %s already loaded (%s), so no node serves it", st.file, words.Plural(int(n), "zone"),
			truncateList(examples.String, 5)),
		Hint: "add a lane from a node to each zone, or reload zones without them"})
}

// fullRelation is the table's rows as the load will leave them: the
// staged file when one replaces the table, or the table in the database;
// "" when neither has rows.
func (l *loader) fullRelation(table string) string {
	if l.failed[table] {
		return ""
	}
	if st, staged := l.staged[table]; staged && !l.opts.Append {
		return quoteIdent(st.name)
	}
	var live int64
	l.conn.QueryRowContext(l.ctx, "SELECT count(*) FROM "+quoteIdent(table)).Scan(&live)
	if live == 0 {
		return ""
	}
	if st, staged := l.staged[table]; staged {
		return fmt.Sprintf("(SELECT * FROM %s UNION ALL BY NAME SELECT * FROM %s)", quoteIdent(table), quoteIdent(st.name))
	}
	return quoteIdent(table)
}

// hasValues reports whether a column of the stage holds any value: an
// optional code column left empty (a location without a zone) refers to
// nothing, so there is nothing to leave unchecked.
func (l *loader) hasValues(st *stage, c Column) bool {
	if c.Required || c.Default != "" {
		return true
	}
	var n int64
	q := fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s IS NOT NULL LIMIT 1)", quoteIdent(st.name), quoteIdent(c.Name))
	if err := l.conn.QueryRowContext(l.ctx, q).Scan(&n); err != nil {
		return true
	}
	return n > 0
}

// runRowChecks counts every check's rows in one scan of the stage, then
// lists the rows of the checks that found some.
func (l *loader) runRowChecks(st *stage, checks []rowCheck) error {
	if len(checks) == 0 {
		return nil
	}
	parts := make([]string, len(checks))
	for i, c := range checks {
		parts[i] = fmt.Sprintf("count(*) FILTER (WHERE %s)", c.cond)
	}
	counts := make([]int64, len(checks))
	ptrs := make([]any, len(checks))
	for i := range counts {
		ptrs[i] = &counts[i]
	}
	q := fmt.Sprintf("SELECT %s FROM %s", strings.Join(parts, ", "), quoteIdent(st.name))
	if err := l.conn.QueryRowContext(l.ctx, q).Scan(ptrs...); err != nil {
		return fmt.Errorf("checking %s: %w", st.file, err)
	}
	for i, c := range checks {
		if counts[i] == 0 {
			continue
		}
		limit := l.opts.limitFor(c.sev)
		posCol := "NULL"
		if expr, ok := st.posCol[c.column]; ok {
			posCol = expr
		}
		q := fmt.Sprintf("SELECT %s AS pos, %s, coalesce(%s, '') FROM %s WHERE %s ORDER BY pos LIMIT %d",
			st.pos, posCol, c.value, quoteIdent(st.name), c.cond, limit)
		rows, err := l.conn.QueryContext(l.ctx, q)
		if err != nil {
			return fmt.Errorf("listing %s in %s: %w", c.code, st.file, err)
		}
		for rows.Next() {
			var pos int64
			var srcCol sql.NullString
			var val string
			if err := rows.Scan(&pos, &srcCol, &val); err != nil {
				rows.Close()
				return err
			}
			column := st.column(c.column)
			if srcCol.Valid {
				column = srcCol.String
			}
			if col := st.table.Column(c.column); col != nil && col.Type == Float {
				val = plainNumber(val)
			}
			shown := val
			if strings.Contains(shown, "|") {
				shown, _, _ = strings.Cut(shown, "|")
			}
			l.addAt(st, pos, -1, Problem{Severity: c.sev, Code: c.code, Column: column, Value: shown, Message: c.msg(val), Hint: c.hint})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if counts[i] > int64(limit) {
			l.add(Problem{Severity: c.sev, Code: c.code, Table: st.table.Name, File: st.file, Column: st.column(c.column), Count: counts[i],
				Message: fmt.Sprintf("%d rows in all have this problem; the first %d are listed", counts[i], limit)})
		}
	}
	return nil
}

// checkDuplicates finds rows that repeat another row's key. A cheap count
// runs first; the rows are listed only when there are some.
func (l *loader) checkDuplicates(st *stage) error {
	keys := st.table.KeyColumns()
	keyList := quotedKeys(keys)
	var dups int64
	var err error
	switch {
	case st.dups != nil:
		dups = *st.dups
	case st.table == Sales:
		dups, err = l.salesDuplicateCount(st)
	default:
		err = l.conn.QueryRowContext(l.ctx, fmt.Sprintf(
			"SELECT count(*) - count(DISTINCT (%s)) FROM %s", keyList, quoteIdent(st.name))).Scan(&dups)
	}
	if err != nil {
		return fmt.Errorf("checking keys of %s: %w", st.file, err)
	}
	if dups > 0 {
		if err := l.listDuplicates(st, keys, keyList, dups); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) listDuplicates(st *stage, keys []string, keyList string, total int64) error {
	limit := l.opts.maxPerCheck()
	keyText := make([]string, len(keys))
	for i, k := range keys {
		keyText[i] = fmt.Sprintf("coalesce(CAST(%s AS VARCHAR), '')", quoteIdent(k))
	}
	q := fmt.Sprintf(`SELECT pos, first, key FROM (
			SELECT %[1]s AS pos, min(%[1]s) OVER w AS first, count(*) OVER w AS n,
			       concat_ws(', ', %[2]s) AS key
			FROM %[3]s WINDOW w AS (PARTITION BY %[4]s))
		WHERE n > 1 AND pos <> first ORDER BY pos LIMIT %[5]d`,
		st.pos, strings.Join(keyText, ", "), quoteIdent(st.name), keyList, limit)
	rows, err := l.conn.QueryContext(l.ctx, q)
	if err != nil {
		return fmt.Errorf("listing duplicate keys in %s: %w", st.file, err)
	}
	defer rows.Close()
	for rows.Next() {
		var pos, first int64
		var key string
		if err := rows.Scan(&pos, &first, &key); err != nil {
			return err
		}
		l.addAt(st, pos, first, Problem{Severity: Error, Code: "duplicate_key", Value: key,
			Message: fmt.Sprintf("{other} has the same %s (%s)", joinAnd(keys), key),
			Hint:    "keep one row per key, or add the rows up before loading"})
	}
	if total > int64(limit) {
		l.add(Problem{Severity: Error, Code: "duplicate_key", Table: st.table.Name, File: st.file, Count: total,
			Message: fmt.Sprintf("%d rows in all repeat a key; the first %d are listed", total, limit)})
	}
	return rows.Err()
}

// checkOrphans warns when replacing a master leaves rows of other tables,
// not reloaded, pointing at codes the new master lacks.
func (l *loader) checkOrphans() error {
	if l.opts.Append {
		return nil
	}
	for _, t := range Tables {
		if _, staged := l.staged[t.Name]; staged {
			continue
		}
		for _, c := range t.Columns {
			if c.Ref == nil {
				continue
			}
			st, replaced := l.staged[c.Ref.Table]
			if !replaced {
				continue
			}
			wild := ""
			if c.Ref.Wildcard != "" {
				wild = fmt.Sprintf(" AND %s <> %s", quoteIdent(c.Name), quoteString(c.Ref.Wildcard))
			}
			var n int64
			var examples sql.NullString
			q := fmt.Sprintf(`SELECT count(*), string_agg(DISTINCT %[1]s, ', ' ORDER BY %[1]s) FROM (
					SELECT %[1]s FROM %[2]s WHERE %[1]s IS NOT NULL%[5]s AND %[1]s NOT IN (SELECT %[3]s FROM %[4]s) LIMIT 100000)`,
				quoteIdent(c.Name), quoteIdent(t.Name), quoteIdent(c.Ref.Column), quoteIdent(st.name), wild)
			if err := l.conn.QueryRowContext(l.ctx, q).Scan(&n, &examples); err != nil {
				return fmt.Errorf("checking %s against the new %s: %w", t.Name, c.Ref.Table, err)
			}
			if n > 0 {
				l.add(Problem{Severity: Warning, Code: "orphaned_rows", Table: t.Name, Column: c.Name, Count: n,
					Message: fmt.Sprintf("%d rows already in %s refer to codes missing from the new %s file %s: %s",
						n, t.Name, c.Ref.Table, st.file, truncateList(examples.String, 5)),
					Hint: fmt.Sprintf("reload %s too, or add the codes to %s", t.Name, st.file)})
			}
		}
	}
	return nil
}

// plainNumber writes a number as people type it: 2 rather than 2.0.
func plainNumber(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func truncateList(s string, n int) string {
	parts := strings.Split(s, ", ")
	if len(parts) <= n {
		return s
	}
	return strings.Join(parts[:n], ", ") + fmt.Sprintf(" and %d more", len(parts)-n)
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
