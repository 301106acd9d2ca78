package archive

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"filippo.io/age"
)

// NewKey makes a new key pair: the identity (secret, for the people who
// open archives) and its recipient (public, for planner.yaml). It makes
// an X25519 key, whose public half fits on a line; age's post-quantum
// hybrid keys (age1pq1...) work as recipients too.
func NewKey() (identity, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", err
	}
	return id.String(), id.Recipient().String(), nil
}

// ReadIdentities reads an identity file: one identity per line, as NewKey,
// age-keygen or planner keygen write them, with # comments.
func ReadIdentities(path string) ([]age.Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the identity file %s", path)
	}
	defer f.Close()
	return parseIdentities(path, f)
}

// parseIdentities reads identities line by line so that a bad line is
// named in our words; the line itself is never shown, as it may be a
// secret key with a typo.
func parseIdentities(path string, r io.Reader) ([]age.Identity, error) {
	var ids []age.Identity
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		got, err := age.ParseIdentities(strings.NewReader(line))
		if err != nil {
			return nil, fmt.Errorf("%s line %d is not an age identity (a secret key starting AGE-SECRET-KEY-)", path, n)
		}
		ids = append(ids, got...)
	}
	if sc.Err() != nil || len(ids) == 0 {
		return nil, fmt.Errorf("%s holds no age identity (a secret key starting AGE-SECRET-KEY-)", path)
	}
	return ids, nil
}
