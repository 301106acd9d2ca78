package assortment

import (
	"math"

	"github.com/planner-engine/planner/series"
)

// UnlikelyZero is the chance, below which a run of periods without a
// sale counts as periods the product could not be bought (not on the
// shelf) where the history does not mark them: the chance of that many
// periods without a sale in a row, at the share of periods the product
// sells none (periods taken as independent). A product that seldom
// fails to sell is taken as out after a period or two without a sale; a
// slow seller only after a long run. Runs of no sale of a product that
// usually sells are the classic sign of an empty shelf in point-of-sale
// data (Papakiriakopoulos, Pramatari and Doukidis, "A decision support
// system for detecting products missing from the shelf based on
// heuristic rules", Decision Support Systems 2009).
const UnlikelyZero = 0.01

// markEmptyShelves marks out the runs of periods without a sale that are
// unlikely at the series' share of periods without a sale (zeroShare):
// zeroShare to the run's length below UnlikelyZero.
func markEmptyShelves(vals []float64, out []bool, zeroShare float64) {
	if zeroShare >= 1 {
		return
	}
	for t := 0; t < len(vals); {
		if vals[t] != 0 || out[t] {
			t++
			continue
		}
		end := t
		for end < len(vals) && vals[end] == 0 && !out[end] {
			end++
		}
		if math.Pow(zeroShare, float64(end-t)) < UnlikelyZero {
			for u := t; u < end; u++ {
				out[u] = true
			}
		}
		t = end
	}
}

// EstimateShares estimates each product's transfer share from a sales
// history (EstimateTransfer), over the series include accepts (the
// shelf's own sales: walk-in, not online), grouped by store and by
// group[sku] (the products that substitute for each other). On each
// period a product could not be bought at a store (marked unobserved,
// or no sale where one was near certain, UnlikelyZero) while others of
// its group sold there, its missing demand is its mean sale over the
// periods it was there, and the group's excess is what the others sold
// beyond their means over those periods; the periods it was there anchor
// the excess at none. Products with too few periods without them get
// the default (Transfer.Default).
func EstimateShares(panel *series.Panel, group map[string]string, include func(series.Key) bool) map[string]Transfer {
	type member struct {
		i    int
		mean float64
		out  []bool // per period of the series: could not be bought
	}
	groups := map[[2]string][]member{}
	for i, k := range panel.Keys {
		if !include(k) {
			continue
		}
		vals, unobserved := panel.Series(i), panel.UnobservedOf(i)
		m := member{i: i, out: make([]bool, len(vals))}
		observed, zeros := 0, 0
		for t, v := range vals {
			m.out[t] = unobserved != nil && unobserved[t]
			if !m.out[t] {
				observed++
				if v == 0 {
					zeros++
				}
			}
		}
		if observed == 0 {
			continue
		}
		markEmptyShelves(vals, m.out, float64(zeros)/float64(observed))
		// The mean over the days it was there, not over the empty shelf.
		var sum float64
		n := 0
		for t, v := range vals {
			if !m.out[t] {
				sum += v
				n++
			}
		}
		if n == 0 {
			continue
		}
		m.mean = sum / float64(n)
		g := [2]string{k.Location, group[k.SKU]}
		groups[g] = append(groups[g], m)
	}
	// seen is a member's sale on a day, when it could be bought.
	seen := func(m *member, d series.Date) (float64, bool) {
		t := int(d - panel.Starts[m.i])
		if t < 0 || t >= len(m.out) || m.out[t] {
			return 0, false
		}
		return panel.Series(m.i)[t], true
	}
	obs := map[string][]TransferObs{}
	for _, members := range groups {
		if len(members) < 2 {
			continue
		}
		for a := range members {
			m := &members[a]
			days := len(m.out)
			first := panel.Starts[m.i]
			// Usual sales, local to each period: over the periods within
			// Window of it that m was there, its own mean and each other
			// member's, so that a season or a trend moves the usual sale
			// along with the sales.
			vals := panel.Series(m.i)
			own := newWindow(days)
			for t := 0; t < days; t++ {
				if !m.out[t] {
					own.add(t, vals[t])
				}
			}
			own.sum()
			others := make([]*window, len(members))
			for b := range members {
				if b == a {
					continue
				}
				w := newWindow(days)
				for t := 0; t < days; t++ {
					if v, ok := seen(&members[b], first+series.Date(t)); ok && !m.out[t] {
						w.add(t, v)
					}
				}
				w.sum()
				others[b] = w
			}
			sku := panel.Keys[m.i].SKU
			for t := 0; t < days; t++ {
				d := first + series.Date(t)
				var excess float64
				n := 0
				for b, w := range others {
					if w == nil {
						continue
					}
					usual, known := w.mean(t)
					if v, ok := seen(&members[b], d); ok && known {
						excess += v - usual
						n++
					}
				}
				if n == 0 {
					continue // the store was closed, or sold none of the group
				}
				missing := 0.0
				if m.out[t] {
					var known bool
					if missing, known = own.mean(t); !known {
						missing = m.mean
					}
				}
				obs[sku] = append(obs[sku], TransferObs{Missing: missing, Excess: excess})
			}
		}
	}
	out := map[string]Transfer{}
	for sku, o := range obs {
		if tr, err := EstimateTransfer(o); err == nil {
			out[sku] = tr
		}
	}
	return out
}

// Window is how many periods either side of a period its usual sales
// are taken over: four weeks of days, or of weeks.
const Window = 28

// window is a series' sales on chosen periods, for the mean over the
// periods within Window of each.
type window struct {
	v, c []float64 // per period: the sale, and 1, where chosen; then their running sums
}

func newWindow(n int) *window {
	return &window{v: make([]float64, n+1), c: make([]float64, n+1)}
}

func (w *window) add(t int, v float64) { w.v[t+1], w.c[t+1] = v, 1 }

// sum turns the chosen sales into running sums.
func (w *window) sum() {
	for t := 1; t < len(w.v); t++ {
		w.v[t] += w.v[t-1]
		w.c[t] += w.c[t-1]
	}
}

// mean is the mean of the chosen sales within Window of period t; false
// when none is chosen.
func (w *window) mean(t int) (float64, bool) {
	lo, hi := max(0, t-Window), min(len(w.v)-1, t+Window+1)
	n := w.c[hi] - w.c[lo]
	if n == 0 {
		return 0, false
	}
	return (w.v[hi] - w.v[lo]) / n, true
}
