package archtest

import (
	"go/build"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/planner-engine/planner/"

// root is the module's folder.
const root = "../.."

// ours reads every package of the module (its non-test Go files) and
// returns each one's imports of ours.
// Reading the files in this process also makes go test's cache rerun the
// test whenever one changes.
func ours(t *testing.T) map[string][]string {
	t.Helper()
	ctxt := build.Default
	pkgs := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		p, err := ctxt.ImportDir(path, 0)
		if _, ok := err.(*build.NoGoError); ok {
			return nil
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		var imports []string
		for _, i := range p.Imports {
			if strings.HasPrefix(i, module) {
				imports = append(imports, strings.TrimPrefix(i, module))
			}
		}
		pkgs[filepath.ToSlash(rel)] = imports
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// within says whether a package is one of the parts or a subpackage of one.
func within(name string, parts ...string) bool {
	for _, p := range parts {
		if name == p || strings.HasPrefix(name, p+"/") {
			return true
		}
	}
	return false
}

var planning = []string{"forecast", "replenish", "allocation", "pricing", "production", "exceptions", "atp", "placement", "fulfil", "assortment", "peak"}

// TestImportRules fails on any import architecture.md forbids.
func TestImportRules(t *testing.T) {
	pkgs := ours(t)
	if len(pkgs) < 20 {
		t.Fatalf("found only %d packages", len(pkgs))
	}
	rules := []struct {
		who     func(string) bool
		allowed func(who, imp string) bool
		why     string
	}{
		{func(n string) bool { return within(n, "series", "dist") }, func(_, imp string) bool { return false },
			"series and dist import nothing of ours"},
		{func(n string) bool { return n == "supply" }, func(_, imp string) bool { return imp == "series" },
			"supply imports only series"},
		{func(n string) bool { return within(n, planning...) }, func(who, imp string) bool {
			own := strings.Split(who, "/")[0]
			return within(imp, "series", "supply", "dist", own)
		}, "a planning package imports only series, supply, dist and its own subpackages"},
		{func(n string) bool { return within(n, "datasets") && n != "datasets/datasetstest" }, func(_, imp string) bool {
			return within(imp, "series", "supply", "datasets", "internal")
		}, "the input side never imports the plans, export, report or pipeline"},
		{func(n string) bool { return within(n, "export", "report", "archive") }, func(_, imp string) bool {
			return !within(imp, "datasets", "pipeline", "cmd")
		}, "the output side never reads input nor runs stages"},
		{func(n string) bool { return n == "pipeline/config" }, func(_, imp string) bool {
			return within(imp, "series", "supply", "dist", "internal/fsutil") || within(imp, planning...)
		}, "planner.yaml's package knows only the plans' parsers"},
		{func(n string) bool { return within(n, "cmd") }, func(_, imp string) bool {
			return within(imp, "pipeline", "datasets", "series", "internal/progress", "internal/words")
		}, "a command is its stage run through pipeline"},
		{func(n string) bool { return within(n, "internal") }, func(n, imp string) bool {
			return imp == "series" || n == "internal/objstore" && imp == "internal/fsutil"
		}, "internal helpers import only series (and objstore the one file permission)"},
	}
	checked := 0
	for name, imports := range pkgs {
		for _, r := range rules {
			if !r.who(name) {
				continue
			}
			checked++
			for _, imp := range imports {
				if !r.allowed(name, imp) {
					t.Errorf("%s imports %s: %s (architecture.md)", name, imp, r.why)
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("the rules matched only %d packages", checked)
	}
}

// TestFuzzedPackagesLinkNoDuckDB keeps the parsers of user input where go
// test -fuzz runs at full speed: nothing they depend on links DuckDB.
func TestFuzzedPackagesLinkNoDuckDB(t *testing.T) {
	ours(t) // read the sources, so that a change reruns this test
	for _, name := range []string{"datasets/files", "pipeline/config", "pricing", "replenish", "forecast", "internal/csvcell", "series"} {
		cmd := exec.Command("go", "list", "-deps", module+name)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", name, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.Contains(dep, "duckdb") {
				t.Errorf("%s depends on %s: its fuzz targets would stall", name, dep)
			}
		}
	}
}
