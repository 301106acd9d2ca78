package datasets_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/datasetstest"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/internal/benchutil"
	"github.com/planner-engine/planner/series"
)

// benchSalesCSV writes (once, into the benchmark cache) a long-format sales
// file of n rows: 1,000-day series of SKUs across locations. The narrow
// layout is date,sku,location,qty; the wide one adds channel, price and promo.
func benchSalesCSV(b *testing.B, n int, wide bool) string {
	layout := "narrow"
	extra := ""
	if wide {
		layout = "wide"
		extra = ", 'store' AS channel, round(1 + (i % 7) / 10, 2) AS price, (i % 11 = 0) AS promo"
	}
	path := filepath.Join(benchutil.CacheDir(b), fmt.Sprintf("sales-%s-%d.csv", layout, n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	s := benchMemory(b)
	q := fmt.Sprintf(`COPY (SELECT DATE '2015-01-01' + (i %% 1000)::INTEGER AS date, 'SKU' || lpad(((i // 1000) %% %d)::VARCHAR, 6, '0') AS sku,
		'S' || lpad((i // (1000 * %d))::VARCHAR, 3, '0') AS location, ((i * 7919) %% 13)::INTEGER AS qty%s
		FROM range(%d) t(i)) TO '%s' (HEADER)`, max(1, n/10_000), max(1, n/10_000), extra, n, path+".tmp")
	if _, err := s.DB().Exec(q); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// loadEach loads opts into a new database file b.N times, timing the load
// and the close (the work a user waits for), and checks each report.
func loadEach(b *testing.B, opts datasets.LoadOptions, check func(*datasets.LoadReport) error) {
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := datasets.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := s.Load(ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		if err := check(rep); err != nil {
			b.Fatal(err)
		}
	}
}

// wantRows checks that a load gave the sales table n rows.
func wantRows(n int64) func(*datasets.LoadReport) error {
	return func(rep *datasets.LoadReport) error {
		if rep.Rows("sales") != n {
			return fmt.Errorf("loaded %d rows, want %d", rep.Rows("sales"), n)
		}
		return nil
	}
}

// BenchmarkLoadCSV measures planner load's core: validating a sales CSV and
// loading it into a database file, checks, commit and close included.
func BenchmarkLoadCSV(b *testing.B) {
	for _, wide := range []bool{false, true} {
		for _, n := range []int{100_000, 1_000_000, 10_000_000} {
			layout := "narrow"
			if wide {
				layout = "wide"
			}
			b.Run(fmt.Sprintf("%s/rows=%d", layout, n), func(b *testing.B) {
				path := benchSalesCSV(b, n, wide)
				loadEach(b, datasets.LoadOptions{Files: map[string]string{"sales": path}}, wantRows(int64(n)))
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkLoadStoreItemDemand loads the real Store Item Demand file
// (913,000 rows, gzip) with the column mapping a user would pass.
func BenchmarkLoadStoreItemDemand(b *testing.B) {
	path := benchutil.SharedData(b, "store-item-demand/train.csv.gz")
	m, _ := files.ParseMapping("qty=sales,location=store,sku=item")
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		s, err := datasets.Open(ctx, filepath.Join(b.TempDir(), "sid.duckdb"), nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Load(ctx, datasets.LoadOptions{Files: map[string]string{"sales": path}, Map: m}); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(913_000*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadPanel streams the sales table as Panels: an M5-sized retailer
// (30,490 daily series of 1,941 days) and a million short series (1,000
// stores x 1,000 SKUs x 56 days), read whole and in chunks of 10,000 series.
func BenchmarkReadPanel(b *testing.B) {
	sizes := []struct {
		name string
		cfg  synth.Config
	}{
		{"m5", datasetstest.M5},
		{"1M-series", datasetstest.MillionSeries},
	}
	for _, size := range sizes {
		for _, chunk := range []int{10_000, 0} {
			label := "chunks"
			if chunk == 0 {
				label = "whole"
			}
			b.Run(size.name+"/"+label, func(b *testing.B) {
				s := datasetstest.Store(b, size.name, size.cfg)
				ctx := context.Background()
				benchutil.ResetPeakRSS()
				b.ReportAllocs()
				b.ResetTimer()
				var n, values int
				for i := 0; i < b.N; i++ {
					n, values = 0, 0
					if chunk == 0 {
						p, err := s.ReadPanel(ctx, datasets.PanelOptions{Freq: series.Daily})
						if err != nil {
							b.Fatal(err)
						}
						n, values = p.Len(), len(p.Values)
						continue
					}
					for p, err := range s.Panels(ctx, datasets.PanelOptions{Freq: series.Daily, ChunkSeries: chunk}) {
						if err != nil {
							b.Fatal(err)
						}
						n += p.Len()
						values += len(p.Values)
					}
				}
				b.ReportMetric(float64(n), "series")
				b.ReportMetric(float64(values)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
				b.ReportMetric(benchutil.PeakRSSMB(), "peak-RSS-MB")
			})
		}
	}
}

// BenchmarkDuckDBBaseline measures DuckDB alone on the narrow 10M-row file,
// for comparison with BenchmarkLoadCSV: a scan that parses every column, and
// a bare CREATE TABLE AS into a database file with no checks.
func BenchmarkDuckDBBaseline(b *testing.B) {
	const n = 10_000_000
	path := benchSalesCSV(b, n, false)
	read := fmt.Sprintf(`read_csv('%s', header = true, auto_detect = false,
		columns = {'date': 'DATE', 'sku': 'VARCHAR', 'location': 'VARCHAR', 'qty': 'DOUBLE'})`, path)
	b.Run("scan", func(b *testing.B) {
		s := benchMemory(b)
		for i := 0; i < b.N; i++ {
			var rows int64
			var total float64
			var skus, days int64
			if err := s.DB().QueryRow("SELECT count(*), sum(qty), count(DISTINCT sku), count(DISTINCT date) FROM "+read).Scan(&rows, &total, &skus, &days); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(n*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("create-table", func(b *testing.B) {
		ctx := context.Background()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s, err := datasets.Open(ctx, filepath.Join(b.TempDir(), "base.duckdb"), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := s.DB().Exec("SET preserve_insertion_order = false; CREATE TABLE t AS SELECT * FROM " + read); err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
		b.ReportMetric(n*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// benchMemory opens an in-memory database for the benchmark.
func benchMemory(b *testing.B) *datasets.Store {
	s, err := datasets.Open(context.Background(), "", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// benchLinesParquet writes (once, into the benchmark cache) a Parquet file
// of n point-of-sale lines: times of day over 365 days, 2,000 SKUs in 100
// stores, about 5 lines per receipt, 2% returns and 1% cancellations.
// With ids, the lines also carry InvoiceNo and CustomerID.
func benchLinesParquet(b *testing.B, n int, ids bool) string {
	path := filepath.Join(benchutil.CacheDir(b), fmt.Sprintf("lines-%d-%t.parquet", n, ids))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	s := benchMemory(b)
	q := fmt.Sprintf(`COPY (SELECT
			TIMESTAMP '2024-01-01 08:00:00' + to_days((i %% 365)::INTEGER) + to_seconds(((i * 7919) %% 43200)::BIGINT) AS InvoiceDate,
			'SKU' || lpad(((i * 104729) %% 2000)::VARCHAR, 5, '0') AS StockCode,
			'S' || lpad(((i // 5) %% 100)::VARCHAR, 3, '0') AS Store,
			CASE WHEN i %% 100 = 0 THEN -1 WHEN i %% 50 = 0 THEN -2 ELSE 1 + (i %% 3) END AS Quantity,
			round(1 + ((i * 31) %% 900) / 100, 2) AS UnitPrice%s
		FROM range(%d) t(i)) TO '%s' (FORMAT parquet)`, idCols(ids), n, path+".tmp")
	if _, err := s.DB().Exec(q); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

func idCols(ids bool) string {
	if !ids {
		return ""
	}
	return `, CASE WHEN i % 100 = 0 THEN 'C' ELSE '' END || (i // 5)::VARCHAR AS InvoiceNo, ((i // 5) % 50000)::VARCHAR AS CustomerID`
}

// BenchmarkLoadTransactions measures transaction lines summed into daily
// sales rows: reading the lines, the sums, the checks and the commit of a
// load into a database file.
func BenchmarkLoadTransactions(b *testing.B) {
	for _, ids := range []bool{false, true} {
		mapping := "date=InvoiceDate,sku=StockCode,location=Store,qty=Quantity,price=UnitPrice"
		layout := "lines"
		if ids {
			mapping += ",order_id=InvoiceNo,customer_id=CustomerID"
			layout = "lines+orders+customers"
		}
		m, err := files.ParseMapping(mapping)
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range []int{1_000_000, 10_000_000} {
			b.Run(fmt.Sprintf("%s/n=%d", layout, n), func(b *testing.B) {
				path := benchLinesParquet(b, n, ids)
				opts := datasets.LoadOptions{Files: map[string]string{"sales": path}, Map: m, Grain: datasets.GrainTransaction}
				loadEach(b, opts, func(rep *datasets.LoadReport) error {
					if rep.Lines == nil || rep.Lines.Lines != int64(n) {
						return fmt.Errorf("read %v lines, want %d", rep.Lines, n)
					}
					return nil
				})
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
			})
		}
	}
}

// BenchmarkLoadPostgres measures sales rows streamed from a PostgreSQL
// query into the database: the query's rows read with pgx and appended,
// then checked and committed as a file's.
func BenchmarkLoadPostgres(b *testing.B) {
	url := datasetstest.Postgres(b)
	ctx := context.Background()
	pg, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	const n = 1_000_000
	_, err = pg.Exec(ctx, fmt.Sprintf(`CREATE TABLE pos_daily AS SELECT DATE '2020-01-01' + (i %% 1000) AS day,
		'SKU' || lpad(((i / 1000) %% 1000)::text, 5, '0') AS item, 'S' || lpad((i / 1000000)::text, 3, '0') AS store,
		((i::bigint * 7919) %% 13)::numeric AS units, round((1 + (i %% 7) / 10.0)::numeric, 2)::float8 AS paid
		FROM generate_series(0, %d - 1) i`, n))
	pg.Close(ctx)
	if err != nil {
		b.Fatal(err)
	}
	query := "SELECT day AS date, item AS sku, store AS location, units AS qty, paid AS price FROM pos_daily"
	loadEach(b, datasets.LoadOptions{Files: map[string]string{"sales": url}, Query: query}, wantRows(n))
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkRecordForecasts logs an M5-sized run's forecasts (30,490
// series x 28 days) in the database, as the nightly forecast stage does
// for planner accuracy.
func BenchmarkRecordForecasts(b *testing.B) {
	const n, h = 30490, 28
	start := series.MustParseDate("2016-05-23")
	log := &datasets.ForecastLog{PlanDate: start, Freq: series.Daily, Horizon: h, LoLevel: 0.1, HiLevel: 0.9}
	for i := 0; i < n; i++ {
		log.Keys = append(log.Keys, series.Key{SKU: fmt.Sprintf("SKU%05d", i/10), Location: fmt.Sprintf("S%02d", i%10), Channel: "store"})
		log.Starts = append(log.Starts, start)
		log.Model = append(log.Model, "ETS(A,N,A)")
	}
	log.Mean = make([]float64, n*h)
	for j := range log.Mean {
		log.Mean[j] = float64(j % 17)
	}
	log.Statistical, log.Lo, log.Hi = log.Mean, log.Mean, log.Mean
	s, err := datasets.Open(context.Background(), filepath.Join(b.TempDir(), "p.duckdb"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		log.RunID = fmt.Sprintf("R%d", i)
		if err := s.RecordForecasts(context.Background(), log); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*h), "rows")
}
