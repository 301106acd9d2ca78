package archive

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func keyPair(t *testing.T) ([]age.Identity, []age.Recipient) {
	t.Helper()
	secret, public, err := NewKey()
	require.NoError(t, err)
	ids, err := parseIdentities("key.txt", strings.NewReader("# planner\n"+secret+"\n"))
	require.NoError(t, err)
	recs, err := age.ParseRecipients(strings.NewReader(public))
	require.NoError(t, err)
	return ids, recs
}

func runFolder(t *testing.T) string {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "exceptions"), 0o755))
	for name, text := range map[string]string{
		"orders.csv":            "order_id,sku,unit_cost\nPO-1,SECRETSKU-1,12.3456\n",
		"prices.csv":            "sku,price\nSECRETSKU-1,987.65\n",
		"exceptions/stores.csv": "location\nSTORE-HAMBURG\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	return dir
}

func TestSealedArchiveHidesThePlanAndOpensWithTheKey(t *testing.T) {
	ids, recs := keyPair(t)
	src := runFolder(t)
	var sealed bytes.Buffer
	n, err := Seal(&sealed, src, recs)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	for _, plain := range []string{"SECRETSKU", "12.3456", "987.65", "STORE-HAMBURG", "orders.csv", "unit_cost"} {
		assert.NotContains(t, sealed.String(), plain)
	}

	dst := filepath.Join(t.TempDir(), "opened")
	names, err := Open(bytes.NewReader(sealed.Bytes()), ids, dst)
	require.NoError(t, err)
	assert.Equal(t, []string{"exceptions/stores.csv", "orders.csv", "prices.csv"}, names)
	for _, name := range names {
		want, _ := os.ReadFile(filepath.Join(src, name))
		got, err := os.ReadFile(filepath.Join(dst, name))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), name)
	}
}

func TestOpenRefusesOtherKeysAndDamage(t *testing.T) {
	_, recs := keyPair(t)
	otherIDs, _ := keyPair(t)
	var sealed bytes.Buffer
	_, err := Seal(&sealed, runFolder(t), recs)
	require.NoError(t, err)

	dst := filepath.Join(t.TempDir(), "opened")
	_, err = Open(bytes.NewReader(sealed.Bytes()), otherIDs, dst)
	assert.ErrorIs(t, err, ErrNotForYou)
	assert.NoDirExists(t, dst)

	// A flipped byte in the payload, and a cut-off archive.
	ownIDs, ownRecs := keyPair(t)
	sealed.Reset()
	_, err = Seal(&sealed, runFolder(t), ownRecs)
	require.NoError(t, err)
	flipped := bytes.Clone(sealed.Bytes())
	flipped[len(flipped)-20] ^= 1
	for name, b := range map[string][]byte{"flipped": flipped, "cut": sealed.Bytes()[:len(sealed.Bytes())-40]} {
		_, err = Open(bytes.NewReader(b), ownIDs, dst)
		assert.ErrorIs(t, err, ErrDamaged, name)
		assert.NoDirExists(t, dst, "no half archive is left: %s", name)
	}

	// An existing folder is never written into.
	_, err = Open(bytes.NewReader(sealed.Bytes()), ownIDs, t.TempDir())
	assert.ErrorContains(t, err, "already exists; name a new folder")
}

func TestSealNeedsARecipientAndIdentitiesAreChecked(t *testing.T) {
	_, err := Seal(&bytes.Buffer{}, runFolder(t), nil)
	assert.EqualError(t, err, "an archive needs at least one recipient's public key")
	_, err = parseIdentities("key.txt", strings.NewReader("age1notasecret\n"))
	assert.EqualError(t, err, "key.txt line 1 is not an age identity (a secret key starting AGE-SECRET-KEY-)")
	_, err = parseIdentities("key.txt", strings.NewReader("# nothing here\n"))
	assert.EqualError(t, err, "key.txt holds no age identity (a secret key starting AGE-SECRET-KEY-)")
	_, err = ReadIdentities(filepath.Join(t.TempDir(), "missing.txt"))
	assert.ErrorContains(t, err, "cannot read the identity file")
}

func TestOpenRefusesNamesOutsideItsFolder(t *testing.T) {
	ids, recs := keyPair(t)
	for _, name := range []string{"../evil.csv", "/etc/evil.csv", "a/../../evil.csv"} {
		var sealed bytes.Buffer
		enc, err := age.Encrypt(&sealed, recs...)
		require.NoError(t, err)
		zw := gzip.NewWriter(enc)
		tw := tar.NewWriter(zw)
		require.NoError(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o600, Size: 1}))
		_, err = tw.Write([]byte("x"))
		require.NoError(t, err)
		require.NoError(t, tw.Close())
		require.NoError(t, zw.Close())
		require.NoError(t, enc.Close())
		root := t.TempDir()
		dst := filepath.Join(root, "opened")
		_, err = Open(&sealed, ids, dst)
		assert.EqualError(t, err, fmt.Sprintf("it holds %q, which is not a file inside the archive's folder; nothing was written", name))
		assert.NoDirExists(t, dst)
		assert.NoFileExists(t, filepath.Join(root, "evil.csv"))
	}
}
