package shard

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Of returns the shard of a SKU among n (0 to n-1); n must be at least 1.
func Of(sku string, n int) int {
	h := md5.Sum([]byte(sku))
	return int(binary.BigEndian.Uint64(h[:8]) % uint64(n))
}

// SQL is the DuckDB expression of the shard of the SKU column among n:
// the first 16 hex digits of md5 as an unsigned 64-bit integer, modulo n.
func SQL(column string, n int) string {
	return fmt.Sprintf("(CAST('0x' || substr(md5(%s), 1, 16) AS UBIGINT) %% %d)", column, n)
}

// Spec is one shard of a run: Index among Count.
type Spec struct{ Index, Count int }

// String writes the spec as i/N.
func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Name is the spec's folder name in a run's output: shard=i-of-N.
func (s Spec) Name() string { return fmt.Sprintf("shard=%d-of-%d", s.Index, s.Count) }

// Parse reads a shard spec: i/N, or auto (or auto/N), which takes the
// index from the scheduler's environment (JOB_COMPLETION_INDEX, set by a
// Kubernetes Indexed Job; AWS_BATCH_JOB_ARRAY_INDEX, by an AWS Batch
// array job) and the count from N, PLANNER_SHARDS or
// AWS_BATCH_JOB_ARRAY_SIZE. getenv reads the environment (os.Getenv).
func Parse(s string, getenv func(string) string) (Spec, error) {
	idx, count, _ := strings.Cut(strings.TrimSpace(s), "/")
	if idx == "auto" {
		for _, k := range []string{"JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"} {
			if v := getenv(k); v != "" {
				idx = v
				break
			}
		}
		if idx == "auto" {
			return Spec{}, fmt.Errorf("--shard auto needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX (an AWS Batch array job) in the environment")
		}
		if count == "" {
			for _, k := range []string{"PLANNER_SHARDS", "AWS_BATCH_JOB_ARRAY_SIZE"} {
				if v := getenv(k); v != "" {
					count = v
					break
				}
			}
		}
		if count == "" {
			return Spec{}, fmt.Errorf("--shard auto needs the number of shards: auto/N, or PLANNER_SHARDS in the environment")
		}
	}
	i, err1 := strconv.Atoi(idx)
	n, err2 := strconv.Atoi(count)
	switch {
	case err1 != nil || err2 != nil:
		return Spec{}, fmt.Errorf("shard %q is not i/N (such as 3/16) or auto", s)
	case n < 1 || n > 1<<20:
		return Spec{}, fmt.Errorf("shard %q: the number of shards must be from 1 to %d", s, 1<<20)
	case i < 0 || i >= n:
		return Spec{}, fmt.Errorf("shard %q: the index must be from 0 to %d", s, n-1)
	}
	return Spec{Index: i, Count: n}, nil
}
