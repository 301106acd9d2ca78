package forecast

import (
	"context"
	"math"

	"github.com/planner-engine/planner/forecast/hierarchy"
	"github.com/planner-engine/planner/series"
)

// Reconciled holds coherent forecasts of a hierarchy: the bottom series (in
// the panel's order) and the aggregates (in the structure's order).
type Reconciled struct {
	Bottom, Aggregates *Result
	// Lambda is the shrinkage intensity MinT used (0 for other methods).
	Lambda float64
}

// RunReconciled forecasts the panel's series and the aggregates of the
// structure with the same options, then reconciles them with the method:
// the mean forecasts become coherent, and each series' quantiles move with
// its mean (scaled by the ratio of reconciled to base mean, or shifted when
// the base mean is zero).
func RunReconciled(ctx context.Context, p *series.Panel, s *hierarchy.Structure, m hierarchy.Method, opts Options) (*Reconciled, error) {
	const maxResid = 364
	agg := hierarchy.Aggregate(p, s)
	keep := 0
	if m == hierarchy.MinTShrink {
		keep = maxResid
		if p.Len() > 0 {
			keep = min(keep, maxLen(p))
		}
	}
	opts.Residuals = keep
	bottom, err := Run(ctx, p, opts)
	if err != nil {
		return nil, err
	}
	aggOpts := opts
	aggOpts.Progress = nil
	aggRes, err := Run(ctx, agg, aggOpts)
	if err != nil {
		return nil, err
	}
	h := opts.Horizon
	base := &hierarchy.Base{H: h, Bottom: bottom.Mean, Agg: aggRes.Mean, BottomResid: bottom.Residuals, AggResid: aggRes.Residuals}
	rb, ra, lambda, err := hierarchy.Reconcile(s, m, base)
	if err != nil {
		return nil, err
	}
	// MinT can reconcile a slow mover below zero. Demand cannot be
	// negative: set such bottom forecasts to zero and sum the aggregates
	// again from the bottom, which keeps them coherent (the simple
	// alternative to the non-negative MinT of Wickramasuriya, Turlach &
	// Hyndman, "Optimal non-negative forecast reconciliation", Statistics
	// and Computing 2020).
	// A closed day's demand is zero at the bottom, whatever the
	// aggregates said; the aggregates are summed again the same way.
	closed := false
	for i := range p.Keys {
		for _, t := range p.ClosedSteps(i, bottom.Starts[i], h) {
			rb[i*h+t], closed = 0, true
		}
	}
	if clipped := clipNegative(rb); clipped || closed {
		for j := range ra {
			ra[j] = 0
		}
		for i, parents := range s.Parents {
			for _, node := range parents {
				for t := 0; t < h; t++ {
					ra[node*h+t] += rb[i*h+t]
				}
			}
		}
	}
	moveQuantiles(bottom, rb)
	moveQuantiles(aggRes, ra)
	bottom.Reconciled, aggRes.Reconciled = m.String(), m.String()
	return &Reconciled{Bottom: bottom, Aggregates: aggRes, Lambda: lambda}, nil
}

// clipNegative sets negative values to zero and says whether there were any.
func clipNegative(xs []float64) bool {
	found := false
	for i, v := range xs {
		if v < 0 {
			xs[i], found = 0, true
		}
	}
	return found
}

func maxLen(p *series.Panel) int {
	n := 0
	for i := 0; i < p.Len(); i++ {
		n = max(n, len(p.Series(i)))
	}
	return n
}

// moveQuantiles sets the result's means to the reconciled ones and moves
// each step's quantiles with its mean.
func moveQuantiles(r *Result, reconciled []float64) {
	nq := len(r.Quantiles)
	for c, newMean := range reconciled {
		newMean = math.Max(0, newMean)
		old := r.Mean[c]
		q := r.Q[c*nq : (c+1)*nq]
		for k := range q {
			if old > 0 {
				q[k] *= newMean / old
			} else {
				q[k] = math.Max(0, q[k]+newMean-old)
			}
		}
		r.Mean[c] = newMean
	}
}
