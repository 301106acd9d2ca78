// Package objstoretest serves object storage for tests: an in-process S3
// (gofakes3) on 127.0.0.1, so that the shards' uploads and downloads run
// against a real S3 API without a cloud account.
package objstoretest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// S3 serves an in-process S3 on 127.0.0.1 with the bucket made, sets the
// credentials in the environment for the test, and returns the URL of
// prefix in the bucket (for objstore.Open).
func S3(t testing.TB, bucket, prefix string) string {
	t.Helper()
	return S3Through(t, bucket, prefix, nil)
}

// S3Through is S3 with every request passed through wrap first (nil: none),
// which can stall or fail chosen requests.
func S3Through(t testing.TB, bucket, prefix string, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	h := gofakes3.New(backend).Server()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "planner")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "planner-secret")
	return "s3://" + bucket + "/" + prefix + "?endpoint=" + srv.URL + "&region=us-east-1&use_path_style=true"
}
