package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/planner-engine/planner/series"
)

// PanelOptions says how to read the sales history as series. The zero value
// reads daily series in chunks of DefaultChunkSeries.
type PanelOptions struct {
	// Freq is the period of the series; 0 means daily.
	Freq series.Freq
	// ChunkSeries is the most series one Panel of the stream holds; 0 means
	// DefaultChunkSeries. Memory held on the Go side is bounded by one chunk.
	ChunkSeries int
	// TrimLeadingZeros starts each series at its first period with sales,
	// rather than its first row (wide files often carry zeros from before
	// a product was launched).
	TrimLeadingZeros bool
	// End is the last period of every series; 0 means the last date in the
	// sales table. Series that stopped selling are padded with zeros to it.
	End series.Date
}

// DefaultChunkSeries is how many series one Panel chunk holds by default.
const DefaultChunkSeries = 10_000

// Panels streams the sales table as panels of at most ChunkSeries series,
// ordered by SKU, location and channel. Periods without rows are zero sales;
// several rows in one period (daily rows read weekly) are summed.
func (s *Store) Panels(ctx context.Context, opts PanelOptions) iter.Seq2[*series.Panel, error] {
	return func(yield func(*series.Panel, error) bool) {
		if err := s.streamPanels(ctx, opts, yield); err != nil {
			yield(nil, err)
		}
	}
}

// ReadPanel reads the whole sales table as one Panel.
func (s *Store) ReadPanel(ctx context.Context, opts PanelOptions) (*series.Panel, error) {
	opts.ChunkSeries = 1 << 62
	var out *series.Panel
	for p, err := range s.Panels(ctx, opts) {
		if err != nil {
			return nil, err
		}
		out = p
	}
	if out == nil {
		freq := opts.Freq
		if freq == 0 {
			freq = series.Daily
		}
		out = &series.Panel{Freq: freq}
	}
	return out, nil
}

// errStop ends a stream whose consumer stopped early.
var errStop = errors.New("stop")

func (s *Store) streamPanels(ctx context.Context, opts PanelOptions, yield func(*series.Panel, error) bool) error {
	freq := opts.Freq
	if freq == 0 {
		freq = series.Daily
	}
	if !freq.Valid() {
		return fmt.Errorf("datasets: frequency %v is not D, W or M", freq)
	}
	chunk := opts.ChunkSeries
	if chunk <= 0 {
		chunk = DefaultChunkSeries
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()

	var lo, hi dateScan
	if err := conn.QueryRowContext(ctx, "SELECT min(date), max(date) FROM sales").Scan(&lo, &hi); err != nil {
		return fmt.Errorf("datasets: reading the sales date range: %w", err)
	}
	if !lo.Valid {
		return nil // no sales: no series
	}
	origin := freq.PeriodStart(lo.Date)
	end := hi.Date
	if opts.End != 0 {
		end = opts.End
	}
	last := freq.Between(origin, end) // index of the last period
	if last < 0 {
		return fmt.Errorf("datasets: the panel end %v comes before the first sale on %v", end, lo.Date)
	}
	periodExpr := map[series.Freq]string{
		series.Daily:   fmt.Sprintf("(date - DATE '%s')", origin),
		series.Weekly:  fmt.Sprintf("((date - DATE '%s') // 7)", origin),
		series.Monthly: fmt.Sprintf("datediff('month', DATE '%s', date)", origin),
	}[freq]

	// Number the series once, so the bulk stream carries integers only.
	keysQ := `CREATE OR REPLACE TEMP TABLE planner_panel_keys AS
		SELECT sku, location, channel, (row_number() OVER (ORDER BY sku, location, channel) - 1)::BIGINT AS id
		FROM (SELECT DISTINCT sku, location, channel FROM sales)`
	if _, err := conn.ExecContext(ctx, keysQ); err != nil {
		return fmt.Errorf("datasets: numbering series: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS planner_panel_keys")
	keys, err := readKeys(ctx, conn)
	if err != nil {
		return err
	}
	dataQ := fmt.Sprintf(`SELECT k.id, %s::BIGINT AS p, sum(s.qty)::DOUBLE AS q
		FROM sales s JOIN planner_panel_keys k USING (sku, location, channel)
		WHERE s.date <= DATE '%s'
		GROUP BY ALL ORDER BY k.id, p`, periodExpr, end)

	b := panelBuilder{freq: freq, origin: origin, last: last, trim: opts.TrimLeadingZeros, keys: keys, cur: -1}
	b.reset()
	err = scanArrow(ctx, conn, dataQ, func(rec arrow.RecordBatch) error {
		ids := rec.Column(0).(*array.Int64).Int64Values()
		ps := rec.Column(1).(*array.Int64).Int64Values()
		qs := rec.Column(2).(*array.Float64)
		for i, id := range ids {
			if id != b.cur {
				b.finish()
				if b.panel.Len() >= chunk {
					if !yield(b.panel, nil) {
						return errStop
					}
					b.reset()
				}
				b.begin(id)
			}
			q := 0.0
			if qs.IsValid(i) {
				q = qs.Value(i)
			}
			b.add(int(ps[i]), q)
		}
		return nil
	})
	if errors.Is(err, errStop) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("datasets: reading series: %w", err)
	}
	b.finish()
	if b.panel.Len() > 0 {
		yield(b.panel, nil)
	}
	return nil
}

func readKeys(ctx context.Context, conn *sql.Conn) ([]series.Key, error) {
	rows, err := conn.QueryContext(ctx, "SELECT sku, location, channel FROM planner_panel_keys ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []series.Key
	for rows.Next() {
		var k series.Key
		var ch sql.NullString
		if err := rows.Scan(&k.SKU, &k.Location, &ch); err != nil {
			return nil, err
		}
		k.Channel = ch.String
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// panelBuilder assembles series from (series, period, value) triples that
// arrive sorted by series and period.
type panelBuilder struct {
	freq   series.Freq
	origin series.Date
	last   int // index of the last period
	trim   bool
	keys   []series.Key
	panel  *series.Panel

	cur     int64 // series being built, -1 before the first
	first   int   // its first period
	values  []float64
	started bool
}

func (b *panelBuilder) reset() {
	b.panel = &series.Panel{Freq: b.freq, Offsets: []int{0}}
}

func (b *panelBuilder) begin(id int64) {
	b.cur = id
	b.values = b.values[:0]
	b.started = false
}

func (b *panelBuilder) add(period int, q float64) {
	if !b.started {
		if b.trim && q == 0 {
			return
		}
		b.first = period
		b.started = true
	}
	for b.first+len(b.values) < period {
		b.values = append(b.values, 0)
	}
	b.values = append(b.values, q)
}

func (b *panelBuilder) finish() {
	if b.cur < 0 {
		return
	}
	if !b.started {
		// Every value was a leading zero: keep the series, empty, so that
		// callers still see it (and can forecast it as zero).
		b.first = b.last + 1
	}
	for b.first+len(b.values) <= b.last {
		b.values = append(b.values, 0)
	}
	b.panel.Keys = append(b.panel.Keys, b.keys[b.cur])
	b.panel.Starts = append(b.panel.Starts, b.freq.Add(b.origin, b.first))
	b.panel.Values = append(b.panel.Values, b.values...)
	b.panel.Offsets = append(b.panel.Offsets, len(b.panel.Values))
	b.cur = -1
}
