package cayley

import (
	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	bolt "go.etcd.io/bbolt"

	"github.com/claimgraph/claimgraph/graph/cayley/boltbulk"
)

// bulk returns the writer of imports below Cayley on the bolt file (see
// package boltbulk), with the store's test settings; it replaces the
// Cayley handle after a rollback or a drop.
func (s *Store) bulk() boltbulk.Writer {
	return boltbulk.Writer{DB: boltFile{s}, Log: s.log, Chunk: s.bulkChunk, Step: s.bulkStep,
		Stale: func() { s.reconnect() }}
}

// boltFile runs the bulk writer's transactions on the store's bolt file,
// under the store's locks and guards.
type boltFile struct{ s *Store }

// View runs fn in a bbolt read transaction, as reads do Cayley's; on a
// backend other than bolt it does nothing.
func (f boltFile) View(fn func(*bolt.Tx) error) error {
	s := f.s
	if s.backend != "bolt" {
		return nil
	}
	return s.read(func(cgraph.QuadStore) error { return s.boltDB.View(fn) })
}

// Update runs fn in a bbolt write transaction, as write does Cayley's (see
// belowCayley).
func (f boltFile) Update(fn func(*bolt.Tx) error) error {
	return f.s.belowCayley(func() error { return f.s.boltDB.Update(fn) })
}

// belowCayley runs fn, a write to the backend below Cayley's writer, as
// write runs Cayley's: under txLock, with mu held shared (the backend
// isolates readers from it), the local generation moved before and after,
// and refused on a store that takes no writes.
func (s *Store) belowCayley(fn func() error) (err error) {
	s.txLock.Lock()
	defer s.txLock.Unlock()
	defer s.bumpLocalGeneration()()
	if _, err := s.rlock(); err != nil {
		return err
	}
	defer s.runlock(&err)
	if err := s.refuseWrite(); err != nil {
		return err
	}
	return fn()
}

// dropJournal deletes the journal of a committed import.
func (s *Store) dropJournal(node quad.Value) error {
	if s.backend != "bolt" {
		return nil
	}
	return s.bulk().DropJournal(node)
}
