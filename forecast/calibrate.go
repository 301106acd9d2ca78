package forecast

import (
	"math"
	"sort"
)

// calibrated is a Fitted that can offer honest out-of-sample errors
// divided by its predicted spread (and whether the series is intermittent),
// for calibrating the panel's quantiles.
type calibrated interface {
	calibrationErrors() (standardized []float64, intermittent, shapeOnly bool)
}

// minCalibration is the fewest pooled errors a calibration needs.
const minCalibration = 500

// scales returns, for each probability p, the factor by which to widen (or
// narrow) the predicted spread so that the p-quantile of the standardized
// errors sits where the model's distribution puts it: the empirical
// quantile over the normal quantile (split conformal calibration of the
// spread's shape, pooled across series; Vovk, Gammerman & Shafer, 2005).
// Probabilities within 0.1 of the median keep a factor of 1, where the
// ratio is unstable; factors are kept within [0.3, 3]. nil when there are
// too few errors.
func scales(errs []float64, probs []float64) []float64 {
	if len(errs) < minCalibration {
		return nil
	}
	sorted := append([]float64(nil), errs...)
	sort.Float64s(sorted)
	out := make([]float64, len(probs))
	for k, p := range probs {
		out[k] = 1
		z := normalQuantile(p)
		if math.Abs(p-0.5) < 0.1 {
			continue
		}
		q := empiricalQuantile(sorted, p)
		if r := q / z; r > 0 && !math.IsNaN(r) {
			out[k] = math.Max(0.3, math.Min(3, r))
		}
	}
	return out
}

// empiricalQuantile is the p-quantile of sorted values, interpolated
// between order statistics.
func empiricalQuantile(sorted []float64, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	frac := pos - float64(lo)
	return sorted[lo]*(1-frac) + sorted[hi]*frac
}
