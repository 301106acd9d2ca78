package datasetstest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// Postgres starts a PostgreSQL server of its own, on a free loopback port
// in a temporary folder, for the test or benchmark, and returns the URL
// of its postgres database (user planner, no password). The server stops
// when the test ends. Where PostgreSQL is not installed (Debian's
// postgresql package), the test is skipped with a message saying so.
//
// Run as root, as in CI, the server runs as the postgres user, since
// PostgreSQL refuses to run as root. With PLANNER_REQUIRE_POSTGRES set (CI
// sets it), a missing PostgreSQL fails the test instead.
func Postgres(t testing.TB) string {
	t.Helper()
	bin := postgresBin()
	if bin == "" && os.Getenv("PLANNER_REQUIRE_POSTGRES") != "" {
		t.Fatal("PostgreSQL is not installed, and PLANNER_REQUIRE_POSTGRES says the database source must be tested (.ci/run installs Debian's postgresql package)")
	}
	if bin == "" {
		t.Skip("PostgreSQL is not installed (Debian's postgresql package; .ci/run installs it): the database source is not tested here")
	}
	dir, err := os.MkdirTemp("", "planner-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	data := filepath.Join(dir, "data")
	var as []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user to run PostgreSQL as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		as = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		if as != nil {
			cmd = exec.Command(as[0], append(as[1:], args...)...)
		}
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	run(filepath.Join(bin, "initdb"), "-D", data, "-U", "planner", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions")
	port := freePort(t)
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", port, dir)
	run(filepath.Join(bin, "pg_ctl"), "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start")
	t.Cleanup(func() {
		cmd := exec.Command(filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop")
		if as != nil {
			cmd = exec.Command(as[0], append(as[1:], cmd.Args...)...)
		}
		cmd.Run()
	})
	return fmt.Sprintf("postgres://planner@127.0.0.1:%d/postgres?sslmode=disable", port)
}

// postgresBin finds the folder of PostgreSQL's server programs.
func postgresBin() string {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p)
		}
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	sort.Strings(found)
	if len(found) == 0 {
		return ""
	}
	return filepath.Dir(found[len(found)-1])
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
