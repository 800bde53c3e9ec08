package cayley

import (
	"context"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
)

// RetractSource removes the claims the source reports and the statements
// left without claims, with one ApplyDeltas; see graph.Store. The claims
// are found through the source node's object lookup (<cg:c/ID>
// <cg:p/source> <cg:src/ID>), their statements through the claims.
func (s *Store) RetractSource(ctx context.Context, id string) (_ graph.Summary, err error) {
	defer deferWrap(&err, "retract source %q", id)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	qs, err := s.rlock()
	if err != nil {
		return graph.Summary{}, err
	}
	tx, drops, sum, err := planRetractSource(ctx, newReader(qs), id)
	s.mu.RUnlock()
	if err != nil || len(tx.Deltas) == 0 {
		return sum, err
	}
	if err := ctx.Err(); err != nil {
		return graph.Summary{}, err
	}
	if err := s.write(tx); err != nil {
		return graph.Summary{}, err
	}
	s.log.Info("source retracted", "source", id, "removed", sum.Removed, "quads", len(tx.Deltas))
	for _, node := range drops {
		if err := s.dropImport(ctx, node); err != nil {
			// Retracted already: the import is superseded, invisible, and
			// dropped at the next Open.
			s.log.Warn("dropping a retracted import", "import", node, "err", err)
		}
	}
	return sum, nil
}

// planRetractSource computes the removals of RetractSource: the source's
// claim nodes, the statements left without claims, and the source's live
// import, marked superseded so that readers drop it at once; its quads are
// dropped after (drops).
func planRetractSource(ctx context.Context, r reader, id string) (_ *cgraph.Transaction, drops []quad.Value, _ graph.Summary, _ error) {
	tx := cgraph.NewTransaction()
	var sum graph.Summary
	if _, ok, err := r.source(ctx, id); err != nil {
		return nil, nil, sum, err
	} else if !ok {
		return nil, nil, sum, graph.Errorf(graph.NotFound, "no source %q", id)
	}
	in, err := r.object(ctx, sourceIRI(id))
	if err != nil {
		return nil, nil, sum, err
	}
	if node, st, err := r.liveImport(ctx, id); err != nil {
		return nil, nil, sum, err
	} else if node != nil {
		own, err := r.rawQuads(ctx, quad.Subject, node)
		if err != nil {
			return nil, nil, sum, err
		}
		for _, q := range own {
			if q.Predicate == pCommitted {
				tx.RemoveQuad(q)
			}
		}
		tx.AddQuad(quad.Make(node, pSuperseded, quad.String(time.Now().UTC().Format(time.RFC3339Nano)), nil))
		drops = append(drops, node)
		sum.Removed += st.items
	}
	retracted := map[quad.Value]bool{} // claim nodes
	byStatement := map[quad.Value][]quad.Value{}
	var order []quad.Value
	for _, q := range in {
		if q.Predicate != pSource {
			continue
		}
		if _, ok := idOf(q.Subject, prefixClaim); !ok || retracted[q.Subject] {
			continue
		}
		own, err := r.subject(ctx, q.Subject)
		if err != nil {
			return nil, nil, sum, err
		}
		retracted[q.Subject] = true
		for _, cq := range own {
			tx.RemoveQuad(cq)
		}
		sum.Removed++
		st := propsOf(own)[pStatement]
		if len(st) == 0 {
			continue
		}
		if _, seen := byStatement[st[0]]; !seen {
			order = append(order, st[0])
		}
		byStatement[st[0]] = append(byStatement[st[0]], q.Subject)
	}
	for _, stNode := range order {
		own, err := r.subject(ctx, stNode)
		if err != nil {
			return nil, nil, sum, err
		}
		left := 0
		for _, q := range own {
			if q.Predicate != pClaim {
				continue
			}
			if retracted[q.Object] {
				tx.RemoveQuad(q)
			} else {
				left++
			}
		}
		if left > 0 {
			continue
		}
		stID, _ := idOf(stNode, prefixStmt)
		st, ok := decodeStatement(stID, own)
		for _, q := range own {
			if q.Predicate != pClaim {
				tx.RemoveQuad(q)
			}
		}
		if ok {
			edges, err := r.subject(ctx, entityIRI(st.Subject))
			if err != nil {
				return nil, nil, sum, err
			}
			for _, q := range edges {
				if q.Label == stNode && isRelation(q.Predicate) {
					tx.RemoveQuad(q)
				}
			}
		}
		sum.Removed++
	}
	return tx, drops, sum, nil
}
