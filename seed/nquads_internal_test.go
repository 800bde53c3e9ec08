package seed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// relativeIRITests are the tests of the W3C suite whose only fault is a
// relative IRI, which the reader of mapped RDF admits (Cayley's dumps
// write them).
var relativeIRITests = map[string]bool{
	"nq-syntax-bad-uri-01.nq": true,
	"nt-syntax-bad-uri-06.nq": true,
	"nt-syntax-bad-uri-07.nq": true,
	"nt-syntax-bad-uri-08.nq": true,
	"nt-syntax-bad-uri-09.nq": true,
}

// TestNQuadsReaderPassesTheW3CSuite reads every file of the W3C N-Quads
// test suite: the good ones without a problem, each bad one with at least
// one, positioned. The reader of mapped RDF differs only in admitting
// relative IRIs.
func TestNQuadsReaderPassesTheW3CSuite(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "w3c-nquads", "*.nq"))
	if err != nil || len(files) < 80 {
		t.Fatalf("the suite: %d files, %v", len(files), err)
	}
	for _, relative := range []bool{false, true} {
		for _, file := range files {
			name := filepath.Base(file)
			bad := strings.Contains(name, "bad") && !(relative && relativeIRITests[name])
			verdict := "is read"
			if bad {
				verdict = "is refused"
			}
			if relative {
				verdict += " through a mapping"
			}
			t.Run(name+" "+verdict, func(t *testing.T) {
				f, err := os.Open(file)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				var problems []string
				quads := 0
				err = readNQuads(t.Context(), f, name, relative,
					func(nquad, int, int) { quads++ },
					func(line, col int, err error) {
						if line < 1 || col < 1 {
							t.Errorf("problem at %d:%d", line, col)
						}
						problems = append(problems, Position{name, line, col}.String()+": "+err.Error())
					})
				if err != nil {
					t.Fatal(err)
				}
				if got := len(problems) > 0; got != bad {
					t.Errorf("%d quads read, problems %q", quads, problems)
				}
			})
		}
	}
}
