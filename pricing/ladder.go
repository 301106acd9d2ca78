package pricing

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Ladder is the set of prices a retailer may charge: every whole amount
// plus one of the endings (0.49 and 0.99 give 1.49, 1.99, 2.49, ...). With
// no endings every cent is a step.
type Ladder struct {
	Endings []float64 // in [0, 1), ascending
}

// DefaultLadder ends prices in .49 and .99.
func DefaultLadder() Ladder { return Ladder{Endings: []float64{0.49, 0.99}} }

// ParseLadder reads endings such as "0.49,0.99" (or ".49,.99"); "any" or
// "" means every cent.
func ParseLadder(s string) (Ladder, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "any" {
		return Ladder{}, nil
	}
	var l Ladder
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v >= 0 && v < 1) {
			return Ladder{}, fmt.Errorf("price ending %q is not a number in [0, 1) such as 0.99", f)
		}
		l.Endings = append(l.Endings, v)
	}
	sort.Float64s(l.Endings)
	return l, nil
}

// Prices returns the ladder's prices in [lo, hi], ascending.
func (l Ladder) Prices(lo, hi float64) []float64 {
	if hi < lo || hi <= 0 {
		return nil
	}
	lo = math.Max(lo, 0.01)
	var out []float64
	if len(l.Endings) == 0 {
		for c := math.Ceil(lo*100 - 1e-6); c <= math.Floor(hi*100+1e-6); c++ {
			out = append(out, c/100)
		}
		return out
	}
	for k := math.Floor(lo); k <= math.Floor(hi); k++ {
		for _, e := range l.Endings {
			p := round2(k + e)
			if p >= lo-1e-9 && p <= hi+1e-9 && p > 0 {
				out = append(out, p)
			}
		}
	}
	return out
}

// Below returns the highest ladder price at or below p (0 when none).
func (l Ladder) Below(p float64) float64 {
	c := l.Prices(0, p)
	if len(c) == 0 {
		return 0
	}
	return c[len(c)-1]
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
