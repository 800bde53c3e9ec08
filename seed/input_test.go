package seed_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

// Inputs of every format, each adding to a store that holds the built-in
// seed.
const (
	yamlFacts = `# a comment first
entities:
  - {id: lashkar, type: Group, name: Lashkar}
`
	jsonFacts = `{"entities": [{"id": "lashkar", "type": "Group", "name": "Lashkar"}]}`
	csvFacts  = "id,type,name\nlashkar,Group,Lashkar\n"
)

func testdataFile(tb testing.TB, parts ...string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func gzipped(tb testing.TB, s string) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// TestImportTellsTheFormatFromTheContent imports an input of every format
// under names that say nothing (or the wrong thing) and compressed: each
// is read by its format's reader, and its dry run counts what the real
// run then does.
func TestImportTellsTheFormatFromTheContent(t *testing.T) {
	nqMapping, err := readMapping(t, "mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ldMapping, err := seed.ParseMapping(seed.Input{Name: "mapping.yaml", Data: []byte(testdataFile(t, "jsonld", "mapping.yaml"))})
	if err != nil {
		t.Fatal(err)
	}
	ownExport := exportOf(t, seededStore(t))
	type format struct {
		name    string
		data    string
		mapping *seed.Mapping
		kind    seed.PartKind
	}
	formats := []format{
		{"yaml", yamlFacts, nil, seed.PartFacts},
		{"json", jsonFacts, nil, seed.PartFacts},
		{"csv", csvFacts, nil, seed.PartFacts},
		{"claimgraph's N-Quads", ownExport, nil, seed.PartRestore},
		{"N-Quads through a mapping", testdataFile(t, "nquads", "good.nq"), nqMapping, seed.PartBulk},
		{"JSON-LD through a mapping", testdataFile(t, "jsonld", "good.jsonld"), ldMapping, seed.PartBulk},
	}
	for _, f := range formats {
		for _, name := range []string{"body", "misnamed.yaml", "misnamed.csv", "upload.gz"} {
			for _, compressed := range []bool{false, true} {
				t.Run(f.name+" named "+name+map[bool]string{true: ", compressed,", false: ""}[compressed]+" is read as it is", func(t *testing.T) {
					in := func() seed.Input {
						if compressed {
							return seed.Input{Name: name, R: bytes.NewReader(gzipped(t, f.data))}
						}
						return seed.Input{Name: name, R: strings.NewReader(f.data)}
					}
					st := seededStore(t)
					before := exportOf(t, st)
					dry, err := seed.Import(t.Context(), st, []seed.Input{in()}, seed.Options{Mapping: f.mapping, DryRun: true})
					if err != nil {
						t.Fatalf("dry run: %v", err)
					}
					if exportOf(t, st) != before {
						t.Fatal("the dry run wrote")
					}
					rep, err := seed.Import(t.Context(), st, []seed.Input{in()}, seed.Options{Mapping: f.mapping})
					if err != nil {
						t.Fatal(err)
					}
					if len(rep.Parts) != 1 || rep.Parts[0].Kind != f.kind || rep.Parts[0].Inputs[0] != name {
						t.Fatalf("parts %+v, want one %s", rep.Parts, f.kind)
					}
					if !reflect.DeepEqual(rep.Summary(), dry.Summary()) {
						t.Errorf("the real run counts %+v, the dry run %+v", rep.Summary(), dry.Summary())
					}
					if f.kind != seed.PartRestore && rep.Summary().Added == 0 {
						t.Errorf("nothing added: %+v", rep.Summary())
					}
				})
			}
		}
	}
}

// TestImportWithAFormatGivenReadsItSo gives the format explicitly, and
// the wrong one: the input is read as told.
func TestImportWithAFormatGivenReadsItSo(t *testing.T) {
	st := seededStore(t)
	if _, err := seed.Import(t.Context(), st, []seed.Input{{Name: "x.nq", Format: seed.FormatYAML, R: strings.NewReader(yamlFacts)}}, seed.Options{DryRun: true}); err != nil {
		t.Errorf("YAML given as yaml: %v", err)
	}
	_, err := seed.Import(t.Context(), st, []seed.Input{{Name: "x", Format: seed.FormatCSV, R: strings.NewReader(yamlFacts)}}, seed.Options{})
	if graph.ErrorCode(err) != graph.Invalid || !strings.HasPrefix(err.Error(), "x:") || !strings.Contains(err.Error(), "header") {
		t.Errorf("YAML given as csv: %v, want the CSV reader's problems", err)
	}
}

// TestImportRefusesWhatItCannotRead gives inputs no reader takes: each is
// an Invalid problem naming the input, and those of no format say which
// formats there are.
func TestImportRefusesWhatItCannotRead(t *testing.T) {
	nqMapping, err := readMapping(t, "mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const graphML = `<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <graph edgedefault="directed"><node id="india"/></graph>
</graphml>
`
	const formats = "seed reads yaml, json, csv, nquads (claimgraph's export, or RDF with a mapping), jsonld (with a mapping), article (.txt, .md, .html) and annotations (W3C Web Annotations)"
	tests := []struct {
		name  string
		in    seed.Input
		m     *seed.Mapping
		wants []string
	}{
		{"GraphML is refused as an export format", seed.Input{Name: "x.graphml", Data: []byte(graphML)}, nil,
			[]string{"x.graphml: GraphML is an export format and cannot be seeded; " + formats}},
		{"GraphML under another name is refused too", seed.Input{Name: "graph.yaml", R: strings.NewReader(graphML)}, nil,
			[]string{"graph.yaml: GraphML is an export format and cannot be seeded; " + formats}},
		{"an unknown format is refused", seed.Input{Name: "body", Format: "xml", R: strings.NewReader(yamlFacts)}, nil,
			[]string{`body: unknown format "xml"; ` + formats}},
		{"JSON-LD without a mapping is refused", seed.Input{Name: "films.jsonld", R: strings.NewReader(testdataFile(t, "jsonld", "good.jsonld"))}, nil,
			[]string{"films.jsonld: JSON-LD is read through an ontology mapping"}},
		{"a fact file with a mapping is refused", seed.Input{Name: "facts.yaml", R: strings.NewReader(yamlFacts)}, nqMapping,
			[]string{"facts.yaml: a yaml file cannot be read through a mapping"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := seededStore(t)
			before := exportOf(t, st)
			_, err := seed.Import(t.Context(), st, []seed.Input{tt.in}, seed.Options{Mapping: tt.m})
			if graph.ErrorCode(err) != graph.Invalid {
				t.Fatalf("err %v, want Invalid", err)
			}
			for _, w := range tt.wants {
				if !strings.HasPrefix(err.Error(), w) {
					t.Errorf("err %q, want it to start %q", err, w)
				}
			}
			if exportOf(t, st) != before {
				t.Error("the store changed")
			}
		})
	}
}

// TestImportListsTheProblemsOfEveryInput gives a malformed input of each
// kind in one import: every problem of each is listed, in input order,
// and nothing is written.
func TestImportListsTheProblemsOfEveryInput(t *testing.T) {
	st := seededStore(t)
	before := exportOf(t, st)
	inputs := []seed.Input{
		{Name: "a.yaml", R: strings.NewReader("entities:\n  - {id: x, type: Group, nmae: X}\n")},
		{Name: "b.nq", R: strings.NewReader("<cg:e/x> <cg:p/name> \"X\" .\n<x> <cg:p/name> \"X\" .\n")},
		{Name: "c.graphml", R: strings.NewReader("<graphml/>\n")},
		{Name: "d.csv", R: strings.NewReader("id,type,nmae\n")},
	}
	_, err := seed.Import(t.Context(), st, inputs, seed.Options{})
	if graph.ErrorCode(err) != graph.Invalid {
		t.Fatalf("err %v, want Invalid", err)
	}
	var files []string
	for _, l := range strings.Split(err.Error(), "\n") {
		files = append(files, l[:strings.Index(l, ":")])
	}
	if got := strings.Join(files, " "); got != "a.yaml b.nq b.nq c.graphml d.csv d.csv" {
		t.Errorf("problems of %s:\n%v", got, err)
	}
	if exportOf(t, st) != before {
		t.Error("the store changed")
	}
}

// TestImportReadsAStreamOnce imports every format from a pipe, which can
// be read only once, under a name that tells nothing: the whole content
// arrives.
func TestImportReadsAStreamOnce(t *testing.T) {
	nqMapping, err := readMapping(t, "mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		data string
		m    *seed.Mapping
	}{
		{"yaml", yamlFacts, nil},
		{"json", jsonFacts, nil},
		{"csv", csvFacts, nil},
		{"claimgraph's N-Quads", exportOf(t, seededStore(t)), nil},
		{"N-Quads through a mapping", testdataFile(t, "nquads", "good.nq"), nqMapping},
	} {
		t.Run(tt.name+" is read in one pass", func(t *testing.T) {
			pr, pw := io.Pipe()
			go func() {
				pw.Write([]byte(tt.data))
				pw.Close()
			}()
			in := seed.Input{Name: "stream", R: pr}
			rep, err := seed.Import(t.Context(), seededStore(t), []seed.Input{in}, seed.Options{Mapping: tt.m})
			if err != nil {
				t.Fatal(err)
			}
			if sum := rep.Summary(); sum.Added+sum.Unchanged == 0 {
				t.Errorf("nothing read: %+v", sum)
			}
		})
	}
}

// TestOwnNQuadsFollowTheGrammar restores lines of claimgraph's N-Quads
// that break the RDF 1.1 grammar, one fault each: each is refused at the
// column of the fault, and nothing is written.
func TestOwnNQuadsFollowTheGrammar(t *testing.T) {
	tests := []struct {
		name string
		line string
		col  int
	}{
		{"a relative IRI as subject", `<india> <cg:p/name> "India" .`, 1},
		{"a relative IRI as predicate", `<cg:e/india> <name> "India" .`, 14},
		{"a relative IRI as object", `<cg:e/india> <cg:p/type> <Country> .`, 26},
		{"a relative datatype", `<cg:e/india> <cg:p/name> "x"^^<dt> .`, 31},
		{"a space in an IRI", `<cg:e/in dia> <cg:p/name> "India" .`, 9},
		{"a brace in an IRI", `<cg:e/{x}> <cg:p/name> "India" .`, 7},
		{"a character escape in an IRI", `<cg:e/\nx> <cg:p/name> "India" .`, 7},
		{"an escaped space in an IRI", `<cg:e/a\u0020b> <cg:p/name> "India" .`, 8},
		{"a bad \\u escape in an IRI", `<cg:e/\u00ZZ> <cg:p/name> "India" .`, 7},
		{"a blank node label starting with a hyphen", `<cg:e/india> <cg:p/name> _:-x .`, 28},
		{"a blank node label with a bang", `<cg:e/india> <cg:p/name> _:a!b .`, 29},
		{"a language tag of digits", `<cg:e/india> <cg:p/name> "India"@1 .`, 33},
		{"a language tag ending in a hyphen", `<cg:e/india> <cg:p/name> "India"@en- .`, 33},
		{"a language tag and a datatype", `<cg:e/india> <cg:p/name> "India"@en^^<cg:t> .`, 36},
		{"an unknown string escape", `<cg:e/india> <cg:p/name> "In\qdia" .`, 29},
		{"a bad \\u escape in a literal", `<cg:e/india> <cg:p/name> "\uZZZZ" .`, 27},
		{"an unterminated literal", `<cg:e/india> <cg:p/name> "India .`, 34},
		{"a literal as graph label", `<cg:e/india> <cg:p/name> "India" "g" .`, 34},
		{"five terms", `<cg:e/a> <cg:p/b> <cg:e/c> <cg:g/d> <cg:e/x> .`, 37},
		{"no final dot", `<cg:e/india> <cg:p/name> "India"`, 33},
		{"a number as object", `<cg:e/india> <cg:p/name> 1 .`, 26},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused at its column", func(t *testing.T) {
			st := seededStore(t)
			before := exportOf(t, st)
			data := "# one faulty line\n" + tt.line + "\n"
			for _, dryRun := range []bool{true, false} {
				_, err := seed.Import(t.Context(), st, []seed.Input{{Name: "backup.nq", R: strings.NewReader(data)}}, seed.Options{DryRun: dryRun})
				want := fmt.Sprintf("backup.nq:2:%d: N-Quads syntax error: ", tt.col)
				if graph.ErrorCode(err) != graph.Invalid || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
					t.Errorf("dry run %v: %v; want one problem at %s", dryRun, err, want)
				}
			}
			if exportOf(t, st) != before {
				t.Error("the store changed")
			}
		})
	}
}
