package synth

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/planner-engine/planner/series"
)

// peakEvent is a yearly peak trading day: its uplift on the day, the dip
// of the days before (shoppers wait for it) and after (they bought ahead),
// and the share of the day's units returned in the fortnight after, per
// category (catGrocery..catApparel).
type peakEvent struct {
	name       string
	month      time.Month
	day        int
	uplift     [4]float64 // mean multiplier of demand on the day
	pre, post  [4]float64 // multipliers of the preDays before and the postDays after
	returnRate [4]float64 // share of the day's units returned within returnDays
}

// The shape of every peak's window.
const (
	peakPreDays    = 3    // days of the pre-event dip
	peakPostDays   = 7    // days of the post-event dip (pull-forward)
	peakReturnDays = 14   // days after the event its returns come back in
	peakYearSD     = 0.07 // log-scale spread of a year's uplift around its mean, per category
)

var peakEvents = []peakEvent{
	{name: "Singles Day", month: time.November, day: 11,
		uplift: [4]float64{3, 1.5, 8, 12}, pre: [4]float64{0.9, 0.95, 0.8, 0.75}, post: [4]float64{0.85, 0.95, 0.7, 0.65},
		returnRate: [4]float64{0.02, 0, 0.1, 0.25}},
	{name: "Anniversary Sale", month: time.June, day: 18,
		uplift: [4]float64{2.5, 1.3, 5, 7}, pre: [4]float64{0.95, 1, 0.9, 0.85}, post: [4]float64{0.9, 0.95, 0.8, 0.75},
		returnRate: [4]float64{0.02, 0, 0.08, 0.2}},
}

// peakDay is one occurrence of a peak in the simulated days: the day's
// index, and the year's uplift per category (the mean's draw).
type peakDay struct {
	event  int
	t      int
	uplift [4]float64
}

// buildThroughput gives each DC the handling of two and a half times the
// units its stores (and, for the first, the online channel) sell on a
// usual day: room for a normal week, not for a peak's.
func (r *retailer) buildThroughput() {
	var base float64
	for i := range r.products {
		base += r.products[i].base
	}
	daily := make([]float64, len(r.dcs))
	var total float64
	for _, st := range r.stores {
		share := st.size
		if st.urban && r.cfg.has(ChannelInstant) {
			share *= 1.12
		}
		daily[st.region] += base * share
		total += st.size
	}
	if r.cfg.has(ChannelOnline) {
		daily[0] += base * 0.1 * total
	}
	for g := range r.dcs {
		r.dcs[g].throughput = 100 * math.Ceil(2.5*daily[g]/100)
	}
}

// buildPeaks places every peak's occurrences over history and horizon and
// draws each year's uplift per category: the mean times a log-normal
// shock of mean 1 (so the truth's uplift is the mean over years).
func (r *retailer) buildPeaks() {
	if !r.cfg.Peaks {
		return
	}
	y0, _, _ := r.start.YMD()
	y1, _, _ := r.last.YMD()
	for y := y0; y <= y1; y++ {
		for k, pe := range peakEvents {
			d := series.DateFromYMD(y, pe.month, pe.day)
			if d < r.start || d > r.last {
				continue
			}
			rng := newRand(r.cfg.Seed, streamPeaks, uint64(y*len(peakEvents)+k))
			p := peakDay{event: k, t: int(d - r.start)}
			for c := range p.uplift {
				p.uplift[c] = pe.uplift[c] * math.Exp(peakYearSD*rng.NormFloat64()-peakYearSD*peakYearSD/2)
			}
			r.peaks = append(r.peaks, p)
			if r.peakOn == nil {
				r.peakOn = make([]int8, r.total)
				for t := range r.peakOn {
					r.peakOn[t] = -1
				}
			}
			r.peakOn[p.t] = int8(k)
			r.events = append(r.events, event{date: d, name: pe.name, kind: series.PeakKind, region: "*", store: uniform(1), online: uniform(1)})
		}
	}
	slices.SortFunc(r.peaks, func(a, b peakDay) int { return a.t - b.t })
	sortEvents(r.events)
}

// applyPeaks multiplies the days' event effects of every region and
// category by the peaks': the uplift on the day, the dips around it.
func (r *retailer) applyPeaks(out [][4][]float64) {
	for _, p := range r.peaks {
		pe := peakEvents[p.event]
		for g := range out {
			for c := 0; c < 4; c++ {
				eff := out[g][c]
				eff[p.t] *= p.uplift[c]
				for d := 1; d <= peakPreDays; d++ {
					if t := p.t - d; t >= 0 {
						eff[t] *= pe.pre[c]
					}
				}
				for d := 1; d <= peakPostDays; d++ {
					if t := p.t + d; t < len(eff) {
						eff[t] *= pe.post[c]
					}
				}
			}
		}
	}
}

// peakReturns draws the units returned of qty sold on day t, a peak's
// day: each comes back with the category's return rate, on a day of the
// fortnight after drawn uniformly, added to ret.
func peakReturns(rng *rand.Rand, rate float64, t int, qty float64, ret []float64) {
	for u := 0; u < int(qty); u++ {
		if rng.Float64() < rate {
			if d := t + 1 + rng.IntN(peakReturnDays); d < len(ret) {
				ret[d]++
			}
		}
	}
}

// writePeakTruth writes truth/events.csv (each peak's mean uplift, dips
// and return rate per category) and truth/event_years.csv (each
// occurrence's uplift per category as drawn).
func (r *retailer) writePeakTruth(write writeFunc) error {
	if !r.cfg.Peaks {
		return nil
	}
	err := write("truth_events", "truth/events.csv", "event,event_type,category,uplift,pre_dip,post_dip,pre_days,post_days,return_rate,return_days,year_sd",
		func(emit func(...any)) {
			for _, pe := range peakEvents {
				for c := range categories {
					emit(pe.name, series.EventType(pe.name), categories[c].name, pe.uplift[c], pe.pre[c], pe.post[c], peakPreDays, peakPostDays,
						pe.returnRate[c], peakReturnDays, peakYearSD)
				}
			}
		})
	if err != nil {
		return err
	}
	return write("truth_event_years", "truth/event_years.csv", "event,event_type,date,category,uplift", func(emit func(...any)) {
		for _, p := range r.peaks {
			pe := peakEvents[p.event]
			for c := range categories {
				emit(pe.name, series.EventType(pe.name), r.start+series.Date(p.t), categories[c].name, round(p.uplift[c], 4))
			}
		}
	})
}
