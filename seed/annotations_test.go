package seed_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// TestAnnotationsRoundTrip exports the built-in seed's claims as W3C Web
// Annotations and seeds them back: into a store with the same ontology,
// entities and sources but no statements they give the same statements
// and claims, and into the store they came from they change nothing.
func TestAnnotationsRoundTrip(t *testing.T) {
	ctx := t.Context()
	src := seededStore(t)
	var out bytes.Buffer
	if err := seed.WriteAnnotations(ctx, src, &out); err != nil {
		t.Fatal(err)
	}
	var coll struct {
		Context []any `json:"@context"`
		Type    string
		Total   int
		First   struct {
			Items []struct {
				Type   string
				Target struct {
					Source   string
					Selector []map[string]any
				}
				Body map[string]any
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &coll); err != nil {
		t.Fatal(err)
	}
	if coll.Type != "AnnotationCollection" || coll.Context[0] != "http://www.w3.org/ns/anno.jsonld" || coll.Total != len(coll.First.Items) || coll.Total == 0 {
		t.Fatalf("collection: type %q, context %v, total %d of %d items", coll.Type, coll.Context, coll.Total, len(coll.First.Items))
	}
	for _, a := range coll.First.Items {
		if a.Type != "Annotation" || a.Target.Source != "urn:claimgraph:source:src-86013d487e35f14f" || len(a.Target.Selector) != 2 ||
			a.Target.Selector[0]["type"] != "TextQuoteSelector" || a.Target.Selector[1]["type"] != "TextPositionSelector" || a.Body["statement"] == "" {
			t.Fatalf("annotation %+v: want a target with both selectors and the statement as body", a)
		}
	}

	t.Run("seeded into a store without the statements it gives them back", func(t *testing.T) {
		dst, err := cayley.Open(ctx, "memory:", cayley.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { dst.Close() })
		p, err := seed.Parse(seed.Builtin()...)
		if err != nil {
			t.Fatal(err)
		}
		p.Batch.Statements = nil
		if _, err := dst.Apply(ctx, p.Batch, graph.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		sum, err := seed.Load(ctx, dst, graph.ApplyOptions{}, seed.Input{Name: "claims.annotations.jsonld", Data: out.Bytes()})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Added == 0 {
			t.Errorf("summary %+v, want the statements and claims added", sum)
		}
		if a, b := jsonOf(t, src), jsonOf(t, dst); a != b {
			t.Errorf("the stores differ after the round trip:\n%s", firstDifference(a, b))
		}
	})
	t.Run("seeded into the store they came from they change nothing", func(t *testing.T) {
		sum, err := seed.Load(ctx, src, graph.ApplyOptions{}, seed.Input{Name: "claims.annotations.jsonld", Data: out.Bytes()})
		if err != nil || sum.Changes() {
			t.Errorf("summary %+v, err %v; want no change", sum, err)
		}
	})
	t.Run("an annotation whose quote is not at its place in the text is refused at its id", func(t *testing.T) {
		bad := strings.Replace(out.String(), `"exact": "allegations both countries deny"`, `"exact": "allegations both countries reject"`, 1)
		if bad == out.String() {
			t.Fatal("the quote to break is not in the export")
		}
		_, err := seed.Load(ctx, src, graph.ApplyOptions{}, seed.Input{Name: "bad.annotations.jsonld", Data: []byte(bad)})
		got := lines(err)
		if graph.ErrorCode(err) != graph.Invalid || len(got) != 1 || !strings.HasPrefix(got[0], "bad.annotations.jsonld:") ||
			!strings.Contains(got[0], `: quote is not at code points 1755–1786 of src-86013d487e35f14f (the text there: "allegations both countries deny")`) {
			t.Errorf("err = %q (code %q)", got, graph.ErrorCode(err))
		}
	})
}
