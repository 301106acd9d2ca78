package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofrs/flock"

	"github.com/planner-engine/planner/datasets"
	"github.com/planner-engine/planner/internal/fsutil"
)

// lockFolder takes the lock of an output folder (or a database), so that
// two runs never write into one at once. It does not wait: a second run
// stops at once, saying which run holds it.
func lockFolder(path, what string) (*flock.Flock, error) {
	lock := flock.New(path)
	ok, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("cannot lock %s (%s): %v", what, path, err)
	}
	if !ok {
		return nil, fmt.Errorf("another run is using %s (it holds %s): wait for it to finish, or give this run another one", what, path)
	}
	return lock, nil
}

// cleanStale keeps, as <id>.failed, the folders of runs that were killed
// while running (their .running-<id>-* folders: no run holds the output
// folder's lock but this one), and removes the working copies of the
// database they left.
func cleanStale(runs, db string) error {
	entries, err := os.ReadDir(runs)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, ".running-") {
			continue
		}
		id := strings.TrimPrefix(name, ".running-")
		if i := strings.LastIndex(id, "-"); i > 0 {
			id = id[:i]
		}
		failed := filepath.Join(runs, id+".failed")
		if _, err := os.Stat(failed); err == nil {
			failed = filepath.Join(runs, name[1:]+".failed")
		}
		if err := os.Rename(filepath.Join(runs, name), failed); err != nil {
			return fmt.Errorf("cannot set aside the folder of a killed run, %s: %w", name, err)
		}
	}
	stale, _ := filepath.Glob(db + ".run-*")
	for _, p := range stale {
		os.Remove(p)
	}
	return nil
}

// workingCopy prepares the database a run works on: a copy of the
// database file beside it (the file itself when there is none yet), so
// that a run that fails leaves the database exactly as it was; commit
// replaces the database with the copy in one rename. A write-ahead log
// left by a crash is first checkpointed into the database.
func workingCopy(ctx context.Context, db, id string) (work string, err error) {
	work = db + ".run-" + id
	os.Remove(work)
	os.Remove(work + ".wal")
	if _, err := os.Stat(db + ".wal"); err == nil {
		s, err := datasets.Open(ctx, db, nil)
		if err != nil {
			return "", err
		}
		if err := s.Close(); err != nil {
			return "", fmt.Errorf("cannot checkpoint the database %s: %w", db, err)
		}
	}
	src, err := os.Open(db)
	if errors.Is(err, os.ErrNotExist) {
		return work, nil
	}
	if err != nil {
		return "", fmt.Errorf("cannot read the database %s: %w", db, err)
	}
	defer src.Close()
	dst, err := os.OpenFile(work, os.O_CREATE|os.O_EXCL|os.O_WRONLY, fsutil.Mode())
	if err != nil {
		return "", fmt.Errorf("cannot copy the database %s beside it: %w", db, err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		os.Remove(work)
		return "", fmt.Errorf("cannot copy the database %s beside it: %w", db, err)
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		os.Remove(work)
		return "", err
	}
	return work, dst.Close()
}

// commitCopy puts a run's database in place of the old one.
func commitCopy(work, db string) error {
	if err := os.Rename(work, db); err != nil {
		return fmt.Errorf("cannot put the run's database in place of %s: %w", db, err)
	}
	os.Remove(work + ".wal")
	// The rename is the commit: make it durable before the run says so.
	if d, err := os.Open(filepath.Dir(db)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// dropCopy removes a failed run's database.
func dropCopy(work string) {
	os.Remove(work)
	os.Remove(work + ".wal")
}
