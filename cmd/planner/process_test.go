package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/planner-engine/planner/internal/objstore"
	"github.com/planner-engine/planner/internal/objstore/objstoretest"
)

// buildPlanner builds the planner binary for tests that run it as a
// process, as a cluster's pods do.
func buildPlanner(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "planner")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Run(), "go build")
	return bin
}

// stall holds the first upload of a key that contains part until release
// is closed, and says on stalled when it has one.
type stall struct {
	part     string
	armed    atomic.Bool
	once     sync.Once
	stalled  chan struct{}
	released chan struct{}
}

func (s *stall) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, s.part) && s.armed.Load() {
			s.once.Do(func() { close(s.stalled) })
			<-s.released
			http.Error(w, "gone", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// The shards run as processes of the built binary, two at a time, with
// JOB_COMPLETION_INDEX as an Indexed Job sets it, against S3 on 127.0.0.1.
// One shard is killed while it uploads: reduce then says to rerun it, the
// rerun finishes the run, and the bucket holds what an uninterrupted run
// wrote, byte for byte.
func TestShardProcessesSurviveAKilledUpload(t *testing.T) {
	bin := buildPlanner(t)
	dir := synthSample(t)
	cfg := filepath.Join(dir, "planner.yaml")
	tmp := t.TempDir()
	exe := func(ctx context.Context, env []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.CommandContext(ctx, bin, args...)
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		cmd.Env = append(os.Environ(), append(env, "TMPDIR="+tmp)...)
		return cmd, &errOut
	}
	run := func(env []string, args ...string) (int, string) {
		cmd, errOut := exe(context.Background(), env, args...)
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), errOut.String()
		}
		require.NoError(t, err)
		return 0, errOut.String()
	}
	split := objstoretest.S3(t, "inputs", "split")
	code, errOut := run(nil, "split", "--config", cfg, "--shards", "3", "--out", split)
	require.Equal(t, 0, code, errOut)
	shardArgs := []string{"shard", "--shard", "auto/3", "--in", split, "--run", "R1", "--config", cfg}
	// All three shards, two at a time, as an Indexed Job with parallelism 2.
	runAll := func(out string) {
		slots := make(chan struct{}, 2)
		var wg sync.WaitGroup
		codes := make([]int, 3)
		msgs := make([]string, 3)
		for i := range 3 {
			wg.Add(1)
			slots <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				codes[i], msgs[i] = run([]string{"JOB_COMPLETION_INDEX=" + strconv.Itoa(i)}, append(shardArgs, "--out", out)...)
			}()
		}
		wg.Wait()
		for i := range 3 {
			require.Contains(t, []int{0, 3}, codes[i], "shard %d: %s", i, msgs[i]) // 3: the run has exceptions
		}
	}

	clean := objstoretest.S3(t, "plans", "runs")
	runAll(clean)
	code, errOut = run(nil, "reduce", "--run", "R1", "--shards", "3", "--in", clean)
	require.Equal(t, 0, code, errOut)

	s := &stall{part: "shard=1-of-3/models.csv", stalled: make(chan struct{}), released: make(chan struct{})}
	s.armed.Store(true)
	broken := objstoretest.S3Through(t, "plans", "runs", s.wrap)
	// Shard 1 is killed once its upload of models.csv has begun.
	ctx, kill := context.WithCancel(context.Background())
	victim, _ := exe(ctx, []string{"JOB_COMPLETION_INDEX=1"}, append(shardArgs, "--out", broken)...)
	require.NoError(t, victim.Start())
	<-s.stalled
	kill()
	require.Error(t, victim.Wait())
	s.armed.Store(false)
	close(s.released)
	for _, i := range []int{0, 2} {
		code, errOut := run([]string{"JOB_COMPLETION_INDEX=" + strconv.Itoa(i)}, append(shardArgs, "--out", broken)...)
		require.Contains(t, []int{0, 3}, code, errOut)
	}
	code, errOut = run(nil, "reduce", "--run", "R1", "--shards", "3", "--in", broken)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "1 of 3 shards of run R1 have not finished (no _MANIFEST.json): shards [1]; rerun them, then reduce")
	// The rerun, as the Job's retry of the index.
	code, errOut = run([]string{"JOB_COMPLETION_INDEX=1"}, append(shardArgs, "--out", broken)...)
	require.Contains(t, []int{0, 3}, code, errOut)
	code, errOut = run(nil, "reduce", "--run", "R1", "--shards", "3", "--in", broken)
	require.Equal(t, 0, code, errOut)

	ctx = context.Background()
	want, got := objects(t, clean), objects(t, broken)
	assert.Equal(t, len(want), len(got))
	for key, body := range want {
		assert.Equal(t, body, got[key], key)
	}

	// A manifest of another run in shard 2's place: reduce refuses, exit 2.
	store, err := objstore.Open(ctx, broken)
	require.NoError(t, err)
	defer store.Close()
	key := "run=R1/shard=2-of-3/_MANIFEST.json"
	manifest := got[key]
	require.NoError(t, store.Put(ctx, key, strings.NewReader(strings.Replace(manifest, `"run_id": "R1"`, `"run_id": "R0"`, 1))))
	code, errOut = run(nil, "reduce", "--run", "R1", "--shards", "3", "--in", broken)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "run=R1/shard=2-of-3/_MANIFEST.json names shard 2 of 3 of run R0, not shard 2 of 3 of run R1")
	require.NoError(t, store.Delete(ctx, key))
	code, errOut = run(nil, "reduce", "--run", "R1", "--shards", "3", "--in", broken)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "shards [2]; rerun them")
	// The rerun cleared the work folder the killed try left.
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

// objects reads every object of a store.
func objects(t *testing.T, loc string) map[string]string {
	t.Helper()
	ctx := context.Background()
	s, err := objstore.Open(ctx, loc)
	require.NoError(t, err)
	defer s.Close()
	keys, err := s.List(ctx, "")
	require.NoError(t, err)
	out := map[string]string{}
	for _, k := range keys {
		b, err := s.Get(ctx, k)
		require.NoError(t, err)
		out[k] = string(b)
	}
	return out
}
