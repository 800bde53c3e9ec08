package seed

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// runsMapping maps the data of runsData; onInvalid is "fail" or "skip".
func runsMapping(tb testing.TB, onInvalid string) *Mapping {
	tb.Helper()
	m, err := ParseMapping(Input{Name: "mapping.yaml", Data: []byte(`
ontology:
  entityTypes: [{name: Film}, {name: Person}]
  relationTypes:
    - {name: directed-by, subject: [Film], object: [Person]}
    - {name: acted-in, subject: [Person], object: [Film], attributes: [character]}
sources:
  - {id: films, title: Films}
mapping:
  type: type
  name: name
  ids: [{prefix: /en/, as: ""}]
  entityTypes: {/film/film: Film, /people/person: Person}
  relations: {/film/film/directed_by: directed-by}
  onInvalid: ` + onInvalid + `
  joins:
    - relation: acted-in
      subject: /film/performance/actor
      object: ^/film/film/starring
      attributes: {character: /film/performance/character}
`)})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// runsData writes n films and people with everything a mapped import
// treats: names, nodes of two types, repeated edges and joins (merged),
// ids two nodes map to, empty ids, edges to nodes with no type, relations
// the ontology refuses, and, with problems, a line that is not a quad.
func runsData(n int, problems bool) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "</en/film_%d> <type> </film/film> .\n", i)
		fmt.Fprintf(&b, "</en/film_%d> <name> \"Film %d\" .\n", i, i)
		fmt.Fprintf(&b, "</en/person_%d> <type> </people/person> .\n", i)
		if i%7 == 0 {
			fmt.Fprintf(&b, "</en/person_%d> <type> </film/film> .\n", i) // Film comes first in the mapping
		}
		fmt.Fprintf(&b, "</en/person_%d> <name> \"Person %d\" .\n", i, i)
		fmt.Fprintf(&b, "</en/film_%d> </film/film/directed_by> </en/person_%d> .\n", i, i*7%n)
		if i%10 == 0 {
			fmt.Fprintf(&b, "</en/film_%d> </film/film/directed_by> </en/person_%d> .\n", i, i*7%n)
		}
		fmt.Fprintf(&b, "</en/film_%d> </film/film/starring> _:perf%d .\n", i, i)
		fmt.Fprintf(&b, "_:perf%d </film/performance/actor> </en/person_%d> .\n", i, i*3%n)
		fmt.Fprintf(&b, "_:perf%d </film/performance/character> \"Role %d\" .\n", i, i)
		if i%5 == 0 {
			fmt.Fprintf(&b, "</en/film_%d> </film/film/starring> _:again%d .\n", i, i)
			fmt.Fprintf(&b, "_:again%d </film/performance/actor> </en/person_%d> .\n", i, i*3%n)
			fmt.Fprintf(&b, "_:again%d </film/performance/character> \"Double %d\" .\n", i, i)
		}
		if i%50 == 0 {
			fmt.Fprintf(&b, "</en/twin_%d> <type> </people/person> .\n</en/twin-%d> <type> </people/person> .\n", i, i)
			if problems {
				fmt.Fprintf(&b, "</en/%s> <type> </people/person> .\n", strings.Repeat("!", i/50+1))
			}
		}
		if i%40 == 0 {
			fmt.Fprintf(&b, "</en/film_%d> </film/film/directed_by> </en/ghost_%d> .\n", i, i)
			fmt.Fprintf(&b, "</en/person_%d> </film/film/directed_by> </en/person_%d> .\n", i+1, i+2)
		}
		if i == n/2 && problems {
			b.WriteString("</en/broken> <type> .\n")
		}
	}
	return b.String()
}

// runsResult is what a mapped import of runsData gives.
type runsResult struct {
	entities   []graph.Entity
	statements []graph.Statement
	err        string
	warnings   []string
}

// readRuns reads data through m with runs of run records spilled into
// dir, and returns the result and the graph, not yet closed.
func readRuns(tb testing.TB, m *Mapping, data, dir string, run int) (runsResult, *rdfGraph) {
	tb.Helper()
	g := newRDFGraph(m)
	g.dir, g.run = dir, run
	if err := g.read(tb.Context(), "data.nq", 0, strings.NewReader(data)); err != nil {
		tb.Fatal(err)
	}
	var res runsResult
	imp, err := g.build(m.Ontology, func(msg string) { res.warnings = append(res.warnings, msg) })
	if err != nil {
		res.err = err.Error()
		return res, g
	}
	res.entities = slices.Collect(imp.Entities)
	res.statements = slices.Collect(imp.Statements)
	if err := imp.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(res.entities) != imp.NumEntities || len(res.statements) != imp.NumStatements {
		tb.Errorf("%d entities and %d statements, counted %d and %d", len(res.entities), len(res.statements), imp.NumEntities, imp.NumStatements)
	}
	return res, g
}

// TestMappedReaderHoldsOneRunAtATime reads the same data with runs of a
// few records and with everything in one run: no more than a run of
// nodes, join parts or statements is held in memory at any step, the
// runs spill to files that leave nothing in their directory, and the
// import, its problems and its warnings are the same either way.
func TestMappedReaderHoldsOneRunAtATime(t *testing.T) {
	tests := []struct {
		name      string
		onInvalid string
		films     int
		run       int
		wantErr   bool
	}{
		{"problems are the same", "fail", 200, 7, true},
		{"the import and its warnings are the same", "skip", 200, 7, false},
		{"runs of one record", "skip", 30, 1, false},
		{"runs larger than the data", "skip", 30, 1 << 16, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := runsMapping(t, tt.onInvalid)
			data := runsData(tt.films, tt.wantErr)
			want, whole := readRuns(t, m, data, t.TempDir(), 0)
			whole.close()
			if tt.wantErr != (want.err != "") {
				t.Fatalf("error %q; want one: %v", want.err, tt.wantErr)
			}
			if !tt.wantErr && (len(want.entities) < 2*tt.films || len(want.statements) < tt.films || len(want.warnings) == 0) {
				t.Fatalf("%d entities, %d statements, %d warnings: the data does not test much", len(want.entities), len(want.statements), len(want.warnings))
			}
			dir := t.TempDir()
			got, g := readRuns(t, m, data, dir, tt.run)
			defer g.close()
			if g.maxNodes > max(tt.run, 2) {
				t.Errorf("%d nodes held in a run, want at most %d", g.maxNodes, max(tt.run, 2))
			}
			runs := 0
			for i, s := range g.sorters {
				if s.MaxHeld() > tt.run {
					t.Errorf("sorter %d held %d records at once, want at most %d", i, s.MaxHeld(), tt.run)
				}
				runs += s.Runs()
			}
			if tt.run < 100 && runs < tt.films/tt.run {
				t.Errorf("%d runs spilled, want at least %d", runs, tt.films/tt.run)
			}
			if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
				t.Errorf("the directory holds %d entries (%v), want none", len(entries), err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("in runs of %d:\n%+v\nall at once:\n%+v", tt.run, got, want)
			}
		})
	}
}
