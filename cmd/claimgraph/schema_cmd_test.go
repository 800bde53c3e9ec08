package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
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
