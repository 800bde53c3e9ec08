package cache

import (
	"context"
	"maps"
	"sync"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/path"
	"github.com/claimgraph/claimgraph/graph/search"
)

// The adjacency index
//
// Path search asks for the hops of one entity after another; through the
// store each ask is a Relations read (about a millisecond on bolt). The
// adjacency index holds the whole graph in memory as a path.Adjacency,
// built from one graph.Snapshot (a single pass over the store, see
// graph.Scanner): entities numbered in id order and their hops in arrays,
// which path search walks without a map lookup or a string comparison per
// step.
//
// Freshness follows the cache's rule: the index is labelled with the
// generation the snapshot was read under, and it is used only while the
// store's generation is still that one. Neighbors checks the generation
// once, when a query first asks for hops (one query sees one state of the
// graph); if the index is missing or stale, that query runs on the store
// through the cache (path.StoreNeighbors, always fresh) while a rebuild
// runs in the background, one at a time. So a write, also one by another
// process sharing a PostgreSQL store, is seen by the very next query, and
// the fast path returns once the rebuild is done. BuildIndex builds
// synchronously, for a warm start.

// neighborIndex is the adjacency index state of a Store. Its zero value
// holds no index.
type neighborIndex struct {
	mu       sync.Mutex
	cur      *index
	building bool
	cancel   context.CancelFunc
	done     chan struct{} // closed when the running build ends
	closed   bool
}

// index is an adjacency index of one snapshot. It is never modified after
// it is built.
type index struct {
	gen       string
	symmetric map[string]bool
	adj       *path.Adjacency
	names     *search.Index
}

// IndexStats describes the adjacency index.
type IndexStats struct {
	// Generation is the store generation the index was built under; ""
	// when there is no index.
	Generation string
	// Entities and Hops count what it holds (each statement is two hops).
	Entities, Hops int
	// Building reports a rebuild in progress.
	Building bool
}

// IndexStats returns the state of the adjacency index.
func (c *Store) IndexStats() IndexStats {
	c.nb.mu.Lock()
	defer c.nb.mu.Unlock()
	s := IndexStats{Building: c.nb.building}
	if x := c.nb.cur; x != nil {
		s.Entities, s.Hops = x.adj.Size()
		s.Generation = x.gen
	}
	return s
}

// BuildIndex reads a snapshot of the store and installs the adjacency index
// built from it. It returns Invalid when the store cannot be scanned (it
// does not implement graph.Scanner).
func (c *Store) BuildIndex(ctx context.Context) error {
	sc, ok := c.src.(graph.Scanner)
	if !ok {
		return graph.Errorf(graph.Invalid, "the store cannot be scanned for an adjacency index")
	}
	snap, err := sc.Scan(ctx)
	if err != nil {
		return err
	}
	// The two indexes read the snapshot alone: they are built side by side.
	names := make(chan *search.Index, 1)
	go func() { names <- nameIndex(snap) }()
	x := &index{gen: snap.Generation, symmetric: snap.Ontology.SymmetricTypes(), adj: path.NewAdjacency(snap)}
	x.names = <-names
	c.nb.mu.Lock()
	c.nb.cur = x
	c.nb.mu.Unlock()
	return nil
}

// nameIndex builds the search index of a snapshot's entities.
func nameIndex(snap graph.Snapshot) *search.Index {
	entries := make([]search.Entry, 0, len(snap.EntityTypes))
	for id, typ := range snap.EntityTypes {
		entries = append(entries, search.Entry{ID: id, Type: typ, Names: snap.Names[id]})
	}
	return search.NewIndex(entries)
}

// currentIndex returns the index when it was built under the store's present
// generation g, and otherwise starts a rebuild and returns nil.
func (c *Store) currentIndex(g string) *index {
	c.nb.mu.Lock()
	x := c.nb.cur
	c.nb.mu.Unlock()
	if x != nil && x.gen == g {
		return x
	}
	c.rebuild()
	return nil
}

// IndexReady reports whether path search and entity search can use the
// index: an index has been built, under whatever generation (a stale one
// is rebuilt in the background while queries read the store), or the store
// cannot be scanned for one and never will be.
func (c *Store) IndexReady() bool {
	if _, ok := c.src.(graph.Scanner); !ok {
		return true
	}
	c.nb.mu.Lock()
	defer c.nb.mu.Unlock()
	return c.nb.cur != nil
}

// Warm starts building the index in the background, unless a build is
// running, the store cannot be scanned or the cache is closed.
func (c *Store) Warm() { c.rebuild() }

// rebuild starts a background BuildIndex unless one is running, the store
// cannot be scanned or the cache is closed.
func (c *Store) rebuild() {
	if _, ok := c.src.(graph.Scanner); !ok {
		return
	}
	c.nb.mu.Lock()
	defer c.nb.mu.Unlock()
	if c.nb.building || c.nb.closed {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	c.nb.building, c.nb.cancel, c.nb.done = true, cancel, done
	go func() {
		defer close(done)
		defer cancel()
		// A failed build leaves the old index, which the generation check
		// keeps unused; the next stale query tries again.
		_ = c.BuildIndex(ctx)
		c.nb.mu.Lock()
		c.nb.building = false
		c.nb.mu.Unlock()
	}()
}

// WaitIndex waits for a background rebuild to end, or for ctx.
func (c *Store) WaitIndex(ctx context.Context) error {
	c.nb.mu.Lock()
	done, building := c.nb.done, c.nb.building
	c.nb.mu.Unlock()
	if !building {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops a background rebuild and closes the store.
func (c *Store) Close() error {
	c.nb.mu.Lock()
	c.nb.closed = true
	cancel, done, building := c.nb.cancel, c.nb.done, c.nb.building
	c.nb.mu.Unlock()
	if building {
		cancel()
		<-done
	}
	return c.src.Close()
}

// Neighbors returns path.Neighbors for path search with ont's relation
// types. It uses the adjacency index when it is current (built under the
// store's present generation, with the same symmetric relation types as
// ont), and otherwise reads the store through the cache, as
// path.StoreNeighbors(c, ont), while the index is rebuilt in the
// background. The choice is made once, on the first call of its methods:
// use one Neighbors per query.
func (c *Store) Neighbors(ont graph.Ontology) path.Neighbors {
	return &indexedNeighbors{c: c, ont: ont}
}

// indexedNeighbors is the path.Neighbors of Store.Neighbors.
type indexedNeighbors struct {
	c   *Store
	ont graph.Ontology

	mu       sync.Mutex
	x        *index         // set when the index is used
	fallback path.Neighbors // set when the store is read
}

// resolve picks the index or the store, once.
func (n *indexedNeighbors) resolve(ctx context.Context) (*index, path.Neighbors, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.x != nil || n.fallback != nil {
		return n.x, n.fallback, nil
	}
	g, err := n.c.src.Generation(ctx)
	if err != nil {
		return nil, nil, err
	}
	if x := n.c.currentIndex(g); x != nil && maps.Equal(x.symmetric, n.ont.SymmetricTypes()) {
		n.x = x
		return x, nil, nil
	}
	n.fallback = path.StoreNeighbors(n.c, n.ont)
	return nil, n.fallback, nil
}

// neighbors returns what serves the query: the index's Adjacency or the
// store.
func (n *indexedNeighbors) neighbors(ctx context.Context) (path.Neighbors, error) {
	x, fb, err := n.resolve(ctx)
	if err != nil || fb != nil {
		return fb, err
	}
	return x.adj, nil
}

// Hops implements path.Neighbors. The slice is shared: callers must not
// modify it.
func (n *indexedNeighbors) Hops(ctx context.Context, id string) ([]path.Hop, error) {
	nb, err := n.neighbors(ctx)
	if err != nil {
		return nil, err
	}
	return nb.Hops(ctx, id)
}

// EntityType implements path.Neighbors.
func (n *indexedNeighbors) EntityType(ctx context.Context, id string) (string, error) {
	nb, err := n.neighbors(ctx)
	if err != nil {
		return "", err
	}
	return nb.EntityType(ctx, id)
}

// Adjacency implements path.DenseNeighbors: the index's Adjacency when the
// index serves the query, nil when the store does.
func (n *indexedNeighbors) Adjacency(ctx context.Context) (*path.Adjacency, error) {
	x, _, err := n.resolve(ctx)
	if err != nil || x == nil {
		return nil, err
	}
	return x.adj, nil
}
