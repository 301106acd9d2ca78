package production

import (
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// LPBound solves the linear relaxation of the factory's capacitated lot
// sizing in its facility-location form (Krarup & Bilde, 1977; tighter
// than the plain relaxation): x[i,s,t] is the share of product i's demand
// due in t made in period s <= t, y[i,s] in [0, 1] the setup of i in s,
// with x <= y, every demand's shares adding to one and every period's
// production within capacity. Its optimum bounds the cost of any plan
// that meets all demand in time. Dense gonum simplex: a check for small
// factories, not a planner.
func LPBound(f *Factory) (float64, error) { return facilityLP(f, nil) }

// facilityLP is LPBound, or with setups given (setups[i][s]: product i may
// be made in period s, and pays its setup if so) the least holding cost
// plus those setups: the exact cost of a setup pattern.
func facilityLP(f *Factory, setups [][]bool) (float64, error) {
	n := len(f.Capacity)
	type xv struct{ i, s, t int }
	var xs []xv
	for i, p := range f.Products {
		for t := 0; t < n; t++ {
			if p.Demand[t] > 0 {
				for s := 0; s <= t; s++ {
					xs = append(xs, xv{i, s, t})
				}
			}
		}
	}
	ny := len(f.Products) * n
	yIndex := func(i, s int) int { return len(xs) + i*n + s }
	// Rows: demand (one per product-period with demand), linking x <= y
	// (one per x, with a slack), capacity (one per period, with a slack).
	var demandRows [][2]int // product, period
	for i, p := range f.Products {
		for t := 0; t < n; t++ {
			if p.Demand[t] > 0 {
				demandRows = append(demandRows, [2]int{i, t})
			}
		}
	}
	rows := len(demandRows) + len(xs) + n + ny
	cols := len(xs) + ny + len(xs) + n + ny // x, y, link slacks, capacity slacks, y <= 1 slacks
	A := mat.NewDense(rows, cols, nil)
	b := make([]float64, rows)
	c := make([]float64, cols)
	row := 0
	drow := map[[2]int]int{}
	for _, d := range demandRows {
		drow[d] = row
		b[row] = 1
		row++
	}
	for k, x := range xs {
		p := &f.Products[x.i]
		A.Set(drow[[2]int{x.i, x.t}], k, 1)
		c[k] = p.Holding * float64(x.t-x.s) * p.Demand[x.t]
		// x - y + slack = 0
		A.Set(row, k, 1)
		A.Set(row, yIndex(x.i, x.s), -1)
		A.Set(row, len(xs)+ny+k, 1)
		row++
	}
	capRow := row
	for s := 0; s < n; s++ {
		b[row] = f.Capacity[s]
		A.Set(row, len(xs)+ny+len(xs)+s, 1)
		row++
	}
	for k, x := range xs {
		p := &f.Products[x.i]
		cpu := p.CapacityPerUnit
		if cpu == 0 {
			cpu = 1
		}
		A.Set(capRow+x.s, k, cpu*p.Demand[x.t])
	}
	fixed := 0.0
	for i, p := range f.Products {
		for s := 0; s < n; s++ {
			c[yIndex(i, s)] = p.Setup
			A.Set(row, yIndex(i, s), 1)
			A.Set(row, len(xs)+ny+len(xs)+n+i*n+s, 1)
			b[row] = 1
			if setups != nil {
				// The pattern opens y up to 1 where it sets up, at no
				// cost here (its setups are added below), and shuts it
				// elsewhere.
				c[yIndex(i, s)] = 0
				if !setups[i][s] {
					b[row] = 0
				} else {
					fixed += p.Setup
				}
			}
			row++
		}
	}
	opt, _, err := lp.Simplex(c, A, b, 1e-9, nil)
	return opt + fixed, err
}
