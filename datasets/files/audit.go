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
	// LoneCR lists the lines (at most 20) holding a carriage return
	// outside quotes that no line feed follows, and LoneCRCount how many
	// there are. Readers disagree on such a byte (a line end to one, text
	// to another), so rows would be split or merged.
	LoneCR      []int64
	LoneCRCount int64
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
	crPending bool  // the chunk ended in a CR outside quotes
	lastCR    int64 // the last line counted for a lone CR
}

func (c *counter) feed(chunk []byte) {
	if len(chunk) == 0 {
		return
	}
	if c.crPending && chunk[0] != '\n' {
		c.loneCR()
	}
	c.crPending = false
	if !c.quoted && bytes.IndexByte(chunk, '"') < 0 {
		// No quote: every newline ends a record; find them fast. Most
		// files have no carriage return at all: then no line needs a look.
		cr := bytes.IndexByte(chunk, '\r') >= 0
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				if cr {
					c.checkCR(chunk, true)
				}
				c.recordLen += int64(len(chunk))
				c.prev = chunk[len(chunk)-1]
				return
			}
			if cr {
				c.checkCR(chunk[:i], false)
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
	for k, b := range chunk {
		if k > 0 && c.prev == '\r' && b != '\n' && !c.quoted {
			c.loneCR()
		}
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
	c.crPending = c.prev == '\r' && !c.quoted
}

// checkCR records the lone carriage returns of a piece of a line without
// quotes: any CR but one that ends the piece, just before its line feed.
// open says no line feed follows the piece yet (the chunk ended there), so
// a CR ending it is judged by the next chunk's first byte.
func (c *counter) checkCR(piece []byte, open bool) {
	for i := bytes.IndexByte(piece, '\r'); i >= 0; i = nextCR(piece, i) {
		if i < len(piece)-1 {
			c.loneCR()
		} else if open {
			c.crPending = true
		}
	}
}

func nextCR(piece []byte, i int) int {
	j := bytes.IndexByte(piece[i+1:], '\r')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// loneCR counts a line holding a lone carriage return, once per line.
func (c *counter) loneCR() {
	if c.a.LoneCRCount > 0 && c.lastCR == c.line {
		return
	}
	c.lastCR = c.line
	c.a.LoneCRCount++
	if len(c.a.LoneCR) < 20 {
		c.a.LoneCR = append(c.a.LoneCR, c.line)
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
