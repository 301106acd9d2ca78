// Package fsutil writes files atomically: under a temporary name in the
// target's folder, renamed into place only once complete, so a reader (or
// an ERP import) never sees half a file and a failed write leaves the old
// file as it was. Every file gets one permission (Mode, 0640 unless set):
// plans carry costs and prices.
package fsutil
