package hierarchy

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Method is a reconciliation method.
type Method int

// Reconciliation methods.
const (
	BottomUp Method = iota
	TopDown
	MinTShrink
)

// ParseMethod reads bu, td or mint.
func ParseMethod(s string) (Method, error) {
	switch s {
	case "bu", "bottom-up":
		return BottomUp, nil
	case "td", "top-down":
		return TopDown, nil
	case "mint", "mint-shrink":
		return MinTShrink, nil
	}
	return 0, fmt.Errorf("%q is not a reconciliation method (bu, td or mint)", s)
}

func (m Method) String() string { return [...]string{"bu", "td", "mint"}[m] }

// Base holds base forecasts of every node, h values per series (row-major),
// and, for MinT, the same T in-sample one-step errors of every series.
type Base struct {
	H           int
	Bottom, Agg []float64   // len(Parents)*H and len(Nodes)*H
	BottomResid [][]float64 // per bottom series, T values
	AggResid    [][]float64 // per aggregate, T values
}

// Reconcile returns coherent bottom and aggregate forecasts.
func Reconcile(s *Structure, m Method, b *Base) (bottom, agg []float64, lambda float64, err error) {
	nb, na, h := len(s.Parents), len(s.Nodes), b.H
	if len(b.Bottom) != nb*h || len(b.Agg) != na*h {
		return nil, nil, 0, fmt.Errorf("base forecasts do not match the structure (%d bottom and %d aggregate series of %d steps)", nb, na, h)
	}
	switch m {
	case BottomUp:
		bottom = append([]float64(nil), b.Bottom...)
	case TopDown:
		bottom, err = topDown(s, b)
	case MinTShrink:
		bottom, lambda, err = minT(s, b)
	default:
		err = fmt.Errorf("unknown method %d", m)
	}
	if err != nil {
		return nil, nil, 0, err
	}
	return bottom, Sum(s, bottom, h), lambda, nil
}

// Sum aggregates bottom forecasts (h per series) to every node.
func Sum(s *Structure, bottom []float64, h int) []float64 {
	agg := make([]float64, len(s.Nodes)*h)
	for i, ps := range s.Parents {
		for _, j := range ps {
			for t := 0; t < h; t++ {
				agg[j*h+t] += bottom[i*h+t]
			}
		}
	}
	return agg
}

// topDown splits the top of the product tree down its levels by the base
// forecasts' proportions among siblings, then into the bottom series by
// theirs (forecast proportions; Athanasopoulos, Ahmed & Hyndman, IJF 2009).
func topDown(s *Structure, b *Base) ([]float64, error) {
	h := b.H
	if len(s.Tree) == 0 {
		return nil, fmt.Errorf("top-down needs a product tree")
	}
	levelOf := map[int]int{} // node -> depth in the tree
	for j, n := range s.Nodes {
		for d, name := range s.Tree {
			if n.Level == name {
				levelOf[j] = d
			}
		}
	}
	// path[i][d] is bottom i's node at tree depth d.
	depth := len(s.Tree)
	path := make([][]int, len(s.Parents))
	for i, ps := range s.Parents {
		path[i] = make([]int, depth)
		for d := range path[i] {
			path[i][d] = -1
		}
		for _, j := range ps {
			if d, ok := levelOf[j]; ok {
				path[i][d] = j
			}
		}
		for d, j := range path[i] {
			if j < 0 {
				return nil, fmt.Errorf("bottom series %d has no node at tree level %s", i, s.Tree[d])
			}
		}
	}
	recon := make([]float64, len(s.Nodes)*h) // reconciled tree nodes
	for t := 0; t < h; t++ {
		// The top node, and each deeper node from its parent.
		done := map[int]bool{}
		for i := range path {
			top := path[i][0]
			if !done[top] {
				recon[top*h+t] = math.Max(0, b.Agg[top*h+t])
				done[top] = true
			}
		}
		for d := 1; d < depth; d++ {
			sibSum := map[int]float64{} // parent -> sum of its children's base forecasts
			sibCount := map[int]int{}
			seen := map[int]bool{}
			for i := range path {
				child, parent := path[i][d], path[i][d-1]
				if !seen[child] {
					seen[child] = true
					sibSum[parent] += math.Max(0, b.Agg[child*h+t])
					sibCount[parent]++
				}
			}
			for child := range seen {
				var parent int
				for i := range path {
					if path[i][d] == child {
						parent = path[i][d-1]
						break
					}
				}
				recon[child*h+t] = share(recon[parent*h+t], math.Max(0, b.Agg[child*h+t]), sibSum[parent], sibCount[parent])
			}
		}
	}
	bottom := make([]float64, len(s.Parents)*h)
	for t := 0; t < h; t++ {
		leafSum := map[int]float64{}
		leafCount := map[int]int{}
		for i := range path {
			leaf := path[i][depth-1]
			leafSum[leaf] += math.Max(0, b.Bottom[i*h+t])
			leafCount[leaf]++
		}
		for i := range path {
			leaf := path[i][depth-1]
			bottom[i*h+t] = share(recon[leaf*h+t], math.Max(0, b.Bottom[i*h+t]), leafSum[leaf], leafCount[leaf])
		}
	}
	return bottom, nil
}

// share is a child's part of its parent: in proportion to its forecast, or
// evenly when its siblings forecast nothing.
func share(parent, own, siblings float64, count int) float64 {
	if siblings > 0 {
		return parent * own / siblings
	}
	return parent / float64(count)
}

// minT reconciles by minimum trace with the shrunk covariance, in the form
// b~ = b^ - (W U)_b (U'WU)^-1 U'y^ of Wickramasuriya et al. (2019), where
// U'y^ = a^ - C b^ is the incoherence of the base forecasts, U' = [I, -C]
// and W = lambda D + (1 - lambda) R'R/T.
func minT(s *Structure, b *Base) ([]float64, float64, error) {
	nb, na, h := len(s.Parents), len(s.Nodes), b.H
	if len(b.BottomResid) != nb || len(b.AggResid) != na {
		return nil, 0, fmt.Errorf("MinT needs the in-sample errors of every series")
	}
	T := 0
	if nb > 0 {
		T = len(b.BottomResid[0])
	}
	if T < 2 {
		return nil, 0, fmt.Errorf("MinT needs at least two in-sample errors per series")
	}
	// Columns of R: aggregates first, then bottom series.
	n := na + nb
	col := func(k int) []float64 {
		if k < na {
			return b.AggResid[k]
		}
		return b.BottomResid[k-na]
	}
	d := make([]float64, n)
	for k := 0; k < n; k++ {
		r := col(k)
		if len(r) != T {
			return nil, 0, fmt.Errorf("series %d has %d in-sample errors, not %d", k, len(r), T)
		}
		var ss float64
		for _, v := range r {
			ss += v * v
		}
		d[k] = math.Max(ss/float64(T), 1e-12)
	}
	lambda := shrinkage(n, T, col, d)

	// RU (T x na): each aggregate's errors less the sum of its bottom series'.
	ru := mat.NewDense(T, na, nil)
	for j := 0; j < na; j++ {
		r := b.AggResid[j]
		for t := 0; t < T; t++ {
			ru.Set(t, j, r[t])
		}
	}
	for i, ps := range s.Parents {
		r := b.BottomResid[i]
		for _, j := range ps {
			for t := 0; t < T; t++ {
				ru.Set(t, j, ru.At(t, j)-r[t])
			}
		}
	}
	// U'WU = lambda (D_a + C D_b C') + (1 - lambda) (RU)'(RU)/T.
	var g mat.Dense
	g.Mul(ru.T(), ru)
	g.Scale((1-lambda)/float64(T), &g)
	for j := 0; j < na; j++ {
		g.Set(j, j, g.At(j, j)+lambda*d[j])
	}
	for i, ps := range s.Parents {
		di := lambda * d[na+i]
		for _, j := range ps {
			for _, k := range ps {
				g.Set(j, k, g.At(j, k)+di)
			}
		}
	}
	sym := mat.NewSymDense(na, nil)
	for r := 0; r < na; r++ {
		for c := r; c < na; c++ {
			sym.SetSym(r, c, (g.At(r, c)+g.At(c, r))/2)
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(sym) {
		return nil, 0, fmt.Errorf("the aggregates' error covariance is singular")
	}
	// Incoherence, z = (U'WU)^-1 (a^ - C b^).
	inc := mat.NewDense(na, h, nil)
	for j := 0; j < na; j++ {
		for t := 0; t < h; t++ {
			inc.Set(j, t, b.Agg[j*h+t])
		}
	}
	for i, ps := range s.Parents {
		for _, j := range ps {
			for t := 0; t < h; t++ {
				inc.Set(j, t, inc.At(j, t)-b.Bottom[i*h+t])
			}
		}
	}
	var z mat.Dense
	if err := chol.SolveTo(&z, inc); err != nil {
		return nil, 0, err
	}
	// v = U z: aggregates z, bottom -C'z.
	vb := make([]float64, nb*h)
	for i, ps := range s.Parents {
		for _, j := range ps {
			for t := 0; t < h; t++ {
				vb[i*h+t] -= z.At(j, t)
			}
		}
	}
	// R v (T x h) = R_a z + R_b v_b.
	rv := make([]float64, T*h)
	for j := 0; j < na; j++ {
		r := b.AggResid[j]
		for t := 0; t < h; t++ {
			zj := z.At(j, t)
			if zj == 0 {
				continue
			}
			for s := 0; s < T; s++ {
				rv[s*h+t] += r[s] * zj
			}
		}
	}
	for i := 0; i < nb; i++ {
		r := b.BottomResid[i]
		for t := 0; t < h; t++ {
			vi := vb[i*h+t]
			if vi == 0 {
				continue
			}
			for s := 0; s < T; s++ {
				rv[s*h+t] += r[s] * vi
			}
		}
	}
	// b~ = b^ - (lambda D_b v_b + (1 - lambda) R_b'(R v)/T).
	out := make([]float64, nb*h)
	for i := 0; i < nb; i++ {
		r := b.BottomResid[i]
		for t := 0; t < h; t++ {
			var rtv float64
			for s := 0; s < T; s++ {
				rtv += r[s] * rv[s*h+t]
			}
			wv := lambda*d[na+i]*vb[i*h+t] + (1-lambda)*rtv/float64(T)
			out[i*h+t] = b.Bottom[i*h+t] - wv
		}
	}
	return out, lambda, nil
}

// shrinkage is Schafer & Strimmer's (2005) optimal intensity for shrinking
// the correlation matrix towards the identity:
//
//	lambda = sum_{i!=j} Var(r_ij) / sum_{i!=j} r_ij^2,
//
// over all pairs of series, computed from sums over periods and the T x T
// Gram matrix of the standardized errors, so never over pairs directly.
func shrinkage(n, T int, col func(int) []float64, d []float64) float64 {
	x := mat.NewDense(T, n, nil)
	for k := 0; k < n; k++ {
		r := col(k)
		var mean float64
		for _, v := range r {
			mean += v
		}
		mean /= float64(T)
		var ss float64
		for _, v := range r {
			ss += (v - mean) * (v - mean)
		}
		sd := math.Sqrt(ss / float64(T-1))
		if sd == 0 {
			continue
		}
		for t, v := range r {
			x.Set(t, k, (v-mean)/sd)
		}
	}
	// w_tij = x_ti x_tj; wbar_ij = mean over t; r_ij = T/(T-1) wbar_ij.
	// sum_{i!=j} sum_t w_tij^2 = sum_t [(sum_i x_ti^2)^2 - sum_i x_ti^4].
	var a float64
	colSq := make([]float64, n) // sum_t x_tk^2
	for t := 0; t < T; t++ {
		row := x.RawRowView(t)
		var s2, s4 float64
		for k, v := range row {
			v2 := v * v
			s2 += v2
			s4 += v2 * v2
			colSq[k] += v2
		}
		a += s2*s2 - s4
	}
	// sum_{i!=j} wbar_ij^2 = (||X'X||_F^2 - sum_k (sum_t x_tk^2)^2) / T^2,
	// and ||X'X||_F = ||XX'||_F, a T x T matrix.
	var gram mat.Dense
	gram.Mul(x, x.T())
	var frob float64
	for i := 0; i < T; i++ {
		for _, v := range gram.RawRowView(i) {
			frob += v * v
		}
	}
	var diag float64
	for _, v := range colSq {
		diag += v * v
	}
	tf := float64(T)
	wbar2 := (frob - diag) / (tf * tf)
	if wbar2 <= 0 {
		return 1
	}
	num := tf / math.Pow(tf-1, 3) * (a - tf*wbar2)
	den := (tf / (tf - 1)) * (tf / (tf - 1)) * wbar2
	return math.Max(0, math.Min(1, num/den))
}
