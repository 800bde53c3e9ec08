package schema

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
)

// movieTwoHop is the two-hop query of the movie benchmark: a person, the
// films at the ends of their relations and everyone at both ends of those
// films' relations.
const movieTwoHop = `query($id: ID!) { entity(id: $id) { name relations { type status to { id name relations { type status from { name } to { name } } } } } }`

// BenchmarkMovieTwoHop runs movieTwoHop for people of Cayley's movie data
// in a bolt store on disk, through the GraphQL handler and as the same
// Store reads done directly, interleaved query by query so both see the
// same machine; with and without the read cache that claimgraph serve
// puts in front of the store. The response cache is off: every query is
// executed. It is opt-in (see movieStorePath):
//
//	CLAIMGRAPH_BENCH_MOVIES=1 go test ./schema -run '^$' -bench MovieTwoHop -benchtime 3x
//
// Each iteration asks for 200 people; the metrics are the mean per query
// ("store-ms", "graphql-ms", "cached-store-ms", "cached-graphql-ms") and
// the ratios of GraphQL to direct reads ("x-store", "x-cached-store").
func BenchmarkMovieTwoHop(b *testing.B) {
	if os.Getenv("CLAIMGRAPH_BENCH_MOVIES") == "" && os.Getenv(movieBoltEnv) == "" {
		b.Skip("set CLAIMGRAPH_BENCH_MOVIES=1 (or " + movieBoltEnv + "=FILE) to run the movie benchmarks")
	}
	ctx := b.Context()
	st, err := cayley.Open(ctx, "bolt:"+movieStorePath(b), cayley.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	people := moviePeople(b, st, 200)
	cached := cache.New(st, 0)
	h, hc := handlerOn(b, st, noResultCache), handlerOn(b, cached, noResultCache)

	// One pass first, so that every variant finds the pages it reads in
	// memory and the read cache filled.
	for _, id := range people {
		for _, f := range []func() error{
			func() error { return directTwoHop(ctx, st, id) }, func() error { return doTwoHop(ctx, h, id) },
			func() error { return directTwoHop(ctx, cached, id) }, func() error { return doTwoHop(ctx, hc, id) },
		} {
			if err := f(); err != nil {
				b.Fatal(err)
			}
		}
	}
	var tStore, tGraphQL, tCStore, tCGraphQL time.Duration
	n := 0
	for b.Loop() {
		for _, id := range people {
			tStore += timed(b, func() error { return directTwoHop(ctx, st, id) })
			tGraphQL += timed(b, func() error { return doTwoHop(ctx, h, id) })
			tCStore += timed(b, func() error { return directTwoHop(ctx, cached, id) })
			tCGraphQL += timed(b, func() error { return doTwoHop(ctx, hc, id) })
			n++
		}
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	b.ReportMetric(per(tStore), "store-ms")
	b.ReportMetric(per(tGraphQL), "graphql-ms")
	b.ReportMetric(per(tCStore), "cached-store-ms")
	b.ReportMetric(per(tCGraphQL), "cached-graphql-ms")
	b.ReportMetric(float64(tGraphQL)/float64(tStore), "x-store")
	b.ReportMetric(float64(tCGraphQL)/float64(tCStore), "x-cached-store")
}

// moviePeople picks n people with at least one relation, with a fixed seed.
func moviePeople(tb testing.TB, st graph.Store, n int) []string {
	all, err := st.Entities(tb.Context(), graph.EntityQuery{Type: "Person"})
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 2026))
	var out []string
	for len(out) < n {
		e := all[rng.IntN(len(all))]
		rels, err := st.Relations(tb.Context(), e.ID, graph.RelationQuery{})
		if err != nil {
			tb.Fatal(err)
		}
		if len(rels) > 0 && !slices.Contains(out, e.ID) {
			out = append(out, e.ID)
		}
	}
	return out
}

func doTwoHop(ctx context.Context, h *Handler, id string) error {
	resp, _ := h.Do(ctx, Request{Query: movieTwoHop, Variables: map[string]any{"id": id}})
	if len(resp.Errors) > 0 {
		return resp.Errors[0]
	}
	return nil
}

func timed(tb testing.TB, f func() error) time.Duration {
	start := time.Now()
	if err := f(); err != nil {
		tb.Fatal(err)
	}
	return time.Since(start)
}

// BenchmarkMovieDuplicateCandidates asks duplicateCandidates for a page of
// people on the movie data as claimgraph serve would answer it (the
// default 10 s request timeout): the first ask scans the store and
// cross-references it, as every ask did before the candidates were kept
// per generation, and may run out of time while the computation goes on;
// once the pairs are kept, the next page is read from them. Opt-in:
//
//	CLAIMGRAPH_BENCH_MOVIES=1 go test ./schema -run '^$' -bench MovieDuplicateCandidates -benchtime 1x
//
// Metrics: "compute-ms", from the first ask to the pairs kept; "first-ok"
// 1 when the first ask answered within its timeout; "next-page-ms".
func BenchmarkMovieDuplicateCandidates(b *testing.B) {
	if os.Getenv("CLAIMGRAPH_BENCH_MOVIES") == "" && os.Getenv(movieBoltEnv) == "" {
		b.Skip("set CLAIMGRAPH_BENCH_MOVIES=1 (or " + movieBoltEnv + "=FILE) to run the movie benchmarks")
	}
	ctx := b.Context()
	st, err := cayley.Open(ctx, "bolt:"+movieStorePath(b), cayley.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	h := handlerOn(b, cache.New(st, 0), noResultCache)
	const q = `query($after: String) { duplicateCandidates(first: 20, after: $after, type: Person) { pageInfo { endCursor } } }`
	ask := func(vars map[string]any) (string, error) {
		resp, _ := h.Do(ctx, Request{Query: q, Variables: vars})
		if len(resp.Errors) > 0 {
			return "", resp.Errors[0]
		}
		var data struct {
			DuplicateCandidates struct{ PageInfo struct{ EndCursor string } }
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			b.Fatal(err)
		}
		return data.DuplicateCandidates.PageInfo.EndCursor, nil
	}
	kept := func() bool {
		h.candidates.mu.Lock()
		defer h.candidates.mu.Unlock()
		_, ok := h.candidates.lists["Person"]
		return ok
	}
	var compute, next time.Duration
	firstOK := 0
	for b.Loop() {
		h.candidates = newCandidateCache()
		h.Reload(ctx)
		start := time.Now()
		if _, err := ask(map[string]any{}); err == nil {
			firstOK++
		}
		for !kept() {
			if time.Since(start) > candidateTimeout {
				b.Fatal("the candidates were not kept within the computation's timeout")
			}
			time.Sleep(50 * time.Millisecond)
		}
		compute += time.Since(start)
		cursor, err := ask(map[string]any{})
		if err != nil {
			b.Fatal(err)
		}
		t := time.Now()
		if _, err := ask(map[string]any{"after": cursor}); err != nil {
			b.Fatal(err)
		}
		next += time.Since(t)
	}
	b.ReportMetric(float64(compute.Milliseconds())/float64(b.N), "compute-ms")
	b.ReportMetric(float64(firstOK)/float64(b.N), "first-ok")
	b.ReportMetric(float64(next.Microseconds())/1000/float64(b.N), "next-page-ms")
}
