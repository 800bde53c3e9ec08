package seed_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// TestLoadCayley loads into the real store, in memory: the built-in seed
// goes in whole, a bad file is placed and writes nothing.
func TestLoadCayley(t *testing.T) {
	ctx := t.Context()
	st, err := cayley.Open(ctx, "memory:", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		t.Fatalf("Load(Builtin()): %v", err)
	}

	t.Run("accusations are disputed in the store", func(t *testing.T) {
		rels, err := st.Relations(ctx, "ttp", graph.RelationQuery{Types: []string{"accused-of-backing"}, Direction: graph.In})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rels {
			got = append(got, r.Subject+" "+string(r.Status()))
		}
		slices.Sort(got)
		want := []string{"afghanistan DISPUTED", "india DISPUTED"}
		if !slices.Equal(got, want) {
			t.Errorf("accused of backing ttp: %q, want %q", got, want)
		}
	})

	t.Run("the source keeps only its title", func(t *testing.T) {
		src, err := st.Source(ctx, articleSourceID)
		if err != nil {
			t.Fatal(err)
		}
		if src.URL != "" || src.Publisher != "" || src.Published != "" || src.Title == "" {
			t.Errorf("source = %+v, want a title and nothing else", src)
		}
	})

	t.Run("reloading changes nothing", func(t *testing.T) {
		sum, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Changes() {
			t.Errorf("summary = %+v, want no changes", sum)
		}
	})

	t.Run("file referring to stored entities loads, a bad one is placed and writes nothing", func(t *testing.T) {
		good := in("good.yaml", "statements:\n  - subject: bla\n    relation: operating-from\n    object: afghanistan\n    claims: [{source: src-86013d487e35f14f, by: pakistan, quote: Over two dozen such accounts are active from Afghanistan}]\n")
		if _, err := seed.Load(ctx, st, graph.ApplyOptions{DryRun: true}, good...); err != nil {
			t.Errorf("dry run of a file using stored entities: %v", err)
		}
		bad := in("bad.yaml", "entities:\n  - {id: new-group, type: Group, name: New}\nstatements:\n  - subject: new-group\n    relation: allied-with\n    object: afghan-talibn\n    claims: [{source: src-86013d487e35f14f}]\n")
		_, err := seed.Load(ctx, st, graph.ApplyOptions{}, bad...)
		want := `bad.yaml:6:13: unknown entity "afghan-talibn"`
		if got := lines(err); len(got) != 1 || !strings.HasPrefix(got[0], want) || graph.ErrorCode(err) != graph.Invalid {
			t.Errorf("errors = %q (code %q), want one starting %q", got, graph.ErrorCode(err), want)
		}
		if _, err := st.Entity(ctx, "new-group"); graph.ErrorCode(err) != graph.NotFound {
			t.Errorf("entity of the rejected file: err = %v, want not found", err)
		}
	})
}
