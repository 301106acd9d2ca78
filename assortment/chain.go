package assortment

import (
	"cmp"
	"errors"
	"math"
	"runtime"
	"slices"
	"sync"
)

// Chain is what every store's range is chosen from: the stores, the
// products, what each store sells of each product, and the shelves.
type Chain struct {
	Stores   []string
	Products []ChainProduct
	// Demand is, by store then product, the units the product is expected
	// to sell at the store over the period where the store carries it
	// today, and NaN where it does not.
	Demand [][]float64
	// Shelves are the stores' shelves, one range each.
	Shelves []ChainShelf
	// MustCarry lists, by store, the products (their indexes) the store
	// must carry; MustCarryAll those every store must.
	MustCarry    [][]int
	MustCarryAll []int
	// CarryCost is the cost of carrying one product over the period.
	CarryCost float64
	// Clusters is how many groups of stores, by their sales mix, a
	// product's demand where it is not carried is taken from.
	Clusters int
}

// ChainProduct is one product of the chain.
type ChainProduct struct {
	SKU, Category string
	// Group is the products that substitute for each other (a
	// subcategory).
	Group string
	// Price places the product among its group's substitutes; Margin is
	// what one unit sold earns.
	Price, Margin float64
	Width         float64
	MinFacings    int
	Tier          string
	// Transfer is the share of its demand that moves to its substitutes
	// when it is not carried.
	Transfer float64
	// Unpriced marks a product whose margin is unknown (the master gives
	// it no price): no range is chosen for it, so it stays where it is
	// carried today (as a must-carry) and is added nowhere.
	Unpriced bool
}

// ChainShelf is one store's shelf for one category.
type ChainShelf struct {
	Store      int // index in Stores
	Category   string
	Space      float64
	MaxChanges int // -1 for no limit
}

// SubstitutesPerProduct is how many products of its group a product's
// shoppers turn to when it is missing: those nearest in price, which in
// a small group is all of them, and in a large one (a department without
// subcategories) keeps both the model and the search to the products a
// shopper would take instead.
const SubstitutesPerProduct = 12

// prepared is what every shelf's problem is built from.
type prepared struct {
	clusters   []int            // each store's cluster
	filled     [][]float64      // Demand, with what like stores sell where a store does not carry a product
	byCategory map[string][]int // products by category, in order
	network    []float64        // each product's demand over every store, its weight as a substitute
	must       []map[int]bool   // by store
}

// prepare clusters the stores by their mix of categories and fills in,
// where a store does not carry a product, what its cluster sells of it
// (LikeStores), scaled to the store.
func (c *Chain) prepare() (*prepared, error) {
	if len(c.Demand) != len(c.Stores) {
		return nil, errors.New("the demand must have one row per store")
	}
	for _, row := range c.Demand {
		if len(row) != len(c.Products) {
			return nil, errors.New("the demand must have one column per product")
		}
	}
	pr := &prepared{byCategory: map[string][]int{}, network: make([]float64, len(c.Products)), must: make([]map[int]bool, len(c.Stores))}
	catIndex := map[string]int{}
	for j, p := range c.Products {
		if _, ok := catIndex[p.Category]; !ok {
			catIndex[p.Category] = len(catIndex)
		}
		pr.byCategory[p.Category] = append(pr.byCategory[p.Category], j)
	}
	profiles := make([][]float64, len(c.Stores))
	size := make([]float64, len(c.Stores))
	for s, row := range c.Demand {
		profiles[s] = make([]float64, len(catIndex))
		for j, d := range row {
			if !math.IsNaN(d) {
				profiles[s][catIndex[c.Products[j].Category]] += d
				size[s] += d
			}
		}
		if size[s] > 0 {
			for k := range profiles[s] {
				profiles[s][k] /= size[s]
			}
		}
	}
	if len(c.Stores) > 0 {
		clusters, _, err := Cluster(profiles, max(1, c.Clusters), 1)
		if err != nil {
			return nil, err
		}
		pr.clusters = clusters
		pr.filled = LikeStores(c.Demand, size, clusters)
	}
	for _, row := range pr.filled {
		for j, d := range row {
			if !math.IsNaN(d) {
				pr.network[j] += d
			}
		}
	}
	for s := range c.Stores {
		pr.must[s] = map[int]bool{}
		if s < len(c.MustCarry) {
			for _, j := range c.MustCarry[s] {
				pr.must[s][j] = true
			}
		}
		for _, j := range c.MustCarryAll {
			pr.must[s][j] = true
		}
	}
	return pr, nil
}

// problem is shelf i's choice: its category's products, each with its
// demand at the store (0 where no store of its cluster sells it), its
// substitutes (nearestInPrice) and whether the store carries it today.
func (c *Chain) problem(pr *prepared, i int) *Problem {
	sh := c.Shelves[i]
	members := pr.byCategory[sh.Category]
	p := &Problem{Space: sh.Space, MaxChanges: sh.MaxChanges, Products: make([]Product, len(members)), Substitutes: make([][]Substitute, len(members))}
	for a, j := range members {
		q := &c.Products[j]
		d := pr.filled[sh.Store][j]
		if math.IsNaN(d) {
			d = 0
		}
		current := !math.IsNaN(c.Demand[sh.Store][j])
		if q.Unpriced && !current {
			d = 0
		}
		p.Products[a] = Product{SKU: q.SKU, Demand: d, Margin: q.Margin, Cost: c.CarryCost, Width: q.Width, MinFacings: q.MinFacings,
			Tier: q.Tier, Transfer: q.Transfer, MustCarry: pr.must[sh.Store][j] || q.Unpriced && current, Current: current}
	}
	for a := range members {
		p.Substitutes[a] = c.nearestInPrice(a, members, pr.network)
	}
	return p
}

// nearestInPrice is the substitutes of members[a]: the
// SubstitutesPerProduct other members of its group with demand
// somewhere, nearest in price (ties by position), weighted by their
// demand across the stores.
func (c *Chain) nearestInPrice(a int, members []int, weight []float64) []Substitute {
	type cand struct {
		index int
		gap   float64
	}
	me := &c.Products[members[a]]
	var cands []cand
	for b, k := range members {
		if b == a || c.Products[k].Group != me.Group || !(weight[k] > 0) {
			continue
		}
		gap := math.Abs(c.Products[k].Price - me.Price)
		if math.IsNaN(gap) {
			gap = math.Inf(1)
		}
		cands = append(cands, cand{b, gap})
	}
	if len(cands) > SubstitutesPerProduct {
		slices.SortStableFunc(cands, func(x, y cand) int { return cmp.Compare(x.gap, y.gap) })
		cands = cands[:SubstitutesPerProduct]
	}
	out := make([]Substitute, len(cands))
	for i, cd := range cands {
		out[i] = Substitute{Index: cd.index, Weight: weight[members[cd.index]]}
	}
	return out
}

// Problems are the shelves' choices as Plan makes them, one per shelf,
// and each store's cluster (numbered from 0 in the order of their first
// store).
func (c *Chain) Problems() ([]*Problem, []int, error) {
	pr, err := c.prepare()
	if err != nil {
		return nil, nil, err
	}
	out := make([]*Problem, len(c.Shelves))
	for i := range c.Shelves {
		out[i] = c.problem(pr, i)
	}
	return out, pr.clusters, nil
}

// ShelfRange is one shelf's range: its lines, or why it could not be
// planned (a *FitError, or must-carry products that do not fit).
type ShelfRange struct {
	Lines []Line
	// Today is what today's range earns on the same demand and transfer
	// (whether or not it fits the shelf), beside which the range's lines'
	// margins say what it changes.
	Today float64
	Err   error
}

// Plan chooses every shelf's range (Choose), the shelves spread over
// every core, each shelf's problem built where it is solved so that the
// chain's problems are never all held at once.
func (c *Chain) Plan() ([]ShelfRange, error) {
	pr, err := c.prepare()
	if err != nil {
		return nil, err
	}
	out := make([]ShelfRange, len(c.Shelves))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				p := c.problem(pr, i)
				plan, err := Choose(p)
				if err != nil {
					out[i].Err = err
					continue
				}
				out[i].Lines = p.Lines(plan)
				today := make([]bool, len(p.Products))
				for a := range p.Products {
					today[a] = p.Products[a].Current
				}
				out[i].Today = p.Evaluate(today).Value
			}
		}()
	}
	for i := range c.Shelves {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out, nil
}
