package pricing

import (
	"sort"
	"testing"
)

// FuzzParseLadder feeds --endings arbitrary text: it never panics, and a
// ladder it accepts has endings in [0, 1) and prices in order within any
// range asked for.
func FuzzParseLadder(f *testing.F) {
	for _, s := range []string{"0.49,0.99", "any", "", " 0.9 , 0.5", "0.99,7", "NaN", "-0.1", "1", "0x1p-2", "1e-300,0.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLadder(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		for _, e := range l.Endings {
			if !(e >= 0 && e < 1) {
				t.Fatalf("%q gives the ending %v", s, e)
			}
		}
		prices := l.Prices(0.5, 20)
		if !sort.Float64sAreSorted(prices) {
			t.Fatalf("%q gives prices out of order: %v", s, prices)
		}
		for _, p := range prices {
			if p < 0.5-1e-9 || p > 20+1e-9 {
				t.Fatalf("%q gives %v outside 0.5 to 20", s, p)
			}
		}
	})
}
