package forecast

import (
	"fmt"
	"strings"
)

// ETS is exponential smoothing in state-space form (Hyndman, Koehler, Ord &
// Snyder, Forecasting with Exponential Smoothing, 2008): error additive or
// multiplicative, trend none, additive or damped, season none, additive or
// multiplicative. Each candidate is fitted by maximum likelihood (Nelder-Mead
// over the smoothing parameters and the initial states; for models with
// additive errors and no season, over the smoothing parameters alone, the
// initial states solved by least squares for each) and the one with the
// smallest AICc wins, as in R's forecast::ets.
type ETS struct {
	// Spec restricts the family as R's model argument does: three letters
	// for error, trend and season (A, M, N, or Z for "choose"), such as
	// "ZZZ" (the default), "AAN" or "MNM". A damped trend is tried wherever
	// a trend is.
	Spec string
	// Period is the seasonal period; 0 means the series' own. Periods above
	// MaxETSPeriod are fitted without a season.
	Period int
	// NoDamped leaves damped trends out.
	NoDamped bool
}

// MaxETSPeriod is the longest season ETS fits, as in R: longer seasons
// have too many states to estimate well.
const MaxETSPeriod = 24

// Name implements Model.
func (ETS) Name() string { return "ets" }

// etsSpec is one member of the ETS family.
type etsSpec struct {
	err, trend, season byte // 'A', 'M' or 'N' (no 'N' for err)
	damped             bool
}

func (s etsSpec) String() string {
	t := string(s.trend)
	if s.damped {
		t += "d"
	}
	return fmt.Sprintf("ETS(%c,%s,%c)", s.err, t, s.season)
}

// candidates lists the members Fit tries: R's defaults (restrict = TRUE,
// no multiplicative trend), and multiplicative parts only for positive data.
func (m ETS) candidates(period int, positive bool, n int) ([]etsSpec, error) {
	spec := strings.ToUpper(m.Spec)
	if spec == "" {
		spec = "ZZZ"
	}
	if len(spec) != 3 || !strings.ContainsRune("AMZ", rune(spec[0])) ||
		!strings.ContainsRune("ANZ", rune(spec[1])) || !strings.ContainsRune("ANMZ", rune(spec[2])) {
		return nil, fmt.Errorf("ETS spec %q is not error (A, M, Z), trend (A, N, Z) and season (A, M, N, Z)", m.Spec)
	}
	choose := func(c byte, all string) string {
		if c == 'Z' {
			return all
		}
		return string(c)
	}
	errs := choose(spec[0], "AM")
	trends := choose(spec[1], "NA")
	seasons := choose(spec[2], "NAM")
	if period <= 1 {
		seasons = strings.Trim(seasons, "AM")
		if seasons == "" {
			seasons = "N"
		}
	}
	var out []etsSpec
	for _, e := range []byte(errs) {
		for _, t := range []byte(trends) {
			for _, s := range []byte(seasons) {
				if !positive && (e == 'M' || s == 'M') {
					continue
				}
				if e == 'A' && s == 'M' {
					continue // unstable (restrict = TRUE in R)
				}
				for _, d := range []bool{false, true} {
					if d && (t == 'N' || m.NoDamped) {
						continue
					}
					cand := etsSpec{err: e, trend: t, season: s, damped: d}
					if n <= cand.params(period)+4 {
						continue // too few data for the parameters
					}
					out = append(out, cand)
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, ErrTooShort
	}
	return out, nil
}

// params counts the estimated parameters: smoothing, damping, initial
// states (the last seasonal state is fixed by the others) and sigma.
func (s etsSpec) params(period int) int {
	k := 1 + 1 + 1 // alpha, level, sigma
	if s.trend != 'N' {
		k += 2
	}
	if s.damped {
		k++
	}
	if s.season != 'N' {
		k += 1 + period - 1
	}
	return k
}

// Fit implements Model.
func (m ETS) Fit(y []float64, info *SeriesInfo) (Fitted, error) {
	period := m.Period
	if period == 0 {
		period = info.Period
	}
	if period > MaxETSPeriod || period < 1 {
		period = 1
	}
	positive := true
	for _, v := range y {
		if v <= 0 {
			positive = false
			break
		}
	}
	if len(y) < 4 {
		return nil, ErrTooShort
	}
	cands, err := m.candidates(period, positive, len(y))
	if err != nil {
		return nil, err
	}
	var best *etsFit
	w := newETSWork(len(y), period)
	for _, c := range cands {
		f := fitETS(y, c, period, w)
		if f != nil && (best == nil || f.aicc < best.aicc) {
			best = f
		}
	}
	if best == nil {
		return nil, fmt.Errorf("no ETS model could be fitted")
	}
	return best, nil
}
