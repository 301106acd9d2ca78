package allocation

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/dist"
)

// randomProblem draws a product at a DC with stores of different sizes,
// variability, stock, presentation minimums, capacities, pack sizes and
// unit values, and DC stock at some share of what they need.
func randomProblem(rng *rand.Rand, stores int, onePack bool, share float64) *Problem {
	p := &Problem{SKU: "S1", DC: "DC1", Service: 0.9 + 0.09*rng.Float64()}
	need := 0.0
	for i := 0; i < stores; i++ {
		mean := 2 + 40*rng.Float64()*rng.Float64()
		s := Store{Location: fmt.Sprintf("L%02d", i), Mean: mean, Variance: mean * (1 + 3*rng.Float64()),
			OnHand: math.Floor(mean * rng.Float64() * 0.5), Priority: rng.IntN(3), Value: 1 + rng.Float64()}
		if onePack {
			s.Pack = 3
		} else {
			s.Pack = float64(1 + rng.IntN(4))
		}
		if rng.IntN(3) == 0 {
			s.Min = math.Floor(mean / 4)
		}
		if rng.IntN(3) == 0 {
			s.Max = s.OnHand + math.Floor(mean)
		}
		need += mean * 1.3
		p.Stores = append(p.Stores, s)
	}
	p.Available = math.Floor(share * need)
	p.Reserve = math.Floor(0.05 * p.Available)
	return p
}

func gained(t *testing.T, p *Problem, qty []float64) float64 { return Gain(p, qty) }

func lpOptimum(t *testing.T, p *Problem) float64 {
	v, err := LPBound(p)
	require.NoError(t, err)
	return v
}

func TestMarginalMatchesTheLPOptimumWithOnePackSize(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for k := 0; k < 40; k++ {
		p := randomProblem(rng, 4+rng.IntN(8), true, 0.4+0.5*rng.Float64())
		// Stock in whole packs: the relaxation then has a whole-pack
		// optimum (every pack the same size), so the two must agree.
		p.Reserve = 0
		p.Available = 3 * math.Floor(p.Available/3)
		a, err := Marginal{}.Allocate(p)
		require.NoError(t, err)
		got, best := gained(t, p, a.Qty), lpOptimum(t, p)
		assert.InDelta(t, best, got, 1e-6*(1+best), "instance %d", k)
		for _, m := range []Method{FairShare{}, EqualCover{}, PriorityOrder{}} {
			b, err := m.Allocate(p)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, got, gained(t, p, b.Qty)-1e-9, "instance %d: marginal below %s", k, m.Name())
		}
	}
}

// With pack sizes differing by store, whole packs may leave a few units
// of stock no store can take: the greedy stays within one pack's gain of
// the relaxation, and within half a percent once stores sell more than a
// handful of packs.
func TestMarginalIsCloseToTheLPOptimumWithMixedPacks(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 13))
	for k := 0; k < 16; k++ {
		p := randomProblem(rng, 3+rng.IntN(3), false, 0.4+0.5*rng.Float64())
		if k%2 == 1 {
			for i := range p.Stores {
				p.Stores[i].Mean *= 6
				p.Stores[i].Variance *= 8
				p.Stores[i].OnHand *= 6
				p.Stores[i].Min *= 6
				p.Stores[i].Max *= 6
			}
			p.Available *= 6
			p.Reserve *= 6
		}
		a, err := Marginal{}.Allocate(p)
		require.NoError(t, err)
		got, best := gained(t, p, a.Qty), lpOptimum(t, p)
		assert.LessOrEqual(t, got, best+1e-6, "instance %d", k)
		onePack := 0.0
		for _, s := range p.Stores {
			onePack = math.Max(onePack, orOne(s.Value)*orOne(s.Pack))
		}
		assert.GreaterOrEqual(t, got, best-onePack, "instance %d: %v of the LP's %v", k, got, best)
		if k%2 == 1 {
			assert.GreaterOrEqual(t, got, 0.995*best, "instance %d: %v of the LP's %v", k, got, best)
		}
	}
}

// With one pack size the greedy is the optimum among whole packs: check it
// against dynamic programming over stores and packs.
func TestMarginalIsOptimalInWholePacks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for k := 0; k < 40; k++ {
		p := randomProblem(rng, 2+rng.IntN(4), true, 0.3+0.6*rng.Float64())
		for i := range p.Stores {
			p.Stores[i].Min = 0
		}
		a, err := Marginal{}.Allocate(p)
		require.NoError(t, err)
		stores, supply, err := prepare(p)
		require.NoError(t, err)
		packs := int(math.Floor(supply/3 + 1e-9))
		// best[j] is the most value j packs can add over the stores so far.
		best := make([]float64, packs+1)
		for i := range stores {
			s := &stores[i]
			var curve []float64 // value of giving c packs
			w := s.walk
			curve = append(curve, 0)
			for c := 1; float64(c)*3 <= s.need+1e-9; c++ {
				curve = append(curve, curve[c-1]+s.value*w.StepTo(int(math.Ceil(s.OnHand+float64(c)*3-1e-9))))
			}
			next := make([]float64, packs+1)
			for j := range next {
				for c := 0; c < len(curve) && c <= j; c++ {
					next[j] = math.Max(next[j], best[j-c]+curve[c])
				}
			}
			best = next
		}
		assert.InDelta(t, best[packs], gained(t, p, a.Qty), 1e-9, "instance %d", k)
	}
}

func TestEveryMethodKeepsTheRules(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 50; k++ {
		p := randomProblem(rng, 3+rng.IntN(10), k%3 == 0, 0.2+rng.Float64())
		for _, m := range Methods() {
			a, err := m.Allocate(p)
			require.NoError(t, err)
			total := 0.0
			for i, s := range p.Stores {
				q := a.Qty[i]
				pack := orOne(s.Pack)
				assert.InDelta(t, math.Round(q/pack), q/pack, 1e-9, "%s: %v is not whole packs of %v", m.Name(), q, pack)
				assert.LessOrEqual(t, q, a.Need[i]+1e-9, m.Name())
				if s.Max > 0 {
					assert.LessOrEqual(t, s.OnHand+q, s.Max+1e-9, m.Name())
				}
				assert.NotEmpty(t, a.Reason(i))
				total += q
			}
			assert.LessOrEqual(t, total, p.Available-p.Reserve+1e-9, m.Name())
			assert.InDelta(t, p.Available-p.Reserve, a.Allocated+a.Unallocated, 1e-9)
			if a.Unallocated >= 4 {
				// Stock left over means every store that could take a
				// pack has its need.
				for i, s := range p.Stores {
					if orOne(s.Pack) <= a.Unallocated {
						assert.Equal(t, a.Need[i], a.Qty[i], "%s: store %s short while stock is left", m.Name(), s.Location)
					}
				}
			}
		}
	}
}

func TestPresentationMinimumsComeFirst(t *testing.T) {
	// Two stores; the small one needs 4 on show. With 10 units, fair share
	// alone would give it about 1.
	p := &Problem{SKU: "A", DC: "D", Available: 10, Stores: []Store{
		{Location: "big", Mean: 40, Variance: 40},
		{Location: "small", Mean: 2, Variance: 2, Min: 4},
	}}
	for _, m := range Methods() {
		a, err := m.Allocate(p)
		require.NoError(t, err)
		assert.Equal(t, 4.0, a.Qty[1], m.Name())
		assert.Equal(t, 6.0, a.Qty[0], m.Name())
		assert.Contains(t, a.Exception, "DC stock short")
	}
}

func TestEnoughStockFillsEveryNeed(t *testing.T) {
	p := &Problem{SKU: "A", DC: "D", Available: 1000, Service: 0.9, Stores: []Store{
		{Location: "a", Mean: 20, Variance: 30, OnHand: 5, Pack: 6},
		{Location: "b", Mean: 8, Variance: 8},
	}}
	for _, m := range Methods() {
		a, err := m.Allocate(p)
		require.NoError(t, err)
		assert.Equal(t, a.Need, a.Qty, m.Name())
		assert.Empty(t, a.Exception)
		assert.Greater(t, a.Unallocated, 900.0)
	}
	// The need is the 90% quantile less stock, in whole packs.
	d, err := dist.NewDemand(20, 30)
	require.NoError(t, err)
	a, err := Marginal{}.Allocate(p)
	require.NoError(t, err)
	assert.Equal(t, math.Ceil((d.Quantile(0.9)-5)/6)*6, a.Need[0])
}

func TestNoDemandIsFlagged(t *testing.T) {
	p := &Problem{SKU: "A", DC: "D", Available: 50, Stores: []Store{{Location: "a"}, {Location: "b"}}}
	a, err := Marginal{}.Allocate(p)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 0}, a.Qty)
	assert.Contains(t, a.Exception, "no store expects demand")
}

func TestBadProblems(t *testing.T) {
	good := func() *Problem {
		return &Problem{SKU: "A", DC: "D", Available: 10, Stores: []Store{{Location: "a", Mean: 1, Variance: 1}}}
	}
	for name, spoil := range map[string]func(p *Problem){
		"negative DC stock":    func(p *Problem) { p.Available = -1 },
		"negative store stock": func(p *Problem) { p.Stores[0].OnHand = -3 },
		"negative pack":        func(p *Problem) { p.Stores[0].Pack = -1 },
		"NaN demand":           func(p *Problem) { p.Stores[0].Mean = math.NaN() },
		"min above max":        func(p *Problem) { p.Stores[0].Min, p.Stores[0].Max = 5, 2 },
		"store twice":          func(p *Problem) { p.Stores = append(p.Stores, p.Stores[0]) },
		"service of 1":         func(p *Problem) { p.Service = 1 },
	} {
		p := good()
		spoil(p)
		_, err := Marginal{}.Allocate(p)
		assert.ErrorIs(t, err, ErrBadProblem, name)
		assert.ErrorContains(t, err, "A at D", name)
	}
}

// The one-pass selection for one pack size hands out exactly the packs the
// pack-by-pack greedy does, ties included.
func TestSelectionMatchesTheGreedy(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for k := 0; k < 200; k++ {
		p := randomProblem(rng, 1+rng.IntN(30), true, 0.1+rng.Float64())
		if k%4 == 0 {
			// Identical stores: every gain ties.
			for i := range p.Stores {
				p.Stores[i] = p.Stores[0]
				p.Stores[i].Location = fmt.Sprint("T", i)
			}
		}
		if k%3 == 1 {
			// Stock in part units (weights, lengths).
			for i := range p.Stores {
				p.Stores[i].OnHand += 0.5
			}
		}
		fast, err := Marginal{}.Allocate(p)
		require.NoError(t, err)
		slow, err := Marginal{heapOnly: true}.Allocate(p)
		require.NoError(t, err)
		require.Equal(t, slow.Qty, fast.Qty, "instance %d", k)
		for i := range slow.ExpectedSales {
			require.InDelta(t, slow.ExpectedSales[i], fast.ExpectedSales[i], 1e-9*(1+p.Stores[i].Mean), "instance %d", k)
		}
	}
}

// The expected sales the selection adds up pack by pack are the ones a
// walk to each store's final stock finds.
func TestSelectionsExpectedSalesMatchTheWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 34))
	for k := 0; k < 50; k++ {
		p := randomProblem(rng, 2+rng.IntN(20), true, 0.2+rng.Float64())
		a, err := Marginal{}.Allocate(p)
		require.NoError(t, err)
		for i, s := range p.Stores {
			w := dist.NewWalk(s.Mean, s.Variance)
			w.StepTo(int(math.Ceil(s.OnHand + a.Qty[i] - 1e-9)))
			assert.InDelta(t, w.Sales(), a.ExpectedSales[i], 1e-9*(1+s.Mean), "instance %d store %d", k, i)
		}
	}
}
