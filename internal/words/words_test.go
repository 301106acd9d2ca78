package words

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPluralAndCommas(t *testing.T) {
	assert.Equal(t, "1 day", Plural(1, "day"))
	assert.Equal(t, "0 days", Plural(0, "day"))
	assert.Equal(t, "12 errors", Plural(12, "error"))
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 913000: "913,000", -1234567: "-1,234,567",
		math.MaxInt64: "9,223,372,036,854,775,807"} {
		assert.Equal(t, want, Commas(n))
	}
}

func TestNumber(t *testing.T) {
	for x, want := range map[float64]string{3650: "3,650", 1e12: "1,000,000,000,000", 0.25: "0.25", 1e20: "1e+20", -1e6: "-1,000,000", 0: "0"} {
		assert.Equal(t, want, Number(x))
	}
}
