package replenish

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/planner-engine/planner/series"
)

// Forecaster forecasts the days after a history: what forecast-driven
// policies plan from. forecast.Updater is one.
type Forecaster interface {
	// Forecast writes the mean and standard deviation of each of the
	// len(mean) days after y.
	Forecast(y []float64, mean, sd []float64)
}

// panelForecaster is a Forecaster that reads the panel itself: the
// series' drivers as well as its history (forecast.Updater is one).
type panelForecaster interface {
	// ForecastPanel forecasts the len(mean) days after the first n of
	// series i.
	ForecastPanel(p *series.Panel, i, n int, mean, sd []float64)
}

// SimOptions say how Simulate replays the policies.
type SimOptions struct {
	// Holdout is how many days at the end of every series are replayed;
	// the days before are the history the first forecast sees.
	Holdout int
	// LeadTime and LeadTimeSD are the mean and standard deviation of the
	// replenishment lead time in days; with LeadTimeSD > 0 each order's
	// lead time is drawn (a rounded normal, at least one day).
	LeadTime, LeadTimeSD float64
	// Review is the days between reviews.
	Review int
	Target Target
	// Backorders makes unmet demand wait for stock; by default it is lost.
	Backorders bool
	// ShelfLife, when positive, makes received units expire after that
	// many days (first in, first out).
	ShelfLife int
	// UnitCost values inventory per series (the panel's order); nil
	// values every unit at 1.
	UnitCost []float64
	// Forecaster returns a new forecaster for each series; nil runs only
	// policies that need no forecast (ERPMinMax, Cover with an Average).
	Forecaster func() Forecaster
	// RecentDays is how many days of sales the baselines' average demand
	// covers; 28 when 0.
	RecentDays int
	// Seed makes random lead times reproducible.
	Seed     uint64
	Workers  int
	Progress func(done, total int)
}

// SimResult is what one policy achieved over all series, the JSON that
// planner simulate prints for each policy.
type SimResult struct {
	Policy string `json:"policy"`
	// FillRate is the share of demand met from stock on the day.
	FillRate float64 `json:"fill_rate"`
	// CycleServiceLevel is the share of review cycles without a stock-out.
	CycleServiceLevel float64 `json:"cycle_service_level"`
	// AvgInventoryUnits and AvgInventoryValue are the end-of-day stock on
	// hand, averaged over days and summed over series.
	AvgInventoryUnits float64 `json:"avg_inventory_units"`
	AvgInventoryValue float64 `json:"avg_inventory_value"`
	// PeakInventoryUnits is the largest end-of-day stock of all series.
	PeakInventoryUnits float64 `json:"peak_inventory_units"`
	// StockoutDays counts series-days with demand left unmet.
	StockoutDays int     `json:"stockout_days"`
	Orders       int     `json:"orders"`
	ExpiredUnits float64 `json:"expired_units"`
	Demand       float64 `json:"demand_units"`
	Sold         float64 `json:"sold_units"`
	Series       int     `json:"series"`
	// Skipped counts series left out for want of 28 days of history
	// before the holdout.
	Skipped int `json:"skipped_series"`
	Days    int `json:"days"`
}

// simTotals accumulates one policy over series, summed in series order.
type simTotals struct {
	demand, sold, invUnits, invValue, peak, expired float64
	stockoutDays, orders, cycles, goodCycles        int
}

// PolicyFor returns the policy to run at one review of one series, given
// the series' average daily demand over the recent days (for policies set
// from average demand).
type PolicyFor func(recentAverage float64) Policy

// Simulate replays each policy day by day over the last Holdout days of
// every series of the panel: at each review, a forecast made with the data
// up to that day (shared by all policies), the policy's order placed and
// received after the lead time, then each day's actual demand served from
// stock. Every policy starts the holdout with its own order-up-to level on
// hand and nothing on order. Results come back in the order of policies;
// they do not depend on the number of workers.
func Simulate(ctx context.Context, p *series.Panel, policies []PolicyFor, opts SimOptions) ([]SimResult, error) {
	if err := opts.check(p); err != nil {
		return nil, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Series too young to have history before the holdout are left out
	// and counted.
	var eligible []int
	for i := 0; i < p.Len(); i++ {
		if len(p.Series(i)) >= opts.Holdout+minHistory {
			eligible = append(eligible, i)
		}
	}
	if len(eligible) == 0 {
		return nil, fmt.Errorf("no series has %d days of history before a %d-day holdout", minHistory, opts.Holdout)
	}
	n := len(eligible)
	totals := make([][]simTotals, n)
	errs := make([]error, n)
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(workers, max(1, n)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				totals[i], errs[i] = simulateSeries(p, eligible[i], policies, &opts)
				if d := done.Add(1); opts.Progress != nil {
					opts.Progress(int(d), n)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make([]SimResult, len(policies))
	for k := range policies {
		var t simTotals
		for i := range totals {
			s := totals[i][k]
			t.demand += s.demand
			t.sold += s.sold
			t.invUnits += s.invUnits
			t.invValue += s.invValue
			t.peak = math.Max(t.peak, s.peak)
			t.expired += s.expired
			t.stockoutDays += s.stockoutDays
			t.orders += s.orders
			t.cycles += s.cycles
			t.goodCycles += s.goodCycles
		}
		r := SimResult{Policy: policies[k](0).Name(), Series: n, Skipped: p.Len() - n, Days: opts.Holdout,
			AvgInventoryUnits: t.invUnits / float64(opts.Holdout), AvgInventoryValue: t.invValue / float64(opts.Holdout),
			PeakInventoryUnits: t.peak, StockoutDays: t.stockoutDays, Orders: t.orders, ExpiredUnits: t.expired,
			Demand: t.demand, Sold: t.sold, FillRate: 1, CycleServiceLevel: 1}
		if t.demand > 0 {
			r.FillRate = t.sold / t.demand
		}
		if t.cycles > 0 {
			r.CycleServiceLevel = float64(t.goodCycles) / float64(t.cycles)
		}
		out[k] = r
	}
	return out, nil
}

// Horizon is how many days each forecast of the replay covers: the lead
// time (with four standard deviations of it when it varies) and a review
// period, or the shelf life after the lead time when that is longer.
func (o *SimOptions) Horizon() int {
	lead := int(math.Ceil(o.LeadTime))
	h := lead + o.Review + 4*int(math.Ceil(o.LeadTimeSD)) + 1
	if o.ShelfLife > 0 {
		h = max(h, lead+o.ShelfLife)
	}
	return h
}

func (o *SimOptions) check(p *series.Panel) error {
	switch {
	case o.Holdout < 1:
		return fmt.Errorf("the holdout must be at least 1 day (got %d)", o.Holdout)
	case !(o.LeadTime > 0):
		return fmt.Errorf("the lead time must be more than 0 days (got %v)", o.LeadTime)
	case o.LeadTimeSD < 0:
		return fmt.Errorf("the lead time's standard deviation must be 0 or more (got %v)", o.LeadTimeSD)
	case o.Review < 1:
		return fmt.Errorf("the review period must be at least 1 day (got %d)", o.Review)
	case o.Target.Level <= 0 || o.Target.Level >= 1:
		return fmt.Errorf("the service target must be between 0 and 1 (got %v)", o.Target.Level)
	case p.Freq != series.Daily:
		return fmt.Errorf("simulation replays daily sales; the panel is %s", p.Freq)
	case o.UnitCost != nil && len(o.UnitCost) != p.Len():
		return fmt.Errorf("%d unit costs for %d series", len(o.UnitCost), p.Len())
	}
	return nil
}

// minHistory is the fewest days of history before the holdout a series
// needs to be simulated: four weeks, for a first forecast.
const minHistory = 28

// lot is stock received together, expiring together.
type lot struct {
	qty    float64
	expiry int // first day index it can no longer be sold; max int when it does not perish
}

// simState is one policy's stock of one series.
type simState struct {
	lots     []lot     // on hand, oldest first
	stock    float64   // their sum
	arrivals []float64 // arrivals[d-start] units received at the start of day d of y
	backlog  float64
	onOrder  float64 // ordered, not yet received
	rng      *rand.Rand
	t        simTotals
	cycleBad bool
}

// onHand is the units in stock: the lots' sum, kept by receive, take and
// expire rather than summed at each of the day's several reads.
func (s *simState) onHand() float64 { return s.stock }

// receive adds a lot.
func (s *simState) receive(qty float64, expiry int) {
	s.lots = append(s.lots, lot{qty, expiry})
	s.stock += qty
}

func simulateSeries(p *series.Panel, i int, policies []PolicyFor, o *SimOptions) ([]simTotals, error) {
	// Demand replayed is what sold: nothing on a closed day, so no sale is
	// lost then. Forecasts see the demand history, with closed days filled.
	y, hist := p.Series(i), p.Filled(i)
	key := p.Keys[i]
	n, start := len(y), len(y)-o.Holdout
	cost := 1.0
	if o.UnitCost != nil {
		cost = o.UnitCost[i]
	}
	lead := int(math.Ceil(o.LeadTime))
	h := o.Horizon()
	var fc Forecaster
	if o.Forecaster != nil {
		fc = o.Forecaster()
	}
	mean, sd := make([]float64, h), make([]float64, h)
	recentDays := o.RecentDays
	if recentDays <= 0 {
		recentDays = 28
	}
	states := make([]simState, len(policies))
	for k := range states {
		states[k].arrivals = make([]float64, o.Holdout)
		states[k].rng = rand.New(rand.NewPCG(o.Seed, uint64(i)*1_000_003+uint64(k)))
	}
	noExpiry := math.MaxInt
	for d := start; d < n; d++ {
		// Start of day: receive, then throw away what expired.
		for k := range states {
			s := &states[k]
			if q := s.arrivals[d-start]; q > 0 {
				s.onOrder -= q
				exp := noExpiry
				if o.ShelfLife > 0 {
					exp = d + o.ShelfLife
				}
				s.receive(q, exp)
				// Backorders take stock first; they were not met on
				// their day, so they do not count as sold from stock.
				s.backlog -= s.take(math.Min(s.backlog, s.onHand()))
			}
			for len(s.lots) > 0 && s.lots[0].expiry <= d {
				s.t.expired += s.lots[0].qty
				s.stock -= s.lots[0].qty
				s.lots = s.lots[1:]
			}
		}
		// The day's demand.
		demand := y[d]
		for k := range states {
			s := &states[k]
			sold := s.take(math.Min(demand, s.onHand()))
			s.t.demand += demand
			s.t.sold += sold
			if o.Backorders {
				s.backlog += demand - sold
			}
			if sold < demand {
				s.t.stockoutDays++
				s.cycleBad = true
			}
			inv := s.onHand()
			s.t.invUnits += inv
			s.t.invValue += inv * cost
			s.t.peak = math.Max(s.t.peak, inv)
		}
		// End of day: review.
		if (d-start)%o.Review != 0 {
			continue
		}
		if fc != nil {
			if pf, ok := fc.(panelForecaster); ok {
				pf.ForecastPanel(p, i, d+1, mean, sd)
			} else {
				fc.Forecast(hist[:d+1], mean, sd)
			}
			// Nothing sells on the days the location is closed.
			for _, t := range p.ClosedAfter(i, d+1, h) {
				mean[t], sd[t] = 0, 0
			}
		}
		recent := meanOf(hist[max(0, d+1-recentDays) : d+1])
		weekday := p.Freq.Add(p.Starts[i], d).Weekday()
		for k := range states {
			s := &states[k]
			if d > start {
				s.t.cycles++
				if !s.cycleBad {
					s.t.goodCycles++
				}
			}
			s.cycleBad = false
			it := Item{SKU: key.SKU, Location: key.Location, Target: o.Target, ShelfLife: o.ShelfLife,
				Position: Position{OnHand: s.onHand(), OnOrder: s.onOrder, Backorders: s.backlog},
				Lane:     Lane{From: "source", LeadTime: o.LeadTime, LeadTimeSD: o.LeadTimeSD, Review: o.Review},
				Mean:     mean, SD: sd}
			pol := policies[k](recent)
			if d == start {
				// Warm start: the policy's own order-up-to level on hand.
				lv, err := pol.Levels(&it)
				if err != nil {
					return nil, fmt.Errorf("%s at %s: %w", key.SKU, key.Location, err)
				}
				if q := math.Ceil(lv.OrderUpTo); q > 0 {
					exp := noExpiry
					if o.ShelfLife > 0 {
						exp = d + 1 + o.ShelfLife
					}
					s.receive(q, exp)
					it.Position.OnHand = s.onHand()
				}
			}
			line, err := Plan(&it, pol, weekday)
			if err != nil {
				return nil, err
			}
			if line.Qty <= 0 {
				continue
			}
			s.t.orders++
			l := lead
			if o.LeadTimeSD > 0 {
				l = max(1, int(math.Round(o.LeadTime+o.LeadTimeSD*s.rng.NormFloat64())))
			}
			// Ordered after today's sales, received at the end of day d+l:
			// on hand from day d+l+1.
			// Orders arriving after the holdout are placed (and counted)
			// but never received.
			if at := d + l + 1 - start; at < len(s.arrivals) {
				s.arrivals[at] += line.Qty
				s.onOrder += line.Qty
			}
		}
	}
	out := make([]simTotals, len(states))
	for k := range states {
		out[k] = states[k].t
	}
	return out, nil
}

// take removes qty units from stock, oldest lots first, and returns qty.
func (s *simState) take(qty float64) float64 {
	left := qty
	for left > 0 && len(s.lots) > 0 {
		use := math.Min(left, s.lots[0].qty)
		s.lots[0].qty -= use
		left -= use
		s.stock -= use
		if s.lots[0].qty <= 0 {
			s.lots = s.lots[1:]
		}
	}
	return qty - left
}
