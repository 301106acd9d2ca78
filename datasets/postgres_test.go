package datasets_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/datasetstest"
)

// Sales history in a PostgreSQL database loads through a query: the rows
// stream into the database, are checked as a file's rows are, and problems
// name the query's row. A query or a server that fails says why in words.
func TestLoadSalesFromPostgres(t *testing.T) {
	url := datasetstest.Postgres(t)
	ctx := context.Background()
	pg, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer pg.Close(ctx)
	_, err = pg.Exec(ctx, `CREATE TABLE pos_daily (day date, item text, shop text, units numeric(12,2), paid double precision, on_promo boolean);
		INSERT INTO pos_daily VALUES ('2024-01-01', 'A', 'S1', 3, 1.5, false), ('2024-01-02', 'A', 'S1', 5.5, 1.2, true),
			('2024-01-01', 'B', 'S1', 2, NULL, false), ('2024-01-02', 'B', 'S1', -1, 2.0, false);`)
	require.NoError(t, err)

	s, err := datasets.Open(ctx, "", nil)
	require.NoError(t, err)
	defer s.Close()
	query := `SELECT day AS date, item AS sku, shop AS location, units AS qty, paid AS price, on_promo AS promo FROM pos_daily WHERE units >= 0 ORDER BY day, item`
	rep, err := s.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": url}, Query: query})
	require.NoError(t, err)
	assert.Equal(t, int64(3), rep.Rows("sales"))
	var qty, price float64
	var promos int
	require.NoError(t, s.DB().QueryRow("SELECT sum(qty), sum(price), count(*) FILTER (WHERE promo) FROM sales").Scan(&qty, &price, &promos))
	assert.Equal(t, 10.5, qty)
	assert.Equal(t, 2.7, price)
	assert.Equal(t, 1, promos)

	// A row the checks refuse is named by its row in the query.
	_, err = s.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": url},
		Query: strings.Replace(query, "WHERE units >= 0 ", "", 1)})
	var ve *datasets.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Error(), "row 4, column qty: -1 is negative")

	for _, c := range []struct{ url, query, want string }{
		{url, "SELECT * FROM nope", `the query failed: relation "nope" does not exist (SQLSTATE 42P01)`},
		{url, "", "a database needs a query that selects the rows: pass --query 'SELECT ...'"},
		{url, "DELETE FROM pos_daily RETURNING day AS date, item AS sku, shop AS location, units AS qty", "read-only transaction"},
		{"postgres://planner:secret@127.0.0.1:1/postgres?sslmode=disable", query, "nothing answers at that host and port"},
		{strings.Replace(url, "/postgres?", "/nosuchdb?", 1), query, "the database does not exist on that server"},
	} {
		_, err := s.Validate(ctx, datasets.LoadOptions{Files: map[string]string{"sales": c.url}, Query: c.query})
		require.ErrorAs(t, err, &ve, c.url)
		assert.Contains(t, ve.Error(), c.want)
		assert.NotContains(t, ve.Error(), "secret", "a password is never shown")
	}
	// Only the sales come from a database, and a query needs one.
	_, err = s.Validate(ctx, datasets.LoadOptions{Files: map[string]string{"sales": url, "products": url}, Query: query})
	assert.EqualError(t, err, "--products "+url+": only --sales reads from a database; export the products table to a file")
	_, err = s.Validate(ctx, datasets.LoadOptions{Files: map[string]string{"sales": "sales.csv"}, Query: query})
	assert.EqualError(t, err, "--query selects rows from a database: it goes with --sales postgres://user@host/db")

	var left int
	require.NoError(t, pg.QueryRow(ctx, "SELECT count(*) FROM pos_daily").Scan(&left))
	assert.Equal(t, 4, left, "the planner never writes to the database it reads")
}
