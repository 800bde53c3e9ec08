package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestABadFileOfEachFormatChangesNothing seeds a bad file of every format
// claimgraph seed reads into a bolt store that holds data already: each
// fails with every problem at its FILE:LINE:COL, and the store's export is
// byte for byte what it was. The expected problems are those the seed
// package's tests check file by file (the .golden lists of
// seed/testdata/bad, and seed/import_test.go for the mapped formats).
func TestABadFileOfEachFormatChangesNothing(t *testing.T) {
	testdata := filepath.Join("..", "..", "seed", "testdata")
	prefix := filepath.Join("..", "..", "seed") + string(filepath.Separator)
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	films := []string{"seed", "--store", store, "--mapping", filepath.Join(testdata, "nquads", "mapping.yaml"), filepath.Join(testdata, "nquads", "good.nq")}
	if err := run(t.Context(), films, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed the films: %v", err)
	}
	before := exportNQuads(t, store)

	badJSON := filepath.Join(dir, "backup.json")
	if err := os.WriteFile(badJSON, []byte(`{
  "entities": [
    {"id": "lashkar", "type": "Militia", "name": "Lashkar"},
    {"id": "jaish", "type": "Film", "name": ""}
  ]
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	golden := func(name string) []string {
		b, err := os.ReadFile(filepath.Join(testdata, "bad", name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	for _, tc := range []struct {
		format string
		args   []string
		want   []string
	}{
		{"YAML", []string{filepath.Join(testdata, "bad", "semantic.yaml")}, golden("semantic")},
		{"YAML structure", []string{filepath.Join(testdata, "bad", "structure.yaml")}, golden("structure")},
		{"YAML in two files", []string{filepath.Join(testdata, "bad", "two-files")}, golden("two-files")},
		{"CSV", []string{filepath.Join(testdata, "bad", "csv-files")}, golden("csv-files")},
		{"CSV header", []string{filepath.Join(testdata, "bad", "csv-header")}, golden("csv-header")},
		{"CSV syntax", []string{filepath.Join(testdata, "bad", "csv-syntax")}, golden("csv-syntax")},
		{"N-Quads", []string{"--mapping", filepath.Join(testdata, "nquads", "mapping.yaml"), filepath.Join(testdata, "nquads", "bad.nq")}, []string{
			`testdata/nquads/bad.nq:3:22: directed-by cannot connect a Person (michael-curtiz) to a Film (casablanca); allowed: [Film] → [Person]`,
			`testdata/nquads/bad.nq:4:18: object </en/nobody> has no entity type in the mapping (unknown reference)`,
			`testdata/nquads/bad.nq:5:25: N-Quads syntax error: expected the object (<IRI>, _:blank or "literal"), found "Casablanca ."`,
			`testdata/nquads/bad.nq:6:1: N-Quads syntax error: a subject cannot be a literal`,
			`testdata/nquads/bad.nq:7:25: the type of a node must be an IRI, not a literal`,
			`testdata/nquads/bad.nq:8:18: acted-in cannot connect a Film (casablanca) to a Film (casablanca); allowed: [Person] → [Film]`,
			`testdata/nquads/bad.nq:10:43: N-Quads syntax error: expected '.' at the end of the quad`,
		}},
		{"JSON-LD", []string{"--mapping", filepath.Join(testdata, "jsonld", "mapping.yaml"), filepath.Join(testdata, "jsonld", "bad.jsonld")}, []string{
			`testdata/jsonld/bad.jsonld:10:14: directed-by cannot connect a Person (michael-curtiz) to a Film (casablanca); allowed: [Film] → [Person]`,
			`testdata/jsonld/bad.jsonld:14:13: object <http://example.org/en/nobody> has no entity type in the mapping (unknown reference)`,
		}},
		{"JSON", []string{badJSON}, []string{
			badJSON + `:3:31: unknown entity type "Militia"`,
			badJSON + `:4:45: an entity needs a name`,
		}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			err := run(t.Context(), append([]string{"seed", "--store", store}, tc.args...), noEnv, io.Discard, io.Discard)
			if err == nil {
				t.Fatal("the bad file was seeded")
			}
			var got []string
			for _, l := range strings.Split(err.Error(), "\n") {
				got = append(got, filepath.ToSlash(strings.TrimPrefix(l, prefix)))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if after := exportNQuads(t, store); after != before {
				t.Errorf("the export changed: %d bytes before, %d after", len(before), len(after))
			}
		})
	}
}
