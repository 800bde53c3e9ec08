package cayley

import (
	"context"
	"slices"
	"sync"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
)

// Group commit. On bolt every commit costs two fdatasyncs and a write of
// each page it dirties, which bounds single writes to a few hundred a
// second at best. So Apply calls that wait for one another are committed
// together: one goroutine (commitGroups) takes the write lock, plans the
// waiting batches one after the other, each seeing the changes of those
// planned before it as if they were committed (an overlay of the reader),
// and writes the net change of all of them as one bbolt transaction. A
// batch whose plan fails (invalid, conflict, a cancelled context) is left
// out and gets its error; the others go on. The one transaction commits
// all of them or none, and each caller gets its own summary and the
// transaction's outcome: every Apply is still atomic, and all-or-nothing.
// Events get their ids in the order the batches were planned, which is
// the order they commit in.

// maxGroup bounds the batches committed together.
const maxGroup = 64

// applyRequest is one Apply waiting for its group.
type applyRequest struct {
	ctx  context.Context
	b    graph.Batch
	opts graph.ApplyOptions
	done chan applyResult
}

type applyResult struct {
	sum graph.Summary
	err error
}

// groupState is the queue of Apply calls waiting to be committed.
type groupState struct {
	mu      sync.Mutex
	queue   []*applyRequest
	running bool // a commitGroups goroutine is serving the queue
}

func (g *groupState) lock()   { g.mu.Lock() }
func (g *groupState) unlock() { g.mu.Unlock() }

// applyGrouped queues one Apply and waits for the group that commits it.
// A call whose context ends while it is still queued is taken out of the
// queue and returns the context's error; once its group has taken it, it
// waits for the group's outcome, as a single Apply does once it writes.
func (s *Store) applyGrouped(ctx context.Context, b graph.Batch, opts graph.ApplyOptions) (graph.Summary, error) {
	if err := ctx.Err(); err != nil {
		return graph.Summary{}, err
	}
	req := &applyRequest{ctx: ctx, b: b, opts: opts, done: make(chan applyResult, 1)}
	g := &s.group
	g.lock()
	g.queue = append(g.queue, req)
	if !g.running {
		g.running = true
		go s.commitGroups()
	}
	g.unlock()
	select {
	case res := <-req.done:
		return res.sum, res.err
	case <-ctx.Done():
	}
	g.lock()
	if i := slices.Index(g.queue, req); i >= 0 {
		g.queue = slices.Delete(g.queue, i, i+1)
		g.unlock()
		return graph.Summary{}, ctx.Err()
	}
	g.unlock()
	res := <-req.done
	return res.sum, res.err
}

// commitGroups serves the queue until it is empty: it takes the write
// lock, takes the waiting calls (at most maxGroup) and commits them as one
// group.
func (s *Store) commitGroups() {
	g := &s.group
	for {
		unlock, lockErr := s.lockWrites(context.Background())
		g.lock()
		n := min(len(g.queue), maxGroup)
		reqs := slices.Clone(g.queue[:n])
		g.queue = slices.Delete(g.queue, 0, n)
		if n == 0 {
			g.running = false
		}
		g.unlock()
		if lockErr != nil {
			for _, req := range reqs {
				req.done <- applyResult{err: lockErr}
			}
			if n == 0 {
				return
			}
			continue
		}
		if n == 0 {
			unlock()
			return
		}
		s.commitGroup(reqs)
		unlock()
	}
}

// commitGroup plans reqs one after the other over the changes of those
// before and writes what they change together. The caller holds the write
// lock.
func (s *Store) commitGroup(reqs []*applyRequest) {
	ov := &overlay{added: map[string]quad.Quad{}, removed: map[string]quad.Quad{}}
	type part struct {
		req *applyRequest
		sum graph.Summary
		tx  *cgraph.Transaction
	}
	var parts []part
	for _, req := range reqs {
		p, err := s.planApply(req.ctx, req.b, req.opts, ov)
		if err != nil {
			req.done <- applyResult{err: err}
			continue
		}
		if len(p.tx.Deltas) == 0 {
			req.done <- applyResult{sum: p.sum}
			continue
		}
		ov.apply(p.tx.Deltas)
		parts = append(parts, part{req, p.sum, p.tx})
	}
	if len(parts) == 0 {
		return
	}
	tx := ov.transaction()
	// The events of the parts become those of the one transaction.
	s.feed.mu.Lock()
	var events []graph.ChangeEvent
	for _, pt := range parts {
		events = append(events, s.feed.pending[pt.tx]...)
		delete(s.feed.pending, pt.tx)
	}
	if len(events) > 0 {
		s.feed.pending[tx] = events
	}
	s.feed.mu.Unlock()
	err := s.write(tx)
	if err == nil {
		s.log.Debug("batches applied together", "batches", len(parts), "quads", len(tx.Deltas))
	}
	for _, pt := range parts {
		if err != nil {
			pt.req.done <- applyResult{err: err}
		} else {
			pt.req.done <- applyResult{sum: pt.sum}
		}
	}
}

// overlay is the net change of the batches of a group planned so far,
// which the readers of the next ones see as if it were committed.
type overlay struct {
	added, removed map[string]quad.Quad // by NQuad
	order          []string             // keys in the order first changed
	// ontology is set once a planned change touches the ontology, which
	// the next batches must then read through the overlay.
	ontology bool
	// seq and seqQuads are the newest event id the planned changes store
	// and the quad that stores it, once one has stored events.
	seq      uint64
	seqQuads []quad.Quad
	seqSet   bool
}

// apply adds deltas to the net change: removing a quad an earlier batch
// added undoes the addition, and adding one it removed undoes the removal.
func (o *overlay) apply(deltas []cgraph.Delta) {
	if touchesOntology(deltas) {
		o.ontology = true
	}
	for _, d := range deltas {
		k := d.Quad.NQuad()
		if _, ok := o.added[k]; !ok {
			if _, ok := o.removed[k]; !ok {
				o.order = append(o.order, k)
			}
		}
		if d.Action == cgraph.Add {
			if _, ok := o.removed[k]; ok {
				delete(o.removed, k)
			} else {
				o.added[k] = d.Quad
			}
		} else {
			if _, ok := o.added[k]; ok {
				delete(o.added, k)
			} else {
				o.removed[k] = d.Quad
			}
		}
	}
}

// over returns stored, the committed quads of a lookup, with the net
// change applied; match tells the quads the lookup asks for.
func (o *overlay) over(stored []quad.Quad, match func(quad.Quad) bool) []quad.Quad {
	if len(o.added) == 0 && len(o.removed) == 0 {
		return stored
	}
	out := make([]quad.Quad, 0, len(stored))
	for _, q := range stored {
		if _, gone := o.removed[q.NQuad()]; !gone {
			out = append(out, q)
		}
	}
	for _, k := range o.order {
		if q, ok := o.added[k]; ok && match(q) {
			out = append(out, q)
		}
	}
	return out
}

// transaction returns the net change as one transaction.
func (o *overlay) transaction() *cgraph.Transaction {
	tx := cgraph.NewTransaction()
	for _, k := range o.order {
		if q, ok := o.removed[k]; ok {
			tx.RemoveQuad(q)
		}
	}
	for _, k := range o.order {
		if q, ok := o.added[k]; ok {
			tx.AddQuad(q)
		}
	}
	return tx
}

// touchesOntology reports whether deltas change a quad of <cg:ontology>
// or of a type, or one of an import (whose state decides which imported
// quads count).
func touchesOntology(deltas []cgraph.Delta) bool {
	for _, d := range deltas {
		q := d.Quad
		subj, _ := q.Subject.(quad.IRI)
		if subj == iriOntology || hasPrefix(subj, prefixType) || hasPrefix(subj, prefixRelation) ||
			isImport(q.Subject) || isImport(q.Label) {
			return true
		}
	}
	return false
}
