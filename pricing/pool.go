package pricing

import (
	"context"
	"encoding/json"
	"math"
	"sort"

	"github.com/planner-engine/planner/series"
	"github.com/planner-engine/planner/supply"
)

// Flags say why a product's own elasticity was not used as it is.
const (
	FlagNoPriceVariation = "no_price_variation" // the price never moved enough to measure a response
	FlagFewObservations  = "few_observations"   // too few periods with sales
	FlagWrongSign        = "wrong_sign"         // demand rose with the price
	FlagImprecise        = "imprecise"          // the standard error is too large to act on
	FlagNoHistory        = "no_history"         // nothing sold; no model at all
	FlagNoEstimate       = "no_estimate"        // neither the product nor any pool has a usable estimate
)

// Methods say which estimate an Elasticity holds.
const (
	MethodShrunk = "product_shrunk" // the product's own, shrunk towards its group's
	MethodGroup  = "group"          // its group's pooled estimate
	MethodAll    = "all_products"   // the pooled estimate of every product
	MethodNone   = "none"
)

// PoolOptions say when an estimate is trusted. The zero value means the
// defaults.
type PoolOptions struct {
	// MinObs is the fewest location-periods an own estimate needs; 0 means 8.
	MinObs int
	// MaxStdError is the largest standard error an own estimate may have;
	// 0 means 1.
	MaxStdError float64
	// MinGroupSize is the fewest own estimates a group needs to be a pool;
	// smaller groups use every product's pool. 0 means 3.
	MinGroupSize int
	// MinSpread is the least between-product standard deviation the pool
	// assumes, so a handful of similar products does not erase every
	// product's own signal; 0 means 0.2.
	MinSpread float64
}

func (o PoolOptions) withDefaults() PoolOptions {
	if o.MinObs <= 0 {
		o.MinObs = 8
	}
	if o.MaxStdError <= 0 {
		o.MaxStdError = 1
	}
	if o.MinGroupSize <= 0 {
		o.MinGroupSize = 3
	}
	if o.MinSpread <= 0 {
		o.MinSpread = 0.2
	}
	return o
}

// Elasticity is the price response a product's recommendations use.
type Elasticity struct {
	SKU, Group string
	// Elasticity and StdError are the estimate used; NaN with MethodNone.
	Elasticity, StdError float64
	// Own and OwnStdError are the product's own estimate before pooling
	// (NaN when the price never moved).
	Own, OwnStdError float64
	NObs             int
	Method, Flag     string
}

// Confidence grades an estimate by its standard error: high (at most
// 0.25), medium (at most 0.5) or low.
func (e Elasticity) Confidence() string {
	switch {
	case math.IsNaN(e.StdError):
		return "none"
	case e.StdError <= 0.25:
		return "high"
	case e.StdError <= 0.5:
		return "medium"
	}
	return "low"
}

// pool is a random-effects summary of a set of estimates.
type pool struct {
	mean, se, tau2 float64
	n              int
}

// randomEffects pools estimates with their standard errors by the method of
// moments of DerSimonian & Laird ("Meta-analysis in clinical trials",
// Controlled Clinical Trials 1986): the between-estimate variance tau² is
// what the spread exceeds the sampling error by.
func randomEffects(est, se []float64, minSpread float64) pool {
	k := len(est)
	if k == 0 {
		return pool{mean: math.NaN()}
	}
	var sw, sw2, swe float64
	for i := range est {
		w := 1 / (se[i] * se[i])
		sw += w
		sw2 += w * w
		swe += w * est[i]
	}
	fixed := swe / sw
	var q float64
	for i := range est {
		d := est[i] - fixed
		q += d * d / (se[i] * se[i])
	}
	tau2 := 0.0
	if k > 1 {
		tau2 = math.Max(0, (q-float64(k-1))/(sw-sw2/sw))
	}
	tau2 = math.Max(tau2, minSpread*minSpread)
	var sws, swse float64
	for i := range est {
		w := 1 / (se[i]*se[i] + tau2)
		sws += w
		swse += w * est[i]
	}
	return pool{mean: swse / sws, se: math.Sqrt(1 / sws), tau2: tau2, n: k}
}

// Pools are the priors the products' elasticities are shrunk towards:
// every product's, and each group's with enough members. A run spread
// over shards learns them once on every product (LearnPools) and prices
// each shard with them (Settings.Pools), so that a product's elasticity
// does not depend on the products it shares a shard with.
type Pools struct {
	All    Prior            `json:"all"`
	Groups map[string]Prior `json:"groups,omitempty"`
}

// Prior is a random-effects summary of a set of own estimates: their
// mean, its standard error, the spread between products (tau²) and how
// many there were. Mean is NaN (null in JSON) without any.
type Prior struct {
	Mean   float64 `json:"mean"`
	StdErr float64 `json:"std_err"`
	Tau2   float64 `json:"tau2"`
	N      int     `json:"n"`
}

func (p Prior) pool() pool  { return pool{mean: p.Mean, se: p.StdErr, tau2: p.Tau2, n: p.N} }
func (p pool) prior() Prior { return Prior{Mean: p.mean, StdErr: p.se, Tau2: p.tau2, N: p.n} }

// MarshalJSON writes a missing mean as null.
func (p Prior) MarshalJSON() ([]byte, error) {
	type plain Prior
	if math.IsNaN(p.Mean) {
		return json.Marshal(struct {
			Mean *float64 `json:"mean"`
			plain
		}{plain: plain{StdErr: p.StdErr, Tau2: p.Tau2, N: p.N}})
	}
	return json.Marshal(plain(p))
}

// UnmarshalJSON reads a null mean as NaN.
func (p *Prior) UnmarshalJSON(b []byte) error {
	type plain Prior
	var v struct {
		Mean *float64 `json:"mean"`
		plain
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = Prior(v.plain)
	p.Mean = math.NaN()
	if v.Mean != nil {
		p.Mean = *v.Mean
	}
	return nil
}

// trusted says whether a fit's own estimate counts in the pools.
func (o PoolOptions) trusted(f *Fit) bool {
	return !math.IsNaN(f.Elasticity) && f.Err == nil && f.NObs >= o.MinObs && f.StdError <= o.MaxStdError
}

// LearnPools summarises the trusted own estimates of the fits: every
// product's pool, and each group's with at least MinGroupSize members and
// a negative mean. fits and products are in the same order.
func LearnPools(products []Product, fits []Fit, opts *PoolOptions) Pools {
	l := NewPoolLearner(opts)
	l.Add(products, fits)
	return l.Pools()
}

// PoolLearner learns the pools (LearnPools) from products fitted a part
// at a time, keeping only their trusted estimates: how every product of a
// retailer too large to hold at once shapes the priors.
type PoolLearner struct {
	opts    PoolOptions
	byGroup map[string][]estimate
	all     []estimate
}

// estimate is one trusted own estimate and its standard error.
type estimate struct{ est, se float64 }

// NewPoolLearner starts learning pools with opts (nil: the defaults).
func NewPoolLearner(opts *PoolOptions) *PoolLearner {
	o := PoolOptions{}
	if opts != nil {
		o = *opts
	}
	return &PoolLearner{opts: o.withDefaults(), byGroup: map[string][]estimate{}}
}

// Add counts the trusted own estimates of fits, in the same order as
// products. The pools do not depend on how the products are split into
// calls, only on their order.
func (l *PoolLearner) Add(products []Product, fits []Fit) {
	for i := range fits {
		// Wrong-signed estimates still count in the pool: leaving them out
		// would bias the group's mean towards stronger responses.
		if l.opts.trusted(&fits[i]) {
			e := estimate{fits[i].Elasticity, math.Max(fits[i].StdError, 1e-3)}
			l.byGroup[products[i].Group] = append(l.byGroup[products[i].Group], e)
			l.all = append(l.all, e)
		}
	}
}

// Pools summarises the estimates added so far.
func (l *PoolLearner) Pools() Pools {
	summarise := func(es []estimate) pool {
		est, se := make([]float64, len(es)), make([]float64, len(es))
		for k, e := range es {
			est[k], se[k] = e.est, e.se
		}
		return randomEffects(est, se, l.opts.MinSpread)
	}
	out := Pools{All: summarise(l.all).prior(), Groups: map[string]Prior{}}
	names := make([]string, 0, len(l.byGroup))
	for g := range l.byGroup {
		names = append(names, g)
	}
	sort.Strings(names)
	for _, g := range names {
		if len(l.byGroup[g]) >= l.opts.MinGroupSize {
			if p := summarise(l.byGroup[g]); p.mean < 0 {
				out.Groups[g] = p.prior()
			}
		}
	}
	return out
}

// Pool turns the products' fits into the elasticities to price with: each
// trusted own estimate is shrunk towards its group's mean by their
// precisions (the empirical Bayes posterior under a normal prior; Efron &
// Morris, "Stein's estimation rule and its competitors", JASA 1973); an
// untrusted one is replaced by the group's estimate, or every product's
// when the group is too small, and flagged. The pools are the fits' own
// (LearnPools) unless given. fits and products are in the same order; so
// is the result.
func Pool(products []Product, fits []Fit, pools *Pools, opts *PoolOptions) []Elasticity {
	o := PoolOptions{}
	if opts != nil {
		o = *opts
	}
	o = o.withDefaults()
	if pools == nil {
		learned := LearnPools(products, fits, &o)
		pools = &learned
	}
	out := make([]Elasticity, len(fits))
	for i := range fits {
		f := &fits[i]
		e := Elasticity{SKU: f.SKU, Group: products[i].Group, Own: f.Elasticity, OwnStdError: f.StdError, NObs: f.NObs}
		switch {
		case f.Err != nil:
			e.Flag = FlagNoHistory
		case math.IsNaN(f.Elasticity):
			e.Flag = FlagNoPriceVariation
		case f.NObs < o.MinObs:
			e.Flag = FlagFewObservations
		case f.Elasticity > 0:
			e.Flag = FlagWrongSign
		case f.StdError > o.MaxStdError:
			e.Flag = FlagImprecise
		}
		out[i] = e
	}
	everyone := pools.All.pool()
	for i := range out {
		e := &out[i]
		prior, method := everyone, MethodAll
		if g, ok := pools.Groups[e.Group]; ok {
			prior, method = g.pool(), MethodGroup
		}
		if math.IsNaN(prior.mean) || prior.mean >= 0 {
			if e.Flag == "" {
				// An own estimate without a pool to shrink towards stands alone.
				e.Elasticity, e.StdError, e.Method = e.Own, e.OwnStdError, MethodShrunk
				continue
			}
			e.Elasticity, e.StdError, e.Method = math.NaN(), math.NaN(), MethodNone
			e.Flag += ";" + FlagNoEstimate
			continue
		}
		if e.Flag != "" {
			// A new member of the group: its mean's error plus the spread.
			e.Elasticity, e.StdError, e.Method = prior.mean, math.Sqrt(prior.se*prior.se+prior.tau2), method
			continue
		}
		wOwn, wPrior := 1/(e.OwnStdError*e.OwnStdError), 1/prior.tau2
		e.Elasticity = (wOwn*e.Own + wPrior*prior.mean) / (wOwn + wPrior)
		e.StdError = math.Sqrt(1 / (wOwn + wPrior))
		e.Method = MethodShrunk
	}
	return out
}

// AddHistory fits the products of a part of the price history (whole
// SKUs, grouped by GroupHistory) and adds their estimates. It empties the
// part's series as it copies them.
func (l *PoolLearner) AddHistory(ctx context.Context, h *series.PriceHistory, master map[string]supply.PricingTerms, est *EstimateOptions) error {
	products := GroupHistory(h, master, true)
	fits, err := Estimate(ctx, Calendar{Freq: h.Freq, Start: h.Start}, products, est)
	if err != nil {
		return err
	}
	l.Add(products, fits)
	return nil
}
