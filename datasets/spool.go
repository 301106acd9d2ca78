package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// spoolBatchRows is how many rows each batch handed to scanArrow's
// callback holds at most.
const spoolBatchRows = 64 << 10

// scanArrow runs query on conn and hands its result to fn as Arrow
// batches, in the query's order. The result goes through a temporary
// Parquet file in dir (deleted at the end): DuckDB writes it with bounded
// memory, and it is read back one batch at a time. A result handed over
// directly would be materialized whole first (the driver has no streaming
// results): 2 GB for the drivers of an M5-sized panel, against 0.3 GB
// written this way (BENCHMARKS.md). A batch is valid only during the call.
func scanArrow(ctx context.Context, conn *sql.Conn, dir, query string, fn func(arrow.RecordBatch) error) error {
	f, err := os.CreateTemp(dir, ".planner-spool-*.parquet")
	if err != nil && dir != os.TempDir() {
		f, err = os.CreateTemp("", ".planner-spool-*.parquet") // a read-only database folder
	}
	if err != nil {
		return fmt.Errorf("cannot write a temporary file in %s: %w", dir, err)
	}
	path := f.Name()
	f.Close()
	defer os.Remove(path)
	// Uncompressed: Parquet's dictionary and run-length encodings already
	// make the file small, and the file lives only for this read.
	copyQ := fmt.Sprintf("COPY (%s) TO %s (FORMAT parquet, COMPRESSION uncompressed)", query, quoteString(path))
	if _, err := conn.ExecContext(ctx, copyQ); err != nil {
		return err
	}
	rf, err := os.Open(path)
	if err != nil {
		return err
	}
	defer rf.Close()
	pf, err := file.NewParquetReader(rf)
	if err != nil {
		return err
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: spoolBatchRows}, memory.DefaultAllocator)
	if err != nil {
		return err
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return err
	}
	defer rr.Release()
	for rr.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(rr.RecordBatch()); err != nil {
			return err
		}
	}
	return rr.Err()
}

// spoolDir is the folder of temporary result files: the database's own,
// which has room for the database (the system's temporary folder may be
// memory).
func (s *Store) spoolDir() string {
	if s.path == "" {
		return os.TempDir()
	}
	return filepath.Dir(s.path)
}
