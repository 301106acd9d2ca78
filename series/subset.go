package series

// Subset returns a panel of the series idx (in that order) of p, with
// their values, unobserved marks, closed days and drivers (the exog's
// names and plan settings shared, its history and future cut to the
// series). The panel returned shares nothing with p that either may
// change.
func (p *Panel) Subset(idx []int) *Panel {
	out := &Panel{Freq: p.Freq}
	var ex *Exog
	k := 0
	if p.Exog != nil {
		k = len(p.Exog.Names)
		ex = &Exog{Names: p.Exog.Names, Horizon: p.Exog.Horizon, Unplanned: p.Exog.Unplanned, Schedule: p.Exog.Schedule, Misses: p.Exog.Misses}
	}
	for _, i := range idx {
		lo, hi := p.Offsets[i], p.Offsets[i+1]
		out.Append(p.Keys[i], p.Starts[i], p.Values[lo:hi])
		if p.Unobserved != nil {
			out.Unobserved = append(out.Unobserved, p.Unobserved[lo:hi]...)
		}
		if p.Closed != nil {
			out.Closed = append(out.Closed, append([]Date(nil), p.Closed[i]...))
		}
		if ex != nil {
			ex.Hist = append(ex.Hist, p.Exog.Hist[lo*k:hi*k]...)
			h := p.Exog.Horizon
			ex.Future = append(ex.Future, p.Exog.Future[i*h*k:(i+1)*h*k]...)
		}
	}
	if out.Offsets == nil {
		out.Offsets = []int{0}
	}
	out.Exog = ex
	return out
}
