package seed_test

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/claimgraph/claimgraph/graph"
)

// fakeStore is a graph.Store in memory, just enough for Load: Apply
// validates like a real store (against the stored ontology and items merged
// with the batch's) and is atomic.
type fakeStore struct {
	mu         sync.Mutex
	applies    int // calls of Apply
	ontology   graph.Ontology
	sources    map[string]graph.Source
	entities   map[string]graph.Entity
	statements map[string]graph.Statement

	imports            []graph.BulkImport
	importedEntities   []graph.Entity
	importedStatements []graph.Statement
}

func newFakeStore() *fakeStore {
	return &fakeStore{
		sources:    map[string]graph.Source{},
		entities:   map[string]graph.Entity{},
		statements: map[string]graph.Statement{},
	}
}

func (f *fakeStore) Ontology(context.Context) (graph.Ontology, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return graph.Ontology{}.Merge(f.ontology), nil
}

func (f *fakeStore) Apply(ctx context.Context, b graph.Batch, opts graph.ApplyOptions) (graph.Summary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applies++
	graph.NormalizeBatch(&b)
	ont := f.ontology.Merge(b.Ontology)
	known := func(_ context.Context, kind, id string) (string, bool, error) {
		switch kind {
		case graph.KindEntity:
			e, ok := f.entities[id]
			return e.Type, ok, nil
		case graph.KindSource:
			_, ok := f.sources[id]
			return "", ok, nil
		}
		return "", false, nil
	}
	if err := graph.ValidateBatch(ctx, ont, &b, known); err != nil {
		return graph.Summary{}, err
	}
	var sum graph.Summary
	count := func(existed, same bool) {
		switch {
		case !existed:
			sum.Added++
		case same:
			sum.Unchanged++
		default:
			sum.Changed++
		}
	}
	for _, t := range b.Ontology.EntityTypes {
		old, ok := f.ontology.EntityType(t.Name)
		count(ok, old == t)
	}
	for _, t := range b.Ontology.RelationTypes {
		old, ok := f.ontology.RelationType(t.Name)
		count(ok, reflect.DeepEqual(old, t))
	}
	sources := maps.Clone(f.sources)
	for _, s := range b.Sources {
		old, ok := sources[s.ID]
		count(ok, old == s)
		sources[s.ID] = s
	}
	entities := maps.Clone(f.entities)
	for _, e := range b.Entities {
		old, ok := entities[e.ID]
		count(ok, reflect.DeepEqual(old, e))
		entities[e.ID] = e
	}
	statements := maps.Clone(f.statements)
	for _, st := range b.Statements {
		old, ok := statements[st.ID]
		if ok && (old.Subject != st.Subject || old.Type != st.Type || old.Object != st.Object) {
			return graph.Summary{}, graph.Errorf(graph.Conflict, "statement %q would change its subject, relation or object", st.ID)
		}
		claims := slices.Clone(old.Claims)
		for _, c := range st.Claims {
			i := slices.IndexFunc(claims, func(x graph.Claim) bool { return x.ID == c.ID })
			count(i >= 0, i >= 0 && claims[i] == c)
			if i >= 0 {
				claims[i] = c
			} else {
				claims = append(claims, c)
			}
		}
		st.Claims = claims
		statements[st.ID] = st
	}
	if opts.DryRun {
		return sum, nil
	}
	f.ontology = ont
	f.sources, f.entities, f.statements = sources, entities, statements
	return sum, nil
}

func (f *fakeStore) Entity(_ context.Context, id string) (graph.Entity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.entities[id]
	if !ok {
		return graph.Entity{}, graph.Errorf(graph.NotFound, "no entity %q", id)
	}
	return e, nil
}

func (f *fakeStore) Entities(_ context.Context, q graph.EntityQuery) ([]graph.Entity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []graph.Entity
	for _, id := range slices.Sorted(maps.Keys(f.entities)) {
		e := f.entities[id]
		if (q.Type == "" || e.Type == q.Type) && id > q.After &&
			(q.Search == "" || strings.Contains(strings.ToLower(e.Name), strings.ToLower(q.Search))) {
			out = append(out, e)
		}
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func (f *fakeStore) Relations(_ context.Context, id string, q graph.RelationQuery) ([]graph.Statement, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.entities[id]; !ok {
		return nil, graph.Errorf(graph.NotFound, "no entity %q", id)
	}
	var out []graph.Statement
	for _, sid := range slices.Sorted(maps.Keys(f.statements)) {
		st := f.statements[sid]
		rt, _ := f.ontology.RelationType(st.Type)
		if (st.Subject == id || st.Object == id) && q.Match(id, st, rt.Symmetric) {
			out = append(out, st)
		}
	}
	return out, nil
}

func (f *fakeStore) Statement(_ context.Context, id string) (graph.Statement, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.statements[id]
	if !ok {
		return graph.Statement{}, graph.Errorf(graph.NotFound, "no statement %q", id)
	}
	return st, nil
}

func (f *fakeStore) Source(_ context.Context, id string) (graph.Source, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sources[id]
	if !ok {
		return graph.Source{}, graph.Errorf(graph.NotFound, "no source %q", id)
	}
	return s, nil
}

func (f *fakeStore) Close() error { return nil }

var _ graph.Store = (*fakeStore)(nil)

// RetractSource removes the source's claims and the statements left
// without claims.
func (f *fakeStore) RetractSource(_ context.Context, id string) (graph.Summary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.sources[id]; !ok {
		return graph.Summary{}, graph.Errorf(graph.NotFound, "no source %q", id)
	}
	var sum graph.Summary
	for stID, st := range f.statements {
		kept := slices.DeleteFunc(slices.Clone(st.Claims), func(c graph.Claim) bool { return c.Source == id })
		sum.Removed += len(st.Claims) - len(kept)
		if len(kept) == 0 {
			delete(f.statements, stID)
			sum.Removed++
			continue
		}
		st.Claims = kept
		f.statements[stID] = st
	}
	return sum, nil
}

// Import counts a bulk import's items; it writes nothing.
func (f *fakeStore) Import(_ context.Context, imp graph.BulkImport, _ graph.BulkOptions) (graph.Summary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.imports = append(f.imports, imp)
	f.importedEntities = slices.Collect(imp.Entities)
	f.importedStatements = slices.Collect(imp.Statements)
	return graph.Summary{Added: len(f.importedEntities) + 2*len(f.importedStatements)}, nil
}

var _ graph.BulkStore = (*fakeStore)(nil)
