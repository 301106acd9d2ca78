package replenish

import (
	"context"
	"fmt"

	"github.com/planner-engine/planner/series"
)

// Comparison is a policy's simulation beside the two baselines planners
// use without forecasts, each tuned to reach the same fill rate.
type Comparison struct {
	Policy SimResult
	// Cover orders up to CoverDays of recent average demand at each review:
	// the fewest days (in quarter days) whose fill rate reaches the policy's.
	Cover     SimResult
	CoverDays float64
	// MinMax is the ERP reorder rule from recent average demand: the
	// minimum covers the lead time plus MinMaxSafetyDays, the maximum a
	// review period more; the fewest safety days (in quarter days) that reach the
	// policy's fill rate.
	MinMax           SimResult
	MinMaxSafetyDays float64
	// Reached says whether each baseline reached the policy's fill rate
	// within its range of days; when not, its best is reported.
	CoverReached, MinMaxReached bool
}

// Baseline settings searched, in days: of cover, and of safety stock, in
// quarter days so the tuned baseline lands close to the policy's service.
const (
	dayStep       = 0.25
	maxCoverDays  = 60
	maxSafetyDays = 45
)

// Compare simulates the policy and, in the same replay (sharing its
// forecasts), the weeks-of-cover rule at up to 60 days and the ERP min /
// max at up to 45 safety days; then keeps, for each baseline, the cheapest
// setting that serves as well as the policy did. That is the fair
// comparison: stock needed for equal service.
func Compare(ctx context.Context, p *series.Panel, policy PolicyFor, opts SimOptions) (*Comparison, error) {
	pols := []PolicyFor{policy}
	var coverDays, safetyDays []float64
	for d := dayStep; d <= maxCoverDays; d += dayStep {
		coverDays = append(coverDays, d)
		pols = append(pols, func(avg float64) Policy { return Cover{Days: d, Average: average(avg)} })
	}
	for s := 0.0; s <= maxSafetyDays; s += dayStep {
		safetyDays = append(safetyDays, s)
		pols = append(pols, func(avg float64) Policy { return ERPMinMax{SafetyDays: s, Average: average(avg)} })
	}
	res, err := Simulate(ctx, p, pols, opts)
	if err != nil {
		return nil, err
	}
	c := &Comparison{Policy: res[0]}
	target := res[0].FillRate
	var k int
	c.Cover, k, c.CoverReached = cheapest(res[1:1+len(coverDays)], target)
	c.CoverDays = coverDays[k]
	c.MinMax, k, c.MinMaxReached = cheapest(res[1+len(coverDays):], target)
	c.MinMaxSafetyDays = safetyDays[k]
	c.Cover.Policy = fmt.Sprintf("cover (%g days)", c.CoverDays)
	c.MinMax.Policy = fmt.Sprintf("erp-min-max (%g safety days)", c.MinMaxSafetyDays)
	return c, nil
}

// average keeps a recent average of zero from meaning "use the forecast":
// the baselines see sales only.
func average(avg float64) float64 {
	if avg == 0 {
		return 1e-9
	}
	return avg
}

// cheapest returns the first result whose fill rate reaches the target
// (results ordered from least to most stock), with its parameter; or the
// best fill rate when none does.
func cheapest(res []SimResult, target float64) (SimResult, int, bool) {
	best := 0
	for k, r := range res {
		if r.FillRate >= target {
			return r, k, true
		}
		if r.FillRate > res[best].FillRate {
			best = k
		}
	}
	return res[best], best, false
}
