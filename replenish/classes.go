package replenish

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// ABC / XYZ classification: A items make the first 80% of sales value, B
// the next 15%, C the last 5% (Pareto); X items have a forecast
// coefficient of variation (daily standard deviation over mean, averaged
// over the days) up to 0.5, Y up to 1, Z above. Targets per class let a
// retailer spend safety stock where it earns most.
const (
	abcA, abcB = 0.80, 0.95
	xyzX, xyzY = 0.5, 1.0
	classDays  = 28
)

// Classify sets each item's Class from its forecast over the next four
// weeks: value is mean demand times unit cost (units when costs are
// missing), variability the forecast's coefficient of variation. Items
// are ranked by value across the whole network, ties by SKU and location.
func Classify(items []*Item) {
	type ranked struct {
		it    *Item
		value float64
	}
	rs := make([]ranked, 0, len(items))
	total := 0.0
	for _, it := range items {
		units := sumTo(it.Mean, classDays)
		v := units * it.Lane.UnitCost
		if it.Lane.UnitCost <= 0 {
			v = units
		}
		rs = append(rs, ranked{it, v})
		total += v
	}
	sort.SliceStable(rs, func(a, b int) bool {
		if rs[a].value != rs[b].value {
			return rs[a].value > rs[b].value
		}
		if rs[a].it.SKU != rs[b].it.SKU {
			return rs[a].it.SKU < rs[b].it.SKU
		}
		return rs[a].it.Location < rs[b].it.Location
	})
	cum := 0.0
	for _, r := range rs {
		abc := "C"
		switch share := cum / math.Max(total, 1e-12); {
		case share < abcA:
			abc = "A"
		case share < abcB:
			abc = "B"
		}
		cum += r.value
		r.it.Class = abc + xyz(r.it)
	}
}

func xyz(it *Item) string {
	var cv float64
	n := 0
	for t := 0; t < min(classDays, len(it.Mean)); t++ {
		if it.Mean[t] > 0 {
			cv += it.SD[t] / it.Mean[t]
			n++
		}
	}
	switch {
	case n == 0:
		return "Z"
	case cv/float64(n) <= xyzX:
		return "X"
	case cv/float64(n) <= xyzY:
		return "Y"
	}
	return "Z"
}

// ClassTargets maps classes to service levels: a letter of ABC (A), a
// letter of XYZ (Z) or both (AZ); the most specific match wins.
type ClassTargets map[string]float64

// DefaultClassTargets are the levels used when none are given.
var DefaultClassTargets = ClassTargets{"A": 0.98, "B": 0.95, "C": 0.90}

// ParseClassTargets reads "A=0.98,B=0.95,CZ=0.85".
func ParseClassTargets(s string) (ClassTargets, error) {
	out := ClassTargets{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		k, v, ok := strings.Cut(f, "=")
		k = strings.ToUpper(strings.TrimSpace(k))
		level, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		valid := len(k) == 1 && strings.ContainsAny(k, "ABCXYZ") || len(k) == 2 && strings.ContainsAny(k[:1], "ABC") && strings.ContainsAny(k[1:], "XYZ")
		if !ok || err != nil || !valid || !(level > 0 && level < 1) {
			return nil, fmt.Errorf("class target %q: want CLASS=LEVEL with a class such as A, Z or AZ and a level between 0 and 1", f)
		}
		out[k] = level
	}
	return out, nil
}

// Level returns the target of a class such as "AY", or false when no
// entry matches.
func (c ClassTargets) Level(class string) (float64, bool) {
	if v, ok := c[class]; ok {
		return v, true
	}
	if len(class) == 2 {
		if v, ok := c[class[:1]]; ok {
			return v, true
		}
		if v, ok := c[class[1:]]; ok {
			return v, true
		}
	}
	return 0, false
}
