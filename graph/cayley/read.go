package cayley

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/refs"
	"github.com/cayleygraph/cayley/query/shape"
	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/search"
)

// reader reads domain items from one quad store handle. Every read starts
// from a known subject or object, never from a predicate or label alone
// (those are full scans on KV backends).
//
// A reader sees only what is committed: quads labelled with an import
// (<cg:imp/ID>) count only while that import is live (committed and not
// superseded); see imports.go. It remembers the imports it has looked up,
// so a reader serves one call of a Store method.
type reader struct {
	qs cgraph.QuadStore
	// pending, when set, holds changes planned but not yet committed,
	// which the reader shows as if they were (see group.go).
	pending *overlay
	imports map[quad.Value]importState
	// symmetric remembers whether a relation type is symmetric.
	symmetric map[string]bool
}

func newReader(qs cgraph.QuadStore) reader {
	return reader{qs: qs, imports: map[quad.Value]importState{}, symmetric: map[string]bool{}}
}

// quads returns the quads that have v in direction d, leaving out those of
// imports that are not live.
func (r reader) quads(ctx context.Context, d quad.Direction, v quad.Value) ([]quad.Quad, error) {
	all, err := r.rawQuads(ctx, d, v)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, q := range all {
		if isImport(q.Label) {
			st, err := r.importState(ctx, q.Label)
			if err != nil {
				return nil, err
			}
			if !st.live() {
				continue
			}
		}
		out = append(out, q)
	}
	return out, nil
}

// rawQuads returns the quads that have v in direction d, all of them.
func (r reader) rawQuads(ctx context.Context, d quad.Direction, v quad.Value) ([]quad.Quad, error) {
	all, err := r.storedQuads(ctx, d, v)
	if err != nil || r.pending == nil {
		return all, err
	}
	return r.pending.over(all, func(q quad.Quad) bool { return q.Get(d) == v }), nil
}

// storedQuads returns the quads that have v in direction d as committed.
func (r reader) storedQuads(ctx context.Context, d quad.Direction, v quad.Value) ([]quad.Quad, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ref, err := r.qs.ValueOf(v)
	if err != nil {
		return nil, fmt.Errorf("look up %v: %w", v, err)
	}
	if ref == nil {
		return nil, nil
	}
	links, err := r.refs(ctx, r.qs.QuadIterator(d, ref))
	if err != nil {
		return nil, fmt.Errorf("iterate quads of %v: %w", v, err)
	}
	return r.quadsOf(ctx, links)
}

// refs returns the quad references it yields.
func (r reader) refs(ctx context.Context, sh iterator.Shape) ([]cgraph.Ref, error) {
	it := sh.Iterate()
	defer it.Close()
	var links []cgraph.Ref
	for it.Next(ctx) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		links = append(links, it.Result())
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	return links, ctx.Err()
}

// quadsOf reads the quads of references.
func (r reader) quadsOf(ctx context.Context, links []cgraph.Ref) ([]quad.Quad, error) {
	if bn, ok := r.qs.(refs.BatchNamer); ok {
		return batchQuads(ctx, r.qs, bn, links)
	}
	out := make([]quad.Quad, 0, len(links))
	for _, l := range links {
		q, err := r.qs.Quad(l)
		if err != nil {
			return nil, fmt.Errorf("read quad: %w", err)
		}
		if q.IsValid() {
			out = append(out, q)
		}
	}
	return out, nil
}

// matching returns the quads that have the values of fixed in its
// directions, leaving out those of imports that are not live. On a KV
// store (bolt) it reads the one index entry that holds exactly those
// quads, the (subject, predicate) or the (object, predicate, subject)
// one, so that its cost does not grow with the other quads of the
// subject; elsewhere it reads the quads of the subject (or the first
// direction given) and keeps the matching ones.
func (r reader) matching(ctx context.Context, fixed map[quad.Direction]quad.Value) ([]quad.Quad, error) {
	all, err := r.storedMatching(ctx, fixed)
	if err != nil {
		return nil, err
	}
	if r.pending != nil {
		all = r.pending.over(all, func(q quad.Quad) bool { return hasValues(q, fixed) })
	}
	out := all[:0]
	for _, q := range all {
		if !hasValues(q, fixed) {
			continue
		}
		if isImport(q.Label) {
			st, err := r.importState(ctx, q.Label)
			if err != nil {
				return nil, err
			}
			if !st.live() {
				continue
			}
		}
		out = append(out, q)
	}
	return out, nil
}

// storedMatching returns committed quads that include those with the
// values of fixed (see matching).
func (r reader) storedMatching(ctx context.Context, fixed map[quad.Direction]quad.Value) ([]quad.Quad, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	filter := make(map[quad.Direction]cgraph.Ref, len(fixed))
	for d, v := range fixed {
		ref, err := r.qs.ValueOf(v)
		if err != nil {
			return nil, fmt.Errorf("look up %v: %w", v, err)
		}
		if ref == nil {
			return nil, nil
		}
		filter[d] = ref
	}
	var all []quad.Quad
	if scan, ok := indexScan(ctx, r.qs, filter); ok {
		links, err := r.refs(ctx, scan.BuildIterator(r.qs))
		if err != nil {
			return nil, err
		}
		if all, err = r.quadsOf(ctx, links); err != nil {
			return nil, err
		}
	} else {
		first := quad.Subject
		if _, ok := fixed[first]; !ok {
			for d := range fixed {
				first = d
				break
			}
		}
		var err error
		if all, err = r.storedQuads(ctx, first, fixed[first]); err != nil {
			return nil, err
		}
	}
	return all, nil
}

func hasValues(q quad.Quad, fixed map[quad.Direction]quad.Value) bool {
	for d, v := range fixed {
		if q.Get(d) != v {
			return false
		}
	}
	return true
}

// indexScan returns the scan of the KV index entry that holds exactly the
// quads with the values of filter, when qs is a KV store with such an
// index.
func indexScan(ctx context.Context, qs cgraph.QuadStore, filter map[quad.Direction]cgraph.Ref) (kv.IndexScan, bool) {
	o, ok := qs.(shape.Optimizer)
	if !ok {
		return kv.IndexScan{}, false
	}
	opt, ok := o.OptimizeShape(ctx, shape.QuadsAction{Result: quad.Subject, Filter: filter})
	if !ok {
		return kv.IndexScan{}, false
	}
	nf, ok := opt.(shape.NodesFrom)
	if !ok {
		return kv.IndexScan{}, false
	}
	scan, ok := nf.Quads.(kv.IndexScan)
	return scan, ok && len(scan.Values) == len(filter)
}

// subjectPredicate returns the quads of subject s with predicate p (see
// matching).
func (r reader) subjectPredicate(ctx context.Context, s, p quad.Value) ([]quad.Quad, error) {
	return r.matching(ctx, map[quad.Direction]quad.Value{quad.Subject: s, quad.Predicate: p})
}

func (r reader) subject(ctx context.Context, v quad.Value) ([]quad.Quad, error) {
	return r.quads(ctx, quad.Subject, v)
}

func (r reader) object(ctx context.Context, v quad.Value) ([]quad.Quad, error) {
	return r.quads(ctx, quad.Object, v)
}

// ontology reads the ontology through the <cg:ontology> node.
func (r reader) ontology(ctx context.Context) (graph.Ontology, error) {
	root, err := r.subject(ctx, iriOntology)
	if err != nil {
		return graph.Ontology{}, err
	}
	var ont graph.Ontology
	for _, q := range root {
		switch q.Predicate {
		case pEntityType:
			name, ok := idOf(q.Object, prefixType)
			if !ok {
				continue
			}
			own, err := r.subject(ctx, q.Object)
			if err != nil {
				return graph.Ontology{}, err
			}
			ont.EntityTypes = append(ont.EntityTypes, decodeEntityType(name, propsOf(own)))
		case pRelationType:
			name, ok := idOf(q.Object, prefixRelation)
			if !ok {
				continue
			}
			own, err := r.subject(ctx, q.Object)
			if err != nil {
				return graph.Ontology{}, err
			}
			ont.RelationTypes = append(ont.RelationTypes, decodeRelationType(name, propsOf(own)))
		}
	}
	ont.Sort()
	return ont, nil
}

// entity reads the entity with the given id.
func (r reader) entity(ctx context.Context, id string) (graph.Entity, bool, error) {
	own, err := r.subject(ctx, entityIRI(id))
	if err != nil {
		return graph.Entity{}, false, err
	}
	return r.entityFrom(ctx, id, own)
}

// entityFrom decodes an entity from the quads of its subject lookup, which
// also hold its outgoing statement edges (ignored here).
func (r reader) entityFrom(ctx context.Context, id string, own []quad.Quad) (graph.Entity, bool, error) {
	p := propsOf(own)
	typ := p.id(iriRDFType, prefixType)
	if typ == "" {
		return graph.Entity{}, false, nil
	}
	e := graph.Entity{ID: id, Type: typ, Name: p.text(pName), Description: p.text(pDescription),
		Created: decodeAttribution(p, pCreatedBy, pCreatedAt), Recorded: decodeAttribution(p, pRecordedBy, pRecordedAt)}
	if e.Created.IsZero() && e.Recorded.IsZero() {
		// An entity a bulk import brought was created and last changed by
		// its import, which holds the attribution once for all its items.
		for _, q := range own {
			if q.Predicate != iriRDFType || !isImport(q.Label) {
				continue
			}
			imp, err := r.importState(ctx, q.Label)
			if err != nil {
				return graph.Entity{}, false, err
			}
			e.Created, e.Recorded = imp.recorded, imp.recorded
			break
		}
	}
	type indexed struct {
		n int
		a graph.Alias
	}
	var aliases []indexed
	for _, node := range p[pAlias] {
		n, ok := aliasIndex(node)
		if !ok {
			continue
		}
		aq, err := r.subject(ctx, node)
		if err != nil {
			return graph.Entity{}, false, err
		}
		ap := propsOf(aq)
		aliases = append(aliases, indexed{n, graph.Alias{Name: ap.text(pName), UsedBy: ap.id(pUsedBy, prefixEntity)}})
	}
	slices.SortFunc(aliases, func(a, b indexed) int { return cmp.Compare(a.n, b.n) })
	for _, a := range aliases {
		e.Aliases = append(e.Aliases, a.a)
	}
	return e, true, nil
}

// entityIDs returns the ids of the entities of type typ, through the
// object lookup of the type node.
func (r reader) entityIDs(ctx context.Context, typ string) ([]string, error) {
	in, err := r.object(ctx, typeIRI(typ))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, q := range in {
		if q.Predicate != iriRDFType {
			continue
		}
		if id, ok := idOf(q.Subject, prefixEntity); ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// allEntityIDs returns the ids of the entities of every type in ont, sorted.
func (r reader) allEntityIDs(ctx context.Context, types []string) ([]string, error) {
	seen := map[string]bool{}
	for _, t := range types {
		ids, err := r.entityIDs(ctx, t)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			seen[id] = true
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

// source reads the source with the given id.
func (r reader) source(ctx context.Context, id string) (graph.Source, bool, error) {
	own, err := r.subject(ctx, sourceIRI(id))
	if err != nil {
		return graph.Source{}, false, err
	}
	src, ok := decodeSource(id, own)
	return src, ok, nil
}

// statement reads the statement with the given id and its claims, ordered
// by claim id.
//
// A statement is explicit (its node holds its subject, relation and object)
// or implicit: an edge labelled with a live import, whose id is
// graph.DefaultStatementID and whose claim is the import's source asserting
// it. It may be both, when a fact file adds claims to an imported
// statement. The implicit claims come from the subject's edges; pass them
// as edges when the caller has read them, or nil to have them read.
func (r reader) statement(ctx context.Context, id string) (graph.Statement, bool, error) {
	return r.statementWith(ctx, id, nil)
}

func (r reader) statementWith(ctx context.Context, id string, edges []quad.Quad) (graph.Statement, bool, error) {
	own, err := r.subject(ctx, statementIRI(id))
	if err != nil {
		return graph.Statement{}, false, err
	}
	st, explicit := decodeStatement(id, own)
	if !explicit {
		subj, typ, obj, ok := splitDefaultID(id)
		if !ok {
			return graph.Statement{}, false, nil
		}
		st = graph.Statement{ID: id, Subject: subj, Type: typ, Object: obj, Attributes: decodeAttributes(own)}
	}
	for _, cid := range propsOf(own).sortedIDs(pClaim, prefixClaim) {
		c, ok, err := r.claim(ctx, cid)
		if err != nil {
			return graph.Statement{}, false, err
		}
		if ok {
			st.Claims = append(st.Claims, c)
		}
	}
	if id == graph.DefaultStatementID(st.Subject, st.Type, st.Object) {
		if edges == nil {
			// The edges of its ends only: one index entry on KV stores.
			if edges, err = r.matching(ctx, map[quad.Direction]quad.Value{quad.Subject: entityIRI(st.Subject),
				quad.Predicate: relationIRI(st.Type), quad.Object: entityIRI(st.Object)}); err != nil {
				return graph.Statement{}, false, err
			}
		}
		for _, e := range edges {
			if !isImport(e.Label) || e.Subject != entityIRI(st.Subject) || e.Predicate != relationIRI(st.Type) || e.Object != entityIRI(st.Object) {
				continue
			}
			imp, err := r.importState(ctx, e.Label)
			if err != nil {
				return graph.Statement{}, false, err
			}
			c := graph.ImplicitClaim(id, imp.source)
			c.Recorded = imp.recorded
			st.Claims = append(st.Claims, c)
			if !explicit && (st.Created.IsZero() || imp.recorded.At.Before(st.Created.At)) {
				// An imported statement was created and last changed by
				// its import.
				st.Created, st.Recorded = imp.recorded, imp.recorded
			}
		}
		slices.SortFunc(st.Claims, func(a, b graph.Claim) int { return cmp.Compare(a.ID, b.ID) })
		st.Claims = slices.CompactFunc(st.Claims, func(a, b graph.Claim) bool { return a.ID == b.ID })
	}
	if !explicit && len(st.Claims) == 0 {
		return graph.Statement{}, false, nil
	}
	return st, true, nil
}

// splitDefaultID splits a statement id made by graph.DefaultStatementID:
// entity ids and relation type names hold no dots.
func splitDefaultID(id string) (subject, typ, object string, ok bool) {
	subject, rest, ok1 := strings.Cut(id, ".")
	typ, object, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(object, ".") || !isEntityID(subject) || !isEntityID(object) || typ == "" {
		return "", "", "", false
	}
	return subject, typ, object, true
}

// isEntityID reports whether graph.CheckEntityID accepts id (lower-case
// letters and digits joined by hyphens, at most graph.MaxIDBytes), without
// its regular expression: a scan checks every statement id.
func isEntityID(id string) bool {
	if id == "" || len(id) > graph.MaxIDBytes || id[0] == '-' || id[len(id)-1] == '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && id[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// claim reads the claim with the given id.
func (r reader) claim(ctx context.Context, id string) (graph.Claim, bool, error) {
	own, err := r.subject(ctx, claimIRI(id))
	if err != nil {
		return graph.Claim{}, false, err
	}
	c, _, ok := decodeClaim(id, own)
	return c, ok, nil
}

// Ontology returns the stored ontology, sorted by name.
func (s *Store) Ontology(ctx context.Context) (_ graph.Ontology, err error) {
	defer deferWrap(&err, "read ontology")
	qs, err := s.rlock()
	if err != nil {
		return graph.Ontology{}, err
	}
	defer s.runlock(&err)
	return newReader(qs).ontology(ctx)
}

// Entity returns the entity with the given id, or NotFound.
func (s *Store) Entity(ctx context.Context, id string) (_ graph.Entity, err error) {
	defer deferWrap(&err, "read entity %q", id)
	qs, err := s.rlock()
	if err != nil {
		return graph.Entity{}, err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	e, ok, err := r.entity(ctx, id)
	if err == nil && !ok {
		// A merged id answers with the entity it was merged into.
		if to, moved, rerr := r.redirect(ctx, id); rerr != nil {
			return graph.Entity{}, rerr
		} else if moved {
			e, ok, err = r.entity(ctx, to)
		}
	}
	if err != nil {
		return graph.Entity{}, err
	}
	if !ok {
		return graph.Entity{}, graph.Errorf(graph.NotFound, "no entity %q", id)
	}
	return e, nil
}

// Entities returns the entities matching q, ordered by id. Entities are
// found through the type nodes of the ontology (an object lookup per type).
func (s *Store) Entities(ctx context.Context, q graph.EntityQuery) (_ []graph.Entity, err error) {
	defer deferWrap(&err, "list entities")
	qs, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	types := []string{q.Type}
	if q.Type == "" {
		ont, err := r.ontology(ctx)
		if err != nil {
			return nil, err
		}
		types = types[:0]
		for _, t := range ont.EntityTypes {
			types = append(types, t.Name)
		}
	}
	ids, err := r.allEntityIDs(ctx, types)
	if err != nil {
		return nil, err
	}
	folded := search.Fold(q.Search)
	var out []graph.Entity
	for _, id := range ids {
		if q.Limit > 0 && len(out) >= q.Limit {
			break
		}
		if id <= q.After {
			continue
		}
		e, ok, err := r.entity(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok && matches(e, folded) {
			out = append(out, e)
		}
	}
	return out, nil
}

// matches reports whether e's name or an alias contains s, which is
// folded (see search.Fold).
func matches(e graph.Entity, s string) bool {
	if s == "" || strings.Contains(search.Fold(e.Name), s) {
		return true
	}
	return slices.ContainsFunc(e.Aliases, func(a graph.Alias) bool {
		return strings.Contains(search.Fold(a.Name), s)
	})
}

// Source returns the source with the given id, or NotFound.
func (s *Store) Source(ctx context.Context, id string) (_ graph.Source, err error) {
	defer deferWrap(&err, "read source %q", id)
	qs, err := s.rlock()
	if err != nil {
		return graph.Source{}, err
	}
	defer s.runlock(&err)
	src, ok, err := newReader(qs).source(ctx, id)
	if err != nil {
		return graph.Source{}, err
	}
	if !ok {
		return graph.Source{}, graph.Errorf(graph.NotFound, "no source %q", id)
	}
	return src, nil
}

// Statement returns the statement with the given id and its claims
// (ordered by claim id), or NotFound.
func (s *Store) Statement(ctx context.Context, id string) (_ graph.Statement, err error) {
	defer deferWrap(&err, "read statement %q", id)
	qs, err := s.rlock()
	if err != nil {
		return graph.Statement{}, err
	}
	defer s.runlock(&err)
	st, ok, err := newReader(qs).statement(ctx, id)
	if err != nil {
		return graph.Statement{}, err
	}
	if !ok {
		return graph.Statement{}, graph.Errorf(graph.NotFound, "no statement %q", id)
	}
	return st, nil
}

// Relations returns the statements at either end of the entity that match
// q, with their claims, ordered by relation type, subject, object and id.
// Out-edges come from the entity's subject lookup, in-edges from its object
// lookup; only cg:rel/ predicates are edges.
func (s *Store) Relations(ctx context.Context, entityID string, q graph.RelationQuery) (_ []graph.Statement, err error) {
	defer deferWrap(&err, "read relations of %q", entityID)
	qs, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.runlock(&err)
	out, ok, err := newReader(qs).entityRelations(ctx, entityID, q)
	if err == nil && !ok {
		err = graph.Errorf(graph.NotFound, "no entity %q", entityID)
	}
	return out, err
}

// RelationsOf implements graph.RelationsBatcher: one read lock and one
// reader for every id, so what the entities' relations share (relation
// types, imports) is read once.
func (s *Store) RelationsOf(ctx context.Context, ids []string, q graph.RelationQuery) (_ map[string][]graph.Statement, err error) {
	defer deferWrap(&err, "read relations of %d entities", len(ids))
	qs, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	out := make(map[string][]graph.Statement, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		rels, ok, err := r.entityRelations(ctx, id, q)
		if err != nil {
			return nil, err
		}
		if ok {
			out[id] = rels
		}
	}
	return out, nil
}

// entityRelations returns the relations of an entity that pass q; ok is
// false when there is no such entity.
func (r reader) entityRelations(ctx context.Context, entityID string, q graph.RelationQuery) (_ []graph.Statement, ok bool, err error) {
	node := entityIRI(entityID)
	out, err := r.subject(ctx, node)
	if err != nil {
		return nil, false, err
	}
	if !hasType(out) {
		// A merged id answers with the relations of the entity it was
		// merged into.
		to, moved, err := r.redirect(ctx, entityID)
		if err != nil || !moved {
			return nil, false, err
		}
		entityID, node = to, entityIRI(to)
		if out, err = r.subject(ctx, node); err != nil {
			return nil, false, err
		}
	}
	in, err := r.object(ctx, node)
	if err != nil {
		return nil, false, err
	}
	rels, err := r.relations(ctx, entityID, append(out, in...), q)
	return rels, err == nil, err
}

// hasType reports whether an entity's subject quads include its rdf:type.
func hasType(own []quad.Quad) bool {
	return slices.ContainsFunc(own, func(q quad.Quad) bool { return q.Predicate == iriRDFType })
}

// relations loads the statements of the given edge quads that pass q.
func (r reader) relations(ctx context.Context, entityID string, edges []quad.Quad, q graph.RelationQuery) ([]graph.Statement, error) {
	shapeOnly := q.Shape()
	seen := map[string]bool{}
	dates := map[string]graph.Date{}
	published := func(id string) graph.Date { return dates[id] }
	var out []graph.Statement
	for _, e := range edges {
		typ, ok := idOf(e.Predicate, prefixRelation)
		if !ok {
			continue
		}
		subj, _ := idOf(e.Subject, prefixEntity)
		obj, _ := idOf(e.Object, prefixEntity)
		id, ok := idOf(e.Label, prefixStmt)
		if !ok && isImport(e.Label) {
			id, ok = graph.DefaultStatementID(subj, typ, obj), true
		}
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		sym, ok := r.symmetric[typ]
		if !ok {
			own, err := r.subject(ctx, relationIRI(typ))
			if err != nil {
				return nil, err
			}
			sym = decodeRelationType(typ, propsOf(own)).Symmetric
			r.symmetric[typ] = sym
		}
		// Filter on type and direction before paying for the claims.
		if !shapeOnly.Match(entityID, graph.Statement{Subject: subj, Type: typ, Object: obj}, sym) {
			continue
		}
		// edges holds every edge at entityID, so every import edge of
		// this statement too.
		st, ok, err := r.statementWith(ctx, id, edges)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if q.ReportedBy != "" {
			if err := r.readPublished(ctx, st.Claims, dates); err != nil {
				return nil, err
			}
		}
		if st, ok = q.Select(entityID, st, sym, published); ok {
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b graph.Statement) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Subject, b.Subject),
			cmp.Compare(a.Object, b.Object), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// readPublished adds to dates the published date of each source cited by
// a claim of claims that has no said date, reading each source once (a
// source that is not stored has no date).
func (r reader) readPublished(ctx context.Context, claims []graph.Claim, dates map[string]graph.Date) error {
	for _, c := range claims {
		if _, ok := dates[c.Source]; ok || c.Said != "" {
			continue
		}
		src, _, err := r.source(ctx, c.Source)
		if err != nil {
			return err
		}
		dates[c.Source] = src.Published
	}
	return nil
}

// batchQuads resolves the values of links in one batch — on KV backends
// one read transaction instead of one per quad — asking for each distinct
// value once: predicates, labels and hub nodes repeat in most quads.
func batchQuads(ctx context.Context, qs cgraph.QuadStore, bn refs.BatchNamer, links []cgraph.Ref) ([]quad.Quad, error) {
	dirs := quad.Directions
	slot := map[any]int{}
	var vals []cgraph.Ref
	at := make([]int, 0, len(links)*len(dirs))
	for _, l := range links {
		for _, d := range dirs {
			ref, err := qs.QuadDirection(l, d)
			if err != nil {
				return nil, fmt.Errorf("quad direction: %w", err)
			}
			if ref == nil {
				at = append(at, -1)
				continue
			}
			i, ok := slot[ref.Key()]
			if !ok {
				i = len(vals)
				slot[ref.Key()] = i
				vals = append(vals, ref)
			}
			at = append(at, i)
		}
	}
	names, err := bn.ValuesOf(ctx, vals)
	if err != nil {
		return nil, fmt.Errorf("read values: %w", err)
	}
	out := make([]quad.Quad, 0, len(links))
	for i := range links {
		var q quad.Quad
		for j, d := range dirs {
			if k := at[i*len(dirs)+j]; k >= 0 {
				q.Set(d, names[k])
			}
		}
		if q.IsValid() {
			out = append(out, q)
		}
	}
	return out, nil
}
