package allocation

import (
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"

	"github.com/planner-engine/planner/dist"
)

// Gain is the value (Store.Value times units) of the expected sales an
// allocation adds to what the stores would sell with their own stock.
func Gain(p *Problem, qty []float64) float64 {
	total := 0.0
	for i, s := range p.Stores {
		w := dist.NewWalk(s.Mean, s.Variance)
		w.StepTo(int(math.Ceil(s.OnHand)))
		total += orOne(s.Value) * w.StepTo(int(math.Ceil(s.OnHand+qty[i]-1e-9)))
	}
	return total
}

// LPBound solves the linear relaxation of the problem with gonum's simplex
// and returns its optimal Gain, a bound no allocation in whole packs can
// pass. Each pack a store could receive is a variable in [0, 1] worth the
// expected sales it adds, the packs up to the presentation minimum are
// fixed at 1, and the packs' units must fit in the stock. It is dense and
// slow (hundreds of packs at most): a check on Marginal, not a method.
func LPBound(p *Problem) (float64, error) {
	stores, supply, err := prepare(p)
	if err != nil {
		return 0, err
	}
	var gains, sizes []float64
	fixed := 0.0
	for i := range stores {
		s := &stores[i]
		w := s.walk
		for k := 1; float64(k)*s.pack <= s.need+1e-9; k++ {
			g := s.value * w.StepTo(int(math.Ceil(s.OnHand+float64(k)*s.pack-1e-9)))
			if float64(k)*s.pack <= s.minGap+1e-9 && supply >= s.pack {
				fixed += g
				supply -= s.pack
				continue
			}
			gains = append(gains, g)
			sizes = append(sizes, s.pack)
		}
	}
	n := len(gains)
	if n == 0 || supply <= 0 {
		return fixed, nil
	}
	// Variables: y (n), slacks u with y + u = 1 (n), slack v on the stock.
	A := mat.NewDense(n+1, 2*n+1, nil)
	b := make([]float64, n+1)
	c := make([]float64, 2*n+1)
	for j := 0; j < n; j++ {
		A.Set(j, j, 1)
		A.Set(j, n+j, 1)
		b[j] = 1
		A.Set(n, j, sizes[j])
		c[j] = -gains[j]
	}
	A.Set(n, 2*n, 1)
	b[n] = supply
	opt, _, err := lp.Simplex(c, A, b, 1e-10, nil)
	if err != nil {
		return 0, err
	}
	return fixed - opt, nil
}
