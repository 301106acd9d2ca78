package datasets

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets/files"
)

// mutations is how many mutated files TestMutatedFilesNeverCorruptOrLoseRows
// loads: a few dozen in CI; PLANNER_MUTATIONS=5000 for a long hunt.
func mutations(t *testing.T) int {
	if v, err := strconv.Atoi(os.Getenv("PLANNER_MUTATIONS")); err == nil && v > 0 {
		return v
	}
	if testing.Short() {
		return 10
	}
	return 60
}

// mutate changes a CSV file the ways real extracts go wrong: bytes flipped
// or cut, quotes and separators added, lines doubled, dropped or split,
// huge or odd numbers, columns lost.
func mutate(rng *rand.Rand, b []byte) []byte {
	b = bytes.Clone(b)
	for range 1 + rng.IntN(3) {
		if len(b) == 0 {
			return b
		}
		i := rng.IntN(len(b))
		switch rng.IntN(10) {
		case 0:
			b[i] ^= byte(1 << rng.IntN(8))
		case 1:
			b = b[:i]
		case 2:
			b = append(b[:i:i], append([]byte{`"`[0]}, b[i:]...)...)
		case 3:
			b = append(b[:i:i], append([]byte{','}, b[i:]...)...)
		case 4:
			b = append(b[:i:i], append([]byte{'\n'}, b[i:]...)...)
		case 5: // double a line
			lines := bytes.SplitAfter(b, []byte("\n"))
			k := rng.IntN(len(lines))
			lines = append(lines[:k+1], lines[k:]...)
			b = bytes.Join(lines, nil)
		case 6: // drop a line
			lines := bytes.SplitAfter(b, []byte("\n"))
			k := rng.IntN(len(lines))
			b = bytes.Join(append(lines[:k:k], lines[k+1:]...), nil)
		case 7:
			odd := []string{"1e308", "-0", "NaN", "inf", "1,5", "  7 ", "0x10", "", "12abc", "9999999999999"}
			b = append(b[:i:i], append([]byte(odd[rng.IntN(len(odd))]), b[i:]...)...)
		case 8: // a NUL or a stray byte
			b = append(b[:i:i], append([]byte{[]byte{0, 0xff, '\r', '\t'}[rng.IntN(4)]}, b[i:]...)...)
		case 9: // lose the last column of the header
			if k := bytes.LastIndexByte(b[:bytes.IndexByte(append(b, '\n'), '\n')], ','); k > 0 {
				b = append(b[:k:k], b[bytes.IndexByte(append(b, '\n'), '\n'):]...)
			}
		}
	}
	return b
}

// Mutated files never panic the loader, never change the database when
// refused, never load fewer or more rows than the file's records, and
// their problems name the file in words, without SQL or the reader's own
// messages.
func TestMutatedFilesNeverCorruptOrLoseRows(t *testing.T) {
	ctx := context.Background()
	s := openMemory(t)
	base := sampleFiles(t)
	_, err := s.Load(ctx, LoadOptions{Files: base})
	require.NoError(t, err)
	before := tableFingerprint(t, s)
	good, err := os.ReadFile(base["sales"])
	require.NoError(t, err)
	leaks := []string{"SELECT", "read_csv", "CAST(", "Error:", "duckdb", "sql:", "runtime error", "goroutine", "planner_stage"}

	rng := rand.New(rand.NewPCG(7, 11))
	dir := t.TempDir()
	loaded, refused := 0, 0
	for n := range mutations(t) {
		b := mutate(rng, good)
		path := filepath.Join(dir, "sales-"+strconv.Itoa(n)+".csv")
		require.NoError(t, os.WriteFile(path, b, 0o644))
		inputs := map[string]string{"products": base["products"], "locations": base["locations"], "sales": path}
		rep, err := s.Load(ctx, LoadOptions{Files: inputs})
		var ve *ValidationError
		switch {
		case errors.As(err, &ve):
			refused++
			require.Equal(t, before, tableFingerprint(t, s), "a refused load changed the database:\n%q", b)
			for _, p := range ve.Problems {
				require.NotEmpty(t, p.Message, "%q", b)
				for _, leak := range leaks {
					require.NotContains(t, p.String(), leak, "%q", b)
				}
			}
		case err != nil:
			t.Fatalf("%q: an error that is not a list of problems: %v", b, err)
		default:
			loaded++
			audit, err := files.CountRecords(bytes.NewReader(b))
			require.NoError(t, err)
			read := rep.Rows("sales")
			if rep.Lines != nil { // repeated keys: read as transaction lines, summed per day
				read = rep.Lines.Lines
			}
			require.Equal(t, audit.Records-1, read, "rows lost or made up:\n%q", b)
			// Back to the sample for the next file.
			_, err = s.Load(ctx, LoadOptions{Files: base})
			require.NoError(t, err)
			before = tableFingerprint(t, s)
		}
	}
	t.Logf("%d mutated files: %d loaded whole, %d refused", loaded+refused, loaded, refused)
	require.Positive(t, refused)
}
