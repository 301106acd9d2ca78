package pipeline

import (
	"github.com/planner-engine/planner/assortment"
	"github.com/planner-engine/planner/series"
)

// transferShares estimates each product's transfer share from the sales
// history (assortment.EstimateTransfer): on each day a product's walk-in
// series went unobserved at a store (out of stock, or not for sale) while
// products of its department sold there, its missing demand is its mean
// sale on the days it was observed, and their excess is what they sold
// beyond their means on the days it was there; the days it was there
// anchor the excess at none. A product with too few such days gets the default, which the
// caller replaces with the section's share.
func transferShares(panel *series.Panel, department map[string]string) map[string]assortment.Transfer {
	type walkIn struct {
		i    int
		mean float64
	}
	// The walk-in series of each store and department.
	groups := map[[2]string][]walkIn{}
	for i, k := range panel.Keys {
		if channelOf(k) != "store" {
			continue
		}
		vals, unobserved := panel.Series(i), panel.UnobservedOf(i)
		var sum float64
		n := 0
		for t, v := range vals {
			if unobserved == nil || !unobserved[t] {
				sum += v
				n++
			}
		}
		if n == 0 {
			continue
		}
		g := [2]string{k.Location, department[k.SKU]}
		groups[g] = append(groups[g], walkIn{i: i, mean: sum / float64(n)})
	}
	obs := map[string][]assortment.TransferObs{}
	seen := func(i int, d series.Date) (float64, bool) {
		t := int(d - panel.Starts[i])
		vals := panel.Series(i)
		if t < 0 || t >= len(vals) {
			return 0, false
		}
		if u := panel.UnobservedOf(i); u != nil && u[t] {
			return 0, false
		}
		return vals[t], true
	}
	for _, members := range groups {
		if len(members) < 2 {
			continue
		}
		for _, m := range members {
			vals := panel.Series(m.i)
			// Each sibling's usual sale: its mean on the days m was there.
			base := map[int]float64{}
			for _, o := range members {
				if o.i == m.i {
					continue
				}
				var sum float64
				n := 0
				for t := range vals {
					d := panel.Starts[m.i] + series.Date(t)
					if _, here := seen(m.i, d); !here {
						continue
					}
					if v, ok := seen(o.i, d); ok {
						sum += v
						n++
					}
				}
				if n > 0 {
					base[o.i] = sum / float64(n)
				}
			}
			for t := range vals {
				d := panel.Starts[m.i] + series.Date(t)
				_, available := seen(m.i, d)
				var excess float64
				siblings := 0
				for _, o := range members {
					if o.i == m.i {
						continue
					}
					b, known := base[o.i]
					if v, ok := seen(o.i, d); ok && known {
						excess += v - b
						siblings++
					}
				}
				if siblings == 0 {
					continue // the store was closed, or sold none of the department
				}
				missing := 0.0
				if !available {
					missing = m.mean
				}
				sku := panel.Keys[m.i].SKU
				obs[sku] = append(obs[sku], assortment.TransferObs{Missing: missing, Excess: excess})
			}
		}
	}
	out := map[string]assortment.Transfer{}
	for sku, o := range obs {
		if tr, err := assortment.EstimateTransfer(o); err == nil {
			out[sku] = tr
		}
	}
	return out
}
