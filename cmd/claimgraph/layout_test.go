package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/claimgraph/claimgraph"

// listedPackage is what `go list -deps -test -json` says of a package.
type listedPackage struct {
	ImportPath   string
	Dir          string
	Standard     bool
	ForTest      string // set on a package compiled for another's tests
	Imports      []string
	Deps         []string
	TestImports  []string
	XTestImports []string
	Module       *struct{ Path string }
}

// listPackages lists the module's packages and everything they depend on,
// test dependencies included.
func listPackages(tb testing.TB) map[string]listedPackage {
	tb.Helper()
	cmd := exec.Command("go", "list", "-deps", "-test", "-json", module+"/...")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("go list: %v", err)
	}
	pkgs := map[string]listedPackage{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			tb.Fatal(err)
		}
		if p.ForTest != "" || strings.HasSuffix(p.ImportPath, ".test") {
			continue // a test build; the rules read the test imports instead
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// isTestHelper reports whether a package of the module exists only for
// tests: the conformance suite, the PostgreSQL setup, the movie data.
func isTestHelper(path string) bool { return strings.HasSuffix(path, "test") }

// TestLayout checks the import rules that make the folder list the
// architecture: the domain imports the standard library only, Cayley is
// imported in graph/cayley alone, the GraphQL package never reaches the
// Cayley store, and test helpers stay out of every non-test package.
func TestLayout(t *testing.T) {
	pkgs := listPackages(t)
	var own []listedPackage
	for _, p := range pkgs {
		if p.Module != nil && p.Module.Path == module {
			own = append(own, p)
		}
	}
	if len(own) < 10 {
		t.Fatalf("go list found %d packages of the module", len(own))
	}
	rel := func(path string) string { return strings.TrimPrefix(strings.TrimPrefix(path, module), "/") }
	under := func(path, dir string) bool {
		return path == module+"/"+dir || strings.HasPrefix(path, module+"/"+dir+"/")
	}
	isCayley := func(path string) bool { return strings.HasPrefix(path, "github.com/cayleygraph/") }

	t.Run("graph and graph/path import the standard library only", func(t *testing.T) {
		for _, dir := range []string{"graph", "graph/path"} {
			p, ok := pkgs[module+"/"+dir]
			if !ok {
				t.Fatalf("no package %s", dir)
			}
			for _, d := range p.Deps {
				if pkgs[d].Standard || (dir == "graph/path" && d == module+"/graph") {
					continue
				}
				t.Errorf("%s depends on %s", dir, d)
			}
		}
	})
	t.Run("only graph/cayley and its subpackages import Cayley", func(t *testing.T) {
		for _, p := range own {
			if under(p.ImportPath, "graph/cayley") {
				continue
			}
			for _, imp := range slices.Concat(p.Imports, p.TestImports, p.XTestImports) {
				if isCayley(imp) {
					t.Errorf("%s imports %s", rel(p.ImportPath), imp)
				}
			}
		}
	})
	t.Run("the GraphQL packages do not depend on graph/cayley", func(t *testing.T) {
		for _, p := range own {
			if !under(p.ImportPath, "schema") {
				continue
			}
			for _, d := range p.Deps {
				if under(d, "graph/cayley") || isCayley(d) {
					t.Errorf("%s depends on %s", rel(p.ImportPath), d)
					break
				}
			}
		}
	})
	t.Run("the web UI imports nothing of graph", func(t *testing.T) {
		p, ok := pkgs[module+"/schema/web"]
		if !ok {
			t.Fatal("no package schema/web")
		}
		for _, d := range p.Deps {
			if under(d, "graph") {
				t.Errorf("schema/web depends on %s", d)
			}
		}
	})
	t.Run("no non-test package depends on a test helper", func(t *testing.T) {
		helpers := 0
		for _, p := range own {
			if isTestHelper(p.ImportPath) {
				helpers++
				continue
			}
			for _, d := range p.Deps {
				if strings.HasPrefix(d, module+"/") && isTestHelper(d) {
					t.Errorf("%s depends on the test helper %s", rel(p.ImportPath), rel(d))
				}
			}
		}
		if helpers == 0 {
			t.Error("no test helper found: the rule checks nothing")
		}
	})
}

// TestReadmeNamesEveryPackage checks that the README's "Where things
// live" table lists exactly the module's package folders.
func TestReadmeNamesEveryPackage(t *testing.T) {
	pkgs := listPackages(t)
	root := ""
	var folders []string
	for _, p := range pkgs {
		if p.ImportPath == module+"/graph" {
			root = filepath.Dir(p.Dir)
		}
		if p.Module != nil && p.Module.Path == module {
			folders = append(folders, strings.TrimPrefix(p.ImportPath, module+"/"))
		}
	}
	if root == "" {
		t.Fatal("the module's root was not found")
	}
	f, err := os.Open(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `([^`]+)` \\|")
	var table []string
	in := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		switch {
		case line == "## Where things live":
			in = true
		case in && strings.HasPrefix(line, "## "):
			in = false
		case in:
			if m := row.FindStringSubmatch(line); m != nil {
				table = append(table, m[1])
			}
		}
	}
	slices.Sort(folders)
	slices.Sort(table)
	for _, d := range folders {
		if !slices.Contains(table, d) {
			t.Errorf("the README's table lacks %s", d)
		}
	}
	for _, d := range table {
		if !slices.Contains(folders, d) {
			t.Errorf("the README's table names %s, which holds no package", d)
		}
	}
}

// TestEveryPackageHasItsDoc checks that each of the module's packages says
// what it is for in a doc.go of its own, beginning "Package NAME".
func TestEveryPackageHasItsDoc(t *testing.T) {
	for _, p := range listPackages(t) {
		if p.Module == nil || p.Module.Path != module || p.ForTest != "" || strings.HasSuffix(p.ImportPath, ".test") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(p.Dir, "doc.go"))
		if err != nil {
			t.Errorf("%s has no doc.go", p.ImportPath)
			continue
		}
		name := filepath.Base(p.Dir)
		if p.ImportPath == module+"/cmd/"+name {
			name = "main"
		}
		if !strings.HasPrefix(string(data), "// Package "+name) && !strings.HasPrefix(string(data), "// Command ") {
			t.Errorf("%s/doc.go does not begin with its package comment (\"// Package %s …\")", p.ImportPath, name)
		}
	}
}
