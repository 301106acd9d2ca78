package datasets

import (
	"fmt"
	"sort"
	"strings"
)

// Mapping renames the columns of the user's files to canonical columns. Each
// entry maps a canonical column to the column the file calls it, such as
// qty -> units. An entry may name its table ("products.name" -> "description")
// to apply to one file only; an unqualified entry applies to every input
// file that has the source column.
type Mapping map[string]string

// ParseMapping reads the --map syntax: comma-separated canonical=source
// pairs, such as "qty=units,location=store_id,products.name=description".
func ParseMapping(s string) (Mapping, error) {
	m := Mapping{}
	if strings.TrimSpace(s) == "" {
		return m, nil
	}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		canon, src, ok := strings.Cut(pair, "=")
		canon, src = strings.TrimSpace(canon), strings.TrimSpace(src)
		if !ok || canon == "" || src == "" {
			return nil, fmt.Errorf("datasets: --map entry %q is not canonical=source (for example qty=units)", pair)
		}
		if prev, dup := m[canon]; dup && prev != src {
			return nil, fmt.Errorf("datasets: --map names %s twice (%s and %s)", canon, prev, src)
		}
		m[canon] = src
	}
	return m, nil
}

// Merge returns the mapping with the entries of other added; other wins
// where both name a column.
func (m Mapping) Merge(other Mapping) Mapping {
	out := Mapping{}
	for k, v := range m {
		out[k] = v
	}
	for k, v := range other {
		out[k] = v
	}
	return out
}

// String formats the mapping in --map syntax, sorted.
func (m Mapping) String() string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ",")
}

// check verifies every entry names a canonical column: a typo in --map must
// not silently load nothing.
func (m Mapping) check() error {
	for k := range m {
		table, col, qualified := strings.Cut(k, ".")
		if qualified {
			t := TableNamed(table)
			if t == nil {
				return fmt.Errorf("datasets: --map %s=%s: %s is not a table (tables: %s)", k, m[k], table, tableNames())
			}
			if t.Column(col) == nil {
				return fmt.Errorf("datasets: --map %s=%s: %s is not a column of %s%s", k, m[k], col, table, suggest(col, columnNames(t)))
			}
			continue
		}
		found := false
		var all []string
		for _, t := range Tables {
			if t.Column(k) != nil {
				found = true
			}
			all = append(all, columnNames(t)...)
		}
		if !found {
			return fmt.Errorf("datasets: --map %s=%s: %s is not a canonical column%s", k, m[k], k, suggest(k, all))
		}
	}
	return nil
}

// sourceFor returns the source column the mapping names for a canonical
// column of a table: a qualified entry first, then an unqualified one.
func (m Mapping) sourceFor(table, column string) (string, bool) {
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
