package series

// SampleIndex picks at most most of n series spread evenly over them:
// every ceil(n/most)-th from the first. What a run learns across its
// series on a sample, it learns on these, wherever the series are read
// from (a panel in memory, or the database in chunks), so every reader
// picks the same ones.
func SampleIndex(n, most int) []int {
	step := max(1, (n+most-1)/max(most, 1))
	idx := make([]int, 0, (n+step-1)/step)
	for i := 0; i < n; i += step {
		idx = append(idx, i)
	}
	return idx
}

// Concat appends the series of the panels in order into one panel. The
// panels are parts of one (chunks of a stream): they share the frequency
// and, when they have drivers, the drivers' names and panel-wide settings,
// which the result takes from the first.
func Concat(parts ...*Panel) *Panel {
	if len(parts) == 0 {
		return &Panel{}
	}
	idx := func(p *Panel) []int {
		all := make([]int, p.Len())
		for i := range all {
			all[i] = i
		}
		return all
	}
	out := parts[0].Subset(idx(parts[0]))
	for _, p := range parts[1:] {
		more := p.Subset(idx(p))
		for i, k := range more.Keys {
			out.Append(k, more.Starts[i], more.Series(i))
		}
		if out.Unobserved != nil || more.Unobserved != nil {
			out.Unobserved = append(padMarks(out.Unobserved, len(out.Values)-len(more.Values)), padMarks(more.Unobserved, len(more.Values))...)
		}
		if more.Closed != nil || out.Closed != nil {
			out.Closed = append(padClosed(out.Closed, out.Len()-more.Len()), padClosed(more.Closed, more.Len())...)
		}
		if out.Exog != nil && more.Exog != nil {
			out.Exog.Hist = append(out.Exog.Hist, more.Exog.Hist...)
			out.Exog.Future = append(out.Exog.Future, more.Exog.Future...)
		}
	}
	return out
}

// padMarks is marks, or n false marks when there are none.
func padMarks(marks []bool, n int) []bool {
	if marks == nil {
		return make([]bool, n)
	}
	return marks
}

// padClosed is closed, or n series without closed days when there are none.
func padClosed(closed [][]Date, n int) [][]Date {
	if closed == nil {
		return make([][]Date, n)
	}
	return closed
}
