package path

import "sync"

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

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}
