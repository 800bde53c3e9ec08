package seed_test

import (
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// TestLoadMessages checks what a rejected file is told, on a real store
// that holds the built-in seed: suggestions from the store's names, one
// problem for one mistake, plain English.
func TestLoadMessages(t *testing.T) {
	ctx := t.Context()
	st, err := cayley.Open(ctx, "memory:", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		t.Fatal(err)
	}
	const src = "sources: [{id: src-t, title: A test report}]\n"
	claim := "    claims: [{source: src-t}]\n"
	tests := []struct {
		name string
		file string
		want []string // the problems, in order, each a substring of its line
	}{
		{
			name: "an unknown entity gets the stored entity it resembles",
			file: src + "statements:\n  - subject: indai\n    relation: accused-of-backing\n    object: ttp\n" + claim,
			want: []string{`f.yaml:3:14: unknown entity "indai"; did you mean "india"?`},
		},
		{
			name: "an unknown entity type gets the stored type it resembles, once",
			file: src + "entities:\n  - {id: lashkar, type: Gruop, name: Lashkar}\n" +
				"statements:\n  - subject: lashkar\n    relation: operating-from\n    object: pakistan\n" + claim +
				"  - subject: lashkar\n    relation: allied-with\n    object: ttp\n" + claim +
				"  - subject: india\n    relation: accused-of-backing\n    object: lashkar\n" + claim,
			want: []string{`f.yaml:3:25: unknown entity type "Gruop"; did you mean "Group"?`},
		},
		{
			name: "an unknown relation type gets the stored type it resembles",
			file: src + "statements:\n  - subject: india\n    relation: acused-of-backing\n    object: ttp\n" + claim,
			want: []string{`unknown relation type "acused-of-backing"; did you mean "accused-of-backing"?`},
		},
		{
			name: "a type before a vowel takes an",
			file: src + "entities:\n  - {id: un, type: Organization, name: United Nations}\n" +
				"statements:\n  - subject: un\n    relation: accused-of-backing\n    object: ttp\n" + claim,
			want: []string{`accused-of-backing cannot connect an Organization (un) to a Group (ttp)`},
		},
		{
			name: "a relation without attributes says so",
			file: src + "statements:\n  - subject: ttp\n    relation: allied-with\n    object: afghan-taliban\n    attributes: {count: \"3\"}\n" + claim,
			want: []string{`relation allied-with takes no attributes, not "count"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Input{Name: "f.yaml", Data: []byte(tt.file)})
			if graph.ErrorCode(err) != graph.Invalid {
				t.Fatalf("Load = %v, want an Invalid error", err)
			}
			var lines []string
			for _, l := range strings.Split(err.Error(), "\n") {
				if strings.HasPrefix(l, "f.yaml:") {
					lines = append(lines, l)
				}
			}
			if len(lines) != len(tt.want) {
				t.Fatalf("%d problems, want %d:\n%s", len(lines), len(tt.want), err)
			}
			for i, want := range tt.want {
				if !strings.Contains(lines[i], want) {
					t.Errorf("problem %d = %q, want %q in it", i+1, lines[i], want)
				}
			}
		})
	}
}
