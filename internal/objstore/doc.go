// Package objstore reads and writes the folders of a run spread over
// shards wherever they live: a local folder, or object storage named by a
// URL (s3://bucket/prefix, gs://bucket/prefix, file:///folder), through
// gocloud.dev/blob with its S3, Cloud Storage and file drivers. DuckDB
// reads and writes local files only, so a shard downloads its inputs into
// a local folder, runs, and uploads what it wrote.
//
// An object is written whole or not at all: a writer that fails, or a
// process killed while writing, leaves no object (the file driver renames
// a finished temporary file into place; S3 and Cloud Storage commit an
// upload when it ends).
package objstore
