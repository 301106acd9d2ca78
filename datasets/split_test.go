package datasets

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/datasets/synth"
	"github.com/planner-engine/planner/internal/shard"
)

// Split writes each SKU's rows to its shard's partition of every table
// that has SKUs, and the other tables whole; the partitions add up to the
// tables, and the same SKU never lands in two shards.
func TestSplitPartitionsBySKU(t *testing.T) {
	ctx := context.Background()
	res0, err := synth.Generate(ctx, t.TempDir(), synth.Config{Stores: 3, SKUs: 12, Days: 60, Horizon: 14}, nil)
	require.NoError(t, err)
	files := map[string]string{}
	for _, tb := range Tables {
		if f, ok := res0.Files[tb.Name]; ok {
			files[tb.Name] = f
		}
	}
	s := openMemory(t)
	_, err = s.Load(ctx, LoadOptions{Files: files})
	require.NoError(t, err)
	out := filepath.Join(t.TempDir(), "split")
	res, err := s.Split(ctx, out, 3)
	require.NoError(t, err)
	assert.Positive(t, res.Rows["sales"])
	_, err = os.Stat(filepath.Join(out, "locations.parquet"))
	require.NoError(t, err, "a table without SKUs is written whole")
	var total int64
	for i := 0; i < 3; i++ {
		part := filepath.Join(out, "sales", "shard="+itoa(i), "*.parquet")
		rows, err := s.db.QueryContext(ctx, "SELECT sku, count(*) FROM read_parquet("+quoteString(part)+") GROUP BY sku")
		require.NoError(t, err)
		for rows.Next() {
			var sku string
			var n int64
			require.NoError(t, rows.Scan(&sku, &n))
			assert.Equal(t, i, shard.Of(sku, 3), sku)
			total += n
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	assert.Equal(t, res.Rows["sales"], total)

	// A shard loads its partitions as folders, and the shared tables.
	one := map[string]string{}
	for _, tb := range Tables {
		if _, ok := res.Rows[tb.Name]; !ok {
			continue
		}
		if tb.Column("sku") != nil {
			// A shard none of whose SKUs a table holds has no partition
			// of it: the table is empty there.
			if p := filepath.Join(out, tb.Name, "shard=1"); exists(p) {
				one[tb.Name] = p
			}
		} else {
			one[tb.Name] = filepath.Join(out, tb.Name+".parquet")
		}
	}
	s1 := openMemory(t)
	_, err = s1.Load(ctx, LoadOptions{Files: one})
	require.NoError(t, err)
	var got, want int64
	require.NoError(t, s1.db.QueryRowContext(ctx, "SELECT count(*) FROM sales").Scan(&got))
	require.NoError(t, s.db.QueryRowContext(ctx, "SELECT count(*) FROM sales WHERE "+shard.SQL("sku", 3)+" = 1").Scan(&want))
	assert.Positive(t, want)
	assert.Equal(t, want, got)
}

func itoa(i int) string { return string(rune('0' + i)) }

func exists(path string) bool { _, err := os.Stat(path); return err == nil }
