package seed_test

import (
	"bytes"
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

var positionedNQRE = regexp.MustCompile(`^fuzz\.nq:[1-9][0-9]*:[1-9][0-9]*: `)

// FuzzImportNQuads checks that reading N-Quads through a mapping never
// panics and that every problem it reports carries a position.
func FuzzImportNQuads(f *testing.F) {
	mapping, err := os.ReadFile(filepath.Join("testdata", "nquads", "mapping.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	m, err := seed.ParseMapping(seed.Input{Name: "mapping.yaml", Data: mapping})
	if err != nil {
		f.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "nquads", "*.nq"))
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
	f.Add([]byte(`<a\u0041> <b> "x\U0001F600"@en-GB . # c` + "\n_:x <b> \"y\"^^<t> <g> .\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := seed.ImportNQuads(context.Background(), newFakeStore(), m,
			[]seed.NamedReader{{Name: "fuzz.nq", R: bytes.NewReader(data)}}, seed.ImportOptions{})
		if err == nil {
			return
		}
		if code := graph.ErrorCode(err); code != graph.Invalid {
			t.Fatalf("code = %q, want %q: %v", code, graph.Invalid, err)
		}
		for _, line := range lines(err) {
			if !positionedNQRE.MatchString(line) {
				t.Fatalf("problem without a position: %q", line)
			}
		}
	})
}

// FuzzParseMapping checks that reading a mapping file never panics and
// that every problem it reports carries a position.
func FuzzParseMapping(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "nquads", "*.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	files = append(files, filepath.Join("examples", "movie-mapping.yaml"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := seed.ParseMapping(seed.Input{Name: "fuzz.yaml", Data: data})
		for _, line := range lines(err) {
			if !positionedRE.MatchString(line) {
				t.Fatalf("problem without a position: %q", line)
			}
		}
	})
}
