package path

import (
	"runtime"
	"sync"
)

// marks holds a value per entity number (or hop number) that is forgotten
// all at once by reset, in constant time: a cell counts only when it was
// set under the current stamp. Numbers past the end of the cells are unset;
// set grows them. So one set of arrays serves query after query, and every
// spur search of Yen's algorithm, without clearing or reallocating tens of
// thousands of entries each time.
type marks[T any] struct {
	stamp uint32
	cells []mark[T]
}

type mark[T any] struct {
	stamp uint32
	v     T
}

// reset forgets every value, and makes room for n numbers.
func (m *marks[T]) reset(n int) {
	m.stamp++
	if m.stamp == 0 { // wrapped: old stamps could come back
		clear(m.cells)
		m.stamp = 1
	}
	if len(m.cells) < n {
		m.cells = make([]mark[T], n)
	}
}

// get returns the value of i, and whether it is set.
func (m *marks[T]) get(i int32) (T, bool) {
	if int(i) < len(m.cells) && m.cells[i].stamp == m.stamp {
		return m.cells[i].v, true
	}
	var zero T
	return zero, false
}

// has reports whether i is set.
func (m *marks[T]) has(i int32) bool {
	return int(i) < len(m.cells) && m.cells[i].stamp == m.stamp
}

// set sets the value of i.
func (m *marks[T]) set(i int32, v T) {
	if int(i) >= len(m.cells) {
		cells := make([]mark[T], max(int(i)+1, 2*len(m.cells)))
		copy(cells, m.cells)
		m.cells = cells
	}
	m.cells[i] = mark[T]{m.stamp, v}
}

// scratch is the working memory of one query, kept in a pool between
// queries. Each search resets the parts it uses.
type scratch struct {
	// admit caches the entity filters' verdict on an entity, per query.
	admit marks[bool]
	// kept caches the statement filters' verdict on a hop of an
	// Adjacency, per query, when they need more than the relation type.
	kept marks[bool]
	// sides are the two sides of a bidirectional BFS.
	sides [2]bfsSide
	// dead, meets, costF and costB: see bidi.
	dead, meets  marks[bool]
	costF, costB marks[int]
	// dist holds the distances of a one-sided BFS (distancesTo,
	// Neighborhood), onPath the entities on the path of the depth-first
	// search of AllSimplePaths.
	dist   marks[int32]
	onPath marks[bool]
	// Buffers of entity numbers.
	frontier, next, found []int32
}

// prepare makes room for n entities in the marks a shortest-path search
// uses, and writes them, so that the memory is the process's before a
// query needs it: on a large graph these are tens of megabytes, and a
// query that makes them pays for the page faults.
func (sc *scratch) prepare(n int) {
	for _, m := range []interface{ prepare(int) }{&sc.admit, &sc.sides[0].dist, &sc.sides[1].dist,
		&sc.dead, &sc.meets, &sc.costF, &sc.costB} {
		m.prepare(n)
	}
}

// prepare resets m with room for n numbers, every cell written.
func (m *marks[T]) prepare(n int) {
	m.reset(n)
	clear(m.cells)
}

// scratches keeps the working memory of finished queries for the next
// ones: up to one per processor in a list that garbage collection leaves
// alone, the rest in a sync.Pool. A pool alone is emptied by every other
// collection, and on a large graph each query after that would make its
// arrays again, one cell per entity.
var scratches struct {
	mu   sync.Mutex
	free []*scratch
	pool sync.Pool
}

// getScratch returns working memory for a query.
func getScratch() *scratch {
	scratches.mu.Lock()
	if n := len(scratches.free); n > 0 {
		sc := scratches.free[n-1]
		scratches.free = scratches.free[:n-1]
		scratches.mu.Unlock()
		return sc
	}
	scratches.mu.Unlock()
	if sc, ok := scratches.pool.Get().(*scratch); ok {
		return sc
	}
	return new(scratch)
}

// putScratch gives back the working memory of a finished query.
func putScratch(sc *scratch) {
	scratches.mu.Lock()
	if len(scratches.free) < runtime.GOMAXPROCS(0) {
		scratches.free = append(scratches.free, sc)
		scratches.mu.Unlock()
		return
	}
	scratches.mu.Unlock()
	scratches.pool.Put(sc)
}

// prepareScratch readies working memory for the first query on a graph
// of n entities.
func prepareScratch(n int) {
	sc := getScratch()
	sc.prepare(n)
	putScratch(sc)
}
