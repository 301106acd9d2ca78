package datasets

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/planner-engine/planner/datasets/files"
)

// partShift packs a part's number into the high bits of a merged stage's
// positions: position = part<<partShift + the position in the part's file.
const partShift = 40

// mergeParts unites the stages of an input's CSV or XLSX files into the
// table's one stage (Parquet files are read as one: readParquetSet). Positions keep their file: a problem found in the merged rows
// names the file and line it came from.
func (l *loader) mergeParts(t *Table, spec, name string, parts []*stage) (*stage, error) {
	began := time.Now()
	cols := quotedColumns(t)
	selects := make([]string, len(parts))
	for i, p := range parts {
		selects[i] = fmt.Sprintf("SELECT %s, (%s) + (%d::BIGINT << %d) AS _mpos FROM %s", cols, p.pos, i, partShift, quoteIdent(p.name))
	}
	q := fmt.Sprintf("CREATE TABLE %s AS %s", quoteIdent(name), strings.Join(selects, " UNION ALL "))
	if _, err := l.conn.ExecContext(l.ctx, "DROP TABLE IF EXISTS "+quoteIdent(name)+"; "+q); err != nil {
		return nil, fmt.Errorf("merging the files of %s: %w", spec, err)
	}
	merged := &stage{table: t, file: spec, name: name, pos: "_mpos", copyOut: true, parts: parts,
		source: parts[0].source, where: parts[0].where, cols: parts[0].cols}
	for _, p := range parts {
		if _, err := l.conn.ExecContext(l.ctx, "DROP TABLE "+quoteIdent(p.name)); err != nil {
			return nil, err
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
			byPart[int(pos>>partShift)] = append(byPart[int(pos>>partShift)], localPos(pos))
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

// localPos is a position within its own file.
func localPos(pos int64) int64 { return pos & (1<<partShift - 1) }

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

// partsTable lists the files of a set of Parquet files read as one, with
// their numbers.
const partsTable = "planner_parts"

// readParquetSet reads a glob's or folder's Parquet files with one reader
// (thousands of daily partitions would cost a statement and a stage table
// each otherwise). Each row keeps its file's number in the high bits of its
// position, so problems still name their file and row, and the report
// lists every file with its rows and checksum.
func (l *loader) readParquetSet(t *Table, spec, name string, paths []string, began time.Time) (*stage, error) {
	for _, p := range paths {
		if err := files.CheckParquet(p); err != nil {
			l.fileProblem(t, p, problemCode(err), err)
		}
	}
	if l.failed[t.Name] {
		return nil, nil
	}
	if _, err := l.conn.ExecContext(l.ctx, fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s (idx BIGINT, filename VARCHAR)", partsTable)); err != nil {
		return nil, err
	}
	err := appendToTemp(l.conn, partsTable, func(add func(...driver.Value) error) error {
		for i, p := range paths {
			if err := add(int64(i), p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	quoted := make([]string, len(paths))
	for i, p := range paths {
		quoted[i] = quoteString(p)
	}
	in := &inputFile{path: spec, format: files.Parquet, hive: files.HiveKeys(paths[0]),
		set: "[" + strings.Join(quoted, ", ") + "]"}
	if err := in.readParquetHead(l.ctx, l.conn); err != nil {
		l.fileProblem(t, spec, problemCode(err), err)
		return nil, nil
	}
	st, err := l.newStage(t, in, spec, name)
	if st == nil || err != nil {
		return nil, err
	}
	st.where = "row"
	cols := st.cols
	for _, p := range paths {
		st.parts = append(st.parts, &stage{table: t, file: p, where: "row", sum: auditAsync(p, false)})
	}
	st.locate = func(positions []int64) (map[int64]int64, error) {
		lines := make(map[int64]int64, len(positions))
		for _, pos := range positions {
			lines[pos] = localPos(pos)
		}
		return lines, nil
	}
	if _, err := l.conn.ExecContext(l.ctx, "DROP TABLE IF EXISTS "+quoteIdent(name)+"; DROP VIEW IF EXISTS "+quoteIdent(name)+"; SET preserve_insertion_order = true"); err != nil {
		return nil, err
	}
	relation := fmt.Sprintf("(SELECT r.*, f.idx AS _file FROM %s r JOIN %s f ON f.filename = r.filename)", in.parquetRelation(true), partsTable)
	pos := fmt.Sprintf("(_file << %d) + file_row_number + 1", partShift)
	if err := l.stageRelation(st, in, cols, relation, pos); err != nil {
		var fe *files.Error
		if errors.As(err, &fe) {
			l.fileProblem(t, spec, fe.Code, fe)
			return nil, nil
		}
		return nil, err
	}
	rows, err := l.conn.QueryContext(l.ctx, fmt.Sprintf("SELECT _pos >> %d, count(*) FROM %s GROUP BY 1", partShift, quoteIdent(name)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i, n int64
		if err := rows.Scan(&i, &n); err != nil {
			return nil, err
		}
		st.parts[i].rows = n
		st.rows += n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	st.seconds = time.Since(began).Seconds()
	return st, nil
}
