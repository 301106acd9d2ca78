package datasets

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOutOfMemoryInOurWords(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "", &StoreOptions{MemoryLimit: "8MB", Threads: 1})
	require.NoError(t, err)
	defer s.Close()
	var n int
	// One list of 50M numbers cannot spill to disk.
	err = s.DB().QueryRowContext(ctx, "SELECT len(list(range)) FROM range(50000000)").Scan(&n)
	require.Error(t, err)
	oom := OutOfMemory(fmt.Errorf("reading planned prices and promotions: %w", err))
	require.NotNil(t, oom, "%v", err)
	assert.Equal(t, "the database ran out of memory while reading planned prices and promotions: raise memory_limit in planner.yaml, or spread the run over more shards (planner split)", oom.Error())
	assert.Nil(t, OutOfMemory(fmt.Errorf("another problem")))
}
