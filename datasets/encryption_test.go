package datasets

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// DuckDB's own database encryption writes only with OpenSSL, which comes
// with its httpfs extension; this driver has none, so DuckDB refuses to
// write an encrypted file unless told to use a mode it calls not secure.
// The database therefore sits on an encrypted volume (docs/security.md).
// When this test fails, a driver has brought secure encryption: switch to
// it and update docs/security.md.
func TestDuckDBCannotYetEncryptSecurely(t *testing.T) {
	s := openMemory(t)
	path := filepath.Join(t.TempDir(), "encrypted.duckdb")
	_, err := s.DB().Exec(fmt.Sprintf("ATTACH '%s' AS enc (ENCRYPTION_KEY 'a key'); CREATE TABLE enc.t AS SELECT 1 AS x", path))
	assert.ErrorContains(t, err, "read-only crypto module")
}
