package schema

import (
	"context"
	"slices"
	"sync"

	"github.com/claimgraph/claimgraph/graph"
)

// loader batches and memoises the reads of one request. graphql-go
// resolves a level of the result before it calls the thunks that level
// returned, so a resolver that wants an entity registers its id and
// returns a thunk: the first thunk called reads every registered id with
// one Store.EntitiesByID, and a list of relations costs one entity read
// per level instead of one per hop.
type loader struct {
	store graph.Store

	mu sync.Mutex
	// entities holds every entity id registered or read: whether it was
	// read yet and, when it was found, the entity itself, boxed once, so
	// that an entity met in many places of a result is copied into an
	// interface value once, not once per place. pending lists the ids
	// registered and not read yet.
	entities   map[string]entitySlot
	pending    []string
	sources    map[string]graph.Source
	statements map[string]graph.Statement
	batches    int // EntitiesByID calls, for tests

	// relBatches batches the relation lists of entities by query (see
	// relations); a request asks few distinct queries.
	relBatches []*relationBatch

	// budget is how many more items (entities and relations) the request's
	// result may hold; see charge. Zero or less at start means no bound.
	budget, limit int
}

// relationBatch is the relation lists of one query: ids registered and not
// read yet, and the lists read.
type relationBatch struct {
	q       graph.RelationQuery
	pending []string
	lists   map[string][]graph.Statement
}

// entitySlot is what a loader knows of one entity id: read says whether it
// was read, and entity holds the graph.Entity when one was found.
type entitySlot struct {
	read   bool
	entity any
}

type loaderKey struct{}

// withLoader returns ctx carrying a new loader on st whose request may
// put at most maxItems entities and relations in its result (no bound when
// maxItems ≤ 0).
func withLoader(ctx context.Context, st graph.Store, maxItems int) context.Context {
	l := newLoader(st)
	l.budget, l.limit = maxItems, maxItems
	return context.WithValue(ctx, loaderKey{}, l)
}

// charge takes n items from the request's budget, or returns the Invalid
// error that says the result would be too large. Once the budget is spent
// every later charge fails too, so the request stops growing its result.
// The caller holds mu.
func (l *loader) charge(n int) error {
	if l.limit <= 0 {
		return nil
	}
	l.budget -= n
	if l.budget < 0 {
		return graph.Errorf(graph.Invalid, "the result would hold more than %d entities and relations, the limit of one request: "+
			"ask for less (filter by type or status, page with relationsConnection, lower the depth)", l.limit)
	}
	return nil
}

func newLoader(st graph.Store) *loader {
	return &loader{
		store:      st,
		entities:   map[string]entitySlot{},
		sources:    map[string]graph.Source{},
		statements: map[string]graph.Statement{},
	}
}

// loaderFrom returns the request's loader, or a fresh one for a context
// that has none (a resolver called outside Handler).
func loaderFrom(ctx context.Context, st graph.Store) *loader {
	if l, ok := ctx.Value(loaderKey{}).(*loader); ok {
		return l
	}
	return newLoader(st)
}

// relations registers id for the next batch of relation lists under q and
// returns a thunk for its list: the first thunk called reads the lists of
// every id registered under q so far with one graph.RelationsOf, so the
// relations of a list of entities cost one store call, not one each.
func (l *loader) relations(ctx context.Context, id string, q graph.RelationQuery) func() ([]graph.Statement, error) {
	l.mu.Lock()
	var b *relationBatch
	for _, x := range l.relBatches {
		if sameRelationQuery(x.q, q) {
			b = x
			break
		}
	}
	if b == nil {
		b = &relationBatch{q: q, lists: map[string][]graph.Statement{}}
		l.relBatches = append(l.relBatches, b)
	}
	if _, done := b.lists[id]; !done {
		b.pending = append(b.pending, id)
	}
	l.mu.Unlock()
	return func() ([]graph.Statement, error) {
		l.mu.Lock()
		if rels, done := b.lists[id]; done {
			defer l.mu.Unlock()
			if err := l.charge(len(rels)); err != nil {
				return nil, err
			}
			return rels, nil
		}
		ids := slices.Clone(b.pending)
		b.pending = b.pending[:0]
		l.mu.Unlock()
		if !slices.Contains(ids, id) {
			ids = append(ids, id) // registered in a batch another thunk failed
		}
		read, err := graph.RelationsOf(ctx, l.store, ids, q)
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, x := range ids {
			b.lists[x] = read[x] // nil for an entity that is gone
		}
		if err := l.charge(len(b.lists[id])); err != nil {
			return nil, err
		}
		return b.lists[id], nil
	}
}

// sameRelationQuery reports whether a and b select the same relations.
func sameRelationQuery(a, b graph.RelationQuery) bool {
	return slices.Equal(a.Types, b.Types) && a.Direction == b.Direction && slices.Equal(a.Status, b.Status) &&
		a.Claimant == b.Claimant && a.Source == b.Source && a.AsOf == b.AsOf && a.ReportedBy == b.ReportedBy
}

// want registers an entity id for the next batch.
func (l *loader) want(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.register(id)
}

// register adds id to the next batch unless it is known. The caller holds
// mu.
func (l *loader) register(id string) {
	if _, known := l.entities[id]; !known {
		l.entities[id] = entitySlot{}
		l.pending = append(l.pending, id)
	}
}

// entity returns the entity with the given id, reading it together with
// every id registered so far; ok is false when there is none.
func (l *loader) entity(ctx context.Context, id string) (graph.Entity, bool, error) {
	v, err := l.entityValue(ctx, id)
	if v == nil || err != nil {
		return graph.Entity{}, false, err
	}
	return v.(graph.Entity), true, nil
}

// entityValue is entity with the entity boxed in an interface value, the
// same value for every call with id; nil when there is none.
func (l *loader) entityValue(ctx context.Context, id string) (any, error) {
	l.mu.Lock()
	if err := l.charge(1); err != nil {
		l.mu.Unlock()
		return nil, err
	}
	if slot := l.entities[id]; slot.read {
		l.mu.Unlock()
		return slot.entity, nil
	}
	l.register(id)
	ids := slices.Clone(l.pending)
	l.pending = l.pending[:0]
	l.batches++
	l.mu.Unlock()
	if !slices.Contains(ids, id) {
		ids = append(ids, id) // registered in a batch whose read failed
	}
	slices.Sort(ids)

	found, err := l.store.EntitiesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range ids {
		slot := entitySlot{read: true}
		if e, ok := found[x]; ok {
			slot.entity = e
			if e.ID != x {
				noteRedirect(ctx, x, e.ID) // a merged id, answered by the kept entity
			}
		}
		l.entities[x] = slot
	}
	return l.entities[id].entity, nil
}

// source returns a source, read once per request.
func (l *loader) source(ctx context.Context, id string) (graph.Source, error) {
	l.mu.Lock()
	s, ok := l.sources[id]
	l.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := l.store.Source(ctx, id)
	if err != nil {
		return s, err
	}
	l.mu.Lock()
	l.sources[id] = s
	l.mu.Unlock()
	return s, nil
}

// statement returns a statement, read once per request.
func (l *loader) statement(ctx context.Context, id string) (graph.Statement, error) {
	l.mu.Lock()
	st, ok := l.statements[id]
	l.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := l.store.Statement(ctx, id)
	if err != nil {
		return st, err
	}
	l.mu.Lock()
	l.statements[id] = st
	l.mu.Unlock()
	return st, nil
}
