package replenish

import "testing"

// FuzzParseClassTargets feeds --class-targets arbitrary text: it never
// panics, and what it accepts names ABC / XYZ classes with levels in
// (0, 1).
func FuzzParseClassTargets(f *testing.F) {
	for _, s := range []string{"A=0.98,B=0.95,C=0.9,CZ=0.85", "", " az = 0.5 ,", "A=1", "Q=0.5", "A=NaN", "AX=0.9,AX=0.8", "=", "A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseClassTargets(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		for k, v := range c {
			if !(v > 0 && v < 1) {
				t.Fatalf("%q gives %s=%v", s, k, v)
			}
			ok := len(k) == 1 || (len(k) == 2 && k[0] >= 'A' && k[0] <= 'C' && k[1] >= 'X' && k[1] <= 'Z')
			if !ok {
				t.Fatalf("%q gives the class %q", s, k)
			}
		}
	})
}
