package datasets

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/internal/shard"
)

// The shard of a SKU is the same in Go and in DuckDB's SQL, for 100,000
// SKUs of many shapes (codes, names with spaces, non-Latin text, empty)
// and shard counts from 1 to 1024: an export can partition upstream with
// the SQL expression and every shard reads exactly its SKUs.
func TestShardHashIsTheSameInGoAndSQL(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "", nil)
	require.NoError(t, err)
	defer s.Close()
	_, err = s.db.ExecContext(ctx, `CREATE TEMP TABLE skus (sku VARCHAR)`)
	require.NoError(t, err)
	skus := make([]string, 0, 100000)
	forms := []string{"SKU%05d", "%d", "item %d / size L", "货号-%d", "Äpfel-%dL", " %d ", "A-%x-Z"}
	for i := 0; len(skus) < 100000; i++ {
		skus = append(skus, fmt.Sprintf(forms[i%len(forms)], i))
	}
	skus[0] = ""
	var b strings.Builder
	for i, sku := range skus {
		if i%5000 == 0 {
			if b.Len() > 0 {
				_, err := s.db.ExecContext(ctx, b.String())
				require.NoError(t, err)
			}
			b.Reset()
			b.WriteString("INSERT INTO skus VALUES ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString("(" + quoteString(sku) + ")")
	}
	_, err = s.db.ExecContext(ctx, b.String())
	require.NoError(t, err)
	for _, n := range []int{1, 3, 7, 16, 256, 1024} {
		rows, err := s.db.QueryContext(ctx, `SELECT sku, `+shard.SQL("sku", n)+` FROM skus`)
		require.NoError(t, err)
		seen, differ := 0, 0
		for rows.Next() {
			var sku string
			var got int
			require.NoError(t, rows.Scan(&sku, &got))
			if got != shard.Of(sku, n) {
				differ++
			}
			seen++
		}
		require.NoError(t, rows.Err())
		rows.Close()
		assert.Equal(t, len(skus), seen)
		assert.Zero(t, differ, "shards of %d", n)
	}
}
