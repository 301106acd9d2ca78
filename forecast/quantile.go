package forecast

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/planner-engine/planner/dist"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultQuantiles are the quantiles written when none are asked for.
var DefaultQuantiles = []float64{0.1, 0.5, 0.9}

// ParseQuantiles reads a comma-separated list of probabilities, such as
// "0.1,0.5,0.9", each strictly between 0 and 1. They are returned sorted.
func ParseQuantiles(s string) ([]float64, error) {
	var qs []float64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		q, err := strconv.ParseFloat(part, 64)
		if err != nil {
			return nil, fmt.Errorf("quantile %q is not a number", part)
		}
		if !(q > 0 && q < 1) {
			return nil, fmt.Errorf("quantile %v is not strictly between 0 and 1", q)
		}
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("no quantiles in %q", s)
	}
	slices.Sort(qs)
	return slices.Compact(qs), nil
}

// QuantileName is the output column of a quantile: p10 for 0.1, p2_5 for
// 0.025, p99_9 for 0.999.
func QuantileName(q float64) string {
	s := strconv.FormatFloat(q*100, 'f', -1, 64)
	return "p" + strings.ReplaceAll(s, ".", "_")
}

// quantilesOf writes, for each probability in probs (sorted ascending),
// the quantile of a step's predictive distribution with the given mean and
// standard deviation. Demand is never negative: continuous series get a
// normal distribution cut at zero; count series get a negative binomial
// with that mean and variance, or a Poisson when the variance is no larger
// than the mean, and its mid-distribution quantiles: whole-number
// quantiles of small counts would hold more than their share of outcomes
// (from the 10% to the 90% quantile of a Poisson with mean 2 is 0 to 4,
// 95% of outcomes), so intervals of slow movers would be too wide.
func quantilesOf(mean, sd float64, count bool, probs, dst []float64) {
	mean = math.Max(mean, 0)
	if math.IsNaN(sd) || sd < 0 {
		sd = 0
	}
	if count {
		dist.CountMidQuantiles(mean, sd*sd, probs, dst)
		return
	}
	for k, p := range probs {
		dst[k] = math.Max(0, mean+sd*normalQuantile(p))
	}
}

func normalQuantile(p float64) float64 { return distuv.UnitNormal.Quantile(p) }
