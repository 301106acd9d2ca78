package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPushSendsTheRunsPlans(t *testing.T) {
	run := runSample(t)
	var mu sync.Mutex
	lines := map[string]int{}
	plans := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-123" || r.Header.Get("Idempotency-Key") == "" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var req struct {
			Plan  string           `json:"plan"`
			Lines []map[string]any `json:"lines"`
		}
		body, _ := io.ReadAll(r.Body)
		require.NoError(t, json.Unmarshal(body, &req))
		mu.Lock()
		defer mu.Unlock()
		plans[req.Plan] = true
		for _, l := range req.Lines {
			lines[l["line_id"].(string)]++
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	t.Setenv("PLANNER_ERP_TOKEN", "tok-123")
	code, out, errOut := planner(t, "push", "--run", run, "--target", srv.URL, "--batch", "50",
		"--plans", "replenishment,allocation,pricing,production", "--json")
	require.Equal(t, 0, code, errOut)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &sum))
	for _, k := range []string{"lines", "sent", "accepted", "retried", "rejected"} {
		assert.Contains(t, sum, k)
	}
	assert.Equal(t, sum["lines"], sum["accepted"])
	assert.Equal(t, float64(len(lines)), sum["lines"])
	assert.True(t, plans["replenishment"])
	assert.Equal(t, []any{"allocation", "pricing", "production"}, sum["missing_plans"], "the sample run has no allocate section")
	for id, n := range lines {
		assert.Equal(t, 1, n, id)
	}
	assert.NotContains(t, out+errOut, "tok-123")

	// Without the token the ERP refuses: lines rejected, exit code 3.
	t.Setenv("PLANNER_ERP_TOKEN", "")
	code, _, _ = planner(t, "push", "--run", run, "--target", srv.URL+"/other")
	assert.Equal(t, 3, code)
}
