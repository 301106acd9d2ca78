package fsutil

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File is a file being written under a temporary name. Commit renames it to
// its final path; Abort removes it. Writes are buffered.
type File struct {
	f    *os.File
	w    *bufio.Writer
	path string
	done bool
}

// Create starts writing the file at path. The folder must exist.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	return &File{f: f, w: bufio.NewWriterSize(f, 1<<20), path: path}, nil
}

// Write implements io.Writer.
func (a *File) Write(p []byte) (int, error) { return a.w.Write(p) }

// WriteString implements io.StringWriter.
func (a *File) WriteString(s string) (int, error) { return a.w.WriteString(s) }

// Path returns the final path.
func (a *File) Path() string { return a.path }

// Commit flushes, syncs and renames the file into place.
func (a *File) Commit() error {
	if a.done {
		return fmt.Errorf("%s: already committed or aborted", a.path)
	}
	a.done = true
	err := a.w.Flush()
	if err == nil {
		err = a.f.Sync()
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(a.f.Name(), Mode())
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.path)
	}
	if err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("cannot write %s: %w", a.path, err)
	}
	return nil
}

// Abort discards the file. It is safe to call after Commit, so it can be
// deferred.
func (a *File) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.f.Name())
}

// WriteFile writes the file at path with fn, atomically.
func WriteFile(path string, fn func(w io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := fn(f); err != nil {
		return err
	}
	return f.Commit()
}
