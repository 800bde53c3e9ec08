package cache

import (
	"context"
	"reflect"
	"slices"
	"sync"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/path"
	"github.com/claimgraph/claimgraph/graph/search"
)

// Versioned is a Store that tells when what it holds has changed.
type Versioned interface {
	graph.Store
	graph.Versioned
}

var (
	_ graph.RelationsBatcher = (*Store)(nil)
	_ graph.Auditor          = (*Store)(nil)
	_ path.NeighborsProvider = (*Store)(nil)
	_ path.DenseNeighbors    = (*indexedNeighbors)(nil)
)

// DefaultMaxItems bounds the entries a Store keeps; past it, it starts
// over.
const DefaultMaxItems = 1 << 20

// Store is a read-through cache over a Versioned store. It implements
// graph.Store; the values it returns are shared and must not be modified.
type Store struct {
	// Versioned serves every method the cache does not: writes,
	// listings, and the store's generation.
	Versioned
	src      Versioned
	maxItems int

	mu         sync.Mutex
	gen        string
	filled     bool
	ontology   *graph.Ontology
	entities   map[string]entityEntry
	relations  map[string][]graph.Statement
	statements map[string]graph.Statement
	sources    map[string]graph.Source
	lists      map[graph.EntityQuery][]graph.Entity
	items      int

	// nb is the adjacency index (index.go).
	nb neighborIndex
}

type entityEntry struct {
	e     graph.Entity
	found bool
}

// New returns a cache over src holding at most maxItems entries
// (DefaultMaxItems when maxItems ≤ 0).
func New(src Versioned, maxItems int) *Store {
	if maxItems <= 0 {
		maxItems = DefaultMaxItems
	}
	c := &Store{Versioned: src, src: src, maxItems: maxItems}
	c.reset()
	return c
}

// Unwrap returns the store under the cache.
func (c *Store) Unwrap() graph.Store { return c.src }

// reset empties the cache. The caller holds mu or owns c.
func (c *Store) reset() {
	c.ontology = nil
	c.entities = map[string]entityEntry{}
	c.relations = map[string][]graph.Statement{}
	c.statements = map[string]graph.Statement{}
	c.sources = map[string]graph.Source{}
	c.lists = map[graph.EntityQuery][]graph.Entity{}
	c.items = 0
}

// current reads the store's generation and drops everything cached under
// another one. It returns the generation that entries read now belong to.
func (c *Store) current(ctx context.Context) (string, error) {
	g, err := c.src.Generation(ctx)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.filled || g != c.gen {
		c.reset()
		c.gen, c.filled = g, true
	}
	return g, nil
}

// put stores an entry read under generation g, unless the store has moved
// on since: a value read then may already be stale.
func (c *Store) put(g string, store func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != g {
		return
	}
	if c.items >= c.maxItems {
		c.reset()
	}
	store()
	c.items++
}

// Ontology implements graph.Store.
func (c *Store) Ontology(ctx context.Context) (graph.Ontology, error) {
	g, err := c.current(ctx)
	if err != nil {
		return graph.Ontology{}, err
	}
	c.mu.Lock()
	o := c.ontology
	c.mu.Unlock()
	if o != nil {
		return *o, nil
	}
	ont, err := c.src.Ontology(ctx)
	if err != nil {
		return ont, err
	}
	c.put(g, func() { c.ontology = &ont })
	return ont, nil
}

// Entity implements graph.Store; that an entity does not exist is cached
// too.
func (c *Store) Entity(ctx context.Context, id string) (graph.Entity, error) {
	g, err := c.current(ctx)
	if err != nil {
		return graph.Entity{}, err
	}
	c.mu.Lock()
	ent, ok := c.entities[id]
	c.mu.Unlock()
	if ok {
		if !ent.found {
			return graph.Entity{}, graph.Errorf(graph.NotFound, "no entity %q", id)
		}
		return ent.e, nil
	}
	e, err := c.src.Entity(ctx, id)
	switch graph.ErrorCode(err) {
	case "":
		c.put(g, func() { c.entities[id] = entityEntry{e, true} })
	case graph.NotFound:
		c.put(g, func() { c.entities[id] = entityEntry{} })
	}
	return e, err
}

// Relations implements graph.Store. The cache holds each entity's full list
// and filters it; a query with fields it does not know goes to the store.
func (c *Store) Relations(ctx context.Context, id string, q graph.RelationQuery) ([]graph.Statement, error) {
	if !understood(q) {
		return c.src.Relations(ctx, id, q)
	}
	g, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	all, ok := c.relations[id]
	c.mu.Unlock()
	if !ok {
		if all, err = c.src.Relations(ctx, id, graph.RelationQuery{}); err != nil {
			return nil, err
		}
		c.put(g, func() { c.relations[id] = all })
	}
	ont, err := c.Ontology(ctx)
	if err != nil {
		return nil, err
	}
	return c.filter(ctx, &ont, id, all, q)
}

// RelationsOf implements graph.RelationsBatcher: the lists the cache does
// not hold are read in one batch.
func (c *Store) RelationsOf(ctx context.Context, ids []string, q graph.RelationQuery) (map[string][]graph.Statement, error) {
	if !understood(q) {
		return graph.RelationsOf(ctx, c.src, ids, q)
	}
	g, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	all := make(map[string][]graph.Statement, len(ids))
	var missing []string
	c.mu.Lock()
	for _, id := range ids {
		if rels, ok := c.relations[id]; ok {
			all[id] = rels
		} else {
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	if len(missing) > 0 {
		read, err := graph.RelationsOf(ctx, c.src, missing, graph.RelationQuery{})
		if err != nil {
			return nil, err
		}
		for id, rels := range read {
			c.put(g, func() { c.relations[id] = rels })
			all[id] = rels
		}
	}
	ont, err := c.Ontology(ctx)
	if err != nil {
		return nil, err
	}
	for id, rels := range all {
		if all[id], err = c.filter(ctx, &ont, id, rels, q); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// filter returns the relations of id in all that pass q, under ont.
//
// The result shares what the cache holds, as every value it returns does.
// When q leaves the statements as they are (no ReportedBy) and the ones
// it keeps lie next to each other in all — a relation type in one
// direction, the common question, since lists are ordered by type — the
// result is that part of all itself, capped so that an append cannot
// write into the cache's list: a list of relations costs no copy.
func (c *Store) filter(ctx context.Context, ont *graph.Ontology, id string, all []graph.Statement, q graph.RelationQuery) ([]graph.Statement, error) {
	var dates map[string]graph.Date
	published := func(id string) graph.Date { return dates[id] }
	var out []graph.Statement
	// all[lo:hi] is the run of statements kept so far while out is nil.
	lo, hi := 0, 0
	for i := range all {
		st := all[i]
		rt, _ := ont.RelationType(st.Type)
		if q.ReportedBy != "" {
			if dates == nil {
				dates = map[string]graph.Date{}
			}
			if err := c.readPublished(ctx, st.Claims, dates); err != nil {
				return nil, err
			}
		}
		st, ok := q.Select(id, st, rt.Symmetric, published)
		switch {
		case !ok:
			continue
		case out == nil && q.ReportedBy == "" && (hi == lo || hi == i):
			if hi == lo {
				lo = i
			}
			hi = i + 1
			continue
		case out == nil:
			out = make([]graph.Statement, 0, len(all)-i+hi-lo)
			out = append(out, all[lo:hi]...)
		}
		out = append(out, st)
	}
	if out == nil {
		if hi == lo {
			return []graph.Statement{}, nil
		}
		return all[lo:hi:hi], nil
	}
	return out, nil
}

// readPublished adds to dates the published date of each source cited by
// a claim of claims that has no said date (none for a source that is not
// stored), through the cache.
func (c *Store) readPublished(ctx context.Context, claims []graph.Claim, dates map[string]graph.Date) error {
	for _, cl := range claims {
		if _, ok := dates[cl.Source]; ok || cl.Said != "" {
			continue
		}
		src, err := c.Source(ctx, cl.Source)
		if err != nil && graph.ErrorCode(err) != graph.NotFound {
			return err
		}
		dates[cl.Source] = src.Published
	}
	return nil
}

// understood reports whether q uses only the fields the cache filters on.
func understood(q graph.RelationQuery) bool {
	q.Types, q.Direction, q.Status, q.ReportedBy = nil, "", nil, ""
	return reflect.ValueOf(q).IsZero()
}

// Statement implements graph.Store.
func (c *Store) Statement(ctx context.Context, id string) (graph.Statement, error) {
	g, err := c.current(ctx)
	if err != nil {
		return graph.Statement{}, err
	}
	c.mu.Lock()
	st, ok := c.statements[id]
	c.mu.Unlock()
	if ok {
		return st, nil
	}
	if st, err = c.src.Statement(ctx, id); err != nil {
		return st, err
	}
	c.put(g, func() { c.statements[id] = st })
	return st, nil
}

// Source implements graph.Store.
func (c *Store) Source(ctx context.Context, id string) (graph.Source, error) {
	g, err := c.current(ctx)
	if err != nil {
		return graph.Source{}, err
	}
	c.mu.Lock()
	s, ok := c.sources[id]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	if s, err = c.src.Source(ctx, id); err != nil {
		return s, err
	}
	c.put(g, func() { c.sources[id] = s })
	return s, nil
}

// Entities implements graph.Store: each distinct query (a search as it is
// typed, a page of a listing) is asked of the store once per generation,
// and the entities it returns are remembered one by one too.
func (c *Store) Entities(ctx context.Context, q graph.EntityQuery) ([]graph.Entity, error) {
	g, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	list, ok := c.lists[q]
	c.mu.Unlock()
	if ok {
		return slices.Clip(list), nil
	}
	if list, err = c.listEntities(ctx, g, q); err != nil {
		return nil, err
	}
	c.put(g, func() {
		c.lists[q] = list
		if len(list) <= 1000 {
			for _, e := range list {
				c.entities[e.ID] = entityEntry{e, true}
			}
		}
	})
	return slices.Clip(list), nil
}

// listEntities answers an entity query: a search from the name index when it
// is current (see index.go), anything else from the store.
func (c *Store) listEntities(ctx context.Context, g string, q graph.EntityQuery) ([]graph.Entity, error) {
	if q.Search == "" {
		return c.src.Entities(ctx, q)
	}
	x := c.currentIndex(g)
	if x == nil {
		return c.src.Entities(ctx, q)
	}
	ids := x.names.Search(search.Query{Search: q.Search, Type: q.Type, After: q.After, Limit: q.Limit})
	found, err := c.src.EntitiesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	list := make([]graph.Entity, 0, len(ids))
	for _, id := range ids {
		if e, ok := found[id]; ok {
			list = append(list, e)
		}
	}
	return list, nil
}

// EntitiesByID implements graph.Store from the cache, asking the store only
// for the ids it does not know yet.
func (c *Store) EntitiesByID(ctx context.Context, ids []string) (map[string]graph.Entity, error) {
	g, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]graph.Entity, len(ids))
	var missing []string
	c.mu.Lock()
	for _, id := range ids {
		switch ent, ok := c.entities[id]; {
		case !ok:
			missing = append(missing, id)
		case ent.found:
			out[id] = ent.e
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	found, err := c.src.EntitiesByID(ctx, missing)
	if err != nil {
		return nil, err
	}
	c.put(g, func() {
		for _, id := range missing {
			e, ok := found[id]
			c.entities[id] = entityEntry{e, ok}
		}
	})
	for id, e := range found {
		out[id] = e
	}
	return out, nil
}

// AuditLog reads the audit log of the store below, when it keeps one (see
// graph.Auditor); it is never cached.
func (c *Store) AuditLog(ctx context.Context, q graph.AuditQuery) ([]graph.AuditEntry, error) {
	a, ok := c.src.(graph.Auditor)
	if !ok {
		return nil, graph.Errorf(graph.Invalid, "this store keeps no audit log")
	}
	return a.AuditLog(ctx, q)
}
