package datasets

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/planner-engine/planner/internal/fsutil"
	"github.com/planner-engine/planner/internal/shard"
)

// SplitResult says what Split wrote: rows by table.
type SplitResult struct {
	Rows map[string]int64 `json:"rows"`
	// Warnings is how many of the inputs' problems were warnings (the
	// split's problems.csv lists them).
	Warnings int `json:"warnings"`
}

// Split writes the database's tables as the inputs of n shards, in dir:
// a table with a SKU column as hive partitions by shard
// (dir/<table>/shard=<i>/data_0.parquet, rows in key order), which a
// shard loads as a folder; the others whole (dir/<table>.parquet), which
// every shard reads. A shard none of whose SKUs a table holds has no
// partition of it. A SKU's rows of every table land in the same shard
// (internal/shard), which an upstream export can also write directly with
// the same SQL expression. Files are written anew: what dir held for a
// table is replaced.
func (s *Store) Split(ctx context.Context, dir string, n int) (*SplitResult, error) {
	if n < 1 {
		return nil, fmt.Errorf("the number of shards must be at least 1 (got %d)", n)
	}
	if err := os.MkdirAll(dir, fsutil.DirMode()); err != nil {
		return nil, err
	}
	out := &SplitResult{Rows: map[string]int64{}}
	for _, t := range Tables {
		var rows int64
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteIdent(t.Name)).Scan(&rows); err != nil {
			return nil, err
		}
		if rows == 0 {
			continue
		}
		var keys []string
		for _, c := range t.Columns {
			if c.Key {
				keys = append(keys, quoteIdent(c.Name))
			}
		}
		order := ""
		if len(keys) > 0 {
			order = " ORDER BY " + strings.Join(keys, ", ")
		}
		var q string
		if t.Column("sku") != nil {
			target := filepath.Join(dir, t.Name)
			if err := os.RemoveAll(target); err != nil {
				return nil, err
			}
			q = fmt.Sprintf("COPY (SELECT *, %s AS shard FROM %s%s) TO %s (FORMAT parquet, PARTITION_BY (shard))",
				shard.SQL("sku", n), quoteIdent(t.Name), order, quoteString(target))
		} else {
			q = fmt.Sprintf("COPY (SELECT * FROM %s%s) TO %s (FORMAT parquet)", quoteIdent(t.Name), order,
				quoteString(filepath.Join(dir, t.Name+".parquet")))
		}
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("splitting %s: %w", t.Name, err)
		}
		out.Rows[t.Name] = rows
	}
	return out, nil
}
