// Package fsutil writes files atomically: under a temporary name in the
// target's folder, renamed into place only once complete, so a reader (or
// an ERP import) never sees half a file and a failed write leaves the old
// file as it was.
package fsutil
