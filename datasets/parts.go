package datasets

import (
	"fmt"
	"strings"
	"time"
)

// partShift packs a part's number into the high bits of a merged stage's
// positions: position = part<<partShift + the position in the part's file.
const partShift = 40

// mergeParts unites the stages of an input's files into the table's one
// stage. Positions keep their file: a problem found in the merged rows
// names the file and line it came from.
func (l *loader) mergeParts(t *Table, spec, name string, parts []*stage) (*stage, error) {
	began := time.Now()
	cols := quotedColumns(t)
	selects := make([]string, len(parts))
	for i, p := range parts {
		selects[i] = fmt.Sprintf("SELECT %s, (%s) + (%d::BIGINT << %d) AS _mpos FROM %s", cols, p.pos, i, partShift, quoteIdent(p.name))
	}
	// Views (Parquet lines) stay views: they are read once, by the sums.
	views := true
	for _, p := range parts {
		views = views && p.view
	}
	kind := map[bool]string{true: "TEMP VIEW", false: "TABLE"}[views]
	q := fmt.Sprintf("CREATE %s %s AS %s", kind, quoteIdent(name), strings.Join(selects, " UNION ALL "))
	if _, err := l.conn.ExecContext(l.ctx, "DROP TABLE IF EXISTS "+quoteIdent(name)+"; DROP VIEW IF EXISTS "+quoteIdent(name)+"; "+q); err != nil {
		return nil, fmt.Errorf("merging the files of %s: %w", spec, err)
	}
	merged := &stage{table: t, file: spec, name: name, pos: "_mpos", copyOut: true, parts: parts, view: views,
		source: parts[0].source, where: parts[0].where, cols: parts[0].cols}
	for _, p := range parts {
		if !views {
			if _, err := l.conn.ExecContext(l.ctx, "DROP TABLE "+quoteIdent(p.name)); err != nil {
				return nil, err
			}
		}
		merged.rows += p.rows
		merged.rejected += p.rejected
		merged.seconds += p.seconds
		merged.unordered = merged.unordered || p.unordered
	}
	merged.seconds += time.Since(began).Seconds()
	merged.locate = func(positions []int64) (map[int64]int64, error) {
		byPart := map[int][]int64{}
		for _, pos := range positions {
			byPart[int(pos>>partShift)] = append(byPart[int(pos>>partShift)], pos&(1<<partShift-1))
		}
		lines := map[int64]int64{}
		for i, local := range byPart {
			p := parts[i]
			var m map[int64]int64
			if p.locate != nil {
				var err error
				if m, err = p.locate(local); err != nil {
					return nil, err
				}
			}
			for _, pos := range local {
				line := pos
				if m != nil {
					line = m[pos]
				}
				lines[int64(i)<<partShift|pos] = line
			}
		}
		return lines, nil
	}
	return merged, nil
}

// fileAt returns the file a stage position comes from.
func (st *stage) fileAt(pos int64) string {
	if st.parts == nil {
		return st.file
	}
	if i := int(pos >> partShift); i < len(st.parts) {
		return st.parts[i].file
	}
	return st.file
}

// files returns the stages of the files an input read: its parts, or itself.
func (st *stage) files() []*stage {
	if st.parts != nil {
		return st.parts
	}
	return []*stage{st}
}
