package seed_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

const cuesOntology = `
ontology:
  entityTypes: [{name: Country}, {name: Group}]
  relationTypes:
    - name: backs
      subject: Country
      object: Group
      cues: [backs, support for, "^is backed by"]
`

// TestRelationTypeCuesRoundTrip reads cues from a fact file, stores them,
// and finds them in the stored ontology and in the JSON export, which loads
// back to the same cues.
func TestRelationTypeCuesRoundTrip(t *testing.T) {
	want := []string{"^is backed by", "backs", "support for"}
	p, err := seed.Parse(seed.Input{Name: "ontology.yaml", Data: []byte(cuesOntology)})
	if err != nil {
		t.Fatal(err)
	}
	rt, _ := p.Batch.Ontology.RelationType("backs")
	if got := slices.Sorted(slices.Values(rt.Cues)); !slices.Equal(got, want) {
		t.Fatalf("parsed cues %q, want %q", got, want)
	}
	storedCues := func(st graph.Store) []string {
		t.Helper()
		ont, err := st.Ontology(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		rt, _ := ont.RelationType("backs")
		return rt.Cues
	}
	st := openMemory(t)
	if _, err := st.Apply(t.Context(), p.Batch, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := storedCues(st); !slices.Equal(got, want) {
		t.Fatalf("stored cues %q, want %q", got, want)
	}
	var js bytes.Buffer
	if err := seed.WriteJSON(t.Context(), st, &js); err != nil {
		t.Fatal(err)
	}
	again := openMemory(t)
	if _, err := seed.Load(t.Context(), again, graph.ApplyOptions{}, seed.Input{Name: "export.json", Data: js.Bytes()}); err != nil {
		t.Fatalf("JSON export does not load: %v\n%s", err, js.String())
	}
	if got := storedCues(again); !slices.Equal(got, want) {
		t.Fatalf("cues after a JSON round trip %q, want %q", got, want)
	}
}

func openMemory(tb testing.TB) graph.Store {
	tb.Helper()
	st, err := cayley.Open(tb.Context(), "memory:", cayley.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}
