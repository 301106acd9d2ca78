package files

import (
	"bytes"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Expand returns the files an input names, sorted: the file itself; the
// files a glob matches (sales/*.parquet); or the data files anywhere under
// a folder, such as the hive partitions sales/date=2024-01-01/part-0.parquet.
// Hidden files and the markers that writers leave (_SUCCESS, .crc files)
// are skipped. Every file must be of one format.
func Expand(spec string) ([]string, error) {
	var found []string
	switch st, err := os.Stat(spec); {
	case err == nil && st.IsDir():
		err := filepath.WalkDir(spec, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if path != spec && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && isDataFile(name) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, fileErrorf("unreadable_file", "%s: the folder cannot be listed (%s)", spec, plainError(err))
		}
		if len(found) == 0 {
			return nil, fileErrorf("file_not_found", "%s: the folder holds no data files (.csv, .csv.gz, .tsv, .parquet or .xlsx)", spec)
		}
	case err == nil:
		return []string{spec}, nil
	case hasGlob(spec):
		matches, gerr := filepath.Glob(spec)
		if gerr != nil {
			return nil, fileErrorf("file_not_found", "%s: the pattern is malformed; use * and ? in file names, or name a folder", spec)
		}
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil && !st.IsDir() && !strings.HasPrefix(filepath.Base(m), ".") {
				found = append(found, m)
			}
		}
		if len(found) == 0 {
			return nil, fileErrorf("file_not_found", "%s: no file matches the pattern", spec)
		}
	default:
		return []string{spec}, nil // the reader says the file does not exist
	}
	slices.Sort(found)
	first, err := DetectFormat(found[0])
	if err != nil {
		return nil, err
	}
	for _, f := range found[1:] {
		if got, err := DetectFormat(f); err != nil {
			return nil, err
		} else if got != first {
			return nil, fileErrorf("mixed_formats", "%s: holds both %s and %s files; an input's files must all be of one format", spec, first, got)
		}
	}
	return found, nil
}

func hasGlob(s string) bool { return strings.ContainsAny(s, "*?[") }

func isDataFile(name string) bool {
	_, err := formatOfName(name)
	return err == nil
}

// HiveKeys returns the partition keys in a file's folders, in order: date
// for sales/date=2024-01-01/part-0.parquet. The readers add them to the
// file's columns, with the values the folder names give.
func HiveKeys(path string) []string {
	var keys []string
	dir := filepath.Dir(filepath.Clean(path))
	for _, seg := range strings.Split(filepath.ToSlash(dir), "/") {
		if k, _, ok := strings.Cut(seg, "="); ok && k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// String names the format as people know it.
func (f Format) String() string {
	switch f {
	case Parquet:
		return "Parquet"
	case XLSX:
		return "XLSX"
	}
	return "CSV"
}

// sniffContent recognises a file's format from its first bytes: Parquet
// files start with PAR1, XLSX workbooks are zip archives (PK), gzip
// streams start 1f 8b; ok is false for anything else (text, or unknown).
func sniffContent(path string) (f Format, gz, ok bool) {
	file, err := os.Open(path)
	if err != nil {
		return 0, false, false
	}
	defer file.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(file, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return Parquet, false, true
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return XLSX, false, true
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return CSV, true, true
	}
	return 0, false, false
}

// CheckParquet says whether a Parquet file is whole: it starts and ends
// with the format's magic bytes, around a footer that fits in the file. A
// file cut short on the way fails here, in words, before any reader sees it.
func CheckParquet(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return openError(path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return openError(path, err)
	}
	if st.Size() == 0 {
		return fileErrorf("empty_file", "%s: the file is empty", path)
	}
	tail := make([]byte, 8)
	if st.Size() < 12 {
		return fileErrorf("truncated_file", "%s: cannot be read as a Parquet file: it is damaged, cut short or written by a tool that did not finish; export it again", path)
	}
	if _, err := f.ReadAt(tail, st.Size()-8); err != nil || !bytes.Equal(tail[4:], []byte("PAR1")) {
		return fileErrorf("truncated_file", "%s: cannot be read as a Parquet file: it is damaged, cut short or written by a tool that did not finish; export it again", path)
	}
	footer := int64(tail[0]) | int64(tail[1])<<8 | int64(tail[2])<<16 | int64(tail[3])<<24
	if footer <= 0 || footer > st.Size()-12 {
		return fileErrorf("truncated_file", "%s: cannot be read as a Parquet file: it is damaged, cut short or written by a tool that did not finish; export it again", path)
	}
	return nil
}

// IsDatabaseURL says whether an input names a PostgreSQL database
// (postgres://user@host/db, or postgresql://) rather than a file.
func IsDatabaseURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// RedactURL returns a database URL with its password (in the user part or
// the password parameter) replaced by xxxxx, as it may be shown and
// recorded; a URL that does not parse is not shown at all.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "the database URL"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
