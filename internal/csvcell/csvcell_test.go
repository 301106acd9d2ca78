package csvcell

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEscapeUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://x","click")`: `'=HYPERLINK("http://x","click")`,
		"+1+1":                           "'+1+1",
		"-2+3":                           "'-2+3",
		"@SUM(A1:A2)":                    "'@SUM(A1:A2)",
		"\tcmd":                          "'\tcmd",
		"\rcmd":                          "'\rcmd",
		"SKU-1":                          "SKU-1",
		"'quoted":                        "'quoted",
		"'=1":                            "''=1",
		"":                               "",
	} {
		assert.Equal(t, want, Escape(in), in)
		assert.Equal(t, in, Unescape(Escape(in)), in)
	}
	assert.Equal(t, "'quoted", Unescape("'quoted"), "an apostrophe before anything else stays")
}

func FuzzEscapeRoundTrip(f *testing.F) {
	for _, s := range []string{"=1", "'=1", "a", "", "''=", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		if Unescape(e) != s {
			t.Fatalf("%q escapes to %q, which reads back as %q", s, e, Unescape(e))
		}
		if e != "" && contains(triggers, e[0]) {
			t.Fatalf("%q is written as %q, which a spreadsheet runs", s, e)
		}
	})
}
