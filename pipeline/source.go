package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/datasets/files"
	"github.com/planner-engine/planner/pipeline/config"
	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// Source is what the planning stages read: the sales history and the rest
// of the retailer's data. The database (datasets.Store) is one; Memory,
// built from values, is another, so stages can be run and tested without
// a database.
type Source interface {
	// Frequency is the spacing of the sales dates; 0 without sales.
	Frequency(ctx context.Context) (series.Freq, error)
	// SalesEnd is the last day of the sales history; 0 without sales.
	SalesEnd(ctx context.Context) (series.Date, error)
	// ReadPanel reads the sales history as series.
	ReadPanel(ctx context.Context, opts datasets.PanelOptions) (*series.Panel, error)
	// HierarchyLabels are the product and location hierarchies.
	HierarchyLabels(ctx context.Context) (*supply.Labels, error)
	// Supply is the network's latest stock positions, lanes and terms.
	Supply(ctx context.Context) (*supply.Snapshot, error)
	// Network is the fulfilment network: zones, lanes from nodes to
	// zones and fulfilment rules.
	Network(ctx context.Context) (*supply.Network, error)
	// Ranges are the stores' shelves, the products' facings and the
	// must-carry products.
	Ranges(ctx context.Context) (*supply.Ranges, error)
	// Production is the factories' capacity and the consumer pre-orders.
	Production(ctx context.Context) ([]supply.CapacityRow, []supply.Preorder, error)
	// PriceHistory is the sales with their prices, by period of freq.
	PriceHistory(ctx context.Context, freq series.Freq) (*series.PriceHistory, error)
	// PriceHistories is the price history in parts of whole SKUs of at
	// most chunkSeries series each (one SKU may exceed it), in SKU order.
	PriceHistories(ctx context.Context, freq series.Freq, chunkSeries int) iter.Seq2[*series.PriceHistory, error]
	// PricingTerms are the product master's pricing fields, by SKU.
	PricingTerms(ctx context.Context) (map[string]supply.PricingTerms, error)
	// Overrides are the planners' forecast overrides.
	Overrides(ctx context.Context) ([]series.Override, error)
	// SeriesValues are each SKU's sales value at each location over the
	// last days days: the network's values ABC classes are cut from.
	SeriesValues(ctx context.Context, days int) ([]float64, error)
	// Events are the calendar's events, past and planned.
	Events(ctx context.Context) ([]series.Event, error)
	// CategoryReturns are the units sold and returned per category and
	// day; nil when no sale records a return.
	CategoryReturns(ctx context.Context) (*series.CategoryDays, error)
}

var _ Source = (*datasets.Store)(nil)

// Memory is a Source of values held in memory. Its sales are a panel at
// one frequency, already shaped (ReadPanel trims it to MaxPeriods and
// leading zeros, but does not aggregate to another frequency); fields left
// nil read as empty.
type Memory struct {
	Sales     *series.Panel
	Labels    *supply.Labels
	Snapshot  *supply.Snapshot
	Net       *supply.Network
	Range     *supply.Ranges
	Capacity  []supply.CapacityRow
	Preorders []supply.Preorder
	Prices    *series.PriceHistory
	Terms     map[string]supply.PricingTerms
	Override  []series.Override
	Calendar  []series.Event
	Returns   *series.CategoryDays
}

// Events implements Source.
func (m *Memory) Events(context.Context) ([]series.Event, error) { return m.Calendar, nil }

// CategoryReturns implements Source.
func (m *Memory) CategoryReturns(context.Context) (*series.CategoryDays, error) {
	return m.Returns, nil
}

// Overrides implements Source.
func (m *Memory) Overrides(context.Context) ([]series.Override, error) { return m.Override, nil }

var _ Source = (*Memory)(nil)

// Frequency implements Source.
func (m *Memory) Frequency(context.Context) (series.Freq, error) {
	if m.Sales == nil || m.Sales.Len() == 0 {
		return 0, nil
	}
	return m.Sales.Freq, nil
}

// SalesEnd implements Source: the last day of the sales panel's last
// period.
func (m *Memory) SalesEnd(context.Context) (series.Date, error) {
	var end series.Date
	if m.Sales == nil {
		return 0, nil
	}
	for i := 0; i < m.Sales.Len(); i++ {
		n := m.Sales.Offsets[i+1] - m.Sales.Offsets[i]
		end = max(end, m.Sales.Freq.Add(m.Sales.Starts[i], n)-1)
	}
	return end, nil
}

// ReadPanel implements Source: the sales panel, each series started at
// its first sale with TrimLeadingZeros and cut to its most recent
// MaxPeriods, with its drivers when asked for and held (the future ones
// cut to Horizon periods).
func (m *Memory) ReadPanel(_ context.Context, opts datasets.PanelOptions) (*series.Panel, error) {
	freq := opts.Freq
	if freq == 0 {
		freq = series.Daily
	}
	if m.Sales == nil {
		return &series.Panel{Freq: freq}, nil
	}
	if freq != m.Sales.Freq {
		return nil, fmt.Errorf("the sales are %s; they cannot be read as %s series here", freqWord(m.Sales.Freq), freqWord(freq))
	}
	in := m.Sales
	var x *series.Exog
	if opts.Drivers && in.Exog != nil {
		if opts.Horizon > in.Exog.Horizon {
			return nil, fmt.Errorf("the sales hold drivers for %d future periods, not %d", in.Exog.Horizon, opts.Horizon)
		}
		x = in.Exog.Reshaped(nil, nil, opts.Horizon)
	}
	out := &series.Panel{Freq: in.Freq}
	for i, k := range in.Keys {
		y, start := in.Series(i), in.Starts[i]
		lo := 0
		if opts.TrimLeadingZeros {
			for lo < len(y) && y[lo] == 0 {
				lo++
			}
			if lo == len(y) {
				continue
			}
		}
		if opts.MaxPeriods > 0 && len(y)-lo > opts.MaxPeriods {
			lo = len(y) - opts.MaxPeriods
		}
		out.Append(k, freq.Add(start, lo), y[lo:])
		if in.Unobserved != nil {
			out.Unobserved = append(out.Unobserved, in.UnobservedOf(i)[lo:]...)
		}
		if in.Closed != nil {
			out.Closed = append(out.Closed, in.Closed[i])
		}
		if x != nil {
			hist, future := in.Drivers(i)
			n := len(in.Exog.Names)
			x.Hist = append(x.Hist, hist[lo*n:]...)
			x.Future = append(x.Future, future[:opts.Horizon*n]...)
		}
	}
	out.Exog = x
	if opts.Sample > 0 && out.Len() > opts.Sample {
		out = out.Subset(series.SampleIndex(out.Len(), opts.Sample))
	}
	return out, nil
}

// HierarchyLabels implements Source.
func (m *Memory) HierarchyLabels(context.Context) (*supply.Labels, error) {
	if m.Labels == nil {
		return &supply.Labels{Category: map[string]string{}, Department: map[string]string{}, Region: map[string]string{},
			Name: map[string]string{}, Planner: map[string]string{}, LocationName: map[string]string{}}, nil
	}
	return m.Labels, nil
}

// Supply implements Source.
func (m *Memory) Supply(context.Context) (*supply.Snapshot, error) {
	if m.Snapshot == nil {
		return &supply.Snapshot{Products: map[string]supply.ProductTerms{}, Locations: map[string]supply.Location{}}, nil
	}
	return m.Snapshot, nil
}

// Ranges implements Source.
func (m *Memory) Ranges(context.Context) (*supply.Ranges, error) {
	if m.Range == nil {
		return &supply.Ranges{Facings: map[string]supply.Facing{}, MustCarry: map[string][]string{}}, nil
	}
	return m.Range, nil
}

// Network implements Source.
func (m *Memory) Network(context.Context) (*supply.Network, error) {
	if m.Net == nil {
		return &supply.Network{ZoneOf: map[string]string{}, Handling: map[string]float64{}}, nil
	}
	return m.Net, nil
}

// Production implements Source.
func (m *Memory) Production(context.Context) ([]supply.CapacityRow, []supply.Preorder, error) {
	return m.Capacity, m.Preorders, nil
}

// PriceHistory implements Source: the history held, which must be of
// freq.
func (m *Memory) PriceHistory(_ context.Context, freq series.Freq) (*series.PriceHistory, error) {
	if m.Prices == nil {
		return &series.PriceHistory{Freq: freq}, nil
	}
	if m.Prices.Freq != freq {
		return nil, fmt.Errorf("the price history is %s; it cannot be read as %s here", freqWord(m.Prices.Freq), freqWord(freq))
	}
	return m.Prices, nil
}

// PriceHistories implements Source: the history held, in parts that
// copy its series.
func (m *Memory) PriceHistories(ctx context.Context, freq series.Freq, chunkSeries int) iter.Seq2[*series.PriceHistory, error] {
	return func(yield func(*series.PriceHistory, error) bool) {
		h, err := m.PriceHistory(ctx, freq)
		if err != nil || len(h.Series) == 0 {
			yield(h, err)
			return
		}
		// A part ends before the SKU that would take it past chunkSeries.
		lo := 0
		for i := 1; i <= len(h.Series); i++ {
			if i < len(h.Series) && h.Series[i].SKU == h.Series[i-1].SKU {
				continue // inside a SKU
			}
			next := i
			for next < len(h.Series) && h.Series[next].SKU == h.Series[i].SKU {
				next++
			}
			if i == len(h.Series) || next-lo > chunkSeries {
				part := *h
				// A copy of the series, which the reader may empty.
				part.Series = slices.Clone(h.Series[lo:i])
				if !yield(&part, nil) {
					return
				}
				lo = i
			}
		}
	}
}

// PricingTerms implements Source.
func (m *Memory) PricingTerms(context.Context) (map[string]supply.PricingTerms, error) {
	if m.Terms == nil {
		return map[string]supply.PricingTerms{}, nil
	}
	return m.Terms, nil
}

// SeriesValues implements Source, as datasets.Store's: the last days
// days of each series, summed over channels, valued at the unit cost.
func (m *Memory) SeriesValues(_ context.Context, days int) ([]float64, error) {
	if m.Sales == nil || m.Sales.Len() == 0 {
		return nil, nil
	}
	p := m.Sales
	var last series.Date
	for i := range p.Keys {
		last = max(last, p.Starts[i]+series.Date((len(p.Series(i))-1)*p.Freq.Days()))
	}
	sums := map[[2]string]float64{}
	for i, k := range p.Keys {
		for t, v := range p.Series(i) {
			if day := p.Starts[i] + series.Date(t*p.Freq.Days()); day > last-series.Date(days) {
				sums[[2]string{k.SKU, k.Location}] += v
			}
		}
	}
	out := make([]float64, 0, len(sums))
	for key, units := range sums {
		if c := m.Terms[key[0]].UnitCost; c > 0 {
			units *= c
		}
		out = append(out, units)
	}
	slices.SortFunc(out, func(a, b float64) int { return cmp.Compare(b, a) })
	return out, nil
}

func freqWord(f series.Freq) string {
	switch f {
	case series.Daily:
		return "daily"
	case series.Weekly:
		return "weekly"
	case series.Monthly:
		return "monthly"
	}
	return "of no known period"
}

// LoadOptions turns a configuration's inputs into the loader's options.
func LoadOptions(in *config.Inputs) datasets.LoadOptions {
	opts := datasets.LoadOptions{Map: files.Mapping(in.Map), DateFormat: in.DateFormat,
		NullStrings: in.NullStrings, Strict: in.Strict, Grain: in.Grain, Query: in.Query}
	fs := in.Files()
	if in.Format == "m5" {
		opts.M5 = &datasets.M5Files{Sales: in.Sales, Calendar: in.Calendar, Prices: in.Prices}
		delete(fs, "sales")
		delete(fs, "prices")
	}
	opts.Files = fs
	return opts
}
