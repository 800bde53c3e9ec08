package schema

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// twoHop is the benchmark query: an entity, its relations, and the names
// at the other ends with their relations and those relations' ends.
const twoHop = `{ entity(id:"ttp") { name relations { type status to { id name relations { type status from { name } to { name } } } } } }`

// BenchmarkTwoHop compares the GraphQL layer (the response cache off) with
// the same Store reads done directly, on the built-in seed in bbolt:
//
//	go test ./schema -run '^$' -bench TwoHop -benchtime 2000x
func BenchmarkTwoHop(b *testing.B) {
	ctx := b.Context()
	st, err := cayley.Open(ctx, "bolt:"+filepath.Join(b.TempDir(), "bench.db"), cayley.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		b.Fatal(err)
	}
	b.Run("store", func(b *testing.B) {
		for b.Loop() {
			if err := directTwoHop(ctx, st, "ttp"); err != nil {
				b.Fatal(err)
			}
		}
	})
	h := handlerOn(b, st, noResultCache)
	b.Run("graphql", func(b *testing.B) {
		for b.Loop() {
			resp, ok := h.Do(ctx, Request{Query: twoHop})
			if !ok || len(resp.Errors) > 0 {
				b.Fatalf("errors: %+v", resp.Errors)
			}
		}
	})
	// As claimgraph serve runs it: behind the read cache.
	hc := handlerOn(b, cache.New(st, 0), noResultCache)
	b.Run("graphql-cached", func(b *testing.B) {
		for b.Loop() {
			resp, ok := hc.Do(ctx, Request{Query: twoHop})
			if !ok || len(resp.Errors) > 0 {
				b.Fatalf("errors: %+v", resp.Errors)
			}
		}
	})
}

func far(id string, st graph.Statement) string {
	if st.Subject == id {
		return st.Object
	}
	return st.Subject
}

// BenchmarkQueries runs the load mix's queries in-process on the built-in
// seed in a memory store.
func BenchmarkQueries(b *testing.B) {
	h := newHandler(b)
	for _, q := range []struct{ name, query string }{
		{"entity", `{ entity(id:"india") { name type aliases } }`},
		{"relations", `{ entity(id:"ttp") { relations { type status from { id name } to { id name } claims { stance claimant { name } quote } } } }`},
		{"search", `{ entities(search:"tali", first: 10) { nodes { id name } } }`},
		{"paths", `{ paths(from:"india", to:"afghan-taliban", k: 3) { length hops { explanation } } }`},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if resp, _ := h.Do(b.Context(), Request{Query: q.query}); len(resp.Errors) > 0 {
					b.Fatal(resp.Errors)
				}
			}
		})
	}
}

// directTwoHop does the Store reads of twoHop directly, as well as the
// Store allows: the entity, its relations, the entities at their far ends
// and their relations (each in one batch), and the entities at both ends
// of those.
func directTwoHop(ctx context.Context, st graph.Store, id string) error {
	root, err := st.Entity(ctx, id)
	if err != nil {
		return err
	}
	rels, err := st.Relations(ctx, root.ID, graph.RelationQuery{})
	if err != nil {
		return err
	}
	var ends []string
	for _, r := range rels {
		ends = append(ends, far(root.ID, r))
	}
	if _, err := st.EntitiesByID(ctx, ends); err != nil {
		return err
	}
	lists, err := graph.RelationsOf(ctx, st, ends, graph.RelationQuery{})
	if err != nil {
		return err
	}
	var second []string
	for _, id := range ends {
		for _, r := range lists[id] {
			second = append(second, r.Subject, r.Object)
		}
	}
	_, err = st.EntitiesByID(ctx, second)
	return err
}

// noResultCache turns the response cache off, so that a benchmark measures
// the execution of every query.
var noResultCache = Options{ResultCacheBytes: -1}
