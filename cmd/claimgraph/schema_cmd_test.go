package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPathsCommandRefusesKBelowOne(t *testing.T) {
	store := "bolt:" + filepath.Join(t.TempDir(), "x.db")
	for _, k := range []string{"0", "-2"} {
		t.Run("k "+k+" is a usage error", func(t *testing.T) {
			err := run(t.Context(), []string{"paths", "--store", store, "india", "ttp", "--k", k}, noEnv, io.Discard, io.Discard)
			var u usageError
			if !errors.As(err, &u) {
				t.Errorf("err = %v, want a usage error", err)
			}
		})
	}
}

// TestSchemaCommandPrintsTheSameSchema runs the schema command three times
// on one store, then after an ontology change and the reverse change.
func TestSchemaCommandPrintsTheSameSchema(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	printSchema := func() string {
		t.Helper()
		var out bytes.Buffer
		if err := run(t.Context(), []string{"schema", "--store", store}, noEnv, &out, io.Discard); err != nil {
			t.Fatalf("schema: %v", err)
		}
		return out.String()
	}
	first := printSchema()
	if !strings.Contains(first, "type Query {") || !strings.Contains(first, "type Country implements Node & Entity {") {
		t.Fatalf("the schema lacks the query or an entity type:\n%.500s", first)
	}
	for i := range 2 {
		if again := printSchema(); again != first {
			t.Errorf("run %d printed another schema", i+2)
		}
	}
	golden, err := os.ReadFile(filepath.Join("..", "..", "schema", "testdata", "seed.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	if first != string(golden) {
		t.Errorf("the schema of the seeded store is not schema/testdata/seed.graphql")
	}
	seedFile := func(name, label string) {
		t.Helper()
		file := filepath.Join(dir, name)
		yaml := "ontology:\n  relationTypes:\n    - {name: governs, label: " + label + ", inverse: governed by, subject: [Group], object: [Country],\n" +
			"       description: \"The subject controls the government of the object, for example after taking it over; since is when it took control.\"}\n"
		if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := run(t.Context(), []string{"seed", "--store", store, file}, noEnv, io.Discard, io.Discard); err != nil {
			t.Fatalf("seed %s: %v", name, err)
		}
	}
	seedFile("change.yaml", "rules")
	if changed := printSchema(); changed == first || !strings.Contains(changed, "(rules)") {
		t.Errorf("the schema did not follow the ontology change")
	}
	seedFile("back.yaml", "governs")
	if back := printSchema(); back != first {
		t.Errorf("after the reverse change the schema differs from the first")
	}
}

// movieSample is a few films of Cayley's movie data, in its own shape.
const movieSample = `</en/film_a> <type> </film/film> .
</en/film_a> <name> "Film A" .
</en/film_a> </film/film/directed_by> </en/dora_director> .
</en/film_a> </film/film/starring> _:p1 .
</en/film_a> </film/film/starring> _:p2 .
_:p1 </film/performance/actor> </en/ann_actor> .
_:p1 </film/performance/character> "Ann's part" .
_:p2 </film/performance/actor> </en/bob_actor> .
</en/film_b> <type> </film/film> .
</en/film_b> <name> "Film B" .
</en/film_b> </film/film/directed_by> </en/dora_director> .
</en/film_b> </film/film/directed_by> </en/ann_actor> .
</en/film_b> </film/film/starring> _:p3 .
_:p3 </film/performance/actor> </en/ann_actor> .
</en/dora_director> <type> </people/person> .
</en/dora_director> <name> "Dora Director" .
</en/ann_actor> <type> </people/person> .
</en/ann_actor> <name> "Ann Actor" .
</en/bob_actor> <type> </people/person> .
</en/bob_actor> <name> "Bob Actor" .
`

// TestMovieMappingInverseFields imports a sample of the movie data through
// the shipped mapping: Film.starring and Person.directed, named from the
// mapping's declared inverses, answer what relations(direction: IN) does.
func TestMovieMappingInverseFields(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	sample := filepath.Join(dir, "films.nq")
	if err := os.WriteFile(sample, []byte(movieSample), 0o644); err != nil {
		t.Fatal(err)
	}
	mapping := filepath.Join("..", "..", "seed", "examples", "movie-mapping.yaml")
	if err := run(t.Context(), []string{"seed", "--store", store, "--mapping", mapping, sample}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	tests := []struct {
		name, entity, typ, field, relation string
		want                               []string
	}{
		{"a film's starring lists its actors", "film-a", "Film", "starring", "acted-in", []string{"ann-actor", "bob-actor"}},
		{"a person's directed lists the films", "dora-director", "Person", "directed", "directed-by", []string{"film-a", "film-b"}},
		{"an actor who directed", "ann-actor", "Person", "directed", "directed-by", []string{"film-b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := `{ entity(id: "` + tt.entity + `") { ... on ` + tt.typ + ` { typed: ` + tt.field + ` { totalCount nodes { id from { id } } } }
				relations(types: ["` + tt.relation + `"], direction: IN) { id from { id } } } }`
			var out bytes.Buffer
			if err := run(t.Context(), []string{"query", "--store", store, q}, noEnv, &out, io.Discard); err != nil {
				t.Fatalf("query: %v\n%s", err, out.String())
			}
			var resp struct {
				Data struct {
					Entity struct {
						Typed struct {
							TotalCount int
							Nodes      []struct {
								ID   string
								From struct{ ID string }
							}
						}
						Relations []struct {
							ID   string
							From struct{ ID string }
						}
					}
				}
			}
			if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
				t.Fatal(err)
			}
			e := resp.Data.Entity
			if !slices.Equal(e.Typed.Nodes, e.Relations) || e.Typed.TotalCount != len(e.Relations) {
				t.Errorf("%s = %+v, relations IN = %+v", tt.field, e.Typed, e.Relations)
			}
			var from []string
			for _, r := range e.Relations {
				from = append(from, r.From.ID)
			}
			slices.Sort(from)
			if !slices.Equal(from, tt.want) {
				t.Errorf("from = %v, want %v", from, tt.want)
			}
		})
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"schema", "--store", store}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"actedInBy", "directedByBy"} {
		if strings.Contains(out.String(), gone) {
			t.Errorf("the schema still has %s", gone)
		}
	}
}

// TestInverseClashIsPlacedInTheFile seeds a relation type whose inverse
// would name the same field as the built-in governs's: the error points at
// the inverse, and nothing is written.
func TestInverseClashIsPlacedInTheFile(t *testing.T) {
	dir := t.TempDir()
	store := "bolt:" + filepath.Join(dir, "x.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	file := filepath.Join(dir, "rules.yaml")
	yaml := "ontology:\n  relationTypes:\n    - name: rules\n      inverse: governed by\n      subject: [Group]\n      object: [Country]\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(t.Context(), []string{"seed", "--store", store, file}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), file+":4:16: the field governedBy of relation type \"rules\" on Country clashes with the field of relation type \"governs\"") {
		t.Fatalf("err = %v, want the clash placed at the inverse", err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"query", "--store", store, `{ relationTypes }`}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), `"rules"`) {
		t.Errorf("the refused relation type was stored: %s", out.String())
	}
}
