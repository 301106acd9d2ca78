package files

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CSVHead is what a CSV file's first lines tell before it is read in
// bulk: its separator, its header and a sample of records (for
// recognising date formats).
type CSVHead struct {
	Delim  rune
	Header []string // column names as the file spells them, trimmed, in file order
	Sample [][]string
	// Empty is true when the file has a header and no data rows.
	Empty bool
}

// ReadCSVHead reads the header and up to sampleRows records of a CSV file
// (gzip-compressed or not). A .tsv file is tab-separated; any other's
// separator is the one of , ; tab | that splits the header into the most
// fields.
func ReadCSVHead(path string, sampleRows int) (*CSVHead, error) {
	rc, err := OpenText(path)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readCSVHead(path, rc, sampleRows)
}

func readCSVHead(path string, rd io.Reader, sampleRows int) (*CSVHead, error) {
	br := bufio.NewReader(rd)
	first, err := br.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, readError(path, err)
	}
	if err := checkEncoding(path, first); err != nil {
		return nil, err
	}
	first = strings.TrimPrefix(first, "\ufeff")
	if strings.Contains(strings.TrimSuffix(strings.TrimSuffix(first, "\n"), "\r"), "\r") {
		return nil, lineErrorf("stray_carriage_return", path, 1, "the header holds a carriage return that ends no line (old Mac line ends, or a line break in a column name); save the file with LF or CR LF line ends")
	}
	if strings.TrimSpace(first) == "" {
		return nil, fileErrorf("empty_file", "%s: the file is empty; it needs a header row", path)
	}
	h := &CSVHead{Delim: SniffDelimiter(first, strings.HasSuffix(strings.TrimSuffix(strings.ToLower(path), ".gz"), ".tsv"))}
	r := csv.NewReader(io.MultiReader(strings.NewReader(first), br))
	r.Comma = h.Delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		return nil, lineErrorf("unreadable_file", path, 1, "cannot read the header (%s)", plainError(err))
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
		if header[i] == "" {
			return nil, lineErrorf("bad_header", path, 1, "column %d has no name; every column needs a header", i+1)
		}
	}
	if err := checkDuplicateColumns(path, header); err != nil {
		return nil, err
	}
	h.Header = header
	for len(h.Sample) < sampleRows {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, readError(path, err)
			}
			// Malformed records are reported by the bulk reader with their
			// lines; the sample only needs the good ones.
			continue
		}
		h.Sample = append(h.Sample, rec)
	}
	h.Empty = len(h.Sample) == 0
	return h, nil
}

// checkEncoding refuses a file that is not UTF-8 text, judged by its first
// line: a UTF-16 byte-order mark, or NUL bytes (UTF-16 without a mark, or
// a binary file). Read as UTF-8, such a header looks like garbage with
// none of the expected columns, which would send people after the wrong
// fix.
func checkEncoding(path, first string) error {
	switch {
	case strings.HasPrefix(first, "\xff\xfe") || strings.HasPrefix(first, "\xfe\xff"):
		return fileErrorf("wrong_encoding", "%s: the file is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)", path)
	case strings.IndexByte(first, 0) >= 0:
		return lineErrorf("wrong_encoding", path, 1, "the header holds NUL bytes, so the file is UTF-16 or not text at all; save it as UTF-8 CSV")
	}
	return nil
}

// checkDuplicateColumns refuses a header naming a column twice (in any
// case): the loader could not tell which one is meant.
func checkDuplicateColumns(path string, header []string) error {
	seen := map[string]int{}
	for i, h := range header {
		key := strings.ToLower(h)
		if j, dup := seen[key]; dup {
			return fileErrorf("bad_header", "%s: columns %d and %d are both called %q; rename one", path, j+1, i+1, h)
		}
		seen[key] = i
	}
	return nil
}

// SniffDelimiter picks the separator that splits the header line into the
// most fields, counting only separators outside quotes; tab for a .tsv
// file.
func SniffDelimiter(line string, tsv bool) rune {
	if tsv {
		return '\t'
	}
	best, bestN := ',', 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		n, quoted := 0, false
		for _, c := range line {
			switch {
			case c == '"':
				quoted = !quoted
			case c == d && !quoted:
				n++
			}
		}
		if n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

// CSVLocator maps positions of the accepted rows of a CSV file (0-based, in
// file order) to 1-based line numbers, skipping the lines the bulk reader
// rejected. It re-reads the file, so it runs only when a problem needs a
// line.
func CSVLocator(path string, delim rune, rejected map[int64]bool) func([]int64) (map[int64]int64, error) {
	return func(positions []int64) (map[int64]int64, error) {
		want := map[int64]bool{}
		var maxPos int64 = -1
		for _, p := range positions {
			want[p] = true
			maxPos = max(maxPos, p)
		}
		out := make(map[int64]int64, len(want))
		if maxPos < 0 {
			return out, nil
		}
		rc, err := OpenText(path)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		r := csv.NewReader(bufio.NewReaderSize(rc, 1<<16))
		r.Comma = delim
		r.LazyQuotes = true
		r.FieldsPerRecord = -1
		r.ReuseRecord = true
		if _, err := r.Read(); err != nil { // header
			return nil, fmt.Errorf("%s: cannot be read again (%s)", path, plainError(err))
		}
		var pos int64
		for pos <= maxPos {
			_, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			line, _ := r.FieldPos(0)
			if err != nil {
				var pe *csv.ParseError
				if !errors.As(err, &pe) {
					return nil, fmt.Errorf("%s: cannot be read again (%s)", path, plainError(err))
				}
				line = pe.StartLine
			}
			if rejected[int64(line)] {
				continue
			}
			if want[pos] {
				out[pos] = int64(line)
			}
			pos++
		}
		return out, nil
	}
}
