package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/planner-engine/planner/internal/fsutil"
)

// schemaVersion is stored in planner_meta; bump it when a change to the
// canonical tables needs more than adding columns.
const schemaVersion = 1

// Store is the embedded planning database: the canonical tables plus the
// record of what was loaded when. It is safe for use by one process at a
// time; DuckDB locks the file against other processes.
type Store struct {
	db   *sql.DB
	path string
}

// StoreOptions tunes the database engine. The zero value means defaults.
type StoreOptions struct {
	// Threads DuckDB may use; 0 means GOMAXPROCS.
	Threads int
	// MemoryLimit such as "4GB"; empty means DuckDB's default (80% of RAM).
	MemoryLimit string
	// ReadOnly opens the file for reading only, so several readers can share it.
	ReadOnly bool
}

// Open opens (creating if needed) the database file at path and makes sure
// every canonical table exists with every canonical column. An empty path
// opens a private in-memory database.
func Open(ctx context.Context, path string, opts *StoreOptions) (*Store, error) {
	if opts == nil {
		opts = &StoreOptions{}
	}
	threads := opts.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	if err := CheckPath(path); err != nil {
		return nil, err
	}
	if path != "" {
		if dir := filepath.Dir(path); dir != "." {
			if _, err := os.Stat(dir); err != nil {
				return nil, fmt.Errorf("database folder %s: %w", dir, err)
			}
		}
	}
	_, statErr := os.Stat(path)
	created := path != "" && errors.Is(statErr, os.ErrNotExist)
	dsn := path
	params := []string{fmt.Sprintf("threads=%d", threads)}
	if opts.MemoryLimit != "" {
		params = append(params, "memory_limit="+opts.MemoryLimit)
	}
	if opts.ReadOnly {
		params = append(params, "access_mode=READ_ONLY")
	}
	dsn += "?" + strings.Join(params, "&")
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, openError(path, err)
	}
	db := sql.OpenDB(connector)
	s := &Store{db: db, path: path}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, openError(path, err)
	}
	if created {
		// The database holds costs and prices, as the plans do.
		if err := os.Chmod(path, fsutil.Mode()); err != nil {
			db.Close()
			return nil, fmt.Errorf("database %s: %w", path, err)
		}
	}
	if !opts.ReadOnly {
		if err := s.migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

func openError(path string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "lock"):
		return fmt.Errorf("database %s is in use by another process: close it, or pass another --db", path)
	case strings.Contains(msg, "ermission denied"), strings.Contains(msg, "Read-only file system"):
		return fmt.Errorf("database %s cannot be written here (permission denied): pass --db a file in a folder the planner may write", path)
	case strings.Contains(msg, "No space left"):
		return fmt.Errorf("database %s cannot be written: the disk is full", path)
	case strings.Contains(msg, "not a valid DuckDB database"), strings.Contains(msg, "Corrupt"), strings.Contains(msg, "corrupt"):
		return fmt.Errorf("database %s is damaged or not a DuckDB database: load the data into a new file", path)
	}
	return fmt.Errorf("cannot open database %s (%s)", path, strings.TrimPrefix(strings.TrimPrefix(msg, "database/sql/driver: "), "could not connect to database: "))
}

// Close releases the database file.
func (s *Store) Close() error { return s.db.Close() }

// DB returns the database handle for queries of its own.
func (s *Store) DB() *sql.DB { return s.db }

// Path returns the database file, or "" for an in-memory database.
func (s *Store) Path() string { return s.path }

// migrate creates the bookkeeping and canonical tables and adds canonical
// columns that a database written by an older version lacks.
func (s *Store) migrate(ctx context.Context) error {
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS planner_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
		`CREATE TABLE IF NOT EXISTS planner_loads (load_id BIGINT, table_name VARCHAR, file VARCHAR,
			sha256 VARCHAR, rows BIGINT, mode VARCHAR, loaded_at TIMESTAMP)`,
		`CREATE TABLE IF NOT EXISTS planner_problems (table_name VARCHAR, severity VARCHAR, code VARCHAR,
			file VARCHAR, line BIGINT, "column" VARCHAR, value VARCHAR, message VARCHAR, hint VARCHAR, count BIGINT)`,
		// The exceptions runs raised: the first and last plan date each
		// was seen on.
		`CREATE TABLE IF NOT EXISTS planner_exceptions (exception_id VARCHAR PRIMARY KEY, first_seen DATE, last_seen DATE)`,
		// Planners' forecast overrides (planner override), applied by
		// every run whose days they cover.
		`CREATE TABLE IF NOT EXISTS planner_overrides (sku VARCHAR, location VARCHAR, from_date DATE, to_date DATE,
			set_qty BOOLEAN, qty DOUBLE, change DOUBLE, note VARCHAR, who VARCHAR, PRIMARY KEY (sku, location, from_date, to_date))`,
		// What each run forecast, for scoring against the sales that
		// arrive later: the final mean, the statistical one, the outer
		// quantiles the plans used.
		`CREATE TABLE IF NOT EXISTS planner_forecast_log (run_id VARCHAR, plan_date DATE, sku VARCHAR, location VARCHAR,
			channel VARCHAR, date DATE, step INTEGER, model VARCHAR, mean DOUBLE, statistical DOUBLE, lo DOUBLE, hi DOUBLE,
			lo_level DOUBLE, hi_level DOUBLE, overridden BOOLEAN)`,
	}
	stmts = append(stmts,
		// What each exception was about and its value at risk, now and
		// the night before (added later).
		`ALTER TABLE planner_exceptions ADD COLUMN IF NOT EXISTS kind VARCHAR`,
		`ALTER TABLE planner_exceptions ADD COLUMN IF NOT EXISTS sku VARCHAR`,
		`ALTER TABLE planner_exceptions ADD COLUMN IF NOT EXISTS location VARCHAR`,
		`ALTER TABLE planner_exceptions ADD COLUMN IF NOT EXISTS value DOUBLE`,
		`ALTER TABLE planner_exceptions ADD COLUMN IF NOT EXISTS prev_value DOUBLE`,
		`ALTER TABLE planner_exceptions ADD COLUMN IF NOT EXISTS prev_seen DATE`,
		// A person's snooze or acknowledgement (planner snooze).
		`ALTER TABLE planner_exceptions ADD COLUMN IF NOT EXISTS snooze_until DATE`,
		`ALTER TABLE planner_exceptions ADD COLUMN IF NOT EXISTS snooze_up_to DOUBLE`,
		`ALTER TABLE planner_exceptions ADD COLUMN IF NOT EXISTS acknowledged BOOLEAN`,
		`ALTER TABLE planner_exceptions ADD COLUMN IF NOT EXISTS decision_note VARCHAR`,
		`ALTER TABLE planner_exceptions ADD COLUMN IF NOT EXISTS decided_by VARCHAR`,
		// What a load replaced, and the days it covered (added later).
		`ALTER TABLE planner_loads ADD COLUMN IF NOT EXISTS replaced BIGINT`,
		`ALTER TABLE planner_loads ADD COLUMN IF NOT EXISTS first_date DATE`,
		`ALTER TABLE planner_loads ADD COLUMN IF NOT EXISTS last_date DATE`)
	for _, q := range stmts {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("preparing database %s: %w", s.path, err)
		}
	}
	var version sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT value FROM planner_meta WHERE key = 'schema_version'`).Scan(&version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("reading schema version of %s: %w", s.path, err)
	}
	if version.Valid && version.String != fmt.Sprint(schemaVersion) {
		return fmt.Errorf("database %s has schema version %s; this planner reads version %d (load the data into a new database)",
			s.path, version.String, schemaVersion)
	}
	existing, err := s.tableColumns(ctx)
	if err != nil {
		return err
	}
	for _, t := range Tables {
		cols, ok := existing[t.Name]
		if !ok {
			if _, err := s.db.ExecContext(ctx, t.DDL(t.Name)); err != nil {
				return fmt.Errorf("creating table %s: %w", t.Name, err)
			}
			continue
		}
		for _, c := range t.Columns {
			if !cols[c.Name] {
				q := fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", quoteIdent(t.Name), quoteIdent(c.Name), c.Type.SQL())
				if _, err := s.db.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("adding column %s.%s: %w", t.Name, c.Name, err)
				}
			}
		}
	}
	_, err = s.db.ExecContext(ctx, `INSERT OR REPLACE INTO planner_meta VALUES ('schema_version', ?)`, fmt.Sprint(schemaVersion))
	return err
}

func (s *Store) tableColumns(ctx context.Context) (map[string]map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'main' AND table_catalog = current_database()`)
	if err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]bool{}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		if out[t] == nil {
			out[t] = map[string]bool{}
		}
		out[t][c] = true
	}
	return out, rows.Err()
}

// RowCount returns the number of rows in a canonical table.
func (s *Store) RowCount(ctx context.Context, table string) (int64, error) {
	if TableNamed(table) == nil {
		return 0, fmt.Errorf("%q is not a canonical table", table)
	}
	var n int64
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteIdent(table)).Scan(&n)
	return n, err
}

// EngineVersion returns the version of DuckDB the store runs on, such as
// v1.5.6.
func (s *Store) EngineVersion(ctx context.Context) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT version()").Scan(&v)
	return v, err
}

// CheckPath refuses a database path that holds something else than a
// DuckDB database: a CSV file named by mistake must not be opened (and
// then replaced). A path with no file is a new database.
func CheckPath(path string) error {
	if path == "" {
		return nil
	}
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("database %s cannot be read: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("database %s is a folder: name a file, such as %s", path, filepath.Join(path, "planner.duckdb"))
	}
	if st.Size() == 0 {
		return fmt.Errorf("%s is an empty file, not a DuckDB database: remove it, or give --db a new file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("database %s cannot be read: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 12)
	if n, _ := io.ReadFull(f, head); n < 12 || string(head[8:12]) != "DUCK" {
		return fmt.Errorf("%s is not a DuckDB database (it holds other data): give --db a new file, or the database planner load wrote", path)
	}
	return nil
}
