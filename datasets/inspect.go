package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/planner-engine/planner/series"
)

// Summary describes what the database holds. Its JSON keys are a stable
// contract (documented in docs/cli.md): scripts read them.
type Summary struct {
	Database   string           `json:"database"`
	SalesRows  int64            `json:"sales_rows"`
	Series     int64            `json:"series"`
	SKUs       int64            `json:"skus"`
	Locations  int64            `json:"locations"`
	Channels   []string         `json:"channels"`
	FirstDate  string           `json:"first_date"`
	LastDate   string           `json:"last_date"`
	Frequency  string           `json:"frequency"`
	Periods    int64            `json:"periods"`
	ZeroShare  float64          `json:"zero_share"`
	TotalUnits float64          `json:"total_units"`
	Tables     map[string]int64 `json:"tables"`
	Hierarchy  Hierarchy        `json:"hierarchy"`
	Problems   Problems         `json:"problems"`
	LastLoads  []TableLoad      `json:"last_loads"`
	// LastLoad is the most recent load: its files, the rows it added and
	// replaced, and the days its files covered; absent before any load.
	LastLoad *LastLoad `json:"last_load,omitempty"`
}

// LastLoad describes one load (planner load, or a run's load stage).
type LastLoad struct {
	LoadID       int64        `json:"load_id"`
	Mode         string       `json:"mode"` // replace or append
	LoadedAt     string       `json:"loaded_at"`
	Files        []LoadedFile `json:"files"`
	RowsAdded    int64        `json:"rows_added"`
	RowsReplaced int64        `json:"rows_replaced"`
	FirstDate    string       `json:"first_date"` // the earliest day in its files; "" when they have none
	LastDate     string       `json:"last_date"`
}

// LoadedFile is one file of a load.
type LoadedFile struct {
	Table    string `json:"table"`
	File     string `json:"file"`
	Rows     int64  `json:"rows"`
	Replaced int64  `json:"replaced"`
}

// Hierarchy counts the levels of the product and location hierarchies.
type Hierarchy struct {
	Categories    int64            `json:"categories"`
	Departments   int64            `json:"departments"`
	Regions       int64            `json:"regions"`
	LocationTypes map[string]int64 `json:"location_types"`
}

// Inspect summarises what is loaded: sizes, the sales date range and
// frequency, how sparse the series are, the hierarchies, and the warnings
// recorded by the loads.
func (s *Store) Inspect(ctx context.Context) (*Summary, error) {
	sum := &Summary{Database: s.path, Tables: map[string]int64{}, Channels: []string{},
		Hierarchy: Hierarchy{LocationTypes: map[string]int64{}}, Problems: Problems{}, LastLoads: []TableLoad{}}
	if sum.Database == "" {
		sum.Database = ":memory:"
	}
	db := s.db
	for _, t := range Tables {
		n, err := s.RowCount(ctx, t.Name)
		if err != nil {
			return nil, err
		}
		sum.Tables[t.Name] = n
	}
	sum.SalesRows = sum.Tables[Sales.Name]

	var lo, hi dateScan
	var total sql.NullFloat64
	err := db.QueryRowContext(ctx, `SELECT count(DISTINCT (sku, location, channel)), count(DISTINCT sku), count(DISTINCT location),
		min(date), max(date), sum(qty) FROM sales`).Scan(&sum.Series, &sum.SKUs, &sum.Locations, &lo, &hi, &total)
	if err != nil {
		return nil, fmt.Errorf("summarising sales: %w", err)
	}
	sum.TotalUnits = total.Float64
	if lo.Valid {
		sum.FirstDate, sum.LastDate = lo.Date.String(), hi.Date.String()
		dates, err := queryDates(ctx, db, "SELECT DISTINCT date FROM sales ORDER BY 1")
		if err != nil {
			return nil, err
		}
		freq := inferFreq(dates)
		sum.Frequency = freq.String()
		sum.Periods = int64(freq.Between(lo.Date, hi.Date)) + 1
		// Zero share: of every series' periods from its first row to the
		// last date, the share without sales (missing rows count as zero).
		periods := map[series.Freq]string{
			series.Daily:   fmt.Sprintf("(DATE '%s' - first) + 1", hi.Date),
			series.Weekly:  fmt.Sprintf("(DATE '%s' - first) // 7 + 1", hi.Date),
			series.Monthly: fmt.Sprintf("datediff('month', first, DATE '%s') + 1", hi.Date),
		}[freq]
		var cells, selling sql.NullFloat64
		err = db.QueryRowContext(ctx, fmt.Sprintf(`SELECT sum(%s), sum(selling) FROM (
				SELECT min(date) AS first, count(DISTINCT date) FILTER (WHERE qty > 0) AS selling
				FROM sales GROUP BY sku, location, channel)`, periods)).Scan(&cells, &selling)
		if err != nil {
			return nil, fmt.Errorf("measuring zero sales: %w", err)
		}
		if cells.Float64 > 0 {
			sum.ZeroShare = round3(1 - selling.Float64/cells.Float64)
		}
	}
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT channel FROM sales WHERE channel IS NOT NULL ORDER BY 1")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		sum.Channels = append(sum.Channels, c)
	}
	rows.Close()

	h := &sum.Hierarchy
	if err := db.QueryRowContext(ctx, "SELECT count(DISTINCT category), count(DISTINCT (category, department)) FILTER (WHERE department IS NOT NULL) FROM products").
		Scan(&h.Categories, &h.Departments); err != nil {
		return nil, err
	}
	if err := db.QueryRowContext(ctx, "SELECT count(DISTINCT region) FROM locations").Scan(&h.Regions); err != nil {
		return nil, err
	}
	rows, err = db.QueryContext(ctx, `SELECT "type", count(*) FROM locations GROUP BY ALL ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var typ sql.NullString
		var n int64
		rows.Scan(&typ, &n)
		h.LocationTypes[typ.String] = n
	}
	rows.Close()

	rows, err = db.QueryContext(ctx, `SELECT table_name, severity, code, file, line, "column", value, message, hint, count
		FROM planner_problems ORDER BY table_name, file, line, "column", code, message`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p Problem
		var sev string
		var file, col, val, hint sql.NullString
		var line, count sql.NullInt64
		if err := rows.Scan(&p.Table, &sev, &p.Code, &file, &line, &col, &val, &p.Message, &hint, &count); err != nil {
			rows.Close()
			return nil, err
		}
		p.Severity, p.File, p.Line, p.Column, p.Value = Severity(sev), file.String, line.Int64, col.String, val.String
		p.Hint, p.Count = hint.String, count.Int64
		if p.Line > 0 {
			p.Where = "line"
			if !strings.HasSuffix(strings.ToLower(strings.TrimSuffix(p.File, ".gz")), ".csv") &&
				!strings.HasSuffix(strings.ToLower(strings.TrimSuffix(p.File, ".gz")), ".tsv") {
				p.Where = "row"
			}
		}
		sum.Problems = append(sum.Problems, p)
	}
	rows.Close()

	rows, err = db.QueryContext(ctx, `SELECT table_name, file, rows, sha256 FROM planner_loads
		WHERE load_id = (SELECT max(load_id) FROM planner_loads l2 WHERE l2.table_name = planner_loads.table_name)
		ORDER BY table_name, file`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t TableLoad
		var sha sql.NullString
		if err := rows.Scan(&t.Table, &t.File, &t.Rows, &sha); err != nil {
			return nil, err
		}
		t.SHA256 = sha.String
		sum.LastLoads = append(sum.LastLoads, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if sum.LastLoad, err = s.lastLoad(ctx); err != nil {
		return nil, err
	}
	return sum, nil
}

// lastLoad reads the most recent load's record.
func (s *Store) lastLoad(ctx context.Context) (*LastLoad, error) {
	cols, err := s.tableColumns(ctx)
	if err != nil {
		return nil, err
	}
	replaced, first, last := "0", "NULL", "NULL"
	if cols["planner_loads"]["replaced"] { // a database opened read-only may predate them
		replaced, first, last = "coalesce(replaced, 0)", "first_date", "last_date"
	}
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`SELECT load_id, mode, strftime(loaded_at, '%%Y-%%m-%%dT%%H:%%M:%%S'), table_name, file, rows, %s, %s, %s
		FROM planner_loads WHERE load_id = (SELECT max(load_id) FROM planner_loads) ORDER BY table_name, file`, replaced, first, last))
	if err != nil {
		return nil, fmt.Errorf("reading the last load: %w", err)
	}
	defer rows.Close()
	var out *LastLoad
	for rows.Next() {
		var f LoadedFile
		var id int64
		var mode, at string
		var lo, hi dateScan
		if err := rows.Scan(&id, &mode, &at, &f.Table, &f.File, &f.Rows, &f.Replaced, &lo, &hi); err != nil {
			return nil, err
		}
		if out == nil {
			out = &LastLoad{LoadID: id, Mode: mode, LoadedAt: at, Files: []LoadedFile{}}
		}
		out.Files = append(out.Files, f)
		out.RowsAdded += f.Rows
		out.RowsReplaced += f.Replaced
		if lo.Valid && (out.FirstDate == "" || lo.Date.String() < out.FirstDate) {
			out.FirstDate = lo.Date.String()
		}
		if hi.Valid && hi.Date.String() > out.LastDate {
			out.LastDate = hi.Date.String()
		}
	}
	return out, rows.Err()
}

// queryer is what both *sql.DB and *sql.Conn offer.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryDates runs a query of one DATE column.
func queryDates(ctx context.Context, db queryer, q string) ([]series.Date, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []series.Date
	for rows.Next() {
		var d dateScan
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d.Date)
	}
	return out, rows.Err()
}

// SalesEnd is the last day of the sales history; 0 without sales.
func (s *Store) SalesEnd(ctx context.Context) (series.Date, error) {
	var end dateScan
	if err := s.db.QueryRowContext(ctx, "SELECT max(date) FROM sales").Scan(&end); err != nil {
		return 0, fmt.Errorf("reading the sales dates: %w", err)
	}
	if !end.Valid {
		return 0, nil
	}
	return end.Date, nil
}

// Frequency returns the spacing of the sales dates (the period of the
// series, as Inspect reports it), or 0 when there are no sales.
func (s *Store) Frequency(ctx context.Context) (series.Freq, error) {
	dates, err := queryDates(ctx, s.db, "SELECT DISTINCT date FROM sales ORDER BY 1")
	if err != nil {
		return 0, fmt.Errorf("reading the sales dates: %w", err)
	}
	if len(dates) == 0 {
		return 0, nil
	}
	return inferFreq(dates), nil
}
