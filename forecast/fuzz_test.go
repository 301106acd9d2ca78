package forecast

import (
	"sort"
	"testing"
)

// FuzzParseQuantiles feeds --quantiles arbitrary text: what it accepts is
// sorted, distinct and strictly between 0 and 1.
func FuzzParseQuantiles(f *testing.F) {
	for _, s := range []string{"0.1,0.5,0.9", "0.9,0.1", "0", "1", "NaN", "0.5,0.5", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuantiles(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if !sort.Float64sAreSorted(q) {
			t.Fatalf("%q gives %v", s, q)
		}
		for i, v := range q {
			if !(v > 0 && v < 1) || (i > 0 && v == q[i-1]) {
				t.Fatalf("%q gives %v", s, q)
			}
		}
	})
}

// FuzzParseModels feeds --models arbitrary text: it never panics, and a
// model it accepts has a name.
func FuzzParseModels(f *testing.F) {
	for _, s := range []string{"auto", "snaive,ets,theta", "ets,", " ", "magic", "auto,auto", "reg_ets,croston"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseModels(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if m == nil || m.Name() == "" {
			t.Fatalf("%q gives a model without a name", s)
		}
	})
}
