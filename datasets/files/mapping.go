package files

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
			return nil, fmt.Errorf("--map entry %q is not canonical=source (for example qty=units)", pair)
		}
		if prev, dup := m[canon]; dup && prev != src {
			return nil, fmt.Errorf("--map names %s twice (%s and %s)", canon, prev, src)
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
