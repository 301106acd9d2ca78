package archive

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"filippo.io/age"

	"github.com/planner-engine/planner/internal/fsutil"
)

// Ext is the extension of a sealed archive.
const Ext = ".tar.gz.age"

// Seal writes the regular files under dir, in name order, as a sealed
// archive to w. Files are stored by their path relative to dir with
// slashes; modification times are not stored, so the archive says nothing
// the files do not.
func Seal(w io.Writer, dir string, recipients []age.Recipient) (files int, err error) {
	if len(recipients) == 0 {
		return 0, errors.New("an archive needs at least one recipient's public key")
	}
	var names []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("cannot read %s: %w", dir, err)
	}
	slices.Sort(names)
	enc, err := age.Encrypt(w, recipients...)
	if err != nil {
		return 0, fmt.Errorf("cannot encrypt to these recipients: %w", err)
	}
	zw := gzip.NewWriter(enc)
	tw := tar.NewWriter(zw)
	for _, name := range names {
		if err := addFile(tw, filepath.Join(dir, filepath.FromSlash(name)), name); err != nil {
			return 0, err
		}
	}
	for _, c := range []io.Closer{tw, zw, enc} {
		if err := c.Close(); err != nil {
			return 0, err
		}
	}
	return len(names), nil
}

func addFile(tw *tar.Writer, src, name string) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", src, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", src, err)
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o600, Size: st.Size(), Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := io.CopyN(tw, f, st.Size()); err != nil {
		return fmt.Errorf("cannot read %s: %w", src, err)
	}
	return nil
}

// ErrNotForYou is the error of Open when none of the identities is one the
// archive was sealed to.
var ErrNotForYou = errors.New("none of the identities can open it: it was sealed to other keys")

// ErrDamaged is the error of Open when the archive is cut short or was
// changed after sealing.
var ErrDamaged = errors.New("it is damaged or was changed after it was sealed")

// Open decrypts a sealed archive and writes its files under dir, which
// must not exist yet (it is created with its parents). It returns the
// names written. A name that would land outside dir, or anything but a
// regular file, is refused. On any error dir is removed again, so no half
// of an archive is ever left to be mistaken for the whole.
func Open(r io.Reader, identities []age.Identity, dir string) (names []string, err error) {
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("%s already exists; name a new folder", dir)
	}
	dec, err := age.Decrypt(r, identities...)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, ErrNotForYou
		}
		return nil, ErrDamaged
	}
	zr, err := gzip.NewReader(dec)
	if err != nil {
		return nil, ErrDamaged
	}
	if err := os.MkdirAll(dir, fsutil.DirMode()); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
			names = nil
		}
	}()
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, ErrDamaged
		}
		name := path.Clean(hdr.Name)
		if hdr.Typeflag != tar.TypeReg || path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, "\\") {
			return nil, fmt.Errorf("it holds %q, which is not a file inside the archive's folder; nothing was written", hdr.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), fsutil.DirMode()); err != nil {
			return nil, err
		}
		src := &readerErr{r: tr}
		err = fsutil.WriteFile(dst, func(w io.Writer) error {
			_, err := io.Copy(w, src)
			return err
		})
		if src.err != nil {
			return nil, ErrDamaged
		}
		if err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	// The gzip trailer and age's last chunk are checked only once read.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, ErrDamaged
	}
	return names, nil
}

// readerErr remembers its reader's error, which tells a damaged archive
// from a disk that cannot be written.
type readerErr struct {
	r   io.Reader
	err error
}

func (e *readerErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		e.err = err
	}
	return n, err
}
