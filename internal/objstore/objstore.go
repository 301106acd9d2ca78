package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/gcsblob" // gs:// URLs
	_ "gocloud.dev/blob/s3blob"  // s3:// URLs
	"gocloud.dev/gcerrors"

	"github.com/planner-engine/planner/internal/fsutil"
)

// Store is a folder of objects: a local folder, or a prefix of a bucket.
type Store struct {
	bucket *blob.Bucket
	loc    string // as given, for messages
	local  string // the folder, when the location is one
}

// IsURL says whether loc names object storage (scheme://...) rather than
// a local folder.
func IsURL(loc string) bool {
	u, err := url.Parse(loc)
	return err == nil && len(u.Scheme) > 1 && strings.Contains(loc, "://")
}

// Open opens the folder loc names: a local path, file:///folder, or
// s3://bucket/prefix and gs://bucket/prefix with the driver's query
// parameters (for S3: region, endpoint, use_path_style; credentials come
// from the environment, as for the provider's own tools). A local folder
// is created when missing.
func Open(ctx context.Context, loc string) (*Store, error) {
	if !IsURL(loc) {
		return openFolder(loc, loc)
	}
	u, err := url.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("%s is not a URL: %v", loc, err)
	}
	switch u.Scheme {
	case "file":
		return openFolder(loc, filepath.FromSlash(u.Path))
	case "s3", "gs":
	default:
		return nil, fmt.Errorf("%s: object storage is s3://, gs:// or file://, not %s://", loc, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%s names no bucket", loc)
	}
	prefix := strings.Trim(u.Path, "/")
	u.Path = ""
	b, err := blob.OpenBucket(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("%s cannot be opened: %s", loc, plain(err))
	}
	if prefix != "" {
		b = blob.PrefixedBucket(b, prefix+"/")
	}
	return &Store{bucket: b, loc: strings.TrimRight(loc, "/")}, nil
}

func openFolder(loc, dir string) (*Store, error) {
	if dir == "" {
		return nil, fmt.Errorf("%s names no folder", loc)
	}
	if err := os.MkdirAll(dir, fsutil.DirMode()); err != nil {
		return nil, fmt.Errorf("%s: the folder cannot be made (%s)", loc, plain(err))
	}
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{DirFileMode: fsutil.DirMode(), NoTempDir: true, Metadata: fileblob.MetadataDontWrite})
	if err != nil {
		return nil, fmt.Errorf("%s cannot be opened: %s", loc, plain(err))
	}
	return &Store{bucket: b, loc: strings.TrimRight(loc, "/"), local: dir}, nil
}

// Close releases the store.
func (s *Store) Close() error { return s.bucket.Close() }

// String is the location as given.
func (s *Store) String() string { return s.loc }

// Local is the folder the store is, when it is a local one.
func (s *Store) Local() (string, bool) { return s.local, s.local != "" }

// Where names an object for messages: its path or URL.
func (s *Store) Where(key string) string { return s.loc + "/" + key }

// Put writes the object key from r: whole, or not at all.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) error {
	if err := checkKey(key); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.bucket.NewWriter(ctx, key, nil)
	if err != nil {
		return fmt.Errorf("%s cannot be written: %s", s.Where(key), plain(err))
	}
	if _, err := io.Copy(w, r); err != nil {
		cancel() // a cancelled writer commits nothing
		w.Close()
		return fmt.Errorf("%s cannot be written: %s", s.Where(key), plain(err))
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s cannot be written: %s", s.Where(key), plain(err))
	}
	return nil
}

// PutFile uploads a local file as the object key.
func (s *Store) PutFile(ctx context.Context, key, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	return s.Put(ctx, key, f)
}

// Get reads the object key; a missing one is an error that matches
// fs.ErrNotExist.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := s.bucket.ReadAll(ctx, key)
	if err != nil {
		return nil, s.readError(key, err)
	}
	return b, nil
}

// Size is the object's size in bytes; a missing one is an error that
// matches fs.ErrNotExist.
func (s *Store) Size(ctx context.Context, key string) (int64, error) {
	a, err := s.bucket.Attributes(ctx, key)
	if err != nil {
		return 0, s.readError(key, err)
	}
	return a.Size, nil
}

// Delete removes the object key; a missing one is no error.
func (s *Store) Delete(ctx context.Context, key string) error {
	err := s.bucket.Delete(ctx, key)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("%s cannot be deleted: %s", s.Where(key), plain(err))
	}
	return nil
}

// List returns the keys under prefix (a folder's, ending in /, or "" for
// all), in order.
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	it := s.bucket.List(&blob.ListOptions{Prefix: prefix})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return keys, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s cannot be listed: %s", s.Where(prefix), plain(err))
		}
		keys = append(keys, obj.Key)
	}
}

// Download copies the objects keep accepts (all when nil) into dir,
// keeping their paths, and returns how many it copied.
func (s *Store) Download(ctx context.Context, dir string, keep func(key string) bool) (int, error) {
	keys, err := s.List(ctx, "")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, key := range keys {
		if keep != nil && !keep(key) {
			continue
		}
		if err := checkKey(key); err != nil {
			return n, err
		}
		if err := s.GetFile(ctx, key, filepath.Join(dir, filepath.FromSlash(key))); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// GetFile downloads the object key into the local file to, atomically.
func (s *Store) GetFile(ctx context.Context, key, to string) error {
	r, err := s.bucket.NewReader(ctx, key, nil)
	if err != nil {
		return s.readError(key, err)
	}
	defer r.Close()
	if err := os.MkdirAll(filepath.Dir(to), fsutil.DirMode()); err != nil {
		return err
	}
	return fsutil.WriteFile(to, func(w io.Writer) error {
		if _, err := io.Copy(w, r); err != nil {
			return fmt.Errorf("%s cannot be read: %s", s.Where(key), plain(err))
		}
		return nil
	})
}

func (s *Store) readError(key string, err error) error {
	if gcerrors.Code(err) == gcerrors.NotFound {
		return &fs.PathError{Op: "read", Path: s.Where(key), Err: fs.ErrNotExist}
	}
	return fmt.Errorf("%s cannot be read: %s", s.Where(key), plain(err))
}

// checkKey refuses a key that would leave its folder when downloaded.
func checkKey(key string) error {
	clean := path.Clean("/" + key)
	if key == "" || clean != "/"+key || strings.Contains(key, "\\") {
		return fmt.Errorf("object %q: a key must be a plain relative path", key)
	}
	return nil
}

// plain is an error's message without the Go package's prefix.
func plain(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); strings.HasPrefix(msg, "blob (") && i > 0 {
		msg = msg[i+2:]
	}
	return msg
}
