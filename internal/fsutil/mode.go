package fsutil

import (
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
)

// DefaultMode is the permission of the files the planner writes: plans
// carry costs and prices, so the owner reads and writes them, the owner's
// group reads them, and no one else does.
const DefaultMode os.FileMode = 0o640

var mode atomic.Uint32

func init() { mode.Store(uint32(DefaultMode)) }

// Mode returns the permission every file is written with. It is one
// setting for the whole process, as the umask is.
func Mode() os.FileMode { return os.FileMode(mode.Load()) }

// DirMode returns the permission of folders: Mode with search rights
// wherever it gives read rights (0640 gives 0750).
func DirMode() os.FileMode {
	m := Mode()
	return m | (m&0o444)>>2
}

// SetMode sets the permission every file is written with.
func SetMode(m os.FileMode) { mode.Store(uint32(m.Perm())) }

// ParseMode reads a permission written in octal ("0640", "600"). It takes
// only modes in which the owner reads and writes (a read-only file would
// stop the next run replacing it), no one executes and no one else writes.
func ParseMode(s string) (os.FileMode, error) {
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || v > 0o777 {
		return 0, fmt.Errorf("%q is not a file permission; write it in octal, such as 0640", s)
	}
	m := os.FileMode(v)
	if m&0o600 != 0o600 || m&0o133 != 0 {
		return 0, fmt.Errorf("%q is not a permission the planner writes with: the owner must read and write, no one may execute, and no one else may write (0600, 0640 or 0644)", s)
	}
	return m, nil
}
