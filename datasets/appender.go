package datasets

import (
	"database/sql"
	"database/sql/driver"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// appendToTemp fills a temporary table of conn through DuckDB's appender,
// far faster than a statement a row: fill calls add once a row, with the
// table's columns in order.
func appendToTemp(conn *sql.Conn, table string, fill func(add func(values ...driver.Value) error) error) error {
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", table)
		if err != nil {
			return err
		}
		if err := fill(app.AppendRow); err != nil {
			app.Close()
			return err
		}
		return app.Close()
	})
}
