package cayley

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/nquads"

	"github.com/claimgraph/claimgraph/graph"
)

// WriteNQuads writes every quad claimgraph stored, sorted, as N-Quads. It
// walks the graph from <cg:ontology>: the types, the entities of each type
// with their aliases and edges, the statements the edges name, their
// claims, and the sources (through their class node). No full scan.
func (s *Store) WriteNQuads(ctx context.Context, w io.Writer) (err error) {
	defer deferWrap(&err, "export N-Quads")
	var all []quad.Quad
	err = s.read(func(qs cgraph.QuadStore) (err error) {
		all, err = collect(ctx, newReader(qs))
		return err
	})
	if err != nil {
		return err
	}
	nw := nquads.NewWriter(w)
	for _, q := range all {
		if err := nw.WriteQuad(q); err != nil {
			return fmt.Errorf("write quad: %w", err)
		}
	}
	return nw.Close()
}

// collect gathers the quads of every item reachable from the known roots,
// sorted and without duplicates.
func collect(ctx context.Context, r reader) ([]quad.Quad, error) {
	c := collector{r: r, seen: map[quad.Value]bool{}, quads: map[string]quad.Quad{}}
	root, err := c.node(ctx, iriOntology)
	if err != nil {
		return nil, err
	}
	for _, q := range root {
		if _, err := c.node(ctx, q.Object); err != nil {
			return nil, err
		}
		name, ok := idOf(q.Object, prefixType)
		if !ok || q.Predicate != pEntityType {
			continue
		}
		ids, err := r.entityIDs(ctx, name)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if err := c.entity(ctx, id); err != nil {
				return nil, err
			}
		}
	}
	sources, err := r.object(ctx, iriSourceClass)
	if err != nil {
		return nil, err
	}
	for _, q := range sources {
		if q.Predicate != iriRDFType {
			continue
		}
		if _, err := c.node(ctx, q.Subject); err != nil {
			return nil, err
		}
	}
	// Merges (with the redirects they left) and judgements.
	for _, root := range []quad.Value{iriMerges, iriJudgements} {
		list, err := c.node(ctx, root)
		if err != nil {
			return nil, err
		}
		for _, q := range list {
			own, err := c.node(ctx, q.Object)
			if err != nil {
				return nil, err
			}
			for _, rq := range own {
				if rq.Predicate == pMerged {
					if _, err := c.node(ctx, entityIRI(text(rq.Object))); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	// The ontology's version token is bookkeeping for caches, not part of
	// the graph: two stores holding the same graph export the same quads.
	for k, q := range c.quads {
		if q.Predicate == pVersion {
			delete(c.quads, k)
		}
	}
	keys := sortedKeys(c.quads)
	out := make([]quad.Quad, len(keys))
	for i, k := range keys {
		out[i] = c.quads[k]
	}
	return out, nil
}

type collector struct {
	r     reader
	seen  map[quad.Value]bool
	quads map[string]quad.Quad
}

// node adds the subject quads of v once and returns them.
func (c *collector) node(ctx context.Context, v quad.Value) ([]quad.Quad, error) {
	if c.seen[v] {
		return nil, nil
	}
	c.seen[v] = true
	own, err := c.r.subject(ctx, v)
	if err != nil {
		return nil, err
	}
	for _, q := range own {
		c.quads[q.NQuad()] = q
	}
	// A live import's node goes with its quads, so that a restore sees it
	// committed.
	for _, q := range own {
		if isImport(q.Label) {
			if _, err := c.node(ctx, q.Label); err != nil {
				return nil, err
			}
		}
	}
	return own, nil
}

// entity adds an entity, its alias nodes, its out-edges and their
// statements with their claims.
func (c *collector) entity(ctx context.Context, id string) error {
	own, err := c.node(ctx, entityIRI(id))
	if err != nil {
		return err
	}
	for _, q := range own {
		var next quad.Value
		switch {
		case q.Predicate == pAlias:
			next = q.Object
		case isRelation(q.Predicate) && isImport(q.Label):
			// An imported statement: its node holds only attributes.
			rel, _ := idOf(q.Predicate, prefixRelation)
			obj, _ := idOf(q.Object, prefixEntity)
			next = statementIRI(graph.DefaultStatementID(id, rel, obj))
		case isRelation(q.Predicate) && q.Label != nil:
			next = q.Label
		default:
			continue
		}
		sub, err := c.node(ctx, next)
		if err != nil {
			return err
		}
		for _, sq := range sub {
			if sq.Predicate == pClaim {
				if _, err := c.node(ctx, sq.Object); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ReadNQuads adds the quads of an N-Quads stream, as WriteNQuads writes
// it, in one transaction: it restores a backup. The caller checks the
// items the quads encode (seed decodes and validates them); here quads
// outside claimgraph's layout are refused as Invalid, and a bulk import
// of a source that already has another live import as Conflict (two live
// imports of one source would both be read).
func (s *Store) ReadNQuads(ctx context.Context, r io.Reader) (err error) {
	defer deferWrap(&err, "import N-Quads")
	tx := cgraph.NewTransaction()
	qr := nquads.NewReader(r, false)
	defer qr.Close()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		q, err := qr.ReadQuad()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return graph.Errorf(graph.Invalid, "line %d: %v", len(tx.Deltas)+1, err)
		}
		if !inLayout(q) {
			return graph.Errorf(graph.Invalid, "quad %d (%s) is not one claimgraph writes", len(tx.Deltas)+1, q.NQuad())
		}
		tx.AddQuad(q)
	}
	if len(tx.Deltas) == 0 {
		return nil
	}
	if err := s.writable(ctx); err != nil {
		return err
	}
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.checkRestoredImports(ctx, tx); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, "restore"); err != nil {
		return err
	}
	return s.write(tx)
}

// checkRestoredImports refuses import nodes of tx that are new to the
// store when their source has another live import.
func (s *Store) checkRestoredImports(ctx context.Context, tx *cgraph.Transaction) (err error) {
	qs, err := s.rlock()
	if err != nil {
		return err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	for _, d := range tx.Deltas {
		q := d.Quad
		if !isImport(q.Subject) || q.Predicate != pSource {
			continue
		}
		stored, err := r.rawQuads(ctx, quad.Subject, q.Subject)
		if err != nil {
			return err
		}
		if len(stored) > 0 {
			continue // the same import: its quads are there already
		}
		src, _ := idOf(q.Object, prefixSource)
		live, _, err := r.liveImport(ctx, src)
		if err != nil {
			return err
		}
		if live != nil {
			return graph.Errorf(graph.Conflict, "source %s already has a bulk import in the store (%v); retract it before restoring another", graph.Quote(src), live)
		}
	}
	return nil
}

// inLayout reports whether q has a cg: subject and predicate (rdf:type
// included).
func inLayout(q quad.Quad) bool {
	subj, ok := q.Subject.(quad.IRI)
	if !ok || !hasPrefix(subj, "cg:") {
		return false
	}
	pred, ok := q.Predicate.(quad.IRI)
	return ok && (pred == iriRDFType || hasPrefix(pred, "cg:"))
}

func hasPrefix(v quad.IRI, prefix string) bool { return strings.HasPrefix(string(v), prefix) }
