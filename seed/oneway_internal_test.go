package seed

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOneFunctionPicksTheParser reads the package's source: the format
// of an input is decided (sniff, suffixHint) and its parser called in
// one function, readInput, which every entry point reaches through
// Import (Parse and Load included); the N-Quads line parser serves the
// restore of claimgraph's export and mapped RDF alike.
func TestOneFunctionPicksTheParser(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	callers := map[string][]string{} // called name → enclosing functions
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			encl := fn.Name.Name
			if fn.Recv != nil {
				encl = recvType(fn.Recv.List[0].Type) + "." + encl
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				var called string
				switch n := n.(type) {
				case *ast.CallExpr:
					switch fun := n.Fun.(type) {
					case *ast.Ident:
						called = fun.Name
					case *ast.SelectorExpr:
						called = "." + fun.Sel.Name
					}
				case *ast.CompositeLit:
					if id, ok := n.Type.(*ast.Ident); ok {
						called = id.Name + "{}"
					}
				}
				if called != "" && !slices.Contains(callers[called], encl) {
					callers[called] = append(callers[called], encl)
				}
				return true
			})
		}
	}
	for _, tt := range []struct {
		called string
		want   []string
	}{
		{"sniff", []string{"pipeline.readInput"}},
		{"suffixHint", []string{"pipeline.readInput"}},
		{"csvReader{}", []string{"pipeline.readInput"}},
		{"newDump", []string{"pipeline.readInput"}},
		{".readJSONLD", []string{"pipeline.readInput"}},
		// the mapping file is YAML, read by the fact file reader
		{"reader{}", []string{"pipeline.readInput", "ParseMapping"}},
		{".read", []string{"pipeline.readInput", "ParseMapping"}},
		{".readInput", []string{"pipeline.readAll"}},
		{".readAll", []string{"importWith", "Parse"}},
		{"importWith", []string{"Import", "Load"}},
		{"readNQuads", []string{"dump.read", "rdfGraph.read"}},
		{"parseNQuad", []string{"readNQuads"}},
	} {
		got := slices.Sorted(slices.Values(callers[tt.called]))
		if want := slices.Sorted(slices.Values(tt.want)); !slices.Equal(got, want) {
			t.Errorf("%s is called from %v, want only %v", tt.called, got, want)
		}
	}
	if callers["FormatOf"] != nil {
		t.Errorf("FormatOf, a choice of format by the name, is called from %v", callers["FormatOf"])
	}
}

func recvType(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "?"
}
