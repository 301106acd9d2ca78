package datasets

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets/files"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestBadInputCorpus validates every case under testdata/bad and compares
// the problems reported with the case's want.txt, line for line. A case is a
// folder of files named after their tables (sales.csv, products.csv, ...)
// and an optional args file with one option per line:
//
//	map canonical=source,...
//	date-format %d/%m/%Y
//	grain daily
//	file table path      (a file named in the options but not in the folder)
func TestBadInputCorpus(t *testing.T) {
	cases, err := os.ReadDir("testdata/bad")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(cases), 15, "the corpus covers at least 15 kinds of bad input")
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata/bad", c.Name())
			opts := corpusOptions(t, dir)
			s := openMemory(t)
			rep, verr := s.Validate(context.Background(), opts)
			var ve *ValidationError
			if verr != nil && !errors.As(verr, &ve) {
				t.Fatalf("validate failed outright: %v", verr)
			}
			var lines []string
			if rep != nil {
				for _, p := range rep.Problems {
					lines = append(lines, strings.ReplaceAll(p.String(), dir+string(filepath.Separator), ""))
				}
			} else {
				lines = append(lines, "fatal: "+strings.ReplaceAll(verr.Error(), dir+string(filepath.Separator), ""))
			}
			got := strings.Join(lines, "\n") + "\n"
			golden := filepath.Join(dir, "want.txt")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test -update to create %s", golden)
			require.Equal(t, string(want), got)
			// Every case must say something; a case with no error must be
			// a warnings-only case and say so in its name.
			require.NotEmpty(t, rep.Problems)
			if strings.HasSuffix(c.Name(), "-warning") {
				require.NoError(t, verr)
			} else {
				require.Error(t, verr, "a bad input must fail validation")
			}
		})
	}
}

func corpusOptions(t *testing.T, dir string) LoadOptions {
	t.Helper()
	opts := LoadOptions{Files: map[string]string{}}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		name := e.Name()
		table := strings.SplitN(name, ".", 2)[0]
		if TableNamed(table) != nil {
			opts.Files[table] = filepath.Join(dir, name)
		}
	}
	f, err := os.Open(filepath.Join(dir, "args"))
	if errors.Is(err, os.ErrNotExist) {
		return opts
	}
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		switch key {
		case "map":
			m, err := files.ParseMapping(val)
			require.NoError(t, err)
			opts.Map = m
		case "date-format":
			opts.DateFormat = val
		case "grain":
			opts.Grain = val
		case "file":
			table, path, _ := strings.Cut(val, " ")
			opts.Files[table] = filepath.Join(dir, path)
		case "":
		default:
			t.Fatalf("unknown option %q in %s/args", key, dir)
		}
	}
	return opts
}

func openMemory(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), "", nil)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}
