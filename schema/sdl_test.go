package schema

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"

	"github.com/claimgraph/claimgraph/graph"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestSDLIsTheSameOnEveryBuild builds the schema of the built-in seed three
// times and compares the printed schemas with each other and with the
// golden file; graphql-go's own order changes with every build.
func TestSDLIsTheSameOnEveryBuild(t *testing.T) {
	st := seeded(t)
	var sdls []string
	for range 3 {
		sdls = append(sdls, handlerOn(t, st, Options{}).SDL(t.Context()))
	}
	for i, s := range sdls[1:] {
		if s != sdls[0] {
			t.Errorf("build %d printed another schema than build 0:\n%s", i+1, firstDifference(sdls[0], s))
		}
	}
	golden := filepath.Join("testdata", "seed.graphql")
	if *update {
		if err := os.WriteFile(golden, []byte(sdls[0]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if sdls[0] != string(want) {
		t.Errorf("the schema differs from %s (go test ./schema -run SDL -update rewrites it):\n%s", golden, firstDifference(string(want), sdls[0]))
	}
}

// TestIntrospectionArgumentOrderIsStable compares the argument lists the
// introspection of three builds shows, field by field.
func TestIntrospectionArgumentOrderIsStable(t *testing.T) {
	st := seeded(t)
	const q = `{ __schema { types { name fields { name args { name } } } } }`
	var first map[string][]string
	for i := range 3 {
		var d struct {
			Schema struct {
				Types []struct {
					Name   string
					Fields []struct {
						Name string
						Args []struct{ Name string }
					}
				}
			} `json:"__schema"`
		}
		mustDo(t, handlerOn(t, st, Options{}), q, &d)
		args := map[string][]string{}
		for _, ty := range d.Schema.Types {
			for _, f := range ty.Fields {
				for _, a := range f.Args {
					args[ty.Name+"."+f.Name] = append(args[ty.Name+"."+f.Name], a.Name)
				}
			}
		}
		if i == 0 {
			first = args
			continue
		}
		for field, list := range args {
			if !slices.Equal(list, first[field]) {
				t.Errorf("build %d: %s(%v), build 0: (%v)", i, field, list, first[field])
			}
		}
	}
	if got := first["Query.paths"]; len(got) < 3 || !slices.Equal(got[:2], []string{"from", "to"}) {
		t.Errorf("paths args = %v, want from and to first", got)
	}
	if got := first["Query.entities"]; !slices.Equal(got[len(got)-4:], []string{"first", "after", "last", "before"}) {
		t.Errorf("entities args = %v, want the paging arguments last", got)
	}
}

// TestSDLFollowsAnOntologyChangeAndBack changes a relation type's label,
// then changes it back: the schema changes, then prints as
// it did before.
func TestSDLFollowsAnOntologyChangeAndBack(t *testing.T) {
	st := seeded(t)
	ont, err := st.Ontology(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	governs, ok := ont.RelationType("governs")
	if !ok {
		t.Fatal("the seed has no governs relation type")
	}
	h := handlerOn(t, st, Options{})
	before := h.SDL(t.Context())
	apply := func(rt graph.RelationType) {
		t.Helper()
		if _, err := st.Apply(t.Context(), graph.Batch{Ontology: graph.Ontology{RelationTypes: []graph.RelationType{rt}}}, graph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := h.Reload(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	changed := governs
	changed.Label = "rules"
	apply(changed)
	if during := h.SDL(t.Context()); during == before || !strings.Contains(during, "(rules)") {
		t.Errorf("the schema did not follow the changed description:\n%s", firstDifference(before, during))
	}
	apply(governs)
	if after := h.SDL(t.Context()); after != before {
		t.Errorf("after changing back, the schema differs:\n%s", firstDifference(before, after))
	}
}

// TestSDLParsesWithEveryType parses the printed schema and finds each type
// of the schema defined in it once, with its fields.
func TestSDLParsesWithEveryType(t *testing.T) {
	h := newHandler(t)
	doc, err := parser.Parse(parser.ParseParams{Source: h.SDL(t.Context())})
	if err != nil {
		t.Fatalf("the printed schema does not parse: %v", err)
	}
	defined := map[string]int{}
	for _, def := range doc.Definitions {
		named, ok := def.(interface{ GetName() *ast.Name })
		if !ok {
			t.Errorf("unexpected definition %T", def)
			continue
		}
		name := named.GetName().Value
		defined[name]++
		if o, ok := def.(*ast.ObjectDefinition); ok {
			if want := len(h.current(t.Context()).schema.Type(name).(*graphql.Object).Fields()); len(o.Fields) != want {
				t.Errorf("type %s: %d fields printed, %d in the schema", name, len(o.Fields), want)
			}
		}
	}
	for name := range h.current(t.Context()).schema.TypeMap() {
		if strings.HasPrefix(name, "__") || slices.Contains(builtinScalars, name) {
			continue
		}
		if defined[name] != 1 {
			t.Errorf("type %s is defined %d times", name, defined[name])
		}
	}
}

// firstDifference shows the first line where a and b differ.
func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "one is a prefix of the other (" + itoa(len(al)) + " and " + itoa(len(bl)) + " lines)"
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
