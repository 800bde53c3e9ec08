package seed_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

var positionedRE = regexp.MustCompile(`^fuzz\.yaml:[1-9][0-9]*:[1-9][0-9]*: `)

// FuzzParse checks that Parse never panics and that every problem it or
// Locate reports carries a position in the input.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/*/*.yaml", "testdata/*/*/*.yaml", "data/*.yaml"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("a: &a [*a]\nentities: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := seed.Parse(seed.Input{Name: "fuzz.yaml", Data: data})
		if err == nil {
			ont := graph.Ontology{}.Merge(p.Batch.Ontology)
			err = p.Locate(graph.ValidateBatch(context.Background(), ont, p.Batch, knowNothing))
			if err == nil {
				return
			}
		}
		if code := graph.ErrorCode(err); code != graph.Invalid {
			t.Fatalf("code = %q, want %q: %v", code, graph.Invalid, err)
		}
		for _, line := range lines(err) {
			if !positionedRE.MatchString(line) {
				t.Fatalf("problem without a position: %q", line)
			}
		}
	})
}

var positionedCSVRE = regexp.MustCompile(`^fuzz\.csv:[1-9][0-9]*:[1-9][0-9]*: `)

// FuzzParseCSV checks that Parse never panics on a CSV file and that every
// problem it or Locate reports carries a position in the input.
func FuzzParseCSV(f *testing.F) {
	for _, pattern := range []string{"testdata/*/*/*.csv"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("\ufeffid,type,name\r\n\"a\"\"b\",\"c\nd\",é\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := seed.Parse(seed.Input{Name: "fuzz.csv", Data: data})
		if err == nil {
			ont := graph.Ontology{}.Merge(p.Batch.Ontology)
			err = p.Locate(graph.ValidateBatch(context.Background(), ont, p.Batch, knowNothing))
			if err == nil {
				return
			}
		}
		if code := graph.ErrorCode(err); code != graph.Invalid {
			t.Fatalf("code = %q, want %q: %v", code, graph.Invalid, err)
		}
		for _, line := range lines(err) {
			if !positionedCSVRE.MatchString(line) {
				t.Fatalf("problem without a position: %q", line)
			}
		}
	})
}
