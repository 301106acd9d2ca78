package fsutil

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteFileReplacesOnlyOnSuccess(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.csv")
	require.NoError(t, WriteFile(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "old\n")
		return err
	}))
	err := WriteFile(path, func(w io.Writer) error {
		io.WriteString(w, "half a ")
		return errors.New("disk on fire")
	})
	require.EqualError(t, err, "disk on fire")
	got, _ := os.ReadFile(path)
	assert.Equal(t, "old\n", string(got), "a failed write leaves the old file")
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary file is left behind")

	require.NoError(t, WriteFile(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "new\n")
		return err
	}))
	got, _ = os.ReadFile(path)
	assert.Equal(t, "new\n", string(got))
	st, _ := os.Stat(path)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
}

func TestCreateInAMissingFolderFails(t *testing.T) {
	_, err := Create(filepath.Join(t.TempDir(), "nope", "x.csv"))
	assert.ErrorContains(t, err, "cannot write")
}

func TestCommitTwiceFails(t *testing.T) {
	f, err := Create(filepath.Join(t.TempDir(), "x"))
	require.NoError(t, err)
	require.NoError(t, f.Commit())
	assert.Error(t, f.Commit())
	f.Abort() // harmless after Commit
}
