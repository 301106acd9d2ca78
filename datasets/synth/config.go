package synth

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/planner-engine/planner/series"
)

// Channels a series can sell through.
const (
	ChannelStore   = "store"   // bought in a store
	ChannelOnline  = "online"  // ordered online, shipped from the online fulfilment point
	ChannelInstant = "instant" // instant delivery, picked from an urban store's stock
)

// Config sets the size and shape of the retailer. The zero value of each
// field means its default (see DefaultConfig).
type Config struct {
	Stores  int         // stores; 10
	SKUs    int         // products; 200
	Days    int         // days of sales history; 730
	Horizon int         // days after the history with planned prices, promotions, events and the truth; 91
	Seed    uint64      // seed of every random draw; 1
	Start   series.Date // first day of history; 2023-01-02
	// Channels to simulate; store, online and instant.
	Channels []string
	// Format of the sales and truth files: csv or parquet; csv.
	Format string
	// NoTruth skips the truth/ folder's per-day files (the parameters are
	// always written).
	NoTruth bool
	// Workers simulating series at once; GOMAXPROCS.
	Workers int
	// Stockouts is the spells of 3 to 10 days a year that each product
	// is out of stock at each store, over the history, selling none
	// while the rest of its subcategory sells its transfer share of its
	// demand (truth/products.csv); 0, none.
	Stockouts float64
	// Peaks adds two yearly peak trading days (events of kind peak:
	// Singles Day on 11 November, an Anniversary Sale on 18 June) with a
	// known uplift per category that varies from year to year, a dip in
	// the days before and after, and returns in the fortnight after
	// (the sales' returns column); truth/events.csv and
	// truth/event_years.csv hold the truth.
	Peaks bool
}

// DefaultConfig returns the defaults Generate applies to zero fields.
func DefaultConfig() Config {
	return Config{
		Stores: 10, SKUs: 200, Days: 730, Horizon: 91, Seed: 1,
		Start:    series.MustParseDate("2023-01-02"),
		Channels: []string{ChannelStore, ChannelOnline, ChannelInstant},
		Format:   "csv", Workers: runtime.GOMAXPROCS(0),
	}
}

func (c Config) withDefaults() (Config, error) {
	d := DefaultConfig()
	if c.Stores == 0 {
		c.Stores = d.Stores
	}
	if c.SKUs == 0 {
		c.SKUs = d.SKUs
	}
	if c.Days == 0 {
		c.Days = d.Days
	}
	if c.Horizon == 0 {
		c.Horizon = d.Horizon
	}
	if c.Seed == 0 {
		c.Seed = d.Seed
	}
	if c.Start == 0 {
		c.Start = d.Start
	}
	if len(c.Channels) == 0 {
		c.Channels = d.Channels
	}
	if c.Format == "" {
		c.Format = d.Format
	}
	if c.Workers <= 0 {
		c.Workers = d.Workers
	}
	switch {
	case c.Stores < 1 || c.Stores > 100_000:
		return c, fmt.Errorf("--stores %d is outside 1 to 100000", c.Stores)
	case c.SKUs < 1 || c.SKUs > 10_000_000:
		return c, fmt.Errorf("--skus %d is outside 1 to 10000000", c.SKUs)
	case c.Days < 28 || c.Days > 36_600:
		return c, fmt.Errorf("--days %d is outside 28 to 36600 (a forecast needs some history)", c.Days)
	case c.Horizon < 1 || c.Horizon > 3660:
		return c, fmt.Errorf("--horizon %d is outside 1 to 3660", c.Horizon)
	case !(c.Stockouts >= 0 && c.Stockouts <= 50):
		return c, fmt.Errorf("--stockouts %v is outside 0 to 50 spells a year", c.Stockouts)
	case c.Format != "csv" && c.Format != "parquet":
		return c, fmt.Errorf("--format %q is not csv or parquet", c.Format)
	}
	seen := map[string]bool{}
	for _, ch := range c.Channels {
		switch ch {
		case ChannelStore, ChannelOnline, ChannelInstant:
		default:
			return c, fmt.Errorf("channel %q is not one of store, online, instant", ch)
		}
		seen[ch] = true
	}
	if seen[ChannelInstant] && !seen[ChannelStore] {
		return c, fmt.Errorf("the instant channel picks from store stock, so it needs the store channel too (got %s)", strings.Join(c.Channels, ","))
	}
	return c, nil
}

func (c Config) has(channel string) bool {
	for _, ch := range c.Channels {
		if ch == channel {
			return true
		}
	}
	return false
}
