// Package words formats numbers in the sentences the planner says to
// people: counts with their nouns, and large counts with thousands
// separators.
package words

import (
	"math"
	"strconv"
)

// Plural writes a count with its noun: 1 day, 3 days.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Commas formats an integer with thousands separators: 913,000.
func Commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// Number formats a number for a sentence: whole numbers below 10^15 with
// thousands separators (3,650), others as Go prints them (0.25, 1e+20).
func Number(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return Commas(int64(x))
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
