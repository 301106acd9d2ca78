package forecast

import (
	"fmt"
	"math"
)

// Demand classes of Syntetos, Boylan & Croston ("On the categorization of
// demand patterns", JORS 2005), by the average inter-demand interval (ADI)
// and the squared coefficient of variation of the nonzero demands (CV2),
// with the cut-offs 1.32 and 0.49.
const (
	Smooth       = "smooth"       // ADI < 1.32, CV2 < 0.49
	Erratic      = "erratic"      // ADI < 1.32, CV2 >= 0.49
	Intermittent = "intermittent" // ADI >= 1.32, CV2 < 0.49
	Lumpy        = "lumpy"        // ADI >= 1.32, CV2 >= 0.49
)

// Classify returns the demand class of y with its ADI and CV2. A series
// with no demand is intermittent with an infinite ADI.
func Classify(y []float64) (class string, adi, cv2 float64) {
	// Two passes over the nonzero values: their mean, then their sample
	// variance; no copy, since every series is classified.
	var sum float64
	nz := 0
	for _, v := range y {
		if v != 0 {
			sum += v
			nz++
		}
	}
	if nz == 0 {
		return Intermittent, math.Inf(1), 0
	}
	adi = float64(len(y)) / float64(nz)
	mean := sum / float64(nz)
	if nz > 1 && mean != 0 {
		var ss float64
		for _, v := range y {
			if v != 0 {
				ss += (v - mean) * (v - mean)
			}
		}
		cv2 = ss / float64(nz-1) / (mean * mean)
	}
	switch {
	case adi < 1.32 && cv2 < 0.49:
		class = Smooth
	case adi < 1.32:
		class = Erratic
	case cv2 < 0.49:
		class = Intermittent
	default:
		class = Lumpy
	}
	return class, adi, cv2
}

// CrostonVariant selects Croston's estimator or its corrections.
type CrostonVariant int

// Croston variants.
const (
	Classic   CrostonVariant = iota // Croston (1972)
	SBA                             // Syntetos & Boylan (2005): times 1 - alpha/2, removing the bias
	Optimized                       // Croston with alpha estimated by least squares
)

// Croston smooths the nonzero demand sizes and the intervals between them
// separately with simple exponential smoothing and forecasts their ratio
// (Croston, "Forecasting and stock control for intermittent demands", ORS
// 1972). Alpha 0 means 0.1.
type Croston struct {
	Variant CrostonVariant
	Alpha   float64
}

// Name implements Model.
func (c Croston) Name() string {
	return map[CrostonVariant]string{Classic: "croston", SBA: "croston_sba", Optimized: "croston_opt"}[c.Variant]
}

// Fit implements Model.
func (c Croston) Fit(y []float64, _ *SeriesInfo) (Fitted, error) {
	sizes, intervals := demandsAndIntervals(y)
	if len(sizes) == 0 {
		return &levelFit{level: 0, noDist: true, name: "Croston(no demand)"}, nil
	}
	alpha := c.Alpha
	if alpha == 0 {
		alpha = 0.1
	}
	var zs, ps float64
	switch c.Variant {
	case Optimized:
		zs, _ = sesOptimal(sizes)
		ps, _ = sesOptimal(intervals)
	default:
		zs = sesLevel(sizes, alpha)
		ps = sesLevel(intervals, alpha)
	}
	f := zs / ps
	name := "Croston"
	if c.Variant == SBA {
		f *= 1 - alpha/2
		name = "Croston(SBA)"
	} else if c.Variant == Optimized {
		name = "Croston(optimized)"
	}
	return &levelFit{level: f, noDist: true, name: name}, nil
}

// demandsAndIntervals splits y into its nonzero demands and the number of
// periods since the previous demand (counting from the start for the first).
func demandsAndIntervals(y []float64) (sizes, intervals []float64) {
	last := -1
	for t, v := range y {
		if v != 0 {
			sizes = append(sizes, v)
			intervals = append(intervals, float64(t-last))
			last = t
		}
	}
	return sizes, intervals
}

// sesLevel is the final level of simple exponential smoothing started at
// the first value.
func sesLevel(x []float64, alpha float64) float64 {
	l := x[0]
	for _, v := range x[1:] {
		l += alpha * (v - l)
	}
	return l
}

// sesOptimal chooses alpha in [0.01, 0.5] by golden-section search on the
// one-step squared error and returns the final level and alpha.
func sesOptimal(x []float64) (level, alpha float64) {
	if len(x) < 3 {
		return sesLevel(x, 0.1), 0.1
	}
	sse := func(a float64) float64 {
		l, s := x[0], 0.0
		for _, v := range x[1:] {
			e := v - l
			s += e * e
			l += a * e
		}
		return s
	}
	alpha = goldenSection(sse, 0.01, 0.5, 1e-4)
	return sesLevel(x, alpha), alpha
}

// goldenSection minimises a unimodal f on [lo, hi].
func goldenSection(f func(float64) float64, lo, hi, tol float64) float64 {
	const r = 0.6180339887498949
	a, b := lo, hi
	c, d := b-r*(b-a), a+r*(b-a)
	fc, fd := f(c), f(d)
	for b-a > tol {
		if fc < fd {
			b, d, fd = d, c, fc
			c = b - r*(b-a)
			fc = f(c)
		} else {
			a, c, fc = c, d, fd
			d = a + r*(b-a)
			fd = f(d)
		}
	}
	return (a + b) / 2
}

// TSB smooths the probability of a demand each period and the size of the
// demands (Teunter, Syntetos & Babai, "Intermittent demand: linking
// forecasting to inventory obsolescence", EJOR 2011), so the forecast decays
// when demand stops. AlphaD and AlphaZ 0 mean 0.1.
type TSB struct{ AlphaD, AlphaZ float64 }

// Name implements Model.
func (TSB) Name() string { return "tsb" }

// Fit implements Model.
func (m TSB) Fit(y []float64, _ *SeriesInfo) (Fitted, error) {
	ad, az := m.AlphaD, m.AlphaZ
	if ad == 0 {
		ad = 0.1
	}
	if az == 0 {
		az = 0.1
	}
	sizes, _ := demandsAndIntervals(y)
	if len(sizes) == 0 {
		return &levelFit{level: 0, noDist: true, name: "TSB(no demand)"}, nil
	}
	d := float64(len(sizes)) / float64(len(y))
	z := sizes[0]
	for _, v := range y {
		if v != 0 {
			d += ad * (1 - d)
			z += az * (v - z)
		} else {
			d += ad * (0 - d)
		}
	}
	return &levelFit{level: d * z, noDist: true, name: "TSB"}, nil
}

// ADIDA aggregates the series into buckets as long as its average interval
// between demands, forecasts the buckets with optimally smoothed SES and
// spreads the bucket forecast evenly (Nikolopoulos, Syntetos, Boylan,
// Petropoulos & Assimakopoulos, "An aggregate-disaggregate intermittent
// demand approach (ADIDA)", JORS 2011).
type ADIDA struct{}

// Name implements Model.
func (ADIDA) Name() string { return "adida" }

// Fit implements Model.
func (ADIDA) Fit(y []float64, _ *SeriesInfo) (Fitted, error) {
	_, adi, _ := Classify(y)
	if math.IsInf(adi, 1) {
		return &levelFit{level: 0, noDist: true, name: "ADIDA(no demand)"}, nil
	}
	k := max(1, int(math.Round(adi)))
	f, ok := aggregateSES(y, k)
	if !ok {
		return nil, ErrTooShort
	}
	return &levelFit{level: f, noDist: true, name: fmt.Sprintf("ADIDA(%d)", k)}, nil
}

// IMAPA averages the ADIDA forecasts of every aggregation level from 1 to
// the average interval between demands (Petropoulos & Kourentzes,
// "Forecast combinations for intermittent demand", JORS 2015).
type IMAPA struct{}

// Name implements Model.
func (IMAPA) Name() string { return "imapa" }

// Fit implements Model.
func (IMAPA) Fit(y []float64, _ *SeriesInfo) (Fitted, error) {
	_, adi, _ := Classify(y)
	if math.IsInf(adi, 1) {
		return &levelFit{level: 0, noDist: true, name: "IMAPA(no demand)"}, nil
	}
	top := max(1, int(math.Round(adi)))
	var sum float64
	n := 0
	for k := 1; k <= top; k++ {
		if f, ok := aggregateSES(y, k); ok {
			sum += f
			n++
		}
	}
	if n == 0 {
		return nil, ErrTooShort
	}
	return &levelFit{level: sum / float64(n), noDist: true, name: fmt.Sprintf("IMAPA(1..%d)", top)}, nil
}

// aggregateSES sums y into buckets of k periods (the most recent bucket
// ending at the last value), forecasts the next bucket with optimal SES and
// returns it per period.
func aggregateSES(y []float64, k int) (float64, bool) {
	nb := len(y) / k
	if nb < 2 {
		return 0, false
	}
	buckets := make([]float64, nb)
	start := len(y) - nb*k
	for b := 0; b < nb; b++ {
		for _, v := range y[start+b*k : start+(b+1)*k] {
			buckets[b] += v
		}
	}
	level, _ := sesOptimal(buckets)
	return level / float64(k), true
}
