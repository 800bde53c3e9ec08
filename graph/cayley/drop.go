package cayley

import (
	"context"
	"slices"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// dropImport removes the quads of an import that is not live, in
// delete-only batches, then its node and registry link. Readers ignore the
// quads throughout, so a crash in the middle only leaves garbage that the
// next Open drops. The caller holds the write lock (lockWrites).
//
// On bolt the quads are removed below Cayley (package boltbulk): an
// import that never committed is undone with its journal if it has one
// (Rollback), any other with Drop. On PostgreSQL they are removed below
// Cayley too, in one transaction (pgbulk.Drop). On memory Cayley deletes
// them, found by their label.
func (s *Store) dropImport(ctx context.Context, node quad.Value) error {
	if s.backend == "bolt" && !s.noBulk {
		if err := s.dropImportBulk(ctx, node); err != nil {
			return err
		}
	} else if s.pgBulk() {
		if err := s.dropPgBulk(ctx, node); err != nil {
			return err
		}
	} else if err := s.dropLabelled(ctx, node); err != nil {
		return err
	}
	own, err := s.nodeQuads(ctx, node)
	if err != nil {
		return err
	}
	tx := cgraph.NewTransaction()
	for _, q := range own {
		tx.RemoveQuad(q)
	}
	tx.RemoveQuad(quad.Make(iriImports, pImport, node, nil))
	return s.write(tx)
}

// dropImportBulk removes an import's quads below Cayley: rolled back with
// its journal when it never committed and has one, dropped otherwise.
func (s *Store) dropImportBulk(ctx context.Context, node quad.Value) error {
	own, err := s.nodeQuads(ctx, node)
	if err != nil {
		return err
	}
	if st := decodeImport(own); st.committed || st.superseded {
		if err := s.dropJournal(node); err != nil {
			return err
		}
	} else if rolledBack, err := s.bulk().Rollback(ctx, node); err != nil || rolledBack {
		return err
	}
	return s.bulk().Drop(ctx, node)
}

// dropLabelled removes the quads labelled node through Cayley, in
// delete-only batches.
func (s *Store) dropLabelled(ctx context.Context, node quad.Value) error {
	for {
		var batch []quad.Quad
		err := s.read(func(qs cgraph.QuadStore) (err error) {
			batch, err = labelled(ctx, qs, node, importBatch)
			return err
		})
		if err != nil || len(batch) == 0 {
			return err
		}
		tx := cgraph.NewTransaction()
		for _, q := range batch {
			tx.RemoveQuad(q)
		}
		if err := s.write(tx); err != nil {
			return err
		}
	}
}

// nodeQuads reads the quads with node as subject (an import's own quads),
// whatever import they belong to.
func (s *Store) nodeQuads(ctx context.Context, node quad.Value) (_ []quad.Quad, err error) {
	qs, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.runlock(&err)
	return newReader(qs).rawQuads(ctx, quad.Subject, node)
}

// labelled returns up to n quads with the given label. On KV backends this
// is a scan of the whole store: it runs only to drop an import.
func labelled(ctx context.Context, qs cgraph.QuadStore, label quad.Value, n int) ([]quad.Quad, error) {
	ref, err := qs.ValueOf(label)
	if err != nil || ref == nil {
		return nil, err
	}
	it := qs.QuadIterator(quad.Label, ref).Iterate()
	defer it.Close()
	var out []quad.Quad
	for len(out) < n && it.Next(ctx) {
		q, err := qs.Quad(it.Result())
		if err != nil {
			return nil, err
		}
		if q.IsValid() && q.Label == label {
			out = append(out, q)
		}
	}
	return out, it.Err()
}

// recoverImports drops, at Open, the imports that will never commit or
// were superseded: every uncommitted one on a store that only this process
// can open, and those older than staleImport on a shared one.
func (s *Store) recoverImports(ctx context.Context) error {
	var drop []quad.Value
	states := map[quad.Value]importState{}
	err := s.read(func(qs cgraph.QuadStore) error {
		r := newReader(qs)
		reg, err := r.rawQuads(ctx, quad.Subject, iriImports)
		if err != nil {
			return err
		}
		for _, q := range reg {
			if q.Predicate != pImport {
				continue
			}
			st, err := r.importState(ctx, q.Object)
			if err != nil {
				return err
			}
			states[q.Object] = st
			if st.superseded || !st.committed && (s.exclusive || time.Since(st.started) > staleImport) {
				drop = append(drop, q.Object)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Journals (see package boltbulk): a committed import's is dropped, an
	// uncommitted one's import rolled back.
	journals, err := s.bulk().Journals()
	if err != nil {
		return err
	}
	if len(drop) > 0 || len(journals) > 0 {
		if err := s.writable(ctx); err != nil {
			return err
		}
	}
	for _, node := range journals {
		if slices.Contains(drop, node) {
			continue
		}
		if st, ok := states[node]; ok && st.committed {
			if err := s.dropJournal(node); err != nil {
				return err
			}
			continue
		}
		drop = append(drop, node)
	}
	if len(drop) == 0 {
		return nil
	}
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for _, node := range drop {
		s.log.Warn("rolling back an import that never committed or was superseded", "import", node)
		if err := s.dropImport(ctx, node); err != nil {
			return err
		}
	}
	return nil
}
