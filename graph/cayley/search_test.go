package cayley_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

// TestIndexedSearchAnswersAsTheStore compares entity searches answered by
// the read cache's name index with the same searches read from the store,
// on entities written by Apply (with aliases) and by a bulk import, and
// checks that a write is searchable at once, before the index is rebuilt.
func TestIndexedSearchAnswersAsTheStore(t *testing.T) {
	ctx := t.Context()
	raw := openClosed(t, boltURL(t))
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	parts := []string{"Quét", "ta", "Tal", "iban", "Teh", "rik", "-e-", "ß", " ", "zz", "Lash", "kar"}
	word := func() string {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		return b.String()
	}
	b := graphtest.Fixture()
	for i := range 300 {
		e := graph.Entity{ID: fmt.Sprintf("e-%03d", i), Type: []string{"Country", "Group"}[i%2], Name: word()}
		for range rng.IntN(3) {
			e.Aliases = append(e.Aliases, graph.Alias{Name: word()})
		}
		b.Entities = append(b.Entities, e)
	}
	if _, err := raw.Apply(ctx, b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	bulk := graph.BulkImport{Source: graph.Source{ID: "src-bulk", Title: "bulk"}, Digest: "d1", NumEntities: 100}
	bulk.Entities = func(yield func(graph.Entity) bool) {
		for i := range 100 {
			if !yield(graph.Entity{ID: fmt.Sprintf("bulk-%03d", i), Type: "Group", Name: "Bulk " + word()}) {
				return
			}
		}
	}
	bulk.Statements = func(func(graph.Statement) bool) {}
	if _, err := raw.Import(ctx, bulk, graph.BulkOptions{}); err != nil {
		t.Fatal(err)
	}

	c := cache.New(raw, 0)
	if err := c.BuildIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if gen, _ := raw.Generation(ctx); c.IndexStats().Generation != gen {
		t.Fatalf("the index was built under generation %q, the store is at %q", c.IndexStats().Generation, gen)
	}
	queries := []graph.EntityQuery{{Search: "QUETTA"}, {Search: "ss"}, {Search: "z"}, {Search: "bulk"}, {Search: "India"}, {Search: "no such name"}}
	for range 200 {
		n := b.Entities[rng.IntN(len(b.Entities))].Name
		start := rng.IntN(len(n))
		q := graph.EntityQuery{Search: n[start : start+1+rng.IntN(len(n)-start)]}
		if rng.IntN(3) == 0 {
			q.Type = "Group"
		}
		if rng.IntN(3) == 0 {
			q.Limit = 1 + rng.IntN(5)
		}
		if rng.IntN(4) == 0 {
			q.After = fmt.Sprintf("e-%03d", rng.IntN(300))
		}
		queries = append(queries, q)
	}
	compare := func(q graph.EntityQuery) {
		t.Helper()
		got, err := c.Entities(ctx, q)
		if err != nil {
			t.Fatalf("cached Entities(%+v): %v", q, err)
		}
		want, err := raw.Entities(ctx, q)
		if err != nil {
			t.Fatalf("store Entities(%+v): %v", q, err)
		}
		if !slices.Equal(ids(got), ids(want)) {
			t.Fatalf("Entities(%+v) from the index = %q, from the store %q", q, ids(got), ids(want))
		}
	}
	for _, q := range queries {
		compare(q)
	}
	if _, err := raw.Apply(ctx, graph.Batch{Entities: []graph.Entity{{ID: "zz-new", Type: "Group", Name: "Quetta Newcomers"}}}, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := c.Entities(ctx, graph.EntityQuery{Search: "NEWCOMERS"})
	if err != nil || !slices.Equal(ids(got), []string{"zz-new"}) {
		t.Fatalf("a search right after a write = %q, %v; want [zz-new]", ids(got), err)
	}
}

func ids(es []graph.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
