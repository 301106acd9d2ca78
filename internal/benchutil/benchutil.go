// Package benchutil holds what the benchmarks share: a cache folder for
// large generated inputs, the path of the shared real data, and the peak
// memory of the process.
package benchutil

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// CacheDir returns a folder for generated benchmark inputs that survives
// between runs: $PLANNER_BENCH_DIR, or planner-bench in the temp folder.
func CacheDir(b testing.TB) string {
	dir := os.Getenv("PLANNER_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "planner-bench")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	return dir
}

// SharedData returns the path of a file under ../shared/data (from the
// repository root), skipping the benchmark with a clear message when the
// data is not there: a user's clone has none.
func SharedData(b testing.TB, rel string) string {
	for _, up := range []string{"..", "../..", "../../.."} {
		p := filepath.Join(up, "..", "shared", "data", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	b.Skipf("../shared/data/%s is not present; this benchmark reads the shared development data", rel)
	return ""
}

// ResetPeakRSS resets the kernel's high-water mark of the process's
// resident memory, so PeakRSSMB measures from now on (Linux only; a no-op
// elsewhere).
func ResetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// PeakRSSMB returns the process's peak resident memory in MiB since start
// or the last ResetPeakRSS, or 0 where /proc is not available. It counts
// DuckDB's memory too, which Go's allocation statistics do not.
func PeakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
