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
	addCorpus(f, "testdata/*/*.yaml", "testdata/*/*/*.yaml", "data/*.yaml")
	f.Add([]byte("a: &a [*a]\nentities: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkInvalidAndPositioned(t, parseAndValidate("fuzz.yaml", data), positionedRE)
	})
}

var positionedCSVRE = regexp.MustCompile(`^fuzz\.csv:[1-9][0-9]*:[1-9][0-9]*: `)

// FuzzParseCSV checks that Parse never panics on a CSV file and that every
// problem it or Locate reports carries a position in the input.
func FuzzParseCSV(f *testing.F) {
	addCorpus(f, "testdata/*/*/*.csv")
	f.Add([]byte("\ufeffid,type,name\r\n\"a\"\"b\",\"c\nd\",é\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkInvalidAndPositioned(t, parseAndValidate("fuzz.csv", data), positionedCSVRE)
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
	addCorpus(f, filepath.Join("testdata", "nquads", "*.nq"))
	f.Add([]byte(`<a\u0041> <b> "x\U0001F600"@en-GB . # c` + "\n_:x <b> \"y\"^^<t> <g> .\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := seed.Import(context.Background(), newFakeStore(), []seed.Input{{Name: "fuzz.nq", Format: seed.FormatNQuads, R: bytes.NewReader(data)}},
			seed.Options{Mapping: m})
		checkInvalidAndPositioned(t, err, positionedNQRE)
	})
}

var positionedJSONLDRE = regexp.MustCompile(`^fuzz\.jsonld:[1-9][0-9]*:[1-9][0-9]*: `)

// FuzzImportJSONLD checks that reading JSON-LD through a mapping never
// panics and that every problem it reports carries a position.
func FuzzImportJSONLD(f *testing.F) {
	mapping, err := os.ReadFile(filepath.Join("testdata", "jsonld", "mapping.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	m, err := seed.ParseMapping(seed.Input{Name: "mapping.yaml", Data: mapping})
	if err != nil {
		f.Fatal(err)
	}
	addCorpus(f, filepath.Join("testdata", "jsonld", "*.jsonld"))
	f.Add([]byte(`[{"@id": "_:b", "http://example.org/type": {"@id": "http://example.org/film/film"}}, "x"]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := seed.Import(context.Background(), newFakeStore(), []seed.Input{{Name: "fuzz.jsonld", Format: seed.FormatJSONLD, R: bytes.NewReader(data)}},
			seed.Options{Mapping: m})
		checkInvalidAndPositioned(t, err, positionedJSONLDRE)
	})
}

// FuzzParseMapping checks that reading a mapping file never panics and
// that every problem it reports carries a position.
func FuzzParseMapping(f *testing.F) {
	addCorpus(f, filepath.Join("testdata", "nquads", "*.yaml"), filepath.Join("examples", "movie-mapping.yaml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := seed.ParseMapping(seed.Input{Name: "fuzz.yaml", Data: data})
		checkPositioned(t, err, positionedRE)
	})
}

// addCorpus adds every file the glob patterns match to f's seed corpus.
func addCorpus(f *testing.F, patterns ...string) {
	f.Helper()
	for _, pattern := range patterns {
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
}

// parseAndValidate parses one fact file and validates it on its own, with
// every problem located in the file.
func parseAndValidate(name string, data []byte) error {
	p, err := seed.Parse(seed.Input{Name: name, Data: data})
	if err != nil {
		return err
	}
	ont := graph.Ontology{}.Merge(p.Batch.Ontology)
	return p.Locate(graph.ValidateBatch(context.Background(), ont, &p.Batch, knowNothing))
}

// checkInvalidAndPositioned fails unless err is nil, or Invalid with every
// problem carrying a position that re matches.
func checkInvalidAndPositioned(t *testing.T, err error, re *regexp.Regexp) {
	t.Helper()
	if err == nil {
		return
	}
	if code := graph.ErrorCode(err); code != graph.Invalid {
		t.Fatalf("code = %q, want %q: %v", code, graph.Invalid, err)
	}
	checkPositioned(t, err, re)
}

// checkPositioned fails when a problem of err has no position re matches.
func checkPositioned(t *testing.T, err error, re *regexp.Regexp) {
	t.Helper()
	for _, line := range lines(err) {
		if !re.MatchString(line) {
			t.Fatalf("problem without a position: %q", line)
		}
	}
}
