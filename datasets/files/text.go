package files

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Format is how an input file is encoded.
type Format int

// The formats input files come in.
const (
	CSV Format = iota
	Parquet
	XLSX
)

// Error is a problem with a whole file, with the problem code the load
// report gives it (docs/cli.md lists the codes).
type Error struct {
	Code string
	// Line is the file's line the problem is on; 0 for the whole file.
	Line int64
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

func fileErrorf(code, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// lineErrorf is a problem on one line of a file; its text starts
// "path line N: ".
func lineErrorf(code, path string, line int64, format string, args ...any) error {
	return &Error{Code: code, Line: line, Err: fmt.Errorf("%s line %d: %s", path, line, fmt.Sprintf(format, args...))}
}

// DetectFormat picks the reader from the file name: .csv, .tsv and .txt
// (optionally .gz-compressed), .parquet and .xlsx. A file whose first
// bytes say it is something else than its name says is refused in one
// sentence, rather than read as the wrong kind.
func DetectFormat(path string) (Format, error) {
	byName, err := formatOfName(filepath.Base(path))
	if err != nil {
		return 0, fileErrorf("unsupported_format", "%s: the file type is not supported; use .csv (or .csv.gz), .tsv, .parquet or .xlsx", path)
	}
	got, gz, known := sniffContent(path)
	switch {
	case known && got != byName && !(gz && byName == CSV):
		what := map[Format]string{Parquet: "a Parquet file", XLSX: "a zip archive (an XLSX workbook or another zip file)", CSV: "a gzip-compressed file"}[got]
		return 0, fileErrorf("wrong_format", "%s is %s, not %s as its name says; give it the right extension (%s) or export it again", path, what, byName, extensionOf(got, gz))
	case !known && byName != CSV && fileHasBytes(path):
		return 0, fileErrorf("wrong_format", "%s is not %s as its name says: it does not start as %s files do; if it is CSV text, name it .csv", path, byName, byName)
	}
	return byName, nil
}

func formatOfName(name string) (Format, error) {
	name = strings.TrimSuffix(strings.ToLower(name), ".gz")
	switch filepath.Ext(name) {
	case ".csv", ".tsv", ".txt":
		return CSV, nil
	case ".parquet", ".pq":
		return Parquet, nil
	case ".xlsx":
		return XLSX, nil
	}
	return 0, errors.New("unsupported")
}

func extensionOf(f Format, gz bool) string {
	switch {
	case gz:
		return ".csv.gz"
	case f == Parquet:
		return ".parquet"
	case f == XLSX:
		return ".xlsx"
	}
	return ".csv"
}

// fileHasBytes says whether the file exists and is not empty: an empty
// file's problem is reported by its reader.
func fileHasBytes(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Size() > 0
}

// OpenText opens a text file, gzip-compressed or not (recognised by its
// first bytes, not its name).
func OpenText(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	br := bufio.NewReaderSize(f, 1<<16)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, inputErrorf("%s: damaged gzip file: %s", path, plainError(err))
		}
		return struct {
			io.Reader
			io.Closer
		}{zr, f}, nil
	}
	return struct {
		io.Reader
		io.Closer
	}{br, f}, nil
}

// openError says why a file cannot be opened, in words.
func openError(path string, err error) error {
	switch {
	case os.IsNotExist(err):
		return fileErrorf("file_not_found", "%s: the file does not exist", path)
	case os.IsPermission(err):
		return fileErrorf("unreadable_file", "%s: permission denied: the planner may not read this file", path)
	}
	if st, serr := os.Stat(path); serr == nil && st.IsDir() {
		return fileErrorf("unreadable_file", "%s: is a folder, not a file", path)
	}
	return fileErrorf("unreadable_file", "%s: cannot be read (%s)", path, plainError(err))
}

// plainError is an error's text without the Go package prefixes some
// standard errors carry ("gzip: invalid header" -> "invalid header").
func plainError(err error) string {
	s := err.Error()
	for _, p := range []string{"gzip: ", "flate: ", "csv: ", "zip: ", "xml: ", "strconv.ParseFloat: ", "strconv.ParseInt: ", "strconv.Atoi: "} {
		s = strings.ReplaceAll(s, p, "")
	}
	if i := strings.LastIndex(s, ": "); i >= 0 && strings.HasPrefix(s, "open ") {
		s = s[i+2:]
	}
	return s
}

// csvError words an error met while reading a CSV file: the line and what
// is wrong with it, or why the file could not be read.
func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		what := plainError(pe.Err)
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			what = `a quote (") inside a field that is not quoted; quote the whole field and double the quotes inside it`
		case errors.Is(pe.Err, csv.ErrQuote):
			what = "a quoted field is not closed, or has text after its closing quote"
		case errors.Is(pe.Err, csv.ErrFieldCount):
			what = "the wrong number of fields"
		}
		return inputErrorf("%s line %d: %s", path, pe.Line, what)
	}
	return inputErrorf("%s: cannot be read (%s)", path, plainError(err))
}

// inputErrorf is an error in what a file holds: the file's fault, not the
// planner's (commands exit 2 on it).
func inputErrorf(format string, args ...any) error {
	return &Error{Code: "invalid_input", Err: fmt.Errorf(format, args...)}
}

// readError says why a file could not be read to its end: a gzip stream
// cut short or damaged is a truncated file.
func readError(path string, err error) error {
	var corrupt flate.CorruptInputError
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt) {
		return fileErrorf("truncated_file", "%s: the file is damaged or truncated: its gzip stream stops before its end, or fails its checksum, so the extract was cut off or corrupted on the way; load the whole file", path)
	}
	return fileErrorf("unreadable_file", "%s: cannot be read (%s)", path, plainError(err))
}
