package datasets

import (
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/planner-engine/planner/datasets/files"
)

// Names of the tables DuckDB's CSV reader fills with the rows it rejects.
const (
	rejectsTable = "planner_rejects"
	rejectsScans = "planner_reject_scans"
)

// stageCSV reads a CSV file in bulk with DuckDB's reader, typed as the
// canonical columns, and turns the rows it rejects into problems with their
// exact lines.
func (l *loader) stageCSV(st *stage, in *inputFile, cols []colSource) error {
	st.where = "line"
	df := l.dateFormatFor(st.table, in, cols, l.dateSamples(in, cols))
	withTime := strings.Contains(df.Strftime, "%H")

	// Name each file column after the canonical column it feeds, so the
	// projection needs no renaming; other columns are read as text and dropped.
	nFile := in.fileColumns()
	names := make([]string, nFile)
	types := make([]string, nFile)
	for i := range names {
		names[i] = fmt.Sprintf("_unused_%d", i)
		types[i] = "VARCHAR"
	}
	for _, cs := range cols {
		if cs.index < 0 || cs.index >= nFile || !strings.HasPrefix(names[cs.index], "_unused_") {
			continue
		}
		names[cs.index] = cs.canon.Name
		types[cs.index] = cs.canon.Type.SQL()
		if cs.canon.Type == Date && withTime {
			types[cs.index] = "TIMESTAMP"
		}
	}
	var colSpec strings.Builder
	colSpec.WriteString("{")
	for i := range names {
		if i > 0 {
			colSpec.WriteString(", ")
		}
		fmt.Fprintf(&colSpec, "%s: %s", quoteString(names[i]), quoteString(types[i]))
	}
	colSpec.WriteString("}")

	nulls := make([]string, 0, len(l.opts.nullStrings()))
	for _, n := range l.opts.nullStrings() {
		nulls = append(nulls, quoteString(n))
	}
	opts := []string{
		quoteString(in.path),
		"header = true", "auto_detect = false",
		"delim = " + quoteString(string(in.delim)), `quote = '"'`, `escape = '"'`,
		"columns = " + colSpec.String(),
		"nullstr = [" + strings.Join(nulls, ", ") + "]",
		fmt.Sprintf("max_line_size = %d", files.MaxLineBytes+1),
		fmt.Sprintf("hive_partitioning = %t", len(in.hive) > 0),
	}
	fast := !l.careful[st.table.Name]
	if !fast {
		opts = append(opts, "store_rejects = true", "rejects_limit = 0",
			"rejects_table = "+quoteString(rejectsTable), "rejects_scan = "+quoteString(rejectsScans))
	}
	order := map[bool]string{true: "false", false: "true"}[fast]
	if _, err := l.conn.ExecContext(l.ctx, "SET preserve_insertion_order = "+order); err != nil {
		return err
	}
	if withTime {
		opts = append(opts, "timestampformat = "+quoteString(df.Strftime))
	} else {
		opts = append(opts, "dateformat = "+quoteString(df.Strftime))
	}
	for _, q := range []string{"DROP TABLE IF EXISTS " + rejectsTable, "DROP TABLE IF EXISTS " + rejectsScans} {
		if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
			return err
		}
	}
	proj := projection(cols, func(cs colSource) string {
		if cs.index >= nFile { // a partition key from the file's folders
			return quoteIdent(in.header[cs.index])
		}
		return quoteIdent(names[cs.index]) // a column mapped twice has one name
	})
	q := fmt.Sprintf("CREATE TABLE %s AS SELECT %s FROM read_csv(%s)", quoteIdent(st.name), proj, strings.Join(opts, ", "))
	if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
		if fast {
			// A value that does not parse: the careful pass lists them all.
			return &needLinesError{tables: []string{st.table.Name}}
		}
		// The audit may say why (a cut-off gzip stream, a line too long);
		// otherwise say it in words, not the reader's.
		before := len(l.problems)
		unusable := l.checkAudit(st, 0)
		said := false
		for _, p := range l.problems[before:] {
			said = said || slices.Contains(auditCodes, p.Code)
		}
		if unusable || said {
			l.dropProblemsBut(in.path, auditCodes...)
			return errAudited
		}
		l.problems = l.problems[:before] // nothing was read: no count to compare
		return &files.Error{Code: "unreadable_file", Err: fmt.Errorf("%s: cannot be read as CSV: check that its separator, quotes and encoding (UTF-8) are consistent throughout", in.path)}
	}
	if fast {
		st.unordered = true
		st.pos = "rowid"
		return nil
	}
	rejected, err := l.collectRejects(st, in, names)
	if err != nil {
		return err
	}
	st.rejected = int64(len(rejected))
	st.locate = files.CSVLocator(in.path, in.delim, rejected)
	// Rows written inside a transaction have row ids counted from a large
	// base; positions in the file count from the stage's first row.
	var base int64
	if err := l.conn.QueryRowContext(l.ctx, "SELECT coalesce(min(rowid), 0) FROM "+quoteIdent(st.name)).Scan(&base); err != nil {
		return err
	}
	st.pos = fmt.Sprintf("(rowid - %d)", base)
	return nil
}

// projection builds the SELECT list that turns file columns into the
// canonical columns, with defaults for absent or empty values.
func projection(cols []colSource, ref func(colSource) string) string {
	return projectionTyped(cols, ref, "")
}

// projectionTyped is projection with one column, typed, left as the file
// has it.
func projectionTyped(cols []colSource, ref func(colSource) string, typed string) string {
	parts := make([]string, len(cols))
	for i, cs := range cols {
		c := cs.canon
		expr := "NULL"
		if cs.index >= 0 {
			expr = ref(cs)
			if c.Type == Float {
				expr = "(" + expr + " + 0.0)" // -0 becomes 0: IEEE 754 sums of opposite zeros are +0
			}
			if c.Default != "" {
				expr = fmt.Sprintf("coalesce(%s, %s)", expr, c.Default)
			}
		} else if c.Default != "" {
			expr = c.Default
		}
		parts[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", expr, c.Type.SQL(), quoteIdent(c.Name))
		if c.Name == typed && cs.index >= 0 {
			parts[i] = fmt.Sprintf("%s AS %s", ref(cs), quoteIdent(c.Name))
		}
	}
	return strings.Join(parts, ", ")
}

// collectRejects turns the rows DuckDB's CSV reader rejected into problems
// and returns the set of rejected lines.
func (l *loader) collectRejects(st *stage, in *inputFile, names []string) (map[int64]bool, error) {
	rows, err := l.conn.QueryContext(l.ctx, fmt.Sprintf(
		`SELECT line, column_idx, coalesce(column_name, ''), error_type::VARCHAR, coalesce(csv_line, ''), error_message
		 FROM %s ORDER BY line, column_idx`, rejectsTable))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rejected := map[int64]bool{}
	counted := map[int64]bool{} // rows whose field count is reported
	listed := map[string]int64{}
	firstLine := map[string]int64{}
	limit := int64(l.opts.maxPerCheck())
	for rows.Next() {
		var line, colIdx sql.NullInt64
		var colName, errType, csvLine, errMsg string
		if err := rows.Scan(&line, &colIdx, &colName, &errType, &csvLine, &errMsg); err != nil {
			return nil, err
		}
		rejected[line.Int64] = true
		if errType == "LINE SIZE OVER MAXIMUM" {
			continue // the file's audit names the line and its length
		}
		p := Problem{Severity: Error, Table: st.table.Name, File: in.path, Line: line.Int64, Where: "line"}
		switch errType {
		case "CAST":
			c := st.table.Column(colName)
			src := colName
			if idx := indexOf(names, colName); idx >= 0 {
				src = in.header[idx]
			}
			p.Column = src
			p.Value = fieldOf(csvLine, in.delim, int(colIdx.Int64)-1)
			kind := "value"
			if c != nil {
				kind = c.Type.String()
			}
			p.Code = "unparseable_" + strings.ReplaceAll(kind, "integer", "number")
			p.Message = fmt.Sprintf("%q is not a %s", p.Value, kind)
			switch {
			case c != nil && c.Type == Date:
				p.Hint = "write dates as YYYY-MM-DD, or pass --date-format with the file's layout"
			case c != nil && c.Type == Bool:
				p.Hint = "use true/false, yes/no or 1/0"
			case c != nil && c.Type == Int:
				p.Hint = "use a whole number"
			default:
				p.Hint = "use digits with a point for decimals and no thousands separators"
			}
		case "MISSING COLUMNS", "TOO MANY COLUMNS":
			if counted[line.Int64] {
				continue // one problem per row, however many columns it lacks
			}
			counted[line.Int64] = true
			p.Code = "wrong_field_count"
			p.Message = fmt.Sprintf("the row has %d fields; the header has %d", countFields(csvLine, in.delim), len(in.header))
			p.Hint = "quote values that contain the separator " + strconv.QuoteRune(in.delim)
		case "UNQUOTED VALUE":
			p.Code = "malformed_row"
			p.Message = `the row has a quote (") inside a field that is not quoted`
			p.Hint = "quote the whole field and double the quotes inside it"
		case "INVALID UNICODE":
			p.Code = "malformed_row"
			p.Message = "the row is not UTF-8 text"
			p.Hint = "save the file as UTF-8 (CSV UTF-8 in Excel's Save As)"
		default:
			p.Code = "malformed_row"
			p.Message = "the row cannot be read: its quotes or separators do not fit the header"
			p.Hint = "check the row's quotes: a field with the separator or a line break in it must be quoted"
		}
		key := p.Code + "\x00" + p.Column
		listed[key]++
		if listed[key] == 1 {
			firstLine[key] = line.Int64
		}
		if listed[key] <= limit {
			l.add(p)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for key, n := range listed {
		if n > limit {
			code, col, _ := strings.Cut(key, "\x00")
			l.add(Problem{Severity: Error, Code: code, Table: st.table.Name, File: in.path, Column: col, Count: n,
				Message: fmt.Sprintf("%d rows in all have this problem (from line %d); the first %d are listed", n, firstLine[key], limit)})
		}
	}
	return rejected, nil
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func fieldOf(line string, delim rune, i int) string {
	r := csv.NewReader(strings.NewReader(line))
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	if err != nil || i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}

func countFields(line string, delim rune) int {
	r := csv.NewReader(strings.NewReader(line))
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	rec, _ := r.Read()
	return len(rec)
}

// stageRelation reads a relation (a Parquet file, or a sheet already in a
// text table) whose values may need converting: rows whose values do not
// convert become problems and stay out of the stage, as the CSV reader's
// rejected rows do.
func (l *loader) stageRelation(st *stage, in *inputFile, cols []colSource, relation, posExpr string) error {
	st.pos = "_pos" // positions are rows of the file already: no locator
	st.copyOut = true
	var df files.DateFormat
	hasDate := false
	for _, cs := range cols {
		if cs.index >= 0 && cs.canon.Type == Date {
			hasDate = true
		}
	}
	if hasDate {
		df = l.dateFormatFor(st.table, in, cols, l.relationDateSamples(in, cols, relation))
	}
	conv := func(cs colSource) string {
		src := quoteIdent(in.header[cs.index])
		if in.format == files.XLSX {
			src = quoteIdent(fmt.Sprintf("c%d", cs.index))
		}
		switch cs.canon.Type {
		case Text:
			return "CAST(" + src + " AS VARCHAR)"
		case Date:
			// Typed dates and timestamps convert directly; text goes through
			// the sniffed layout.
			return fmt.Sprintf("(CASE WHEN typeof(%[1]s) IN ('DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE') THEN TRY_CAST(%[1]s AS DATE) ELSE TRY_CAST(TRY_STRPTIME(CAST(%[1]s AS VARCHAR), %[2]s) AS DATE) END)", src, quoteString(df.Strftime))
		case Float, Int:
			// A boolean column is not a quantity, though DuckDB would cast
			// true to 1.
			return fmt.Sprintf("(CASE WHEN typeof(%[1]s) = 'BOOLEAN' THEN NULL ELSE TRY_CAST(%[1]s AS %[2]s) END)", src, cs.canon.Type.SQL())
		default:
			return fmt.Sprintf("TRY_CAST(%s AS %s)", src, cs.canon.Type.SQL())
		}
	}
	raw := func(cs colSource) string {
		if in.format == files.XLSX {
			return quoteIdent(fmt.Sprintf("c%d", cs.index))
		}
		return quoteIdent(in.header[cs.index])
	}
	nullCond := func(cs colSource) string {
		r := raw(cs)
		if in.format == files.Parquet && cs.index < len(in.types) && in.types[cs.index] != "VARCHAR" {
			return fmt.Sprintf("(%s IS NULL)", r) // a typed value is never the text "NA"
		}
		var ns []string
		for _, n := range l.opts.nullStrings() {
			ns = append(ns, quoteString(n))
		}
		return fmt.Sprintf("(%s IS NULL OR trim(CAST(%s AS VARCHAR)) IN (%s))", r, r, strings.Join(ns, ", "))
	}
	// A value fails when it is present and does not convert.
	var fails []string
	limit := l.opts.maxPerCheck()
	// Transaction lines in Parquet are summed straight from the file
	// through a view: no copy, no sort.
	asView := st.table == salesLines && in.format == files.Parquet
	for _, cs := range cols {
		if cs.index < 0 || cs.canon.Type == Text {
			continue
		}
		if cs.index < len(in.types) && typedAs(in.types[cs.index], cs.canon.Type) {
			continue // a typed column cannot fail to convert
		}
		cond := fmt.Sprintf("NOT %s AND %s IS NULL", nullCond(cs), conv(cs))
		fails = append(fails, "("+cond+")")
		rows, err := l.conn.QueryContext(l.ctx, fmt.Sprintf(
			"SELECT %s AS pos, CAST(%s AS VARCHAR), count(*) OVER () FROM %s WHERE %s ORDER BY pos LIMIT %d",
			posExpr, raw(cs), relation, cond, limit))
		if err != nil {
			return unreadable(in)
		}
		var total int64
		for rows.Next() {
			var pos int64
			var val string
			if err := rows.Scan(&pos, &val, &total); err != nil {
				rows.Close()
				return err
			}
			kind := cs.canon.Type.String()
			l.add(Problem{Severity: Error, Code: "unparseable_" + strings.ReplaceAll(kind, "integer", "number"),
				Table: st.table.Name, File: st.fileAt(pos), Line: localPos(pos), Where: st.where, Column: in.header[cs.index], Value: val,
				Message: fmt.Sprintf("%q is not a %s", val, kind)})
		}
		rows.Close()
		if total > int64(limit) {
			l.add(Problem{Severity: Error, Code: "unparseable_" + cs.canon.Type.String(), Table: st.table.Name, File: in.path,
				Column: in.header[cs.index], Count: total,
				Message: fmt.Sprintf("%d rows in all have this problem; the first %d are listed", total, limit)})
		}
	}
	where := ""
	if len(fails) > 0 {
		where = " WHERE NOT (" + strings.Join(fails, " OR ") + ")"
	}
	proj := projection(cols, func(cs colSource) string {
		return fmt.Sprintf("(CASE WHEN %s THEN NULL ELSE %s END)", nullCond(cs), conv(cs))
	})
	if asView {
		// Times typed in the file stay typed: the sums read their day
		// without a round trip through text.
		if i := dateIndex(cols); i >= 0 && (strings.HasPrefix(in.types[i], "TIMESTAMP") || in.types[i] == "DATE") {
			st.dateType = in.types[i]
			proj = projectionTyped(cols, func(cs colSource) string {
				if cs.canon.Name == "date" {
					return quoteIdent(in.header[cs.index])
				}
				return fmt.Sprintf("(CASE WHEN %s THEN NULL ELSE %s END)", nullCond(cs), conv(cs))
			}, "date")
		}
	}
	q := fmt.Sprintf("CREATE TABLE %s AS SELECT %s, %s AS _pos FROM %s%s ORDER BY _pos",
		quoteIdent(st.name), proj, posExpr, relation, where)
	if asView {
		st.view = true
		q = fmt.Sprintf("CREATE TEMP VIEW %s AS SELECT %s, %s AS _pos FROM %s%s", quoteIdent(st.name), proj, posExpr, relation, where)
	}
	if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
		return unreadable(in)
	}
	return nil
}

func dateIndex(cols []colSource) int {
	for _, cs := range cols {
		if cs.canon.Name == "date" {
			return cs.index
		}
	}
	return -1
}

// typedAs says whether a Parquet column's type already holds values of a
// canonical type, so that converting them cannot fail.
func typedAs(parquet string, t Type) bool {
	switch t {
	case Float, Int:
		for _, n := range []string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL"} {
			if strings.HasPrefix(parquet, n) {
				return t == Float || !strings.HasPrefix(parquet, "FLOAT") && !strings.HasPrefix(parquet, "DOUBLE") && !strings.HasPrefix(parquet, "DECIMAL")
			}
		}
	case Bool:
		return parquet == "BOOLEAN"
	case Date:
		return parquet == "DATE" || strings.HasPrefix(parquet, "TIMESTAMP")
	}
	return false
}

// unreadable says in words that a file's reader failed part way: the
// reader's own text is SQL and internals, of no use to the file's owner.
func unreadable(in *inputFile) error {
	return &files.Error{Code: "unreadable_file", Err: fmt.Errorf("%s: cannot be read to its end as a %s file: it is damaged or cut short; export it again", in.path, in.format)}
}

func (l *loader) relationDateSamples(in *inputFile, cols []colSource, relation string) []string {
	if in.format == files.XLSX {
		return l.dateSamples(in, cols)
	}
	var samples []string
	for _, cs := range cols {
		if cs.index < 0 || cs.canon.Type != Date {
			continue
		}
		src := quoteIdent(in.header[cs.index])
		rows, err := l.conn.QueryContext(l.ctx, fmt.Sprintf(
			"SELECT CAST(%s AS VARCHAR) FROM %s WHERE %s IS NOT NULL AND typeof(%s) NOT IN ('DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE') LIMIT %d", src, relation, src, src, sampleRows))
		if err != nil {
			continue
		}
		for rows.Next() {
			var v string
			if rows.Scan(&v) == nil {
				samples = append(samples, v)
			}
		}
		rows.Close()
	}
	return samples
}

// stageXLSX copies the sheet into a text table with DuckDB's appender, then
// converts it like any other relation. Date cells stored as Excel serial
// numbers become ISO dates on the way.
func (l *loader) stageXLSX(st *stage, in *inputFile, cols []colSource) error {
	raw := "planner_xlsx_raw"
	var ddl strings.Builder
	fmt.Fprintf(&ddl, "CREATE OR REPLACE TEMP TABLE %s (_row BIGINT", raw)
	for i := range in.header {
		fmt.Fprintf(&ddl, ", c%d VARCHAR", i)
	}
	ddl.WriteString(")")
	if _, err := l.conn.ExecContext(l.ctx, ddl.String()); err != nil {
		return err
	}
	isDate := make([]bool, len(in.header))
	for _, cs := range cols {
		if cs.index >= 0 && cs.canon.Type == Date {
			isDate[cs.index] = true
		}
	}
	if err := l.appendSheet(raw, in, isDate); err != nil {
		return err
	}
	return l.stageRelation(st, in, cols, raw, "_row")
}

// appendSheet copies a sheet's rows into a temporary table whose first
// column is the sheet row number and the others text, with DuckDB's
// appender. Date cells stored as Excel serial numbers become ISO dates on
// the way.
func (l *loader) appendSheet(table string, in *inputFile, isDate []bool) error {
	err := appendToTemp(l.conn, table, func(add func(...driver.Value) error) error {
		vals := make([]driver.Value, len(in.header)+1)
		for r, row := range in.rows {
			vals[0] = in.rowNums[r]
			for i, v := range row {
				v = strings.TrimSpace(v)
				if isDate[i] && isNumber(v) {
					if f, err := strconv.ParseFloat(v, 64); err == nil {
						if t, err := excelize.ExcelDateToTime(f, false); err == nil {
							v = t.Format(time.DateOnly)
						}
					}
				}
				if v == "" {
					vals[i+1] = nil
				} else {
					vals[i+1] = v
				}
			}
			if err := add(vals...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("copying sheet %s of %s: %w", in.sheet, in.path, err)
	}
	return nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil && strings.TrimSpace(s) != ""
}
