package assortment

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Three colas: dropping B sends 60% of its 10 units to A and C by their
// weights (2:1), and the rest walks away.
func TestATransferGoesToTheSubstitutesOnTheShelf(t *testing.T) {
	p := &Problem{
		Products: []Product{
			{SKU: "A", Demand: 20, Margin: 1, Cost: 2, Width: 1},
			{SKU: "B", Demand: 10, Margin: 1, Cost: 2, Width: 1, Transfer: 0.6},
			{SKU: "C", Demand: 5, Margin: 2, Cost: 2, Width: 1},
		},
		Substitutes: [][]Substitute{{{1, 1}, {2, 1}}, {{0, 2}, {2, 1}}, {{0, 1}, {1, 1}}},
		Space:       3, MaxChanges: -1,
	}
	pl := p.Evaluate([]bool{true, false, true})
	assert.InDeltaSlice(t, []float64{24, 0, 7}, pl.Units, 1e-12)
	assert.InDelta(t, 24*1-2+7*2-2, pl.Value, 1e-12)
	assert.Equal(t, 2.0, pl.Space)
	// With neither substitute carried, B's customers walk away.
	pl = p.Evaluate([]bool{false, false, false})
	assert.Equal(t, 0.0, pl.Value)
}

// TestTheRangeIsNearTheBestByEnumeration compares Choose with the best
// range found by trying every range, on small categories whose shelf
// holds about half of them.
func TestTheRangeIsNearTheBestByEnumeration(t *testing.T) {
	var ratios []float64
	for seed := uint64(1); seed <= 200; seed++ {
		p := smallCategory(seed)
		got, err := Choose(p)
		best := bestByEnumeration(p)
		if best == noRange {
			require.Error(t, err, "seed %d: no range keeps every rule", seed)
			continue
		}
		require.NoError(t, err, "seed %d", seed)
		require.True(t, p.feasible(got.Carry) && p.tiersMet(got.Carry), "seed %d: the range breaks a rule", seed)
		require.LessOrEqual(t, got.Value, best+1e-9, "seed %d: above the optimum", seed)
		ratio := 1.0
		if best > 0 {
			ratio = got.Value / best
		}
		ratios = append(ratios, ratio)
	}
	slices.Sort(ratios)
	var sum float64
	for _, r := range ratios {
		sum += r
	}
	t.Logf("value against the best over %d categories: mean %.4f, worst %.4f", len(ratios), sum/float64(len(ratios)), ratios[0])
	assert.GreaterOrEqual(t, ratios[0], 0.97, "every range within 3% of the best")
	assert.GreaterOrEqual(t, sum/float64(len(ratios)), 0.999, "within 0.1% on average")
}

// smallCategory is 10 products in two subcategories whose products
// substitute for each other, of random widths, with half the shelf they
// would take, a must-carry product now and then, a limit on changes in a
// third of them and a minimum range of the cheap tier in another third.
func smallCategory(seed uint64) *Problem {
	rng := rand.New(rand.NewPCG(seed, 23))
	p := &Problem{MaxChanges: -1}
	var total float64
	for i := 0; i < 10; i++ {
		q := Product{SKU: fmt.Sprintf("P%02d", i), Demand: 5 + 60*rng.Float64()*rng.Float64(), Margin: 0.5 + 2*rng.Float64(),
			Cost: 5 + 10*rng.Float64(), Width: 0.5 + rng.Float64(), MinFacings: 1 + rng.IntN(3), Transfer: 0.8 * rng.Float64(),
			Tier: []string{"cheap", "premium"}[rng.IntN(2)], Current: rng.Float64() < 0.5, MustCarry: rng.Float64() < 0.05}
		total += q.space()
		p.Products = append(p.Products, q)
	}
	p.Space = total * (0.35 + 0.3*rng.Float64())
	p.Substitutes = make([][]Substitute, 10)
	for i := range p.Substitutes {
		for j := range 10 {
			if j != i && j/5 == i/5 {
				p.Substitutes[i] = append(p.Substitutes[i], Substitute{Index: j, Weight: p.Products[j].Demand})
			}
		}
	}
	switch seed % 3 {
	case 1:
		p.MaxChanges = 2
		// Today's range must fit for a limit on changes to be kept.
		for i := range p.Products {
			p.Products[i].Current = p.Products[i].Current && p.Products[i].space() < p.Space/4
		}
		for !p.fits(currentOf(p)) {
			for i := range p.Products {
				if p.Products[i].Current {
					p.Products[i].Current = false
					break
				}
			}
		}
	case 2:
		p.MinPerTier = map[string]int{"cheap": 2}
	}
	var must float64
	for i := range p.Products {
		if p.Products[i].MustCarry {
			if must+p.Products[i].space() > p.Space {
				p.Products[i].MustCarry = false
				continue
			}
			must += p.Products[i].space()
		}
	}
	return p
}

func currentOf(p *Problem) []bool {
	c := make([]bool, len(p.Products))
	for i := range p.Products {
		c[i] = p.Products[i].Current || p.Products[i].MustCarry
	}
	return c
}

// noRange is bestByEnumeration's answer when no range keeps the rules.
const noRange = -1e300

// bestByEnumeration tries every range.
func bestByEnumeration(p *Problem) float64 {
	n := len(p.Products)
	best := noRange
	carry := make([]bool, n)
	for mask := 0; mask < 1<<n; mask++ {
		for i := range carry {
			carry[i] = mask&(1<<i) != 0
		}
		if p.feasible(carry) && p.tiersMet(carry) {
			if v := p.Evaluate(carry).Value; v > best {
				best = v
			}
		}
	}
	return best
}

func TestTheRulesHold(t *testing.T) {
	p := &Problem{
		Products: []Product{
			{SKU: "A", Demand: 100, Margin: 1, Width: 1, Tier: "premium"},
			{SKU: "B", Demand: 90, Margin: 1, Width: 1, Tier: "premium", Current: true},
			{SKU: "C", Demand: 1, Margin: 1, Cost: 5, Width: 1, Tier: "cheap", MustCarry: true},
			{SKU: "D", Demand: 2, Margin: 1, Width: 1, Tier: "cheap"},
			{SKU: "E", Demand: 80, Margin: 1, Width: 1, Tier: "premium", Current: true},
		},
		Space: 3, MaxChanges: -1, MinPerTier: map[string]int{"cheap": 1},
	}
	pl, err := Choose(p)
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true, true, false, false}, pl.Carry, "the must-carry C, then A and B")
	p.MaxChanges = 1 // today: B and E (and C must stay)
	pl, err = Choose(p)
	require.NoError(t, err)
	assert.Equal(t, []bool{false, true, true, false, true}, pl.Carry, "no room to swap E for A in one change, since C must be added")
	p.MaxChanges, p.MinPerTier = -1, map[string]int{"cheap": 2}
	pl, err = Choose(p)
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false, true, true, false}, pl.Carry, "two cheap products")
}

func TestBadCategoriesAreRefused(t *testing.T) {
	p := &Problem{Products: []Product{{SKU: "WIDE", Width: 2, MinFacings: 3}}, Space: 5, MaxChanges: -1}
	_, err := Choose(p)
	var fit *FitError
	require.True(t, errors.As(err, &fit))
	assert.EqualError(t, err, "product WIDE: its minimum facings take 6, more than the shelf's 5")
	p = &Problem{Products: []Product{{SKU: "A", Width: 2, MustCarry: true}, {SKU: "B", Width: 2, MustCarry: true}}, Space: 3, MaxChanges: -1}
	_, err = Choose(p)
	assert.EqualError(t, err, "the must-carry products take 4 of the shelf's 3")
	p = &Problem{Products: []Product{{SKU: "A", Width: 1, Tier: "cheap"}}, Space: 3, MaxChanges: -1, MinPerTier: map[string]int{"cheap": 2}}
	_, err = Choose(p)
	assert.EqualError(t, err, "no range that fits the shelf carries the minimum range of every price tier")
}

// The search prices moves incrementally; after any moves its value is
// the range's value priced from scratch.
func TestTheIncrementalValueIsTheRangesValue(t *testing.T) {
	p := benchCategory(60)
	rng := rand.New(rand.NewPCG(3, 3))
	carry := make([]bool, len(p.Products))
	for i := range carry {
		carry[i] = rng.Float64() < 0.5
	}
	s := newState(p, newIndex(p), carry)
	for range 500 {
		i := rng.IntN(len(carry))
		s.toggle(i)
		carry[i] = !carry[i]
		want := p.Evaluate(carry)
		require.InDelta(t, want.Value, s.value, 1e-6)
		require.InDelta(t, want.Space, s.space, 1e-9)
	}
}

func TestEveryLineSaysWhatItDoesAndWhy(t *testing.T) {
	p := &Problem{
		Products: []Product{
			{SKU: "A", Demand: 100, Margin: 1, Width: 1, Current: true},
			{SKU: "B", Demand: 90, Margin: 1, Width: 1},
			{SKU: "C", Demand: 1, Margin: 1, Cost: 5, Width: 1, MustCarry: true},
			{SKU: "D", Demand: 10, Margin: 1, Width: 1, Transfer: 0.5, Current: true},
		},
		Substitutes: [][]Substitute{nil, nil, nil, {{0, 1}}},
		Space:       3, MaxChanges: -1,
	}
	pl, err := Choose(p)
	require.NoError(t, err)
	lines := p.Lines(pl)
	require.Len(t, lines, 4)
	assert.Equal(t, Keep, lines[0].Change)
	assert.Equal(t, Add, lines[1].Change)
	assert.Equal(t, Add, lines[2].Change)
	assert.Equal(t, Drop, lines[3].Change)
	assert.Equal(t, 105.0, lines[0].Units, "D's customers who stay buy A")
	assert.Equal(t, "earns 105 on 105 units (5 from products not carried) on 1 of shelf", lines[0].Reason)
	assert.Equal(t, "must carry", lines[2].Reason)
	assert.Equal(t, "no room: it would earn 5 more, but its 1 of shelf earns more in the range as it is", lines[3].Reason)
	assert.Equal(t, 0.0, lines[3].Units)
	assert.Equal(t, 1, lines[0].Facings)
}

// In categories too large to swap every pair, swapping among the most
// promising products loses next to nothing against swapping all of them.
func TestSwappingTheMostPromisingIsNearlyEveryRange(t *testing.T) {
	for _, n := range []int{120, 200} {
		p := benchCategory(n)
		got, err := Choose(p)
		require.NoError(t, err)
		saved := candidateLimit
		candidateLimit = n
		all, err := Choose(p)
		candidateLimit = saved
		require.NoError(t, err)
		assert.GreaterOrEqual(t, got.Value, 0.995*all.Value, "%d products", n)
		t.Logf("%d products: %.4f of every swap's range", n, got.Value/all.Value)
	}
}
