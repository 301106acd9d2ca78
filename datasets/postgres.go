package datasets

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/planner-engine/planner/datasets/files"
)

// pgRaw is the temporary table a query's rows stream into.
const pgRaw = "planner_pg_raw"

// readPostgres runs the load's query on a PostgreSQL database and streams
// its rows into a temporary table of DuckDB, typed as PostgreSQL types
// them; the table is then read like a Parquet file, its rows numbered from
// 1 in the query's order.
//
// The rows travel as PostgreSQL's COPY ... TO STDOUT text in CSV form,
// written to a spool file as they arrive and read by DuckDB's parallel
// CSV reader with the query's column types: no Go code per row or value,
// which is several times faster than decoding each value with pgx and
// handing it to DuckDB's appender.
func (l *loader) readPostgres(spec string) (*inputFile, error) {
	shown := files.RedactURL(spec)
	query := strings.TrimRight(strings.TrimSpace(l.opts.Query), "; \t\n")
	if query == "" {
		return nil, &files.Error{Code: "missing_query", Err: fmt.Errorf("%s: a database needs a query that selects the rows: pass --query 'SELECT ...'", shown)}
	}
	ctx, cancel := context.WithTimeout(l.ctx, 30*time.Second)
	conn, err := pgx.Connect(ctx, spec)
	cancel()
	if err != nil {
		return nil, &files.Error{Code: "unreadable_file", Err: fmt.Errorf("%s: %s", shown, pgConnectError(err))}
	}
	defer conn.Close(context.WithoutCancel(l.ctx))
	// The planner only reads a warehouse: a query that would write fails.
	if _, err := conn.Exec(l.ctx, "SET default_transaction_read_only = on"); err != nil {
		return nil, &files.Error{Code: "unreadable_file", Err: fmt.Errorf("%s: %s", shown, pgQueryError(err))}
	}
	desc, err := conn.Prepare(l.ctx, "", query)
	if err != nil {
		return nil, &files.Error{Code: "unreadable_file", Err: fmt.Errorf("%s: %s", shown, pgQueryError(err))}
	}
	if len(desc.Fields) == 0 {
		return nil, &files.Error{Code: "empty_file", Err: fmt.Errorf("%s: the query returns no columns", shown)}
	}
	in := &inputFile{path: shown, format: files.Parquet, table: pgRaw}
	seen := map[string]bool{}
	var columns []string
	for _, f := range desc.Fields {
		if seen[strings.ToLower(f.Name)] {
			return nil, &files.Error{Code: "bad_header", Err: fmt.Errorf("%s: the query returns two columns called %q; name one with AS", shown, f.Name)}
		}
		seen[strings.ToLower(f.Name)] = true
		typ := pgType(f.DataTypeOID)
		in.header = append(in.header, f.Name)
		in.types = append(in.types, typ)
		columns = append(columns, fmt.Sprintf("%s: %s", quoteString(f.Name), quoteString(typ)))
	}
	spool, err := os.CreateTemp(l.spool, "planner-pg-*.csv")
	if err != nil {
		return nil, fmt.Errorf("spooling the rows of %s: %w", shown, err)
	}
	defer os.Remove(spool.Name())
	w := bufio.NewWriterSize(spool, 1<<20)
	_, err = conn.PgConn().CopyTo(l.ctx, w, "COPY ("+query+") TO STDOUT WITH (FORMAT csv)")
	if err == nil {
		err = w.Flush()
	}
	if cerr := spool.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) || errors.Is(err, context.Canceled) {
			return nil, &files.Error{Code: "unreadable_file", Err: fmt.Errorf("%s: %s", shown, pgQueryError(err))}
		}
		return nil, fmt.Errorf("copying the rows of %s: %w", shown, err)
	}
	// PostgreSQL writes NULL as an empty field and an empty text as "".
	// Rows are numbered in the file's order, which is the query's.
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS SELECT row_number() OVER () AS _row, *
		FROM read_csv(%s, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"',
		     columns = {%s}, nullstr = '', allow_quoted_nulls = false)`,
		pgRaw, quoteString(spool.Name()), strings.Join(columns, ", "))
	if _, err := l.conn.ExecContext(l.ctx, "SET preserve_insertion_order = true"); err != nil {
		return nil, err
	}
	if _, err := l.conn.ExecContext(l.ctx, q); err != nil {
		return nil, fmt.Errorf("reading the rows of %s: %w", shown, err)
	}
	var n int64
	if err := l.conn.QueryRowContext(l.ctx, "SELECT count(*) FROM "+pgRaw).Scan(&n); err != nil {
		return nil, err
	}
	in.empty = n == 0
	return in, nil
}

// pgType is the DuckDB type that holds a PostgreSQL type's values: numbers,
// days, times and booleans keep their type; anything else is text.
func pgType(oid uint32) string {
	switch oid {
	case pgtype.BoolOID:
		return "BOOLEAN"
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID:
		return "BIGINT"
	case pgtype.Float4OID, pgtype.Float8OID, pgtype.NumericOID:
		return "DOUBLE"
	case pgtype.DateOID:
		return "DATE"
	case pgtype.TimestampOID:
		return "TIMESTAMP"
	case pgtype.TimestamptzOID:
		return "TIMESTAMP WITH TIME ZONE"
	}
	return "VARCHAR"
}

// pgConnectError says why the database could not be reached, in words.
func pgConnectError(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000":
			return "the database refused the user name or password"
		case "3D000":
			return "the database does not exist on that server"
		}
		return "the database refused the connection: " + pe.Message
	}
	var ne *net.OpError
	switch {
	case errors.As(err, &ne) && strings.Contains(ne.Error(), "refused"):
		return "nothing answers at that host and port: is the server running, and is the port right?"
	case errors.Is(err, context.DeadlineExceeded):
		return "the server did not answer within 30 seconds"
	case strings.Contains(err.Error(), "cannot parse"):
		return "the URL is malformed: write postgres://user@host:port/database"
	case strings.Contains(err.Error(), "refused"):
		return "nothing answers at that host and port: is the server running, and is the port right?"
	}
	return "cannot connect to the database"
}

// pgQueryError says why the query failed: the server's own words about
// the user's query, with its SQLSTATE code.
func pgQueryError(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fmt.Sprintf("the query failed: %s (SQLSTATE %s)", pe.Message, pe.Code)
	}
	if errors.Is(err, context.Canceled) {
		return "the query was cancelled"
	}
	return "the connection to the database broke while reading the rows"
}
