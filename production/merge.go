package production

import (
	"fmt"
	"slices"
	"strings"
)

// Merge puts together the problems of parts of one network, each holding
// some of its SKUs (the shards of a run): the periods must agree, as must
// each factory's capacity and frozen periods. Each factory's products are
// put in SKU order, and the exceptions, each once, in order, so the
// problem is the same however the SKUs were parted.
func Merge(parts []*Problem) (*Problem, error) {
	out := &Problem{}
	byName := map[string]*Factory{}
	var names []string
	seen := map[string]bool{}
	for k, p := range parts {
		if k == 0 {
			out.Periods = slices.Clone(p.Periods)
		} else if !slices.Equal(p.Periods, out.Periods) {
			return nil, fmt.Errorf("the parts plan different periods (%s and %s)", strings.Join(out.Periods, ","), strings.Join(p.Periods, ","))
		}
		for _, e := range p.Exceptions {
			if !seen[e] {
				seen[e] = true
				out.Exceptions = append(out.Exceptions, e)
			}
		}
		for _, f := range p.Factories {
			m := byName[f.Name]
			if m == nil {
				m = &Factory{Name: f.Name, Capacity: slices.Clone(f.Capacity), Frozen: f.Frozen}
				byName[f.Name] = m
				names = append(names, f.Name)
			} else if !slices.Equal(m.Capacity, f.Capacity) || m.Frozen != f.Frozen {
				return nil, fmt.Errorf("factory %s has a different capacity in two parts", f.Name)
			}
			m.Products = append(m.Products, f.Products...)
		}
	}
	slices.Sort(out.Exceptions)
	slices.Sort(names)
	for _, n := range names {
		f := byName[n]
		slices.SortStableFunc(f.Products, func(a, b Product) int { return strings.Compare(a.SKU, b.SKU) })
		for i := 1; i < len(f.Products); i++ {
			if f.Products[i].SKU == f.Products[i-1].SKU {
				return nil, fmt.Errorf("%s at %s is in two parts", f.Products[i].SKU, n)
			}
		}
		out.Factories = append(out.Factories, *f)
	}
	return out, nil
}
