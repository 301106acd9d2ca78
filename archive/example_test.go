package archive_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"github.com/planner-engine/planner/archive"
)

func Example() {
	run, _ := os.MkdirTemp("", "run")
	defer os.RemoveAll(run)
	os.WriteFile(filepath.Join(run, "orders.csv"), []byte("order_id,sku\nPO-1,A\n"), 0o600)

	// The merchandising lead keeps the identity; planner.yaml names the
	// recipient.
	secret, public, _ := archive.NewKey()
	recipients, _ := age.ParseRecipients(strings.NewReader(public))
	var sealed bytes.Buffer
	n, _ := archive.Seal(&sealed, run, recipients)
	fmt.Println(n, "file sealed; plain text inside:", strings.Contains(sealed.String(), "PO-1"))

	keyFile := filepath.Join(run, "key.txt")
	os.WriteFile(keyFile, []byte(secret+"\n"), 0o600)
	ids, _ := archive.ReadIdentities(keyFile)
	names, err := archive.Open(&sealed, ids, filepath.Join(run, "opened"))
	fmt.Println(names, err)
	// Output:
	// 1 file sealed; plain text inside: false
	// [orders.csv] <nil>
}
