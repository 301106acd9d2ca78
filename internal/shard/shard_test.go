package shard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Golden vectors, computed apart (Python's hashlib), for checking another
// engine's expression: each SKU's shard among 1024 and among 7. The SKU's
// UTF-8 bytes are hashed as they are: spaces count.
func TestGoldenVectors(t *testing.T) {
	for sku, want := range map[string][2]int{
		"SKU00001": {1010, 5}, "": {516, 0}, "a": {680, 6}, "Äpfel-1L": {1002, 0}, "货号-42": {361, 1}, " SKU 7 ": {8, 0},
	} {
		assert.Equal(t, want, [2]int{Of(sku, 1024), Of(sku, 7)}, "%q", sku)
	}
	assert.Equal(t, 0, Of("anything", 1))
}

func TestParse(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	none := env(nil)
	s, err := Parse("3/16", none)
	require.NoError(t, err)
	assert.Equal(t, Spec{3, 16}, s)
	assert.Equal(t, "shard=3-of-16", s.Name())
	s, err = Parse("auto", env(map[string]string{"JOB_COMPLETION_INDEX": "5", "PLANNER_SHARDS": "8"}))
	require.NoError(t, err)
	assert.Equal(t, Spec{5, 8}, s)
	s, err = Parse("auto", env(map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "2", "AWS_BATCH_JOB_ARRAY_SIZE": "4"}))
	require.NoError(t, err)
	assert.Equal(t, Spec{2, 4}, s)
	s, err = Parse("auto/32", env(map[string]string{"JOB_COMPLETION_INDEX": "31"}))
	require.NoError(t, err)
	assert.Equal(t, Spec{31, 32}, s)
	for in, msg := range map[string]string{
		"16/16": "the index must be from 0 to 15", "-1/4": "the index must be from 0 to 3", "1/0": "the number of shards must be from 1",
		"x": `"x" is not i/N`, "auto": "needs JOB_COMPLETION_INDEX",
	} {
		_, err := Parse(in, none)
		assert.ErrorContains(t, err, msg, in)
	}
	_, err = Parse("auto", env(map[string]string{"JOB_COMPLETION_INDEX": "1"}))
	assert.ErrorContains(t, err, "needs the number of shards")
}

// Parse never panics and accepts only specs within range.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"3/16", "auto", "auto/4", "0/1", "9/3", "/", "a/b", "1/99999999999999999999"} {
		f.Add(s, "2", "4")
	}
	f.Fuzz(func(t *testing.T, s, idx, count string) {
		sp, err := Parse(s, func(k string) string {
			switch k {
			case "JOB_COMPLETION_INDEX":
				return idx
			case "PLANNER_SHARDS":
				return count
			}
			return ""
		})
		if err == nil && (sp.Count < 1 || sp.Index < 0 || sp.Index >= sp.Count) {
			t.Fatalf("%q gave %+v", s, sp)
		}
	})
}
