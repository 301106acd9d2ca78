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
	assert.Equal(t, DefaultMode, st.Mode().Perm(), "plans carry costs: group-readable at most")
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

func TestModeIsConfigurable(t *testing.T) {
	defer SetMode(DefaultMode)
	m, err := ParseMode("0600")
	require.NoError(t, err)
	SetMode(m)
	path := filepath.Join(t.TempDir(), "prices.csv")
	require.NoError(t, WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "x\n"); return err }))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	assert.Equal(t, os.FileMode(0o700), DirMode())
	SetMode(DefaultMode)
	assert.Equal(t, os.FileMode(0o750), DirMode())

	for s, want := range map[string]string{
		"0660":  `"0660" is not a permission the planner writes with: the owner must read and write, no one may execute, and no one else may write (0600, 0640 or 0644)`,
		"0755":  `"0755" is not a permission the planner writes with: the owner must read and write, no one may execute, and no one else may write (0600, 0640 or 0644)`,
		"0400":  `"0400" is not a permission the planner writes with: the owner must read and write, no one may execute, and no one else may write (0600, 0640 or 0644)`,
		"rw-r-": `"rw-r-" is not a file permission; write it in octal, such as 0640`,
		"01640": `"01640" is not a file permission; write it in octal, such as 0640`,
	} {
		_, err := ParseMode(s)
		assert.EqualError(t, err, want)
	}
	for _, s := range []string{"600", "0640", "0644"} {
		_, err := ParseMode(s)
		assert.NoError(t, err, s)
	}
}
