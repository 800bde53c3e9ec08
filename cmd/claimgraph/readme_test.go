package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeExampleIsTrue runs the example query of README.md against the
// built-in seed and compares the answer with the one the README shows.
func TestReadmeExampleIsTrue(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, example, ok := strings.Cut(string(readme), "## Example")
	if !ok {
		t.Fatal("README.md has no ## Example section")
	}
	query := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindStringSubmatch(example)
	answer := regexp.MustCompile("(?s)```json\n(.*?)```").FindStringSubmatch(example)
	if query == nil || answer == nil {
		t.Fatal("the README example needs a ```graphql block and a ```json block")
	}
	store := "bolt:" + filepath.Join(t.TempDir(), "x.db")
	if err := run(t.Context(), []string{"seed", "--store", store}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"query", "--store", store, query[1]}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("query: %v", err)
	}
	if got, want := strings.TrimSpace(out.String()), strings.TrimSpace(answer[1]); got != want {
		t.Errorf("README example answer is out of date.\ngot:\n%s\nREADME:\n%s", got, want)
	}
}
