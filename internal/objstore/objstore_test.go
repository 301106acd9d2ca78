package objstore

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/internal/objstore/objstoretest"
)

func TestStoresRoundTrip(t *testing.T) {
	ctx := context.Background()
	local := t.TempDir()
	for name, loc := range map[string]string{
		"folder": filepath.Join(local, "plain"),
		"file":   "file://" + filepath.ToSlash(filepath.Join(local, "url")),
		"s3":     objstoretest.S3(t, "runs", "nightly/2025-01-06"),
	} {
		t.Run(name, func(t *testing.T) {
			s, err := Open(ctx, loc)
			require.NoError(t, err)
			defer s.Close()
			require.NoError(t, s.Put(ctx, "sales/shard=0/data_0.parquet", strings.NewReader("zero")))
			require.NoError(t, s.Put(ctx, "sales/shard=1/data_0.parquet", strings.NewReader("one")))
			require.NoError(t, s.Put(ctx, "params.json", strings.NewReader("{}")))
			keys, err := s.List(ctx, "")
			require.NoError(t, err)
			assert.Equal(t, []string{"params.json", "sales/shard=0/data_0.parquet", "sales/shard=1/data_0.parquet"}, keys)
			keys, err = s.List(ctx, "sales/")
			require.NoError(t, err)
			assert.Len(t, keys, 2)
			got, err := s.Get(ctx, "sales/shard=1/data_0.parquet")
			require.NoError(t, err)
			assert.Equal(t, "one", string(got))
			size, err := s.Size(ctx, "params.json")
			require.NoError(t, err)
			assert.Equal(t, int64(2), size)

			_, err = s.Get(ctx, "missing.json")
			assert.True(t, errors.Is(err, fs.ErrNotExist), "%v", err)
			assert.Contains(t, err.Error(), "missing.json")
			_, err = s.Size(ctx, "missing.json")
			assert.True(t, errors.Is(err, fs.ErrNotExist))
			require.NoError(t, s.Delete(ctx, "missing.json"), "deleting nothing is no error")

			dir := t.TempDir()
			n, err := s.Download(ctx, dir, func(key string) bool { return !strings.Contains(key, "shard=1") })
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			raw, err := os.ReadFile(filepath.Join(dir, "sales", "shard=0", "data_0.parquet"))
			require.NoError(t, err)
			assert.Equal(t, "zero", string(raw))
			_, err = os.Stat(filepath.Join(dir, "sales", "shard=1"))
			assert.True(t, os.IsNotExist(err))

			require.NoError(t, s.Delete(ctx, "params.json"))
			keys, err = s.List(ctx, "")
			require.NoError(t, err)
			assert.Len(t, keys, 2)
			_, isLocal := s.Local()
			assert.Equal(t, name != "s3", isLocal, "file:// URLs are local folders too")
		})
	}
	// Objects are written under the prefix only, and nothing else is left
	// beside them in a local folder.
	entries, err := os.ReadDir(filepath.Join(local, "plain"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the sales folder only")
}

func TestAFailedWriteLeavesNoObject(t *testing.T) {
	ctx := context.Background()
	for name, loc := range map[string]string{"folder": t.TempDir(), "s3": objstoretest.S3(t, "runs", "x")} {
		t.Run(name, func(t *testing.T) {
			s, err := Open(ctx, loc)
			require.NoError(t, err)
			defer s.Close()
			err = s.Put(ctx, "half.csv", &failingReader{after: "a,b\n1,"})
			require.Error(t, err)
			_, err = s.Size(ctx, "half.csv")
			assert.True(t, errors.Is(err, fs.ErrNotExist), "no half-written object: %v", err)
			keys, err := s.List(ctx, "")
			require.NoError(t, err)
			assert.Empty(t, keys)
		})
	}
}

type failingReader struct {
	after string
	done  bool
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, errors.New("the disk went away")
	}
	r.done = true
	return copy(p, r.after), nil
}

func TestBadLocationsAndKeys(t *testing.T) {
	ctx := context.Background()
	for loc, want := range map[string]string{
		"ftp://host/x": "ftp://host/x: object storage is s3://, gs:// or file://, not ftp://",
		"s3:///prefix": "s3:///prefix names no bucket",
	} {
		_, err := Open(ctx, loc)
		assert.EqualError(t, err, want)
	}
	s, err := Open(ctx, t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	for _, key := range []string{"../escape", "a/../../b", "/abs", ""} {
		assert.Error(t, s.Put(ctx, key, strings.NewReader("x")), key)
	}
	assert.False(t, IsURL("runs/2025"))
	assert.False(t, IsURL(`C:\runs`))
	assert.True(t, IsURL("s3://b/p"))
}
