package path

import (
	"context"
	"runtime"
	"testing"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A shortest-path query on a large graph needs a cell per entity in several
// arrays. The first query after the index is built, and a query after
// garbage collections, must find them made: otherwise it pays for making
// and faulting in tens of megabytes, and the first query (or every query
// after a collection) is many times slower than the rest.
func TestShortestPathFindsItsWorkingMemoryMade(t *testing.T) {
	const n = 50_000
	g := newBenchGraph(n, 2, 1)
	adj := g.n.adjacency()
	q := PathQuery{From: "n000001", To: "n000002", MaxDepth: 6}
	perEntity := func(bytes uint64) float64 { return float64(bytes) / n }
	run := func() {
		if _, err := ShortestPaths(context.Background(), adj, q); err != nil {
			t.Fatal(err)
		}
	}
	if b := allocated(run); perEntity(b) > 4 {
		t.Errorf("the first query after the index was built allocated %d bytes (%.1f per entity): its working memory was not ready", b, perEntity(b))
	}
	runtime.GC()
	runtime.GC()
	if b := allocated(run); perEntity(b) > 4 {
		t.Errorf("a query after two garbage collections allocated %d bytes (%.1f per entity): the working memory was dropped", b, perEntity(b))
	}
	// Queries at once each get working memory of their own.
	a, b := getScratch(), getScratch()
	if a == b {
		t.Fatal("two queries at once share working memory")
	}
	putScratch(a)
	putScratch(b)
}

func TestScratchListKeepsOnePerProcessor(t *testing.T) {
	var taken []*scratch
	for range 3 * runtime.GOMAXPROCS(0) {
		taken = append(taken, getScratch())
	}
	for _, sc := range taken {
		putScratch(sc)
	}
	scratches.mu.Lock()
	kept := len(scratches.free)
	scratches.mu.Unlock()
	if kept != runtime.GOMAXPROCS(0) {
		t.Errorf("the free list keeps %d, want one per processor (%d)", kept, runtime.GOMAXPROCS(0))
	}
}
