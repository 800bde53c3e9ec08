package cayley_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/path"
	"github.com/claimgraph/claimgraph/seed"
)

// seededIndex opens a memory store with the built-in seed and a cache over
// it with a built adjacency index.
func seededIndex(t *testing.T) (*cayley.Store, *cache.Store, graph.Ontology) {
	t.Helper()
	st, err := cayley.Open(t.Context(), "memory:", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := seed.Load(t.Context(), st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		t.Fatal(err)
	}
	c := cache.New(st, 0)
	if err := c.BuildIndex(t.Context()); err != nil {
		t.Fatal(err)
	}
	ont, err := st.Ontology(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return st, c, ont
}

// adjacency returns the Adjacency a query through c's Neighbors walks, or
// nil when it reads the store.
func adjacency(t *testing.T, c *cache.Store, ont graph.Ontology) *path.Adjacency {
	t.Helper()
	d, ok := c.Neighbors(ont).(path.DenseNeighbors)
	if !ok {
		t.Fatal("the cache's Neighbors is no path.DenseNeighbors")
	}
	g, err := d.Adjacency(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// describe renders paths with their entities, statements, claims and cost.
func describe(paths []path.Path) string {
	var b strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&b, "%v cost %d:", p.Nodes(), p.Cost)
		for _, h := range p.Hops {
			fmt.Fprintf(&b, " %s/%v/%v/%d claims/%d sources", h.Statement.ID, h.Forward, h.Symmetric, len(h.Statement.Claims), len(h.Sources))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestIndexNeighborsConformToStoreNeighbors runs every path algorithm on
// every ordered pair of the built-in seed's entities through the adjacency
// index and through path.StoreNeighbors, and wants the same answers.
func TestIndexNeighborsConformToStoreNeighbors(t *testing.T) {
	st, c, ont := seededIndex(t)
	ctx := t.Context()
	gen, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s := c.IndexStats(); s.Generation != gen || s.Hops == 0 {
		t.Fatalf("index %+v, store generation %q", s, gen)
	}
	if adjacency(t, c, ont) == nil {
		t.Fatal("a current index is not walked")
	}
	ents, err := st.Entities(ctx, graph.EntityQuery{})
	if err != nil {
		t.Fatal(err)
	}
	plain := path.StoreNeighbors(st, ont)
	for _, e := range ents {
		want, err1 := plain.Hops(ctx, e.ID)
		got, err2 := c.Neighbors(ont).Hops(ctx, e.ID)
		if err1 != nil || err2 != nil || len(got) != len(want) {
			t.Fatalf("hops of %s: index %d (%v), store %d (%v)", e.ID, len(got), err2, len(want), err1)
		}
	}
	if _, err := c.Neighbors(ont).Hops(ctx, "no-such-entity"); graph.ErrorCode(err) != graph.NotFound {
		t.Errorf("hops of a missing entity: %v, want NotFound", err)
	}
	algos := map[string]func(path.PathQuery) ([]path.Path, error){}
	for name, f := range map[string]func(n path.Neighbors, q path.PathQuery) ([]path.Path, error){
		"shortest": func(n path.Neighbors, q path.PathQuery) ([]path.Path, error) {
			return path.ShortestPaths(ctx, n, q)
		},
		"k3": func(n path.Neighbors, q path.PathQuery) ([]path.Path, error) {
			q.K = 3
			return path.KShortestPaths(ctx, n, q)
		},
		"credible": func(n path.Neighbors, q path.PathQuery) ([]path.Path, error) {
			q.K = 2
			return path.MostCrediblePaths(ctx, n, q)
		},
		"all": func(n path.Neighbors, q path.PathQuery) ([]path.Path, error) {
			q.MaxDepth, q.Limit = 3, path.MaxPathLimit
			return path.AllSimplePaths(ctx, n, q)
		},
	} {
		algos[name] = func(q path.PathQuery) ([]path.Path, error) {
			want, err1 := f(plain, q)
			got, err2 := f(c.Neighbors(ont), q)
			if graph.ErrorCode(err1) != graph.ErrorCode(err2) {
				return nil, fmt.Errorf("index error %v, store error %v", err2, err1)
			}
			if describe(got) != describe(want) {
				return nil, fmt.Errorf("index:\n%sstore:\n%s", describe(got), describe(want))
			}
			return got, nil
		}
	}
	found := 0
	for _, a := range ents {
		for _, z := range ents {
			if a.ID == z.ID {
				continue
			}
			for _, dir := range []graph.Direction{graph.Both, graph.Out} {
				for name, run := range algos {
					paths, err := run(path.PathQuery{From: a.ID, To: z.ID, Filter: path.Filter{Direction: dir}})
					if err != nil {
						t.Fatalf("%s %s → %s (%s): %v", name, a.ID, z.ID, dir, err)
					}
					found += len(paths)
				}
			}
		}
	}
	if found == 0 {
		t.Fatal("no paths at all in the seed")
	}
	if s := c.IndexStats(); s.Building {
		t.Error("a current index was rebuilt")
	}
}

// TestIndexFollowsWrites applies a batch that links two entities and wants
// the next query to see the new path at once (on the store, while the index
// is rebuilt), and the rebuilt index to agree.
func TestIndexFollowsWrites(t *testing.T) {
	st, c, ont := seededIndex(t)
	followWrites(t, c, st, c, ont)
}

// TestIndexSeesAnotherInstanceWrites is TestIndexFollowsWrites with two
// instances on one PostgreSQL database: one writes, the other's index must
// follow.
func TestIndexSeesAnotherInstanceWrites(t *testing.T) {
	dsn := freshSchema(t, postgresDSN(t))
	ctx := t.Context()
	writer := openClosed(t, dsn)
	if _, err := seed.Load(ctx, writer, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		t.Fatal(err)
	}
	st := openClosed(t, dsn)
	c := cache.New(st, 0)
	if err := c.BuildIndex(ctx); err != nil {
		t.Fatal(err)
	}
	ont, err := st.Ontology(ctx)
	if err != nil {
		t.Fatal(err)
	}
	followWrites(t, writer, st, c, ont)
}

// followWrites links two unlinked entities through w and wants c, a cache
// over st with a current index, to walk the new statement in the next
// query (reading the store) and after the rebuild (walking the index); and
// a second write to make the index stale again.
func followWrites(t *testing.T, w graph.Store, st *cayley.Store, c *cache.Store, ont graph.Ontology) {
	ctx := t.Context()
	if adjacency(t, c, ont) == nil {
		t.Fatal("a current index is not walked")
	}
	ents, err := st.Entities(ctx, graph.EntityQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// Two entities with no one-hop path that some relation type may link.
	var q path.PathQuery
	var rel string
	for _, rt := range ont.RelationTypes {
		for _, a := range ents {
			for _, z := range ents {
				if rel != "" || a.ID == z.ID || !rt.Allows(a.Type, z.Type) {
					continue
				}
				cand := path.PathQuery{From: a.ID, To: z.ID, MaxDepth: 1, Filter: path.Filter{Direction: graph.Both}}
				if paths, err := path.ShortestPaths(ctx, c.Neighbors(ont), cand); err == nil && len(paths) == 0 {
					q, rel = cand, rt.Name
				}
			}
		}
	}
	if rel == "" {
		t.Fatal("no two unlinked entities in the seed")
	}
	srcs, err := st.Sources(ctx, graph.Page{Limit: 1})
	if err != nil || len(srcs) == 0 {
		t.Fatal(srcs, err)
	}
	id := graph.DefaultStatementID(q.From, rel, q.To)
	b := graph.Batch{Statements: []graph.Statement{{ID: id, Subject: q.From, Type: rel, Object: q.To,
		Claims: []graph.Claim{{ID: id + "~c", Source: srcs[0].ID, Stance: graph.Asserts}}}}}
	if _, err := w.Apply(ctx, b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if adjacency(t, c, ont) != nil {
		t.Error("right after a write, the stale index was walked")
	}
	paths, err := path.ShortestPaths(ctx, c.Neighbors(ont), q)
	if err != nil || len(paths) != 1 || paths[0].Hops[0].Statement.ID != id {
		t.Fatalf("right after the write: %v, %v", describe(paths), err)
	}
	if err := c.WaitIndex(ctx); err != nil {
		t.Fatal(err)
	}
	gen, _ := st.Generation(ctx)
	if s := c.IndexStats(); s.Generation != gen {
		t.Fatalf("index not rebuilt: %+v, generation %q", s, gen)
	}
	if adjacency(t, c, ont) == nil {
		t.Fatal("the rebuilt index is not walked")
	}
	again, err := path.ShortestPaths(ctx, c.Neighbors(ont), q)
	if err != nil || describe(again) != describe(paths) {
		t.Fatalf("rebuilt index: %v, %v; want %v", describe(again), err, describe(paths))
	}
	if !slices.ContainsFunc(again[0].Hops[0].Statement.Claims, func(cl graph.Claim) bool { return cl.ID == id+"~c" }) {
		t.Errorf("claims of the new statement: %+v", again[0].Hops[0].Statement.Claims)
	}
	// Another write makes the index stale again.
	b.Statements[0].Claims[0].Quote = "a press conference in Islamabad" // a verbatim quote of the seed article
	if _, err := w.Apply(ctx, b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if adjacency(t, c, ont) != nil {
		t.Error("right after the second write, the stale index was walked")
	}
	if err := c.WaitIndex(ctx); err != nil {
		t.Fatal(err)
	}
}
