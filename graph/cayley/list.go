package cayley

import (
	"cmp"
	"context"
	"slices"

	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
)

// OntologyVersion returns the version token Apply writes on <cg:ontology>
// whenever the ontology changes: one subject lookup of the ontology root.
func (s *Store) OntologyVersion(ctx context.Context) (_ string, err error) {
	defer deferWrap(&err, "read ontology version")
	qs, err := s.rlock()
	if err != nil {
		return "", err
	}
	defer s.runlock(&err)
	root, err := newReader(qs).subject(ctx, iriOntology)
	if err != nil {
		return "", err
	}
	return propsOf(root).text(pVersion), nil
}

// EntitiesByID reads the entities among ids under one read lock; a merged
// id maps to the entity it was merged into, as Entity answers it.
func (s *Store) EntitiesByID(ctx context.Context, ids []string) (_ map[string]graph.Entity, err error) {
	defer deferWrap(&err, "read %d entities", len(ids))
	qs, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	out := make(map[string]graph.Entity, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		e, ok, err := r.entity(ctx, id)
		if err == nil && !ok {
			var to string
			var moved bool
			if to, moved, err = r.redirect(ctx, id); err == nil && moved {
				e, ok, err = r.entity(ctx, to)
			}
		}
		if err != nil {
			return nil, err
		}
		if ok {
			out[id] = e
		}
	}
	return out, nil
}

// Sources lists sources through the object lookup of <cg:class/Source>.
func (s *Store) Sources(ctx context.Context, q graph.Page) (_ []graph.Source, err error) {
	defer deferWrap(&err, "list sources")
	qs, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	in, err := r.object(ctx, iriSourceClass)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, l := range in {
		if l.Predicate != iriRDFType {
			continue
		}
		if id, ok := idOf(l.Subject, prefixSource); ok && id > q.After {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []graph.Source
	for _, id := range ids {
		if q.Limit > 0 && len(out) >= q.Limit {
			break
		}
		src, ok, err := r.source(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, src)
		}
	}
	return out, nil
}

// ClaimsBySource finds a source's claims through the object lookup of the
// source node (<claim> <cg:p/source> <src>).
func (s *Store) ClaimsBySource(ctx context.Context, sourceID string) (_ []graph.StatementClaim, err error) {
	defer deferWrap(&err, "read claims of source %q", sourceID)
	qs, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	if _, ok, err := r.source(ctx, sourceID); err != nil {
		return nil, err
	} else if !ok {
		return nil, graph.Errorf(graph.NotFound, "no source %q", sourceID)
	}
	ids, err := r.claimsCiting(ctx, sourceID)
	if err != nil {
		return nil, err
	}
	var out []graph.StatementClaim
	for _, id := range ids {
		own, err := r.subject(ctx, claimIRI(id))
		if err != nil {
			return nil, err
		}
		if c, st, ok := decodeClaim(id, own); ok {
			out = append(out, graph.StatementClaim{Statement: st, Claim: c})
		}
	}
	slices.SortFunc(out, func(a, b graph.StatementClaim) int {
		return cmp.Or(cmp.Compare(a.Statement, b.Statement), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// claimsCiting returns the ids of the claims that cite a source.
func (r reader) claimsCiting(ctx context.Context, sourceID string) ([]string, error) {
	in, err := r.object(ctx, sourceIRI(sourceID))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, l := range in {
		if l.Predicate != pSource {
			continue
		}
		if id, ok := idOf(l.Subject, prefixClaim); ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// Disputes finds disputed statements through their denials: the object
// lookup of the stance literal "DENIES" lists every denying claim, and a
// statement with a denial is disputed when it also has an assertion.
// Denials are few next to assertions, so this reads far less than a walk
// over every statement would.
func (s *Store) Disputes(ctx context.Context, q graph.Page) (_ []graph.Statement, err error) {
	defer deferWrap(&err, "list disputes")
	qs, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	denials, err := r.object(ctx, quad.String(graph.Denies))
	if err != nil {
		return nil, err
	}
	var stIDs []string
	for _, l := range denials {
		if l.Predicate != pStance {
			continue
		}
		id, ok := idOf(l.Subject, prefixClaim)
		if !ok {
			continue
		}
		own, err := r.subject(ctx, claimIRI(id))
		if err != nil {
			return nil, err
		}
		if _, st, ok := decodeClaim(id, own); ok && st > q.After {
			stIDs = append(stIDs, st)
		}
	}
	slices.Sort(stIDs)
	stIDs = slices.Compact(stIDs)
	var out []graph.Statement
	for _, id := range stIDs {
		if q.Limit > 0 && len(out) >= q.Limit {
			break
		}
		st, ok, err := r.statement(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok && st.Status() == graph.Disputed {
			out = append(out, st)
		}
	}
	return out, nil
}
