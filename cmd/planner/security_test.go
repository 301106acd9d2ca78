package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A run with a security section writes every file owner-only, seals its
// folder to the recipients, and only their identity opens it.
func TestRunSealsItsFolderAndWritesFilesOwnerOnly(t *testing.T) {
	keys := t.TempDir()
	idFile := filepath.Join(keys, "key.txt")
	code, public, errOut := planner(t, "keygen", idFile)
	require.Equal(t, 0, code, errOut)
	public = strings.TrimSpace(public)
	require.True(t, strings.HasPrefix(public, "age1"), public)
	st, err := os.Stat(idFile)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), st.Mode().Perm())

	run := runSample(t, "security:\n  file_mode: \"0600\"\n  recipients: ["+public+"]\n  archive: sealed\n")
	err = filepath.WalkDir(run, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		info, err := d.Info()
		require.NoError(t, err)
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		assert.Equal(t, want, info.Mode().Perm(), p)
		return nil
	})
	require.NoError(t, err)
	db := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(run))), "planner.duckdb")
	st, err = os.Stat(db)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), st.Mode().Perm(), "the database holds costs too")

	sealed := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(run))), "sealed", filepath.Base(run)+".tar.gz.age")
	raw, err := os.ReadFile(sealed)
	require.NoError(t, err)
	orders, err := os.ReadFile(filepath.Join(run, "orders.csv"))
	require.NoError(t, err)
	firstOrder := strings.Split(strings.Split(string(orders), "\n")[1], ",")
	// Whole words of the plan (its first order's id and SKU code, a column,
	// a file's name): three letters alone turn up in the ciphertext's random
	// bytes now and then.
	for _, plain := range []string{firstOrder[0], firstOrder[2], "unit_cost", "orders.csv"} {
		assert.NotContains(t, string(raw), plain)
	}

	// Another identity: a clear refusal, nothing written.
	other := filepath.Join(keys, "other.txt")
	code, _, errOut = planner(t, "keygen", other)
	require.Equal(t, 0, code, errOut)
	out := filepath.Join(t.TempDir(), "opened")
	code, _, errOut = planner(t, "decrypt", sealed, "--identity", other, "--out", out)
	assert.Equal(t, 2, code)
	assert.Equal(t, "planner: "+sealed+": none of the identities can open it: it was sealed to other keys\n", errOut)
	assert.NoDirExists(t, out)

	code, stdout, errOut := planner(t, "decrypt", sealed, "--identity", idFile, "--out", out)
	require.Equal(t, 0, code, errOut)
	entries, err := os.ReadDir(run)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("Opened %d files into %s\n", len(entries), out), stdout)
	got, err := os.ReadFile(filepath.Join(out, "orders.csv"))
	require.NoError(t, err)
	assert.Equal(t, string(orders), string(got))
}

// The ERP token and a password in the URL appear in no output, file or
// log line, even at debug level.
func TestNoSecretInFilesOrLogs(t *testing.T) {
	run := runSample(t)
	const token, password = "tok-5ecret-9f1e", "pw-5ecret-77a2"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"rejected": [{"line_id": "nope", "reason": "unknown"}]}`))
	}))
	defer srv.Close()
	t.Setenv("PLANNER_ERP_TOKEN", token)
	target := strings.Replace(srv.URL, "http://", "http://erp:"+password+"@", 1)
	code, out, errOut := planner(t, "push", "--run", run, "--target", target, "--batch", "40", "--log-level", "debug", "--json")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, errOut, "level=DEBUG", "the debug log is on")
	// A second push: the journal is read back, more log lines.
	code, out2, errOut2 := planner(t, "push", "--run", run, "--target", target, "--log-level", "debug", "--log-format", "json")
	require.Equal(t, 0, code, errOut2)
	for _, text := range []string{out, errOut, out2, errOut2} {
		assert.NotContains(t, text, token)
		assert.NotContains(t, text, password)
	}
	root := filepath.Dir(filepath.Dir(filepath.Dir(run)))
	files := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		raw, err := os.ReadFile(p)
		require.NoError(t, err)
		files++
		assert.NotContains(t, string(raw), token, p)
		assert.NotContains(t, string(raw), password, p)
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, files, 15, "the run, the journal, the database and the inputs were read")
}

// planner archive seals any run folder on demand; decrypt without --out
// opens it beside, under the archive's name.
func TestArchiveCommandAndDecryptDefaults(t *testing.T) {
	run := runSample(t)
	keys := t.TempDir()
	idFile := filepath.Join(keys, "key.txt")
	code, public, errOut := planner(t, "keygen", idFile)
	require.Equal(t, 0, code, errOut)
	public = strings.TrimSpace(public)

	code, _, errOut = planner(t, "archive", run, "--recipient", "age1bogus")
	assert.Equal(t, 2, code)
	assert.Equal(t, "planner: --recipient: entry 1 is not an age public key (one starts age1 and comes from planner keygen or age-keygen)\nRun 'planner help' for usage.\n", errOut)

	to := filepath.Join(t.TempDir(), "night.tar.gz.age")
	code, out, errOut := planner(t, "archive", run, "--recipient", public, "--to", to, "--json")
	require.Equal(t, 0, code, errOut)
	entries, err := os.ReadDir(run)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, map[string]any{"archive": to, "run": run, "files": float64(len(entries)), "recipients": 1.0}, got)

	t.Chdir(t.TempDir())
	code, out, errOut = planner(t, "decrypt", to, "--identity", idFile)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, fmt.Sprintf("Opened %d files into night\n", len(entries)), out)
	assert.FileExists(t, filepath.Join("night", "orders.csv"))
}
