package config

import (
	"strings"
	"testing"
)

// FuzzParse feeds planner.yaml's parser arbitrary text: it never panics,
// an error says what is wrong without the decoder's Go names, and what it
// accepts passes every section's check.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"inputs:\n  sales: s.csv\n",
		"db: x.duckdb\nout: o\ninputs:\n  sales: s.csv\n  map:\n    qty: units\nforecast:\n  horizon: 14\n  quantiles: [0.05, 0.95]\n",
		"inputs:\n  sales: s.csv\nallocate: {}\nproduce:\n  weeks: 4\nprice:\n  endings: any\n",
		"inputs:\n  sales: s.csv\nforecast:\n  horizn: 3\n", "inputs: [1, 2]\n", "&a [*a]", "inputs:\n  sales: s.csv\nproduce:\n  holding_rate: .nan\n",
		"", "---\n---\n", "inputs:\n  sales: s.csv\nstages: [load, fly]\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cfg, err := Parse([]byte(s), "/data")
		if err != nil {
			msg := err.Error()
			if strings.TrimSpace(msg) == "" {
				t.Fatal("an error without a message")
			}
			for _, leak := range []string{"config.F", "config.I", "config.P", "config.R", "config.A", "yaml:", "unmarshal", "!!"} {
				// The input's own text may be quoted back; the decoder's may not.
				if strings.Contains(msg, leak) && !strings.Contains(s, leak) {
					t.Fatalf("%q: the message shows %q: %s", s, leak, msg)
				}
			}
			return
		}
		checks := []func(func(string) string) error{cfg.Forecast.Check, cfg.Replenish.Check, cfg.Security.Check}
		if cfg.Allocate != nil {
			checks = append(checks, cfg.Allocate.Check)
		}
		if cfg.Produce != nil {
			checks = append(checks, cfg.Produce.Check)
		}
		if cfg.Price != nil {
			checks = append(checks, cfg.Price.Check)
		}
		for _, c := range checks {
			if err := c(Key("x")); err != nil {
				t.Fatalf("%q was accepted, yet a section fails its check: %v", s, err)
			}
		}
		if cfg.Inputs.Sales == "" {
			t.Fatal("accepted without sales")
		}
	})
}
