package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"strconv"
	"strings"

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
	// End is the last day of the last period of every series; 0 means the
	// last date in the sales table. Series that stopped selling are padded
	// with zeros to it.
	End series.Date
	// MaxPeriods keeps only each series' most recent periods; 0 keeps all.
	// Models fit on a recent window anyway, and a shorter panel needs less
	// memory.
	MaxPeriods int
	// Drivers reads the demand drivers (DriverNames) into the panel's Exog:
	// their history from the sales rows, and for Horizon periods after the
	// end, the planned prices and promotions.
	Drivers bool
	// Horizon is how many future periods of drivers to read.
	Horizon int
	// Replay, when positive, is how many days at the end of the history a
	// simulation replays: a driver then counts as planned (not
	// Exog.Unplanned) when a plan reaches into those days rather than past
	// the history, since a promotion plan covering them was known ahead
	// of them.
	Replay int
	// Sample, when positive, reads only up to Sample series spread evenly
	// over the key order (series.SampleIndex), as Panel.Subset would pick
	// them from the whole panel (drivers' panel-wide settings included),
	// holding one chunk at a time.
	Sample int
}

// DriverNames are the drivers Panels reads: the logarithm of the price paid
// over the series' reference price (the geometric mean of its regular
// price), and the share of the period with a promotion, a feature and a
// display.
var DriverNames = []string{"log_price", "promo", "feature", "display"}

// DefaultChunkSeries is how many series one Panel chunk holds by default:
// enough that a retailer the size of the M5 competition (30,490 series)
// comes in one chunk, read with one scan.
const DefaultChunkSeries = 100_000

// Panels streams the sales table as panels of at most ChunkSeries series,
// ordered by SKU, location and channel. Periods without rows are zero sales;
// the rows of one period (days read as weeks) are summed.
//
// When every series fits one chunk, the sales are read in one scan in
// whatever order DuckDB returns them and each value is put straight into
// its place, since every series' first period and length are known from a
// summary query. Otherwise one pass sorted by series and day streams the
// chunks in order; DuckDB can spill that sort to disk, so only one chunk is
// held in Go at a time.
func (s *Store) Panels(ctx context.Context, opts PanelOptions) iter.Seq2[*series.Panel, error] {
	return func(yield func(*series.Panel, error) bool) {
		if err := s.streamPanels(ctx, opts, yield); err != nil {
			yield(nil, err)
		}
	}
}

// ReadPanel reads the whole sales table as one Panel.
func (s *Store) ReadPanel(ctx context.Context, opts PanelOptions) (*series.Panel, error) {
	if opts.Sample <= 0 {
		opts.ChunkSeries = math.MaxInt
	}
	var parts []*series.Panel
	for p, err := range s.Panels(ctx, opts) {
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
	}
	var out *series.Panel
	switch len(parts) {
	case 0:
	case 1:
		out = parts[0]
	default:
		out = series.Concat(parts...)
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

// panelSeries is what the summary query says of one series.
type panelSeries struct {
	key              series.Key
	first            int     // first period
	ref, lastRegular float64 // reference and last regular price; 0 when unknown
}

func (s *Store) streamPanels(ctx context.Context, opts PanelOptions, yield func(*series.Panel, error) bool) error {
	freq := opts.Freq
	if freq == 0 {
		freq = series.Daily
	}
	if !freq.Valid() {
		return fmt.Errorf("frequency %v is not D, W or M", freq)
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
		return fmt.Errorf("reading the sales date range: %w", err)
	}
	if !lo.Valid {
		return nil // no sales: no series
	}
	end := hi.Date
	if opts.End != 0 {
		end = opts.End
	}
	origin := freq.PeriodStart(lo.Date)
	if end < origin {
		return fmt.Errorf("the panel end %v comes before the first sale on %v", end, lo.Date)
	}
	cal := newPeriodCalendar(freq, origin, end)

	// Number the series, and learn where each starts.
	firstCol := "min(date)"
	if opts.TrimLeadingZeros {
		firstCol = "min(date) FILTER (WHERE qty <> 0)"
	}
	keysQ := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE planner_panel_keys AS
		SELECT sku, location, channel, (row_number() OVER (ORDER BY sku, location, channel) - 1)::BIGINT AS id, %s AS first,
		       exp(avg(ln(coalesce(base_price, price))) FILTER (WHERE coalesce(base_price, price) > 0)) AS ref,
		       arg_max(coalesce(base_price, price), date) FILTER (WHERE coalesce(base_price, price) > 0) AS last_regular
		FROM sales WHERE date <= DATE '%s' GROUP BY sku, location, channel`, firstCol, end)
	if _, err := conn.ExecContext(ctx, keysQ); err != nil {
		return fmt.Errorf("numbering series: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS planner_panel_keys")
	all, err := readPanelSeries(ctx, conn, cal)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return nil
	}
	if opts.Sample > 0 && opts.Sample < len(all) {
		// Keep only the sampled series, numbered anew in key order, so that
		// nothing below (drivers planned ahead, availability, the sales
		// scan) costs more than the sample does. What is panel-wide (which
		// drivers no plan reaches) is read from the whole tables.
		if all, err = keepSample(ctx, conn, all, series.SampleIndex(len(all), opts.Sample)); err != nil {
			return err
		}
	}
	if opts.MaxPeriods > 0 {
		for i := range all {
			all[i].first = max(all[i].first, cal.last+1-opts.MaxPeriods)
		}
	}
	// Rows before the window are not needed: the series start after it.
	since := ""
	if opts.MaxPeriods > 0 && cal.last+1-opts.MaxPeriods > 0 {
		since = fmt.Sprintf("AND s.date >= DATE '%s'", freq.Add(origin, cal.last+1-opts.MaxPeriods))
	}
	drivers := ""
	where := "AND s.qty <> 0"
	if opts.Drivers {
		// Zero-sale days carry drivers too (a promotion that sold nothing).
		drivers = `, CASE WHEN s.price > 0 AND k.ref > 0 THEN ln(s.price / k.ref) END,
			s.promo::DOUBLE, s.feature::DOUBLE, s.display::DOUBLE`
		where = ""
	}
	dataQ := fmt.Sprintf(`SELECT k.id, (s.date - DATE '%s')::BIGINT AS d, s.qty%s
		FROM sales s JOIN planner_panel_keys k USING (sku, location, channel)
		WHERE s.date <= DATE '%s' %s %s`, origin, drivers, end, since, where)
	sorted := len(all) > chunk
	if sorted {
		// One integer key sorts faster than two columns.
		dataQ = fmt.Sprintf(`SELECT * FROM (%s) ORDER BY id * %d + d`, dataQ, cal.days+1)
	} else {
		// Values go to their cells in any order: let DuckDB stream rows as
		// its threads produce them, rather than buffer them to keep order.
		if _, err := conn.ExecContext(ctx, "SET preserve_insertion_order = false"); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SET preserve_insertion_order = true")
	}

	av, err := readAvailability(ctx, conn, cal, end, opts.Horizon)
	if err != nil {
		return err
	}
	b := &chunkBuilder{cal: cal, all: all, freq: freq, drivers: opts.Drivers, futureHorizon: opts.Horizon, avail: av}
	if opts.Drivers {
		b.future, b.unplanned, err = s.plannedDrivers(ctx, conn, all, cal, freq, end, end-series.Date(opts.Replay), opts.Horizon)
		if err != nil {
			return err
		}
	}
	b.start(0, min(chunk, len(all)))
	err = scanArrow(ctx, conn, s.spoolDir(), dataQ, func(rec arrow.RecordBatch) error {
		ids := rec.Column(0).(*array.Int64).Int64Values()
		days := rec.Column(1).(*array.Int64).Int64Values()
		qs := rec.Column(2).(*array.Float64).Float64Values()
		var dcols [4]*array.Float64
		if opts.Drivers {
			for k := range dcols {
				dcols[k] = rec.Column(3 + k).(*array.Float64)
			}
		}
		for i, id := range ids {
			for int(id) >= b.hi {
				b.finishDrivers()
				if !yield(b.panel, nil) {
					return errStop
				}
				b.start(b.hi, min(b.hi+chunk, len(all)))
			}
			slot := b.add(int(id), int(days[i]), qs[i])
			if opts.Drivers && slot >= 0 {
				for k, col := range dcols {
					// A cell gathers at most a month of days (the load
					// refuses duplicate keys), far below the count's limit.
					if col.IsValid(i) && b.dcount[slot*4+k] < math.MaxUint16 {
						b.dsum[slot*4+k] += float32(col.Value(i))
						b.dcount[slot*4+k]++
					}
				}
			}
		}
		return nil
	})
	if errors.Is(err, errStop) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading series: %w", err)
	}
	for {
		b.finishDrivers()
		if !yield(b.panel, nil) || b.hi == len(all) {
			return nil
		}
		b.start(b.hi, min(b.hi+chunk, len(all)))
	}
}

// keepSample narrows planner_panel_keys and all to the series at idx (in
// ascending order), numbered 0, 1, ... in the same order.
func keepSample(ctx context.Context, conn *sql.Conn, all []panelSeries, idx []int) ([]panelSeries, error) {
	ids := make([]string, len(idx))
	kept := make([]panelSeries, len(idx))
	for j, i := range idx {
		ids[j] = strconv.Itoa(i)
		kept[j] = all[i]
	}
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE planner_panel_keys AS
		SELECT * REPLACE ((row_number() OVER (ORDER BY id) - 1)::BIGINT AS id)
		FROM planner_panel_keys WHERE id IN (%s)`, strings.Join(ids, ","))
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return nil, fmt.Errorf("sampling series: %w", err)
	}
	return kept, nil
}

// periodCalendar maps days (counted from the origin) to periods.
type periodCalendar struct {
	freq   series.Freq
	origin series.Date
	days   int   // days from the origin to the end
	last   int   // index of the last period
	period []int // per day, for monthly periods
}

func newPeriodCalendar(freq series.Freq, origin, end series.Date) *periodCalendar {
	c := &periodCalendar{freq: freq, origin: origin, days: int(end - origin), last: freq.Between(origin, end)}
	if freq == series.Monthly {
		c.period = make([]int, c.days+1)
		for d := range c.period {
			c.period[d] = freq.Between(origin, origin+series.Date(d))
		}
	}
	return c
}

func (c *periodCalendar) of(day int) int {
	switch c.freq {
	case series.Weekly:
		return day / 7
	case series.Monthly:
		return c.period[day]
	}
	return day
}

func readPanelSeries(ctx context.Context, conn *sql.Conn, cal *periodCalendar) ([]panelSeries, error) {
	rows, err := conn.QueryContext(ctx, "SELECT sku, location, channel, first, coalesce(ref, 0), coalesce(last_regular, 0) FROM planner_panel_keys ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []panelSeries
	for rows.Next() {
		var ps panelSeries
		var ch sql.NullString
		var first dateScan
		if err := rows.Scan(&ps.key.SKU, &ps.key.Location, &ch, &first, &ps.ref, &ps.lastRegular); err != nil {
			return nil, err
		}
		ps.key.Channel = ch.String
		ps.first = cal.last + 1 // never sold: an empty series
		if first.Valid {
			ps.first = cal.of(int(first.Date - cal.origin))
		}
		out = append(out, ps)
	}
	return out, rows.Err()
}

// chunkBuilder lays out the series [lo, hi) in one Panel and puts values in
// their places as they arrive, in any order.
type chunkBuilder struct {
	cal    *periodCalendar
	all    []panelSeries
	freq   series.Freq
	lo, hi int
	panel  *series.Panel

	drivers       bool
	dsum          []float32 // per value cell, four drivers: sums of the rows, then their means
	dcount        []uint16  // per value cell and driver: how many rows gave a value
	future        []float64 // planned drivers of every series, Horizon x 4 each
	unplanned     []bool    // the drivers no plan gives a future for
	futureHorizon int
	avail         *availability
}

func (b *chunkBuilder) start(lo, hi int) {
	b.lo, b.hi = lo, hi
	n := hi - lo
	p := &series.Panel{Freq: b.freq, Keys: make([]series.Key, n), Starts: make([]series.Date, n), Offsets: make([]int, n+1)}
	total := 0
	for i := 0; i < n; i++ {
		s := b.all[lo+i]
		p.Keys[i] = s.key
		p.Starts[i] = b.freq.Add(b.cal.origin, s.first)
		p.Offsets[i] = total
		total += max(0, b.cal.last+1-s.first)
	}
	p.Offsets[n] = total
	p.Values = make([]float64, total)
	b.avail.apply(p, b.all, lo, hi)
	b.panel = p
	if b.drivers {
		b.dsum = make([]float32, 4*total)
		b.dcount = make([]uint16, 4*total)
	}
}

// add puts a value in place and returns its cell, or -1 when it falls
// before the series' first kept period.
func (b *chunkBuilder) add(id, day int, q float64) int {
	i := id - b.lo
	t := b.cal.of(day) - b.all[id].first
	if t < 0 {
		return -1 // before the first kept period
	}
	cell := b.panel.Offsets[i] + t
	b.panel.Values[cell] += q
	return cell
}

// finishDrivers averages each period's driver rows into the panel's Exog
// (no row: the reference price and no promotion, all zeros) and copies the
// planned future drivers.
func (b *chunkBuilder) finishDrivers() {
	if !b.drivers {
		return
	}
	hist := b.dsum // averaged in place: no second table of the panel's size
	for c, n := range b.dcount {
		if n > 1 {
			hist[c] /= float32(n)
		}
	}
	h := b.futureHorizon
	future := make([]float64, (b.hi-b.lo)*h*4)
	copy(future, b.future[b.lo*h*4:b.hi*h*4])
	b.panel.Exog = &series.Exog{Names: DriverNames, Hist: hist, Horizon: h, Future: future, Unplanned: b.unplanned}
	b.dsum, b.dcount = nil, nil
}
