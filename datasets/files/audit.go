package files

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// MaxLineBytes is the longest line a CSV file may hold (the loader tells
// DuckDB's reader the same): longer lines are refused by number, never
// dropped.
const MaxLineBytes = 8 << 20

// Audit is what one pass over a file's bytes says of it, for the load's
// report and its checks: the file's SHA-256, whether its gzip stream is
// whole, and, for CSV text, how many records it holds and which lines are
// too long.
type Audit struct {
	SHA256 string
	// Truncated says the gzip stream does not decompress to its end mark
	// (cut short, a corrupt block, a checksum that does not match): the
	// file was cut off or damaged.
	Truncated bool
	// Records counts the CSV records, the header included: lines outside
	// quotes that are not empty (a reader skips empty lines).
	Records int64
	// Long lists the lines longer than MaxLineBytes (at most 20), and
	// LongCount how many there are.
	Long      []LongLine
	LongCount int64
}

// LongLine is a line too long to load: its number (1-based) and length.
type LongLine struct {
	Line  int64
	Bytes int64
}

// AuditFile reads a file once: its SHA-256 over the bytes on disk and, for
// CSV text (gzip-compressed or not), its records and long lines.
func AuditFile(path string, csv bool) (*Audit, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	defer f.Close()
	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(f, h), 1<<20)
	a := &Audit{}
	if !csv {
		if _, err := io.Copy(io.Discard, br); err != nil {
			return nil, fmt.Errorf("%s: cannot be read (%s)", path, plainError(err))
		}
		a.SHA256 = hex.EncodeToString(h.Sum(nil))
		return a, nil
	}
	var text io.Reader = br
	magic, _ := br.Peek(2)
	gz := len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
	if gz {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, inputErrorf("%s: damaged gzip file (%s)", path, plainError(err))
		}
		text = zr
	}
	if err := a.count(text); err != nil {
		if !gz {
			return nil, fmt.Errorf("%s: cannot be read (%s)", path, plainError(err))
		}
		// Any error of the gzip stream (cut short, a bad checksum, a
		// corrupt block) means the text is not the file that was sent.
		a.Truncated = true
	}
	// Whatever follows the text (a torn stream) still counts in the
	// checksum of the file.
	io.Copy(io.Discard, br)
	a.SHA256 = hex.EncodeToString(h.Sum(nil))
	return a, nil
}

// CountRecords counts the records and long lines of CSV text with " as its
// quote (a quote inside a quoted field is doubled).
func CountRecords(r io.Reader) (*Audit, error) {
	a := &Audit{}
	return a, a.count(r)
}

func (a *Audit) count(r io.Reader) error {
	c := &counter{a: a, line: 1, start: 1}
	buf := make([]byte, 1<<20)
	for {
		n, err := r.Read(buf)
		c.feed(buf[:n])
		if err == io.EOF {
			c.close(c.prev)
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// counter follows CSV text across reads.
type counter struct {
	a         *Audit
	quoted    bool
	recordLen int64 // bytes of the current record so far, without its newline
	line      int64 // the current line's number
	start     int64 // the line the current record starts on
	prev      byte  // the last byte read
}

func (c *counter) feed(chunk []byte) {
	if !c.quoted && bytes.IndexByte(chunk, '"') < 0 {
		// No quote: every newline ends a record; find them fast.
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				c.recordLen += int64(len(chunk))
				c.prev = chunk[len(chunk)-1]
				return
			}
			c.recordLen += int64(i)
			before := c.prev
			if i > 0 {
				before = chunk[i-1]
			}
			c.close(before)
			c.line++
			c.start = c.line
			c.prev = '\n'
			chunk = chunk[i+1:]
		}
		return
	}
	for _, b := range chunk {
		switch {
		case b == '"':
			c.quoted = !c.quoted
			c.recordLen++
		case b == '\n':
			c.line++
			if c.quoted {
				c.recordLen++
			} else {
				c.close(c.prev)
				c.start = c.line
			}
		default:
			c.recordLen++
		}
		c.prev = b
	}
}

// close ends the current record; before is the byte before its end. An
// empty record, or one of a lone carriage return, is a blank line.
func (c *counter) close(before byte) {
	n := c.recordLen
	c.recordLen = 0
	if n == 0 || (n == 1 && before == '\r') {
		return
	}
	c.a.Records++
	if n > MaxLineBytes {
		c.a.LongCount++
		if len(c.a.Long) < 20 {
			c.a.Long = append(c.a.Long, LongLine{Line: c.start, Bytes: n})
		}
	}
}
