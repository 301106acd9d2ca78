package allocation

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/planner-engine/planner/dist"
	"github.com/planner-engine/planner/series"
)

// Store is one store's side of one product's allocation.
type Store struct {
	Location string
	// Mean and Variance describe the store's demand over the horizon
	// (until the next delivery); Channels split the mean by sales channel
	// (none when unknown).
	Mean, Variance float64
	Channels       []series.ChannelUnits
	// OnHand is the stock the store holds (and has on the way) already.
	OnHand float64
	// Min is the presentation stock the store should show at least; Max
	// the most it can hold (0: no limit).
	Min, Max float64
	// Pack is the unit stock ships to the store in; 0 means 1.
	Pack float64
	// Priority orders stores for PriorityOrder and breaks ties elsewhere:
	// lower first.
	Priority int
	// Value is what a unit sold here is worth (a margin, say); 0 means 1.
	// Marginal maximises the value of expected sales.
	Value float64
}

// Problem is one product's stock at one distribution centre and the stores
// it serves.
type Problem struct {
	SKU, DC string
	// Available is the DC's stock of the product.
	Available float64
	// Reserve is kept back at the DC (for online and instant-delivery
	// orders served from it).
	Reserve float64
	// Service is the probability of meeting the horizon's demand a store's
	// target stock is set for: its need is the demand quantile at Service
	// (at least Min, at most Max) less what it holds. 0 means 0.95.
	Service float64
	Stores  []Store
}

// Allocation is a method's answer to one Problem, store by store in the
// problem's order.
type Allocation struct {
	SKU, DC, Method string
	// Stores and OnHand repeat each store's location and stock.
	Stores []string
	OnHand []float64
	Qty    []float64
	// Need is what each store lacks to reach its Target stock, in packs.
	Need, Target []float64
	// ExpectedDemand and ExpectedSales are each store's mean demand over
	// the horizon and the units it is expected to sell with its stock
	// after the allocation; Channels split each store's demand by sales
	// channel.
	ExpectedDemand, ExpectedSales []float64
	Channels                      [][]series.ChannelUnits
	// Allocated and Unallocated split the DC's stock less the reserve.
	Allocated, Unallocated float64
	// Exception flags a problem the planner should look at ("" if none).
	Exception string

	max []float64 // each store's Max, for Reason
}

// Reason says in words why store i gets what it gets. It is written when
// asked for: a plan of millions of store-SKUs need not format them all.
func (a *Allocation) Reason(i int) string {
	fill := 1.0
	if a.ExpectedDemand[i] > 0 {
		fill = a.ExpectedSales[i] / a.ExpectedDemand[i]
	}
	need, target, onHand, qty := a.Need[i], a.Target[i], a.OnHand[i], a.Qty[i]
	switch {
	case need == 0 && onHand >= target:
		return fmt.Sprintf("holds %s, at or above its target %s", num(onHand), num(target))
	case need == 0:
		return fmt.Sprintf("no room: max stock %s", num(a.max[i]))
	case qty >= need:
		return fmt.Sprintf("need %s to reach target %s (holds %s); filled; expected fill %.0f%%", num(need), num(target), num(onHand), 100*fill)
	default:
		return fmt.Sprintf("need %s to reach target %s (holds %s); got %s, DC stock short; expected fill %.0f%%", num(need), num(target), num(onHand), num(qty), 100*fill)
	}
}

// TotalExpectedSales sums the stores' expected sales.
func (a *Allocation) TotalExpectedSales() float64 {
	s := 0.0
	for _, v := range a.ExpectedSales {
		s += v
	}
	return s
}

// Method is one way of splitting the stock.
type Method interface {
	Name() string
	Allocate(p *Problem) (*Allocation, error)
}

var (
	_ Method = Marginal{}
	_ Method = FairShare{}
	_ Method = EqualCover{}
	_ Method = PriorityOrder{}
)

// MethodNamed returns the method a command line names.
func MethodNamed(name string) (Method, error) {
	for _, m := range Methods() {
		if m.Name() == name {
			return m, nil
		}
	}
	return nil, fmt.Errorf("unknown method %q (marginal, fair-share, equal-cover or priority)", name)
}

// Methods returns every method, the default first.
func Methods() []Method { return []Method{Marginal{}, FairShare{}, EqualCover{}, PriorityOrder{}} }

// ErrBadProblem wraps every input error Check reports.
var ErrBadProblem = errors.New("bad input")

// Check reports the first thing wrong with the problem, naming the product
// and store.
func (p *Problem) Check() error { return p.check(make(map[string]bool, len(p.Stores))) }

// check is Check with a map to find repeated stores in, empty on entry:
// pooled, it saves allocating and growing one per SKU.
func (p *Problem) check(seen map[string]bool) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s at %s: %s", ErrBadProblem, p.SKU, p.DC, fmt.Sprintf(format, args...))
	}
	switch {
	case !finite(p.Available) || p.Available < 0:
		return bad("DC stock %v is not a number >= 0", p.Available)
	case !finite(p.Reserve) || p.Reserve < 0:
		return bad("reserve %v is not a number >= 0", p.Reserve)
	case p.Service < 0 || p.Service >= 1:
		return bad("service level %v is not between 0 and 1", p.Service)
	}
	for i := range p.Stores {
		s := &p.Stores[i]
		switch {
		case seen[s.Location]:
			return bad("store %s is listed twice", s.Location)
		case !finite(s.Mean) || s.Mean < 0 || !finite(s.Variance) || s.Variance < 0:
			return bad("store %s: demand mean %v and variance %v must be numbers >= 0", s.Location, s.Mean, s.Variance)
		case !finite(s.OnHand) || s.OnHand < 0:
			return bad("store %s: stock on hand %v is not a number >= 0", s.Location, s.OnHand)
		case !finite(s.Min) || s.Min < 0 || !finite(s.Max) || s.Max < 0:
			return bad("store %s: min %v and max %v must be numbers >= 0", s.Location, s.Min, s.Max)
		case s.Max > 0 && s.Min > s.Max:
			return bad("store %s: min stock %v is above max stock %v", s.Location, s.Min, s.Max)
		case !finite(s.Pack) || s.Pack < 0:
			return bad("store %s: pack size %v is not a number > 0", s.Location, s.Pack)
		case !finite(s.Value) || s.Value < 0:
			return bad("store %s: unit value %v is not a number >= 0", s.Location, s.Value)
		}
		seen[s.Location] = true
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// store is a Store with what every method works from.
type store struct {
	*Store
	pack, value float64
	target      float64   // stock level the store aims at
	need        float64   // packs short of target, in units
	minGap      float64   // packs short of Min, in units
	walk        dist.Walk // at OnHand
	// unitOff and unitLen place, in the scratch's units, the expected
	// sales each unit above OnHand adds, as far as the need goes, when
	// they were recorded on the way to the target (0 units otherwise).
	unitOff, unitLen int
}

// prepare sets every store's target and need. The need rounds up to whole
// packs but never past Max.
func prepare(p *Problem) (stores []store, supply float64, err error) {
	if err := p.Check(); err != nil {
		return nil, 0, err
	}
	service := p.Service
	if service == 0 {
		service = 0.95
	}
	stores = make([]store, len(p.Stores))
	return fillStores(p, stores, service, nil)
}

// scratch is one problem's working memory, pooled: a plan of 50,000 SKUs
// over 1,000 stores would otherwise allocate gigabytes the collector must
// chase.
type scratch struct {
	stores []store
	cands  []packGain
	ties   []packGain
	sales  []float64
	units  []float64
	seen   map[string]bool
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// prepareScratch is prepare into pooled memory; release it with
// scratchPool.Put once the stores are no longer read.
func prepareScratch(p *Problem) (*scratch, []store, float64, error) {
	sc := scratchPool.Get().(*scratch)
	if sc.seen == nil {
		sc.seen = make(map[string]bool, len(p.Stores))
	}
	clear(sc.seen)
	if err := p.check(sc.seen); err != nil {
		scratchPool.Put(sc)
		return nil, nil, 0, err
	}
	service := p.Service
	if service == 0 {
		service = 0.95
	}
	if cap(sc.stores) < len(p.Stores) {
		sc.stores = make([]store, len(p.Stores))
	}
	sc.units = sc.units[:0]
	stores, supply, err := fillStores(p, sc.stores[:len(p.Stores)], service, &sc.units)
	return sc, stores, supply, err
}

// fillStores sets every store's target and need. With units, it also
// records there the expected sales of each unit a store may receive, for
// the one-pass selection to add up instead of walking again.
func fillStores(p *Problem, stores []store, service float64, units *[]float64) ([]store, float64, error) {
	for i := range p.Stores {
		s := &stores[i]
		*s = store{Store: &p.Stores[i]}
		s.pack, s.value = orOne(s.Pack), orOne(s.Value)
		// One walk: to the stock on hand (kept) and on to the service
		// quantile, or the other way round.
		q := dist.NewWalk(s.Mean, s.Variance)
		onHand := int(math.Ceil(s.OnHand))
		for q.CDF() < service && q.Level() < onHand {
			q.Step()
		}
		recording := false
		if q.Level() == onHand {
			s.walk = q
			recording = units != nil && s.pack == math.Trunc(s.pack)
			if recording {
				s.unitOff = len(*units)
			}
			for q.CDF() < service {
				g := q.Step()
				if recording {
					*units = append(*units, g)
				}
			}
		} else {
			s.walk = q
			s.walk.StepTo(onHand)
		}
		s.target = max(float64(q.Level()), s.Min)
		if s.Max > 0 {
			s.target = min(s.target, s.Max)
		}
		s.need = roomFor(s.target-s.OnHand, s)
		s.minGap = min(s.need, roomFor(s.Min-s.OnHand, s))
		if recording {
			// On past the quantile where packs or a minimum take the
			// need further.
			for len(*units)-s.unitOff < int(s.need) {
				*units = append(*units, q.Step())
			}
			s.unitLen = len(*units) - s.unitOff
		}
	}
	return stores, max(0, p.Available-p.Reserve), nil
}

// roomFor rounds units up to whole packs, then back down while that would
// pass the store's Max.
func roomFor(units float64, s *store) float64 {
	if units <= 0 {
		return 0
	}
	q := math.Ceil(units/s.pack-1e-9) * s.pack
	if s.Max > 0 {
		for q > 0 && s.OnHand+q > s.Max+1e-9 {
			q -= s.pack
		}
	}
	return max(0, q)
}

func orOne(v float64) float64 {
	if v <= 0 {
		return 1
	}
	return v
}

// finish fills in what every method reports once the quantities are set.
// sales, when not nil, holds each store's expected sales with its
// allocation already (the selection adds them up as it goes); otherwise
// they are walked to.
func finish(p *Problem, name string, stores []store, qty []float64, supply float64, sales []float64) *Allocation {
	n := len(stores)
	// One backing array for the per-store numbers: allocation runs over
	// millions of store-SKUs.
	cols := make([]float64, 6*n)
	a := &Allocation{SKU: p.SKU, DC: p.DC, Method: name, Qty: qty, Stores: make([]string, n),
		OnHand: cols[:n:n], Need: cols[n : 2*n : 2*n], Target: cols[2*n : 3*n : 3*n],
		ExpectedDemand: cols[3*n : 4*n : 4*n], ExpectedSales: cols[4*n : 5*n : 5*n], max: cols[5*n:], Channels: make([][]series.ChannelUnits, n)}
	anyDemand := false
	need := 0.0
	for i := range stores {
		s := &stores[i]
		a.Stores[i] = s.Location
		a.OnHand[i], a.Need[i], a.Target[i], a.ExpectedDemand[i], a.max[i] = s.OnHand, s.need, s.target, s.Mean, s.Max
		a.Channels[i] = s.Channels
		if sales != nil {
			a.ExpectedSales[i] = sales[i]
		} else {
			w := s.walk
			w.StepTo(int(math.Ceil(s.OnHand + qty[i] - 1e-9)))
			a.ExpectedSales[i] = w.Sales()
		}
		a.Allocated += qty[i]
		anyDemand = anyDemand || s.Mean > 0
		need += s.need
	}
	a.Unallocated = supply - a.Allocated
	switch {
	case !anyDemand && n > 0:
		a.Exception = "no store expects demand for this product over the horizon"
	case need > supply+1e-9:
		a.Exception = fmt.Sprintf("DC stock short: %s units for a need of %s", num(supply), num(need))
	}
	return a
}

// num formats units without trailing zeros.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }
