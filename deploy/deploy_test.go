package deploy

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	"sigs.k8s.io/yaml"
)

// job decodes a manifest strictly: a field the Job type does not have is
// an error.
func job(t *testing.T, path string) *batchv1.Job {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var j batchv1.Job
	require.NoError(t, yaml.UnmarshalStrict(raw, &j), path)
	return &j
}

// The shards' Job is an Indexed Job whose pods run planner shard --shard
// auto, retried per index, a shard's bad input (exit 2) never retried,
// and no failed index allowed; the reduce Job runs planner reduce. Both
// run as a non-root user.
func TestManifestsDecodeStrictly(t *testing.T) {
	s := job(t, "k8s/shard-job.yaml")
	require.NotNil(t, s.Spec.CompletionMode)
	assert.Equal(t, batchv1.IndexedCompletion, *s.Spec.CompletionMode)
	require.NotNil(t, s.Spec.MaxFailedIndexes)
	assert.Equal(t, int32(0), *s.Spec.MaxFailedIndexes)
	require.NotNil(t, s.Spec.BackoffLimitPerIndex)
	require.NotNil(t, s.Spec.PodFailurePolicy)
	rule := s.Spec.PodFailurePolicy.Rules[0]
	assert.Equal(t, batchv1.PodFailurePolicyActionFailIndex, rule.Action)
	assert.Equal(t, []int32{2}, rule.OnExitCodes.Values)
	c := s.Spec.Template.Spec.Containers[0]
	assert.Equal(t, "shard --shard auto", strings.Join(c.Args[:3], " "))
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	assert.Equal(t, "16", env["PLANNER_SHARDS"])
	assert.Equal(t, *s.Spec.Completions, *s.Spec.Parallelism)
	assert.True(t, *s.Spec.Template.Spec.SecurityContext.RunAsNonRoot)

	r := job(t, "k8s/reduce-job.yaml")
	rc := r.Spec.Template.Spec.Containers[0]
	assert.Equal(t, "reduce", rc.Args[0])
	assert.Contains(t, strings.Join(rc.Args, " "), "--shards 16")
	assert.True(t, *r.Spec.Template.Spec.SecurityContext.RunAsNonRoot)

	// A misspelt field is caught.
	var j batchv1.Job
	assert.Error(t, yaml.UnmarshalStrict([]byte("apiVersion: batch/v1\nkind: Job\nspec:\n  completionMod: Indexed\n"), &j))
}

// The image is built in two stages with cgo (DuckDB is C++) and runs as
// the distroless base's non-root user.
func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile("Dockerfile")
	require.NoError(t, err)
	text := string(raw)
	assert.Equal(t, 2, strings.Count(text, "\nFROM ")+boolInt(strings.HasPrefix(text, "FROM ")), "two stages")
	assert.Contains(t, text, "CGO_ENABLED=1")
	assert.Contains(t, text, "USER 65532:65532")
	assert.Contains(t, text, "distroless/cc")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
