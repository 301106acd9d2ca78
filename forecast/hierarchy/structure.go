package hierarchy

import (
	"fmt"
	"sort"

	"github.com/planner-engine/planner/series"
)

// Node is an aggregate series: a level and a group within it, such as
// ("department", "Dairy") or ("total", "total").
type Node struct {
	Level, Group string
}

func (n Node) String() string { return n.Level + "=" + n.Group }

// Structure is a grouped hierarchy over the bottom series of a panel.
type Structure struct {
	Nodes []Node
	// Parents[i] lists the indices in Nodes of the aggregates bottom series i
	// sums into.
	Parents [][]int
	// Tree is the product tree's levels from the top, for TopDown; the
	// bottom series sit below the last one.
	Tree []string
}

// Level groups bottom series: Of returns the group of a series, or "" to
// leave it out of the level.
type Level struct {
	Name string
	Of   func(series.Key) string
}

// NewStructure builds the aggregates of the given levels over the keys.
// Groups are numbered in level order, then by name, so the same keys always
// give the same structure.
func NewStructure(keys []series.Key, levels []Level, tree []string) (*Structure, error) {
	s := &Structure{Parents: make([][]int, len(keys)), Tree: tree}
	for _, lv := range levels {
		groups := map[string]bool{}
		for _, k := range keys {
			if g := lv.Of(k); g != "" {
				groups[g] = true
			}
		}
		names := make([]string, 0, len(groups))
		for g := range groups {
			names = append(names, g)
		}
		sort.Strings(names)
		index := map[string]int{}
		for _, g := range names {
			index[g] = len(s.Nodes)
			s.Nodes = append(s.Nodes, Node{Level: lv.Name, Group: g})
		}
		for i, k := range keys {
			if g := lv.Of(k); g != "" {
				s.Parents[i] = append(s.Parents[i], index[g])
			}
		}
	}
	for _, t := range tree {
		found := false
		for _, lv := range levels {
			found = found || lv.Name == t
		}
		if !found {
			return nil, fmt.Errorf("tree level %q is not one of the levels", t)
		}
	}
	return s, nil
}

// Aggregate returns the aggregate series: node j is the sum of its bottom
// series over the panel's whole range (a series counts as zero before its
// start). Every aggregate starts at the panel's earliest start.
func Aggregate(p *series.Panel, s *Structure) *series.Panel {
	out := &series.Panel{Freq: p.Freq}
	if p.Len() == 0 {
		return out
	}
	start, end := p.Starts[0], p.End(0)
	for i := 1; i < p.Len(); i++ {
		start = min(start, p.Starts[i])
		end = max(end, p.End(i))
	}
	n := p.Freq.Between(start, end) + 1
	sums := make([][]float64, len(s.Nodes))
	for j := range sums {
		sums[j] = make([]float64, n)
	}
	for i := 0; i < p.Len(); i++ {
		off := p.Freq.Between(start, p.Starts[i])
		for _, j := range s.Parents[i] {
			dst := sums[j][off:]
			for t, v := range p.Series(i) {
				dst[t] += v
			}
		}
	}
	for j, node := range s.Nodes {
		out.Append(series.Key{SKU: node.String(), Location: "*", Channel: "*"}, start, sums[j])
	}
	return out
}

// RetailLevels returns the levels of a retailer's grouped hierarchy over
// SKU x location x channel series: the total, the product tree (category,
// department when known, SKU), the location tree (region when known,
// location), and SKU x location when series have several channels. The
// product tree's level names come second, for TopDown.
func RetailLevels(keys []series.Key, category, department, region map[string]string) ([]Level, []string) {
	has := func(m map[string]string, pick func(series.Key) string) bool {
		for _, k := range keys {
			if m[pick(k)] != "" {
				return true
			}
		}
		return false
	}
	sku := func(k series.Key) string { return k.SKU }
	loc := func(k series.Key) string { return k.Location }
	levels := []Level{{Name: "total", Of: func(series.Key) string { return "total" }}}
	tree := []string{"total"}
	if has(category, sku) {
		levels = append(levels, Level{Name: "category", Of: func(k series.Key) string { return category[k.SKU] }})
		tree = append(tree, "category")
	}
	if has(department, sku) {
		levels = append(levels, Level{Name: "department", Of: func(k series.Key) string {
			if department[k.SKU] == "" {
				return ""
			}
			return category[k.SKU] + "/" + department[k.SKU]
		}})
		tree = append(tree, "department")
	}
	levels = append(levels, Level{Name: "sku", Of: sku})
	tree = append(tree, "sku")
	if has(region, loc) {
		levels = append(levels, Level{Name: "region", Of: func(k series.Key) string { return region[k.Location] }})
	}
	levels = append(levels, Level{Name: "location", Of: loc})
	channels := map[string]bool{}
	for _, k := range keys {
		channels[k.Channel] = true
	}
	if len(channels) > 1 {
		levels = append(levels, Level{Name: "sku_location", Of: func(k series.Key) string { return k.SKU + "@" + k.Location }})
	}
	return levels, tree
}
