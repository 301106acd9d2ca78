package datasets

import (
	"fmt"
	"strings"

	"github.com/planner-engine/planner/datasets/files"
)

// checkMapping verifies every entry names a canonical column: a typo in
// --map must not silently load nothing.
func checkMapping(m files.Mapping) error {
	for k := range m {
		table, col, qualified := strings.Cut(k, ".")
		if qualified {
			t := TableNamed(table)
			if t == nil {
				return fmt.Errorf("--map %s=%s: %s is not a table (tables: %s)", k, m[k], table, tableNames())
			}
			if t.Column(col) == nil && !(t == Sales && salesLines.Column(col) != nil) {
				return fmt.Errorf("--map %s=%s: %s is not a column of %s%s", k, m[k], col, table, suggest(col, columnNames(t)))
			}
			continue
		}
		found := salesLines.Column(k) != nil
		var all []string
		for _, t := range Tables {
			if t.Column(k) != nil {
				found = true
			}
			all = append(all, columnNames(t)...)
		}
		if !found {
			return fmt.Errorf("--map %s=%s: %s is not a canonical column%s", k, m[k], k, suggest(k, all))
		}
	}
	return nil
}

// mappedSource returns the source column the mapping names for a
// canonical column of a table: a qualified entry first, then an
// unqualified one.
func mappedSource(m files.Mapping, table, column string) (string, bool) {
	if src, ok := m[table+"."+column]; ok {
		return src, true
	}
	src, ok := m[column]
	return src, ok
}

func tableNames() string {
	names := make([]string, len(Tables))
	for i, t := range Tables {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

func columnNames(t *Table) []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// suggest returns ` (did you mean "x"?)` when a candidate is close to name.
func suggest(name string, candidates []string) string {
	if c := closest(name, candidates); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// closest returns the candidate nearest to name when it is near enough to be
// a likely typo, or "".
func closest(name string, candidates []string) string {
	best, bestDist := "", 1<<30
	n := normalizeName(name)
	for _, c := range candidates {
		d := editDistance(n, normalizeName(c))
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := 1
	if len(n) >= 5 {
		limit = 2
	}
	if bestDist <= limit && bestDist < len(n) {
		return best
	}
	return ""
}

func normalizeName(s string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.TrimSpace(s)))
}

// editDistance is the Damerau-Levenshtein distance with adjacent
// transpositions (optimal string alignment), so "qyt" is one edit from "qty".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
