package cayley_test

import (
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

// TestCachedStore runs the conformance suite through the read cache: the
// cache must never answer differently from the store under it.
func TestCachedStore(t *testing.T) {
	cached := func(s *cayley.Store) graph.Store { return cache.New(s, 0) }
	t.Run("memory", func(t *testing.T) {
		graphtest.TestStore(t, func(tb testing.TB) graph.Store { return cached(open(tb, "memory:")) })
	})
	t.Run("bolt", func(t *testing.T) {
		graphtest.TestStore(t, func(tb testing.TB) graph.Store { return cached(open(tb, boltURL(tb))) })
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := postgresDSN(t)
		graphtest.TestStore(t, func(tb testing.TB) graph.Store { return cached(open(tb, freshSchema(tb, dsn))) })
	})
}

// TestCacheSeesAnotherProcessWrites opens two handles on one PostgreSQL
// database, as two claimgraph instances would: a write through one is read
// through the other's cache at once.
func TestCacheSeesAnotherProcessWrites(t *testing.T) {
	dsn := freshSchema(t, postgresDSN(t))
	ctx := t.Context()
	writer := openClosed(t, dsn)
	reader := cache.New(openClosed(t, dsn), 0)
	if _, err := writer.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	first, err := reader.Statement(ctx, graphtest.Fixture().Statements[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reader.Entity(ctx, "new-group"); graph.ErrorCode(err) != graph.NotFound {
		t.Fatalf("Entity(new-group) before the write = %v, want NotFound", err)
	}
	edited := graph.Batch{Statements: []graph.Statement{first}}
	edited.Statements[0].Claims = []graph.Claim{first.Claims[0]}
	edited.Statements[0].Claims[0].Quote = "an edited quote"
	edited.Entities = []graph.Entity{{ID: "new-group", Type: first.Claims[0].Claimant, Name: "New"}}
	ont, _ := writer.Ontology(ctx)
	edited.Entities[0].Type = ont.EntityTypes[0].Name
	if _, err := writer.Apply(ctx, edited, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	again, err := reader.Statement(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	var quotes []string
	for _, c := range again.Claims {
		quotes = append(quotes, c.Quote)
	}
	found := false
	for _, q := range quotes {
		found = found || q == "an edited quote"
	}
	if !found {
		t.Errorf("the reader's cache still serves the old claims %q after another process wrote", quotes)
	}
	if _, err := reader.Entity(ctx, "new-group"); err != nil {
		t.Errorf("Entity(new-group) after the write: %v", err)
	}
}

func TestGenerationChangesWithEveryWrite(t *testing.T) {
	for _, url := range []string{"memory:", "bolt"} {
		t.Run(url, func(t *testing.T) {
			if url == "bolt" {
				url = boltURL(t)
			}
			s := openClosed(t, url)
			ctx := t.Context()
			g0, err := s.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			g1, _ := s.Generation(ctx)
			if g1 == g0 {
				t.Error("generation unchanged by a write")
			}
			if _, err := s.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			if g2, _ := s.Generation(ctx); g2 != g1 {
				t.Error("generation changed by a write that wrote nothing")
			}
		})
	}
}
