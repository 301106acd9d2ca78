package replenish

import (
	"cmp"
	"fmt"
	"math"
	"slices"
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
	// ClassDays is the span an item's value is taken over: its
	// forecast's, and the recent sales' that set the cuts.
	ClassDays = 28
)

// ClassCuts are the values that open the classes: an item worth at
// least A over ClassDays is an A item, at least B a B item, any other a
// C item. They come from the whole network's recent sales (CutsOf), so a
// run spread over shards classifies each item as the whole run does.
type ClassCuts struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
}

// CutsOf finds the cuts in the values of the network's series over the
// last ClassDays days (units times unit cost, units when the cost is
// missing): ranked by value, the series before 80% of the total are A,
// those before 95% B, and each cut is the least value of its class. With
// no value at all every item is an A item.
func CutsOf(values []float64) ClassCuts {
	vs := slices.Clone(values)
	slices.SortFunc(vs, func(a, b float64) int { return cmp.Compare(b, a) })
	total := 0.0
	for _, v := range vs {
		total += v
	}
	var c ClassCuts
	cum := 0.0
	for _, v := range vs {
		share := cum / math.Max(total, 1e-12)
		if share < abcA {
			c.A = v
		}
		if share < abcB {
			c.B = v
		}
		cum += v
	}
	return c
}

// Classify sets each item's Class from its forecast over the next
// ClassDays days: its value (mean demand times unit cost, units when
// costs are missing) against the cuts, and its variability, the
// forecast's coefficient of variation.
func Classify(items []*Item, cuts ClassCuts) {
	for _, it := range items {
		units := sumTo(it.Mean, ClassDays)
		v := units * it.Lane.UnitCost
		if it.Lane.UnitCost <= 0 {
			v = units
		}
		abc := "C"
		switch {
		case v >= cuts.A:
			abc = "A"
		case v >= cuts.B:
			abc = "B"
		}
		it.Class = abc + xyz(it)
	}
}

func xyz(it *Item) string {
	var cv float64
	n := 0
	for t := 0; t < min(ClassDays, len(it.Mean)); t++ {
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
