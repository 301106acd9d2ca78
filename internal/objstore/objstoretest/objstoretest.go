// Package objstoretest serves object storage for tests: an in-process S3
// (gofakes3) on 127.0.0.1, so that the shards' uploads and downloads run
// against a real S3 API without a cloud account.
package objstoretest

import (
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
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "planner")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "planner-secret")
	return "s3://" + bucket + "/" + prefix + "?endpoint=" + srv.URL + "&region=us-east-1&use_path_style=true"
}
