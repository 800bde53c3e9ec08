package cayley

import (
	"context"
	"fmt"
	"slices"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
)

// RetractClaim removes a claim and, when it was the last one, its
// statement, in one transaction; see graph.Store.
func (s *Store) RetractClaim(ctx context.Context, id string) (_ graph.Summary, err error) {
	defer deferWrap(&err, "retract claim %q", id)
	return s.retract(ctx, "retractClaim", func(x *retraction) error {
		found, err := x.claim(ctx, id)
		if err != nil {
			return err
		}
		if !found {
			return graph.Errorf(graph.NotFound, "no claim %q", id)
		}
		return nil
	})
}

// RetractSource removes a source, its claims and the statements left
// without claims, in one transaction; see graph.Store. The claims are found
// through the object lookup of the source node. A source that was bulk
// imported (see imports.go) also has its live import marked superseded in
// that transaction, so that readers drop its statements — and the entities
// that came with it — at once; the import's quads are deleted right after,
// or at the next Open if that is interrupted.
func (s *Store) RetractSource(ctx context.Context, id string) (_ graph.Summary, err error) {
	defer deferWrap(&err, "retract source %q", id)
	var drops []quad.Value
	sum, err := s.retract(ctx, "retractSource", func(x *retraction) error {
		own, err := x.r.subject(ctx, sourceIRI(id))
		if err != nil {
			return err
		}
		if len(propsOf(own)[pTitle]) == 0 {
			return graph.Errorf(graph.NotFound, "no source %q", id)
		}
		for _, q := range own {
			x.tx.RemoveQuad(q)
		}
		x.sum.Removed++
		node, st, err := x.r.liveImport(ctx, id)
		if err != nil {
			return err
		}
		if node != nil {
			imp, err := x.r.rawQuads(ctx, quad.Subject, node)
			if err != nil {
				return err
			}
			for _, q := range imp {
				if q.Predicate == pCommitted {
					x.tx.RemoveQuad(q)
				}
			}
			x.tx.AddQuad(quad.Make(node, pSuperseded, quad.String(time.Now().UTC().Format(time.RFC3339Nano)), nil))
			drops = append(drops, node)
			x.imported = node
			x.sum.Removed += st.items
		}
		claims, err := x.r.claimsCiting(ctx, id)
		if err != nil {
			return err
		}
		for _, c := range claims {
			if _, err := x.claim(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	if len(drops) == 0 {
		return sum, nil
	}
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		// Retracted already: the import is superseded, invisible, and
		// dropped at the next Open.
		s.log.Warn("dropping a retracted import", "err", err)
		return sum, nil
	}
	defer unlock()
	for _, node := range drops {
		if err := s.dropImport(ctx, node); err != nil {
			// Retracted already: the import is superseded, invisible, and
			// dropped at the next Open.
			s.log.Warn("dropping a retracted import", "import", node, "err", err)
		}
	}
	return sum, nil
}

// retract plans a removal with plan (of the operation op, for the audit
// log), then removes the statements the
// planned claims leave empty, and writes it all as one transaction.
func (s *Store) retract(ctx context.Context, op string, plan func(*retraction) error) (graph.Summary, error) {
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return graph.Summary{}, err
	}
	defer unlock()
	var x *retraction
	err = s.read(func(qs cgraph.QuadStore) error {
		x = &retraction{r: newReader(qs), tx: cgraph.NewTransaction(), claims: map[string][]quad.Value{}}
		if err := plan(x); err != nil {
			return err
		}
		if err := x.statements(ctx); err != nil {
			return err
		}
		if x.imported != nil {
			return x.keptReferences(ctx)
		}
		return nil
	})
	if err != nil {
		return graph.Summary{}, err
	}
	if err := ctx.Err(); err != nil {
		return graph.Summary{}, err
	}
	if len(x.tx.Deltas) > 0 {
		if err := s.writable(ctx); err != nil {
			return graph.Summary{}, err
		}
		if err := s.audit(ctx, x.tx, op); err != nil {
			return graph.Summary{}, err
		}
		if err := s.write(x.tx); err != nil {
			return graph.Summary{}, err
		}
	}
	s.log.Debug("retracted", "removed", x.sum.Removed, "quads", len(x.tx.Deltas))
	return x.sum, nil
}

// retraction collects the quads one retraction removes.
type retraction struct {
	r      reader
	tx     *cgraph.Transaction
	sum    graph.Summary
	claims map[string][]quad.Value // statement id → its claims being removed
	order  []string                // statement ids, in the order first met
	// imported is the import whose entities go with the retraction, or nil.
	imported quad.Value
}

// keptReferences refuses, as Conflict, a retraction that would remove
// entities of an import that something staying still names: an alias
// used by it, a claim it makes, a statement of a fact file about it.
// Removing them would leave references to nothing, which no backup could
// restore.
func (x *retraction) keptReferences(ctx context.Context) error {
	removed := map[string]bool{}
	for _, d := range x.tx.Deltas {
		if d.Action == cgraph.Delete {
			removed[d.Quad.NQuad()] = true
		}
	}
	ont, err := x.r.ontology(ctx)
	if err != nil {
		return err
	}
	var problems []graph.Problem
	for _, t := range ont.EntityTypes {
		typed, err := x.r.rawQuads(ctx, quad.Object, typeIRI(t.Name))
		if err != nil {
			return err
		}
		for _, tq := range typed {
			id, ok := idOf(tq.Subject, prefixEntity)
			if !ok || tq.Predicate != iriRDFType || tq.Label != x.imported {
				continue
			}
			refs, err := x.r.quads(ctx, quad.Object, tq.Subject)
			if err != nil {
				return err
			}
			own, err := x.r.quads(ctx, quad.Subject, tq.Subject)
			if err != nil {
				return err
			}
			for _, q := range own {
				if isRelation(q.Predicate) {
					refs = append(refs, q)
				}
			}
			for _, q := range refs {
				if q.Label == x.imported || removed[q.NQuad()] {
					continue
				}
				problems = append(problems, graph.Problem{Kind: graph.KindEntity, Index: -1, Claim: -1,
					Message: fmt.Sprintf("entity %s of the import is still named by %v %v", graph.Quote(id), q.Subject, q.Predicate)})
				break
			}
			if len(problems) >= 100 {
				break
			}
		}
	}
	if len(problems) > 0 {
		return &graph.Error{Code: graph.Conflict, Message: fmt.Sprintf(
			"retracting the source would remove %d entities of its import that other items still name; retract or change those first", len(problems)),
			Problems: problems}
	}
	return nil
}

// claim removes a claim's own quads and notes its statement; it reports
// whether there was such a claim.
func (x *retraction) claim(ctx context.Context, id string) (bool, error) {
	own, err := x.r.subject(ctx, claimIRI(id))
	if err != nil {
		return false, err
	}
	_, st, ok := decodeClaim(id, own)
	if !ok {
		return false, nil
	}
	for _, q := range own {
		x.tx.RemoveQuad(q)
	}
	x.sum.Removed++
	if _, seen := x.claims[st]; !seen {
		x.order = append(x.order, st)
	}
	x.claims[st] = append(x.claims[st], claimIRI(id))
	return true, nil
}

// statements removes the links to the removed claims, and every statement
// left with no claim: its metadata and its edge.
func (x *retraction) statements(ctx context.Context) error {
	for _, id := range x.order {
		removed := x.claims[id]
		own, err := x.r.subject(ctx, statementIRI(id))
		if err != nil {
			return err
		}
		left := 0
		for _, q := range own {
			if q.Predicate != pClaim {
				continue
			}
			if slices.Contains(removed, q.Object) {
				x.tx.RemoveQuad(q)
			} else {
				left++
			}
		}
		if left > 0 {
			continue
		}
		st, ok := decodeStatement(id, own)
		if !ok {
			continue
		}
		for _, q := range own {
			if q.Predicate != pClaim {
				x.tx.RemoveQuad(q)
			}
		}
		subj, err := x.r.subject(ctx, entityIRI(st.Subject))
		if err != nil {
			return err
		}
		for _, q := range subj {
			if q.Label == statementIRI(id) && isRelation(q.Predicate) {
				x.tx.RemoveQuad(q)
			}
		}
		x.sum.Removed++
	}
	return nil
}
