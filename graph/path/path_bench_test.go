package path

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
)

// benchGraph is a random graph of about 100k entities of degree about 10,
// both as Neighbors and as plain adjacency arrays.
type benchGraph struct {
	n     *memNeighbors
	adj   [][]int32 // both directions
	pairs [][2]int32
}

func newBenchGraph(nodes, degree, pairs int) benchGraph {
	r := rand.New(rand.NewPCG(42, 43))
	id := func(i int32) string { return fmt.Sprintf("n%06d", i) }
	types := make(map[string]string, nodes)
	for i := range nodes {
		types[id(int32(i))] = "Group"
	}
	g := benchGraph{n: newMemNeighbors(types, nil, nil, nil), adj: make([][]int32, nodes)}
	claims := []graph.Claim{{Source: "s", Stance: graph.Asserts}}
	for i := range nodes * degree / 2 {
		s, o := int32(r.IntN(nodes)), int32(r.IntN(nodes))
		if s == o {
			continue
		}
		g.n.add(graph.Statement{ID: fmt.Sprintf("st%07d", i), Subject: id(s), Type: "backs", Object: id(o), Claims: claims})
		g.adj[s] = append(g.adj[s], o)
		g.adj[o] = append(g.adj[o], s)
	}
	for _, hops := range g.n.hops {
		// An adjacency index keeps its hops in the order searches want.
		slices.SortFunc(hops, compareHops)
	}
	for range pairs {
		g.pairs = append(g.pairs, [2]int32{int32(r.IntN(nodes)), int32(r.IntN(nodes))})
	}
	return g
}

// bfs is a plain one-sided breadth-first search over adjacency arrays: the
// baseline. It returns the length of a shortest path, or -1.
type bfs struct {
	adj    [][]int32
	seen   []uint32 // stamp of the search that saw the entity
	dist   []int8
	parent []int32
	queue  []int32
	stamp  uint32
}

func (b *bfs) shortest(from, to int32) int {
	b.stamp++
	b.queue = append(b.queue[:0], from)
	b.seen[from], b.dist[from], b.parent[from] = b.stamp, 0, -1
	for i := 0; i < len(b.queue); i++ {
		v := b.queue[i]
		if v == to {
			return int(b.dist[v])
		}
		for _, w := range b.adj[v] {
			if b.seen[w] != b.stamp {
				b.seen[w], b.dist[w], b.parent[w] = b.stamp, b.dist[v]+1, v
				b.queue = append(b.queue, w)
			}
		}
	}
	return -1
}

func BenchmarkPath(b *testing.B) {
	const nodes = 100_000
	g := newBenchGraph(nodes, 10, 64)
	base := &bfs{adj: g.adj, seen: make([]uint32, nodes), dist: make([]int8, nodes), parent: make([]int32, nodes)}
	query := func(p [2]int32) PathQuery {
		return PathQuery{From: fmt.Sprintf("n%06d", p[0]), To: fmt.Sprintf("n%06d", p[1]), MaxDepth: MaxMaxDepth,
			Filter: Filter{Direction: graph.Both, MaxExpanded: MaxMaxExpanded}}
	}
	dense := g.n.adjacency()
	for _, p := range g.pairs {
		paths, err := ShortestPaths(b.Context(), g.n, query(p))
		if want := base.shortest(p[0], p[1]); err != nil || len(paths) != 1 || paths[0].Length != want {
			b.Fatalf("%v: ShortestPaths gave %d paths (err %v), plain BFS length %d", p, len(paths), err, want)
		}
		if got, err := ShortestPaths(b.Context(), dense, query(p)); err != nil || len(got) != 1 || got[0].key() != paths[0].key() {
			b.Fatalf("%v: through the adjacency %v (err %v), through hops %v", p, got, err, paths)
		}
	}
	b.Run("ShortestPaths", func(b *testing.B) {
		// Through a plain Neighbors, fetching hops entity by entity.
		b.Run("hops", func(b *testing.B) {
			i, calls := 0, g.n.calls
			for b.Loop() {
				if _, err := ShortestPaths(b.Context(), g.n, query(g.pairs[i%len(g.pairs)])); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(g.n.calls-calls)/float64(i), "fetches/op")
		})
		b.Run("adjacency", func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := ShortestPaths(b.Context(), dense, query(g.pairs[i%len(g.pairs)])); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	})
	b.Run("PlainBFS", func(b *testing.B) {
		i, visited := 0, 0
		for b.Loop() {
			p := g.pairs[i%len(g.pairs)]
			base.shortest(p[0], p[1])
			visited += len(base.queue)
			i++
		}
		b.ReportMetric(float64(visited)/float64(i), "visited/op")
	})
}
