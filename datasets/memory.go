package datasets

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/planner-engine/planner/series"
)

// SaveOverrides stores forecast overrides in one transaction: an override
// for the same SKU, location and days as a stored one replaces it.
func (s *Store) SaveOverrides(ctx context.Context, overrides []series.Override) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, o := range overrides {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO planner_overrides VALUES (?, ?, CAST(? AS DATE), CAST(? AS DATE), ?, ?, ?, ?, ?)`,
			o.SKU, o.Location, o.From.String(), o.To.String(), o.Set, o.Qty, o.Change, o.Note, o.Who); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Overrides returns the stored forecast overrides, oldest first by their
// first day (so that, where two cover a day, the later-starting wins). A
// database opened read-only that predates them has none.
func (s *Store) Overrides(ctx context.Context) ([]series.Override, error) {
	if cols, err := s.tableColumns(ctx); err != nil || cols["planner_overrides"] == nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT sku, location, CAST(from_date AS VARCHAR), CAST(to_date AS VARCHAR), set_qty, qty, change, note, who
		FROM planner_overrides ORDER BY from_date, to_date, sku, location`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []series.Override
	for rows.Next() {
		var o series.Override
		var from, to string
		if err := rows.Scan(&o.SKU, &o.Location, &from, &to, &o.Set, &o.Qty, &o.Change, &o.Note, &o.Who); err != nil {
			return nil, err
		}
		o.From, _ = series.ParseDate(from)
		o.To, _ = series.ParseDate(to)
		out = append(out, o)
	}
	return out, rows.Err()
}

// ForecastLog is one run's forecasts as the database keeps them: per
// series and step the final mean, the statistical mean (the same where
// no override applied), and the outer quantiles, at levels LoLevel and
// HiLevel.
type ForecastLog struct {
	RunID             string
	PlanDate          series.Date
	Freq              series.Freq
	Horizon           int
	Keys              []series.Key
	Starts            []series.Date
	Model             []string
	Mean, Statistical []float64
	Lo, Hi            []float64
	LoLevel, HiLevel  float64
	Overridden        []bool // nil: none
}

// RecordForecasts appends a run's forecasts to the log. The rows go
// through a temporary Parquet file written from Arrow columns, which
// DuckDB reads in bulk: a row at a time through the appender took 2.4 s
// for an M5-sized run (BENCHMARKS.md).
func (s *Store) RecordForecasts(ctx context.Context, f *ForecastLog) error {
	tmp, err := os.CreateTemp(s.spoolDir(), ".planner-log-*.parquet")
	if err != nil {
		return fmt.Errorf("cannot write a temporary file in %s: %w", s.spoolDir(), err)
	}
	path := tmp.Name()
	defer os.Remove(path)
	// The Parquet writer closes the file when it is done.
	if err := writeForecastLog(tmp, f); err != nil {
		tmp.Close()
		return fmt.Errorf("recording the run's forecasts: %w", err)
	}
	// Never hive partitioning: the database may sit in a folder named
	// like a partition (a shard's, shard=3-of-16).
	_, err = s.db.ExecContext(ctx, `INSERT INTO planner_forecast_log SELECT * FROM read_parquet(`+quoteString(path)+`, hive_partitioning = false)`)
	if err != nil {
		return fmt.Errorf("recording the run's forecasts: %w", err)
	}
	return nil
}

// writeForecastLog writes the log's rows as Parquet, in the columns of
// planner_forecast_log, in batches of spoolBatchRows.
func writeForecastLog(w io.Writer, f *ForecastLog) error {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "run_id", Type: arrow.BinaryTypes.String}, {Name: "plan_date", Type: arrow.FixedWidthTypes.Date32},
		{Name: "sku", Type: arrow.BinaryTypes.String}, {Name: "location", Type: arrow.BinaryTypes.String},
		{Name: "channel", Type: arrow.BinaryTypes.String}, {Name: "date", Type: arrow.FixedWidthTypes.Date32},
		{Name: "step", Type: arrow.PrimitiveTypes.Int32}, {Name: "model", Type: arrow.BinaryTypes.String},
		{Name: "mean", Type: arrow.PrimitiveTypes.Float64}, {Name: "statistical", Type: arrow.PrimitiveTypes.Float64},
		{Name: "lo", Type: arrow.PrimitiveTypes.Float64}, {Name: "hi", Type: arrow.PrimitiveTypes.Float64},
		{Name: "lo_level", Type: arrow.PrimitiveTypes.Float64}, {Name: "hi_level", Type: arrow.PrimitiveTypes.Float64},
		{Name: "overridden", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Uncompressed))
	fw, err := pqarrow.NewFileWriter(schema, w, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	flush := func() error {
		rec := b.NewRecordBatch()
		defer rec.Release()
		return fw.Write(rec)
	}
	plan := arrow.Date32(f.PlanDate)
	rows := 0
	for i, k := range f.Keys {
		for t := 0; t < f.Horizon; t++ {
			j := i*f.Horizon + t
			b.Field(0).(*array.StringBuilder).Append(f.RunID)
			b.Field(1).(*array.Date32Builder).Append(plan)
			b.Field(2).(*array.StringBuilder).Append(k.SKU)
			b.Field(3).(*array.StringBuilder).Append(k.Location)
			b.Field(4).(*array.StringBuilder).Append(k.Channel)
			b.Field(5).(*array.Date32Builder).Append(arrow.Date32(f.Freq.Add(f.Starts[i], t)))
			b.Field(6).(*array.Int32Builder).Append(int32(t + 1))
			b.Field(7).(*array.StringBuilder).Append(f.Model[i])
			b.Field(8).(*array.Float64Builder).Append(f.Mean[j])
			b.Field(9).(*array.Float64Builder).Append(f.Statistical[j])
			b.Field(10).(*array.Float64Builder).Append(f.Lo[j])
			b.Field(11).(*array.Float64Builder).Append(f.Hi[j])
			b.Field(12).(*array.Float64Builder).Append(f.LoLevel)
			b.Field(13).(*array.Float64Builder).Append(f.HiLevel)
			b.Field(14).(*array.BooleanBuilder).Append(f.Overridden != nil && f.Overridden[j])
			if rows++; rows%spoolBatchRows == 0 {
				if err := flush(); err != nil {
					fw.Close()
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

// DropForecastLogs deletes the logged forecasts of every run but those
// kept (by id).
func (s *Store) DropForecastLogs(ctx context.Context, keep []string) error {
	if len(keep) == 0 {
		_, err := s.db.ExecContext(ctx, `DELETE FROM planner_forecast_log`)
		return err
	}
	args := make([]any, len(keep))
	marks := ""
	for i, id := range keep {
		args[i] = id
		if i > 0 {
			marks += ", "
		}
		marks += "?"
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM planner_forecast_log WHERE run_id NOT IN (`+marks+`)`, args...)
	return err
}

// AccuracySums are the sums planner accuracy scores one group of logged
// forecasts by: a run, a horizon band, a category and a model family,
// over the days whose sales have arrived (a day without a sales row sold
// 0; a day marked unavailable is left out).
type AccuracySums struct {
	RunID, PlanDate, Horizon, Category, Model string
	// Days counts the series-days scored; Actual sums their sales;
	// AbsErr and Err the final forecast's absolute and signed errors,
	// StatAbsErr the statistical forecast's; Covered counts the days
	// whose sales fell within the logged quantiles.
	Days                            int64
	Actual, AbsErr, Err, StatAbsErr float64
	Covered                         int64
	// The same over the overridden days alone.
	OverDays                               int64
	OverActual, OverAbsErr, OverStatAbsErr float64
}

// Accuracy sums the logged forecasts' errors against the sales loaded
// since, by run, horizon band (steps 1-7, 8-14, 15-28, 29+), category
// and model family, in that order.
func (s *Store) Accuracy(ctx context.Context) ([]AccuracySums, error) {
	rows, err := s.db.QueryContext(ctx, `
		WITH last AS (SELECT max(date) AS d FROM sales),
		act AS (SELECT sku, location, channel, date, sum(qty) AS qty, bool_and(coalesce(available, true)) AS avail FROM sales GROUP BY ALL),
		scored AS (
			SELECT l.*, coalesce(act.qty, 0) AS a, CASE WHEN l.step <= 7 THEN 1 WHEN l.step <= 14 THEN 2 WHEN l.step <= 28 THEN 3 ELSE 4 END AS band
			FROM planner_forecast_log l CROSS JOIN last LEFT JOIN act USING (sku, location, channel, date)
			WHERE l.date <= last.d AND coalesce(act.avail, true))
		SELECT run_id, CAST(plan_date AS VARCHAR), ['1-7', '8-14', '15-28', '29+'][band], coalesce(p.category, ''), split_part(model, '(', 1),
			count(*), sum(a), sum(abs(mean - a)), sum(mean - a), sum(abs(statistical - a)),
			count(*) FILTER (WHERE a >= lo - 1e-9 AND a <= hi + 1e-9),
			count(*) FILTER (WHERE overridden), coalesce(sum(a) FILTER (WHERE overridden), 0),
			coalesce(sum(abs(mean - a)) FILTER (WHERE overridden), 0), coalesce(sum(abs(statistical - a)) FILTER (WHERE overridden), 0)
		FROM scored LEFT JOIN products p USING (sku)
		GROUP BY run_id, plan_date, band, 4, 5 ORDER BY run_id, band, 4, 5`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AccuracySums
	for rows.Next() {
		var a AccuracySums
		if err := rows.Scan(&a.RunID, &a.PlanDate, &a.Horizon, &a.Category, &a.Model, &a.Days, &a.Actual, &a.AbsErr, &a.Err, &a.StatAbsErr,
			&a.Covered, &a.OverDays, &a.OverActual, &a.OverAbsErr, &a.OverStatAbsErr); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// LoggedRuns lists the runs whose forecasts the log holds, by id.
func (s *Store) LoggedRuns(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT run_id FROM planner_forecast_log ORDER BY run_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ForecastMove is a SKU's forecast over the days two runs share, all its
// locations and channels added: the run before and this one.
type ForecastMove struct {
	SKU         string
	Before, Now float64
}

// ForecastMoves returns the n SKUs whose forecast moved most (in units)
// since the run logged before runID, over the days both runs forecast.
func (s *Store) ForecastMoves(ctx context.Context, runID string, n int) ([]ForecastMove, error) {
	rows, err := s.db.QueryContext(ctx, `
		WITH prev AS (SELECT max(run_id) AS id FROM planner_forecast_log WHERE run_id < ?),
		now AS (SELECT sku, date, sum(mean) AS m FROM planner_forecast_log WHERE run_id = ? GROUP BY ALL),
		before AS (SELECT sku, date, sum(mean) AS m FROM planner_forecast_log, prev WHERE run_id = prev.id GROUP BY ALL)
		SELECT sku, sum(before.m), sum(now.m) FROM now JOIN before USING (sku, date)
		GROUP BY sku HAVING abs(sum(now.m) - sum(before.m)) >= 0.5 ORDER BY abs(sum(now.m) - sum(before.m)) DESC, sku LIMIT ?`, runID, runID, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ForecastMove
	for rows.Next() {
		var m ForecastMove
		if err := rows.Scan(&m.SKU, &m.Before, &m.Now); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// TrackingSignal is a series' bias over the days its logged forecasts
// (each run's first week) have sales for: the summed error (forecast less
// sales), the mean absolute error, and their ratio, the tracking signal
// (Brown, Smoothing, Forecasting and Prediction, 1963).
type TrackingSignal struct {
	SKU, Location, Channel string
	Days                   int
	Error, MAD, Signal     float64
}

// TrackingSignals returns the series with at least 14 scored days whose
// tracking signal is not 0, the largest in size first.
func (s *Store) TrackingSignals(ctx context.Context) ([]TrackingSignal, error) {
	rows, err := s.db.QueryContext(ctx, `
		WITH last AS (SELECT max(date) AS d FROM sales),
		act AS (SELECT sku, location, channel, date, sum(qty) AS qty, bool_and(coalesce(available, true)) AS avail FROM sales GROUP BY ALL),
		e AS (SELECT l.sku, l.location, l.channel, l.mean - coalesce(act.qty, 0) AS err
			FROM planner_forecast_log l CROSS JOIN last LEFT JOIN act USING (sku, location, channel, date)
			WHERE l.step <= 7 AND l.date <= last.d AND coalesce(act.avail, true))
		SELECT sku, location, channel, count(*), sum(err), avg(abs(err)) FROM e GROUP BY ALL
		HAVING count(*) >= 14 AND avg(abs(err)) > 0
		ORDER BY abs(sum(err)) / avg(abs(err)) DESC, sku, location, channel`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TrackingSignal
	for rows.Next() {
		var t TrackingSignal
		if err := rows.Scan(&t.SKU, &t.Location, &t.Channel, &t.Days, &t.Error, &t.MAD); err != nil {
			return nil, err
		}
		t.Signal = t.Error / t.MAD
		out = append(out, t)
	}
	return out, rows.Err()
}

// ExceptionMemory is what the database keeps of an exception between
// nights: the day it was first seen, and a person's snooze or
// acknowledgement (planner snooze).
type ExceptionMemory struct {
	FirstSeen, SnoozedUntil series.Date
	SnoozedUpTo             float64
	Acknowledged            bool
}

// ExceptionsSeen returns what the database keeps of each exception the
// runs raised, by id.
func (s *Store) ExceptionsSeen(ctx context.Context) (map[string]ExceptionMemory, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT exception_id, CAST(first_seen AS VARCHAR), coalesce(CAST(snooze_until AS VARCHAR), ''),
		coalesce(snooze_up_to, 0), coalesce(acknowledged, false) FROM planner_exceptions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]ExceptionMemory{}
	for rows.Next() {
		var id, first, until string
		var m ExceptionMemory
		if err := rows.Scan(&id, &first, &until, &m.SnoozedUpTo, &m.Acknowledged); err != nil {
			return nil, err
		}
		if m.FirstSeen, err = series.ParseDate(first); err != nil {
			return nil, err
		}
		if until != "" {
			if m.SnoozedUntil, err = series.ParseDate(until); err != nil {
				return nil, err
			}
		}
		out[id] = m
	}
	return out, rows.Err()
}

// Snooze records a person's decision on exceptions the runs raised: a
// snooze until a plan date (until, 0 for none) and while the value at
// risk grows by at most a share of what it is now (grows, below 0 for
// none), or an acknowledgement (ack). Unknown ids are an error and
// nothing is recorded.
func (s *Store) Snooze(ctx context.Context, ids []string, until series.Date, grows float64, ack bool, note, who string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range ids {
		var untilArg, upTo any
		if until != 0 {
			untilArg = until.String()
		}
		if grows >= 0 {
			upTo = grows
		}
		res, err := tx.ExecContext(ctx, `UPDATE planner_exceptions SET snooze_until = CAST(? AS DATE),
			snooze_up_to = CASE WHEN ? IS NULL THEN NULL ELSE value * (1 + CAST(? AS DOUBLE)) END,
			acknowledged = ?, decision_note = ?, decided_by = ? WHERE exception_id = ?`, untilArg, upTo, upTo, ack, note, who, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%s is not an exception a run raised in this database (the exception_id column of exceptions.csv)", id)
		}
	}
	return tx.Commit()
}

// SeenException is an exception as the database remembers it from night
// to night.
type SeenException struct {
	ID, Kind, SKU, Location string
	Value                   float64
}

// RecordExceptions records that a run for the plan date day raised the
// exceptions: a new one is first seen on day; every one was last seen on
// it, with its value at risk, and keeps the value and day it had on the
// night before (a rerun for the same day keeps those as they were).
func (s *Store) RecordExceptions(ctx context.Context, day series.Date, exs []SeenException) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// The night's exceptions go in with one statement from a table the
	// appender fills: one statement a row would take longer than the
	// plans of a large shard.
	const seen = "planner_seen_exceptions"
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+seen+
		` (seq BIGINT, exception_id VARCHAR, kind VARCHAR, sku VARCHAR, location VARCHAR, value DOUBLE)`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+seen)
	err = appendToTemp(conn, seen, func(add func(...driver.Value) error) error {
		for i, e := range exs {
			if err := add(int64(i), e.ID, e.Kind, e.SKU, e.Location, e.Value); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// An exception listed twice counts once, with its last value.
	_, err = conn.ExecContext(ctx, fmt.Sprintf(`INSERT INTO planner_exceptions
		(exception_id, first_seen, last_seen, kind, sku, location, value)
		SELECT exception_id, DATE '%[1]s', DATE '%[1]s', kind, sku, location, value FROM %[2]s
		QUALIFY row_number() OVER (PARTITION BY exception_id ORDER BY seq DESC) = 1
		ON CONFLICT (exception_id) DO UPDATE SET
			first_seen = least(first_seen, excluded.first_seen),
			prev_seen = CASE WHEN last_seen < excluded.last_seen THEN last_seen ELSE prev_seen END,
			prev_value = CASE WHEN last_seen < excluded.last_seen THEN value ELSE prev_value END,
			value = CASE WHEN last_seen <= excluded.last_seen THEN excluded.value ELSE value END,
			last_seen = greatest(last_seen, excluded.last_seen),
			kind = excluded.kind, sku = excluded.sku, location = excluded.location`, day, seen))
	return err
}

// ExceptionChanges are the exceptions of the night before day that day's
// run no longer raised (Resolved), and those it raised again with more at
// risk (Worsened, with their value the night before as Previous).
type ExceptionChanges struct {
	Resolved, Worsened []SeenException
	Previous           []float64
}

// ChangesSince compares day's exceptions with the latest night before it.
func (s *Store) ChangesSince(ctx context.Context, day series.Date) (*ExceptionChanges, error) {
	out := &ExceptionChanges{}
	q := `SELECT exception_id, coalesce(kind, ''), coalesce(sku, ''), coalesce(location, ''), coalesce(value, 0), coalesce(prev_value, 0)
		FROM planner_exceptions WHERE %s ORDER BY value DESC, exception_id`
	for k, where := range []string{
		`last_seen = (SELECT max(last_seen) FROM planner_exceptions WHERE last_seen < CAST(? AS DATE))`,
		`last_seen = CAST(? AS DATE) AND prev_seen IS NOT NULL AND value > prev_value + 0.005`,
	} {
		rows, err := s.db.QueryContext(ctx, fmt.Sprintf(q, where), day.String())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var e SeenException
			var prev float64
			if err := rows.Scan(&e.ID, &e.Kind, &e.SKU, &e.Location, &e.Value, &prev); err != nil {
				rows.Close()
				return nil, err
			}
			if k == 0 {
				out.Resolved = append(out.Resolved, e)
			} else {
				out.Worsened, out.Previous = append(out.Worsened, e), append(out.Previous, prev)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
