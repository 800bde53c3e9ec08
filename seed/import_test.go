package seed_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

func readMapping(tb testing.TB, name string) (*seed.Mapping, error) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "nquads", name))
	if err != nil {
		tb.Fatal(err)
	}
	return seed.ParseMapping(seed.Input{Name: name, Data: data})
}

func importFile(tb testing.TB, st graph.Store, m *seed.Mapping, name string) (graph.Summary, error) {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "nquads", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	return importMapped(tb, st, m, seed.Input{Name: name, R: f})
}

// importMapped imports inputs through m with seed.Import.
func importMapped(tb testing.TB, st graph.Store, m *seed.Mapping, inputs ...seed.Input) (graph.Summary, error) {
	tb.Helper()
	rep, err := seed.Import(tb.Context(), st, inputs, seed.Options{Mapping: m})
	return rep.Summary(), err
}

func TestImportNQuads(t *testing.T) {
	m, err := readMapping(t, "mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("good file becomes entities and statements, joins included", func(t *testing.T) {
		st := newFakeStore()
		if _, err := importFile(t, st, m, "good.nq"); err != nil {
			t.Fatal(err)
		}
		wantEntities := []graph.Entity{
			{ID: "casablanca", Type: "Film", Name: "Casablanca"},
			{ID: "michael-curtiz", Type: "Person", Name: "Michael Curtiz"},
			{ID: "humphrey-bogart", Type: "Person", Name: "Humphrey Bogart"},
			{ID: "ingrid-bergman", Type: "Person", Name: ""},
		}
		if !reflect.DeepEqual(st.importedEntities, wantEntities) {
			t.Errorf("entities = %+v\nwant %+v", st.importedEntities, wantEntities)
		}
		wantStatements := []graph.Statement{
			{Subject: "casablanca", Type: "directed-by", Object: "michael-curtiz"},
			{Subject: "humphrey-bogart", Type: "acted-in", Object: "casablanca", Attributes: map[string]string{"character": `Rick "Richard" Blaine`}},
			{Subject: "ingrid-bergman", Type: "acted-in", Object: "casablanca"},
		}
		if !reflect.DeepEqual(st.importedStatements, wantStatements) {
			t.Errorf("statements = %+v\nwant %+v", st.importedStatements, wantStatements)
		}
		imp := st.imports[0]
		if imp.Source.ID != "films" || imp.Digest == "" || imp.NumEntities != 4 || imp.NumStatements != 3 {
			t.Errorf("import = %+v", imp)
		}
	})
	t.Run("same input gives the same digest", func(t *testing.T) {
		st := newFakeStore()
		importFile(t, st, m, "good.nq")
		importFile(t, st, m, "good.nq")
		if st.imports[0].Digest != st.imports[1].Digest {
			t.Errorf("digests differ: %s, %s", st.imports[0].Digest, st.imports[1].Digest)
		}
	})
	t.Run("bad file reports every problem at its position and imports nothing", func(t *testing.T) {
		st := newFakeStore()
		_, err := importFile(t, st, m, "bad.nq")
		want := []string{
			`bad.nq:3:22: directed-by cannot connect a Person (michael-curtiz) to a Film (casablanca); allowed: [Film] → [Person]`,
			`bad.nq:4:18: object </en/nobody> has no entity type in the mapping (unknown reference)`,
			`bad.nq:5:25: N-Quads syntax error: expected the object (<IRI>, _:blank or "literal"), found "Casablanca ."`,
			`bad.nq:6:1: N-Quads syntax error: a subject cannot be a literal`,
			`bad.nq:7:25: the type of a node must be an IRI, not a literal`,
			`bad.nq:8:18: acted-in cannot connect a Film (casablanca) to a Film (casablanca); allowed: [Person] → [Film]`,
			`bad.nq:10:43: N-Quads syntax error: expected '.' at the end of the quad`,
		}
		if got := lines(err); !slices.Equal(got, want) {
			t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if len(st.imports) != 0 {
			t.Error("a bad file reached the store")
		}
	})
	t.Run("statements the ontology refuses are reported at their quad", func(t *testing.T) {
		st := newFakeStore()
		data := "</en/casablanca> <type> </film/film> .\n" +
			"</en/michael_curtiz> <type> </people/person> .\n" +
			"</en/michael_curtiz> </film/film/directed_by> </en/casablanca> .\n" +
			"</en/casablanca> </film/film/directed_by> </en/nobody> .\n" +
			"</en/casablanca> </film/film/starring> _:p1 .\n" +
			"_:p1 </film/performance/actor> </en/casablanca> .\n"
		_, err := importMapped(t, st, m, seed.Input{Name: "f.nq", R: strings.NewReader(data)})
		want := []string{
			`f.nq:3:22: directed-by cannot connect a Person (michael-curtiz) to a Film (casablanca); allowed: [Film] → [Person]`,
			`f.nq:4:18: object </en/nobody> has no entity type in the mapping (unknown reference)`,
			`f.nq:5:18: acted-in cannot connect a Film (casablanca) to a Film (casablanca); allowed: [Person] → [Film]`,
		}
		if got := lines(err); !slices.Equal(got, want) {
			t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("ids that would collide get a hash suffix each", func(t *testing.T) {
		st := newFakeStore()
		data := "</en/casa_blanca> <type> </film/film> .\n</en/casa-blanca> <type> </film/film> .\n"
		if _, err := importMapped(t, st, m, seed.Input{Name: "f.nq", R: strings.NewReader(data)}); err != nil {
			t.Fatal(err)
		}
		a, b := st.importedEntities[0].ID, st.importedEntities[1].ID
		if a == b || !strings.HasPrefix(a, "casa-blanca-") || !strings.HasPrefix(b, "casa-blanca-") || graph.CheckEntityID(a) != nil {
			t.Errorf("ids = %q, %q; want distinct casa-blanca-HASH ids", a, b)
		}
	})
}

func TestParseMappingErrors(t *testing.T) {
	m, err := readMapping(t, "bad-mapping.yaml")
	if err == nil {
		_, err = importMapped(t, newFakeStore(), m)
	}
	want := []string{
		`bad-mapping.yaml:6:3: unknown key "nmae" in the mapping; did you mean "name"?`,
		`bad-mapping.yaml:9:14: onInvalid "ignore" must be fail or skip`,
	}
	if got := lines(err); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	t.Run("names the ontology lacks are reported at their place", func(t *testing.T) {
		data := "ontology:\n  entityTypes: [{name: Film}]\nsources: [{id: s, title: S}]\nmapping:\n  entityTypes: {/film: Flim}\n  relations: {/dir: directed}\n"
		m, err := seed.ParseMapping(seed.Input{Name: "m.yaml", Data: []byte(data)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = importMapped(t, newFakeStore(), m)
		want := []string{
			`m.yaml:5:24: unknown entity type "Flim"; did you mean "Film"?`,
			`m.yaml:6:21: unknown relation type "directed"`,
		}
		if got := lines(err); !slices.Equal(got, want) {
			t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func TestImportJSONLD(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "jsonld", "mapping.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := seed.ParseMapping(seed.Input{Name: "mapping.yaml", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	importJSONLD := func(t *testing.T, st graph.Store, name string) error {
		t.Helper()
		f, err := os.Open(filepath.Join("testdata", "jsonld", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		_, err = importMapped(t, st, m, seed.Input{Name: name, R: f})
		return err
	}
	t.Run("good file reads as the same films in N-Quads do", func(t *testing.T) {
		st := newFakeStore()
		if err := importJSONLD(t, st, "good.jsonld"); err != nil {
			t.Fatal(err)
		}
		nq, err := readMapping(t, "mapping.yaml")
		if err != nil {
			t.Fatal(err)
		}
		want := newFakeStore()
		if _, err := importFile(t, want, nq, "good.nq"); err != nil {
			t.Fatal(err)
		}
		sortEntities := func(es []graph.Entity) []graph.Entity {
			return slices.SortedFunc(slices.Values(es), func(a, b graph.Entity) int { return strings.Compare(a.ID, b.ID) })
		}
		if got, want := sortEntities(st.importedEntities), sortEntities(want.importedEntities); !reflect.DeepEqual(got, want) {
			t.Errorf("entities = %+v\nwant %+v", got, want)
		}
		sortStatements := func(ss []graph.Statement) []graph.Statement {
			return slices.SortedFunc(slices.Values(ss), func(a, b graph.Statement) int {
				return strings.Compare(graph.DefaultStatementID(a.Subject, a.Type, a.Object), graph.DefaultStatementID(b.Subject, b.Type, b.Object))
			})
		}
		if got, want := sortStatements(st.importedStatements), sortStatements(want.importedStatements); !reflect.DeepEqual(got, want) {
			t.Errorf("statements = %+v\nwant %+v", got, want)
		}
	})
	for _, tc := range []struct {
		name, file string
		want       []string
	}{
		{"problems are placed at the subject's @id", "bad.jsonld", []string{
			`bad.jsonld:10:14: directed-by cannot connect a Person (michael-curtiz) to a Film (casablanca); allowed: [Film] → [Person]`,
			`bad.jsonld:14:13: object <http://example.org/en/nobody> has no entity type in the mapping (unknown reference)`,
		}},
		{"a JSON syntax error is placed", "syntax.jsonld", []string{
			`syntax.jsonld:3:48: JSON syntax error: invalid character '}' looking for beginning of object key string`,
		}},
		{"a remote context is not fetched", "remote.jsonld", []string{
			`remote.jsonld:1:1: JSON-LD: remote documents are not loaded (https://schema.org/); give the context inline`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newFakeStore()
			err := importJSONLD(t, st, tc.file)
			if code := graph.ErrorCode(err); code != graph.Invalid {
				t.Fatalf("code = %q, want %q (%v)", code, graph.Invalid, err)
			}
			if got := lines(err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems:\n got  %q\n want %q", got, tc.want)
			}
			if len(st.imports) != 0 {
				t.Errorf("%d imports written", len(st.imports))
			}
		})
	}
}
