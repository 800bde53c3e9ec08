package cayley_test

import (
	"bufio"
	"compress/gzip"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cayleygraph/quad/nquads"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/cayley/internal/movietest"
	"github.com/claimgraph/claimgraph/graph/path"
)

// The movie path test and benchmark run path search on Cayley's movie data
// imported through the shipped mapping into a bolt store on disk, using the
// adjacency index of graph/cache. Both are opt-in, being heavy (the movie
// data is imported once per test process):
//
//	CLAIMGRAPH_TEST_MOVIES=1 go test ./graph/cayley -run MoviePaths -v
//	CLAIMGRAPH_BENCH_MOVIES=1 go test ./graph/cayley -run '^$' -bench MoviePaths -benchtime 1x
//
// CLAIMGRAPH_MOVIE_BOLT=FILE uses a copy of a bolt file imported before
// (claimgraph seed --mapping seed/examples/movie-mapping.yaml …) instead of
// importing; see internal/movietest.

const moviePairs = 100

var movieOnce struct {
	sync.Once
	st   *cayley.Store
	err  error
	took time.Duration
}

// movieStore returns the movie data in a bolt store, imported (or copied
// from $CLAIMGRAPH_MOVIE_BOLT) once per process.
func movieStore(tb testing.TB) *cayley.Store {
	tb.Helper()
	movieOnce.Do(func() {
		dir, err := os.MkdirTemp("", "claimgraph-movies")
		if err != nil {
			movieOnce.err = err
			return
		}
		start := time.Now()
		path := movietest.Path(tb, dir)
		movieOnce.took = time.Since(start)
		movieOnce.st, movieOnce.err = cayley.Open(tb.Context(), "bolt:"+path, cayley.Options{})
	})
	if movieOnce.err != nil {
		tb.Fatal(movieOnce.err)
	}
	if movieOnce.st == nil {
		tb.Fatal("the movie store could not be made (see the first test that asked for it)")
	}
	return movieOnce.st
}

// csr is a plain graph in adjacency arrays: the neighbours of node i are
// adj[off[i]:off[i+1]].
type csr struct {
	ids []string
	idx map[string]int32
	off []int32
	adj []int32
}

// newCSR builds a csr of undirected edges.
func newCSR(edges [][2]string) *csr {
	g := &csr{idx: map[string]int32{}}
	node := func(id string) int32 {
		if i, ok := g.idx[id]; ok {
			return i
		}
		g.idx[id] = int32(len(g.ids))
		g.ids = append(g.ids, id)
		return int32(len(g.ids) - 1)
	}
	pairs := make([][2]int32, 0, len(edges))
	for _, e := range edges {
		pairs = append(pairs, [2]int32{node(e[0]), node(e[1])})
	}
	deg := make([]int32, len(g.ids)+1)
	for _, p := range pairs {
		deg[p[0]+1]++
		deg[p[1]+1]++
	}
	for i := 1; i < len(deg); i++ {
		deg[i] += deg[i-1]
	}
	g.off = deg
	g.adj = make([]int32, 2*len(pairs))
	fill := slices.Clone(deg[:len(deg)-1])
	for _, p := range pairs {
		g.adj[fill[p[0]]] = p[1]
		fill[p[0]]++
		g.adj[fill[p[1]]] = p[0]
		fill[p[1]]++
	}
	return g
}

// bfs returns the number of edges of a shortest path from a to b of at most
// maxLen edges, or -1: a plain bidirectional BFS, expanding the smaller
// frontier a layer at a time. dist is scratch space of len(ids) entries.
func (g *csr) bfs(a, b int32, maxLen int, dist []int32) int {
	for i := range dist {
		dist[i] = 0
	}
	// dist > 0: reached from a at dist-1; dist < 0: reached from b at -dist-1.
	dist[a], dist[b] = 1, -1
	fa, fb := []int32{a}, []int32{b}
	da, db := 0, 0
	for da+db < maxLen && len(fa) > 0 && len(fb) > 0 {
		fwd := len(fa) <= len(fb)
		front, sign, depth := fa, int32(1), da
		if !fwd {
			front, sign, depth = fb, -1, db
		}
		var next []int32
		best := -1
		for _, v := range front {
			for _, w := range g.adj[g.off[v]:g.off[v+1]] {
				d := dist[w]
				switch {
				case d == 0:
					dist[w] = sign * int32(depth+2)
					next = append(next, w)
				case (d > 0) != (sign > 0):
					l := depth + 1 + int(max(d, -d)) - 1
					if best < 0 || l < best {
						best = l
					}
				}
			}
		}
		if best >= 0 {
			if best > maxLen {
				return -1
			}
			return best
		}
		if fwd {
			fa, da = next, da+1
		} else {
			fb, db = next, db+1
		}
	}
	return -1
}

// actorPairs picks n pairs of distinct actors with a fixed seed.
func actorPairs(actors []string, n int) [][2]string {
	rng := rand.New(rand.NewPCG(5, 2026))
	out := make([][2]string, 0, n)
	for len(out) < n {
		a, b := actors[rng.IntN(len(actors))], actors[rng.IntN(len(actors))]
		if a != b {
			out = append(out, [2]string{a, b})
		}
	}
	return out
}

// actedIn returns the acted-in edges of a snapshot and the sorted actors.
func actedIn(snap graph.Snapshot) (edges [][2]string, actors []string) {
	seen := map[string]bool{}
	for _, st := range snap.Statements {
		if st.Type != "acted-in" {
			continue
		}
		edges = append(edges, [2]string{st.Subject, st.Object})
		if !seen[st.Subject] {
			seen[st.Subject] = true
			actors = append(actors, st.Subject)
		}
	}
	slices.Sort(actors)
	return edges, actors
}

// movieQuery is the actor-to-actor query: acted-in either way.
func movieQuery(from, to string, k int) path.PathQuery {
	return path.PathQuery{From: from, To: to, K: k, MaxDepth: path.MaxMaxDepth,
		Filter: path.Filter{Types: []string{"acted-in"}, Direction: graph.Both, MaxExpanded: path.MaxMaxExpanded}}
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// rawActedIn reads the acted-in edges from the N-Quads file itself, without
// claimgraph's reader, mapping or store: film </film/film/starring>
// performance </film/performance/actor> person, both ends typed, ids made
// as the mapping makes them (/en/x → x, /guid/x → guid-x).
func rawActedIn(tb testing.TB, data string) [][2]string {
	f, err := os.Open(data)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		tb.Fatal(err)
	}
	r := nquads.NewReader(gz, false)
	defer r.Close()
	types := map[string]map[string]bool{}
	actor, starring := map[string][]string{}, map[string][]string{}
	for {
		q, err := r.ReadQuad()
		if err != nil {
			break
		}
		s, o := q.Subject.String(), q.Object.String()
		switch q.Predicate.String() {
		case "<type>":
			if types[s] == nil {
				types[s] = map[string]bool{}
			}
			types[s][o] = true
		case "</film/performance/actor>":
			actor[s] = append(actor[s], o)
		case "</film/film/starring>":
			starring[s] = append(starring[s], o)
		}
	}
	slug := func(s string) string { return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-") }
	id := func(n string) (string, bool) {
		n = strings.Trim(n, "<>")
		if rest, ok := strings.CutPrefix(n, "/en/"); ok {
			return slug(rest), true
		}
		if rest, ok := strings.CutPrefix(n, "/guid/"); ok {
			return "guid-" + slug(rest), true
		}
		return slug(n), !strings.HasPrefix(n, "_:")
	}
	var edges [][2]string
	seen := map[[2]string]bool{}
	for film, perfs := range starring {
		if !types[film]["</film/film>"] {
			continue
		}
		for _, p := range perfs {
			for _, a := range actor[p] {
				if !types[a]["</people/person>"] {
					continue
				}
				fid, ok1 := id(film)
				aid, ok2 := id(a)
				e := [2]string{aid, fid}
				if ok1 && ok2 && !seen[e] {
					seen[e] = true
					edges = append(edges, e)
				}
			}
		}
	}
	return edges
}

// TestMoviePathsAgreeWithPlainBFS checks the lengths of ShortestPaths on
// the movie data, through the adjacency index, against a plain BFS over
// acted-in edges read from the N-Quads file independently, for random
// pairs of actors both read the same way.
func TestMoviePathsAgreeWithPlainBFS(t *testing.T) {
	if os.Getenv("CLAIMGRAPH_TEST_MOVIES") == "" {
		t.Skip("set CLAIMGRAPH_TEST_MOVIES=1 to run the movie data path test")
	}
	raw := rawActedIn(t, movietest.Data(t))
	ref := newCSR(raw)
	var actors []string
	isFilm := map[string]bool{}
	for _, e := range raw {
		isFilm[e[1]] = true
	}
	for _, id := range ref.ids {
		if !isFilm[id] {
			actors = append(actors, id)
		}
	}
	slices.Sort(actors)
	st := movieStore(t)
	c := cache.New(st, 0)
	if err := c.BuildIndex(t.Context()); err != nil {
		t.Fatal(err)
	}
	ont, err := c.Ontology(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	dist := make([]int32, len(ref.ids))
	found := 0
	for _, p := range actorPairs(actors, moviePairs) {
		want := ref.bfs(ref.idx[p[0]], ref.idx[p[1]], path.MaxMaxDepth, dist)
		paths, err := path.ShortestPaths(t.Context(), c.Neighbors(ont), movieQuery(p[0], p[1], 1))
		if err != nil {
			t.Fatalf("%s → %s: %v", p[0], p[1], err)
		}
		got := -1
		if len(paths) > 0 {
			got = paths[0].Length
			found++
		}
		if got != want {
			t.Errorf("%s → %s: ShortestPaths length %d, plain BFS %d", p[0], p[1], got, want)
		}
	}
	t.Logf("%d pairs, %d connected within %d hops", moviePairs, found, path.MaxMaxDepth)
	if found < moviePairs/2 {
		t.Errorf("only %d of %d pairs connected: the test data looks wrong", found, moviePairs)
	}
}

// BenchmarkMoviePaths measures actor-to-actor path search on the movie
// data in bolt through the adjacency index, and a plain in-memory BFS over
// adjacency arrays of the same acted-in edges as the reference. Metrics:
// p50-ms, p90-ms, p99-ms and max-ms of each query kind over the random pairs; build-s and heap-MiB of
// the index.
func BenchmarkMoviePaths(b *testing.B) {
	if os.Getenv("CLAIMGRAPH_BENCH_MOVIES") == "" {
		b.Skip("set CLAIMGRAPH_BENCH_MOVIES=1 to run the movie path benchmark")
	}
	st := movieStore(b)
	ctx := b.Context()
	c := cache.New(st, 0)
	var snap graph.Snapshot
	b.Run("index-build", func(b *testing.B) {
		for range b.N {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			c = cache.New(st, 0)
			start := time.Now()
			if err := c.BuildIndex(ctx); err != nil {
				b.Fatal(err)
			}
			took := time.Since(start)
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(took.Seconds(), "build-s")
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
			b.Logf("index: %+v, built in %s", c.IndexStats(), took)
		}
	})
	snap, err := st.Scan(ctx)
	if err != nil {
		b.Fatal(err)
	}
	edges, actors := actedIn(snap)
	snap = graph.Snapshot{}
	ref := newCSR(edges)
	pairs := actorPairs(actors, moviePairs)
	ont, err := c.Ontology(ctx)
	if err != nil {
		b.Fatal(err)
	}
	p50 := func(b *testing.B, run func(a, z string)) time.Duration {
		var ds []time.Duration
		for range b.N {
			for _, p := range pairs {
				start := time.Now()
				run(p[0], p[1])
				ds = append(ds, time.Since(start))
			}
		}
		slices.Sort(ds)
		m := ds[len(ds)/2]
		b.ReportMetric(float64(m.Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(ds[len(ds)*9/10].Microseconds())/1000, "p90-ms")
		b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(ds[len(ds)-1].Microseconds())/1000, "max-ms")
		return m
	}
	var refP50, shortP50 time.Duration
	b.Run("reference-bfs", func(b *testing.B) {
		dist := make([]int32, len(ref.ids))
		refP50 = p50(b, func(a, z string) { ref.bfs(ref.idx[a], ref.idx[z], path.MaxMaxDepth, dist) })
	})
	b.Run("shortest", func(b *testing.B) {
		shortP50 = p50(b, func(a, z string) {
			if _, err := path.ShortestPaths(ctx, c.Neighbors(ont), movieQuery(a, z, 1)); err != nil {
				b.Fatal(err)
			}
		})
		if refP50 > 0 {
			b.ReportMetric(float64(shortP50)/float64(refP50), "x-reference")
		}
	})
	b.Run("k10", func(b *testing.B) {
		p50(b, func(a, z string) {
			if _, err := path.KShortestPaths(ctx, c.Neighbors(ont), movieQuery(a, z, 10)); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("larry-fine-gene-kelly", func(b *testing.B) {
		for range b.N {
			paths, err := path.ShortestPaths(ctx, c.Neighbors(ont), movieQuery("larry-fine-1902", "gene-kelly", 1))
			if err != nil || len(paths) == 0 {
				b.Fatalf("larry-fine-1902 → gene-kelly: %v, %d paths", err, len(paths))
			}
		}
	})
}

// BenchmarkMovieSearch measures entity search (the first page of 20, as
// the API asks) on the movie data in bolt, read from the store and from
// the read cache's name index, with queries a typing user sends: short,
// common, rare and absent. Metrics: p50-ms and max-ms of each way over
// the queries. Run it with -benchtime 1x: a second round would find the
// index's answers in the read cache.
func BenchmarkMovieSearch(b *testing.B) {
	if os.Getenv("CLAIMGRAPH_BENCH_MOVIES") == "" {
		b.Skip("set CLAIMGRAPH_BENCH_MOVIES=1 to run the movie search benchmark")
	}
	st := movieStore(b)
	ctx := b.Context()
	indexed := cache.New(st, 0)
	if err := indexed.BuildIndex(ctx); err != nil {
		b.Fatal(err)
	}
	queries := []string{"zz", "z", "ge", "gene", "kelly", "gene kelly", "the three musketeers", "casablanca", "no such film at all", "é"}
	for _, way := range []struct {
		name   string
		search func(q graph.EntityQuery) ([]graph.Entity, error)
	}{
		{"store", func(q graph.EntityQuery) ([]graph.Entity, error) { return st.Entities(ctx, q) }},
		{"index", func(q graph.EntityQuery) ([]graph.Entity, error) { return indexed.Entities(ctx, q) }},
	} {
		b.Run(way.name, func(b *testing.B) {
			var ds []time.Duration
			for range b.N {
				for _, q := range queries {
					start := time.Now()
					if _, err := way.search(graph.EntityQuery{Search: q, Limit: 20}); err != nil {
						b.Fatal(err)
					}
					d := time.Since(start)
					ds = append(ds, d)
					b.Logf("%s %q: %s", way.name, q, d)
				}
			}
			slices.Sort(ds)
			b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(ds[len(ds)-1].Microseconds())/1000, "max-ms")
		})
	}
}
