package cayley

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
	"runtime/debug"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	bolt "go.etcd.io/bbolt"

	"github.com/claimgraph/claimgraph/graph"
)

// A bolt file can be damaged below the store: a disk or a copy that
// flipped bytes, a file written by something else. bbolt does not return
// errors for such pages: it asserts, which panics deep inside Cayley's
// iterators, or it follows a page id outside the file and faults. The
// store guards every use of the storage (read, write, open) so that
// neither escapes it: a panic is turned into an Internal error that names
// the file, the store is marked corrupt (writes are refused from then on,
// and Err reports it, which readiness probes ask), and every lock is
// released by a defer, so the failing call cannot leave one held.
//
// Open also checks the file before handing out the store (checkBolt):
// every key of every bucket is walked, which reads every page in use,
// then bbolt's own consistency check (Tx.Check) accounts for every page
// of the file (README.md says what this costs on the movie data). The
// check is bounded in time (Options.CheckTimeout): a larger file opens
// when the bound runs out, and the check goes on in the background;
// writes wait for it, and a problem it finds marks the store corrupt.

// defaultCheckTimeout is how long Open checks a bolt file before it lets
// the check go on in the background.
const defaultCheckTimeout = 5 * time.Second

// maxProblems is how many problems a consistency check keeps.
const maxProblems = 20

// corruptError is the error of a store whose bolt file is damaged.
func corruptError(path, detail string) *graph.Error {
	return graph.Errorf(graph.Internal,
		"bolt file %s is corrupt (%s); run claimgraph check --store bolt:%s, and restore the last export into a new store",
		path, detail, path)
}

// read runs fn on the quad store with mu held shared (rlock, runlock): a
// panic below fn becomes an error, and mu is released by a defer.
func (s *Store) read(fn func(cgraph.QuadStore) error) (err error) {
	qs, err := s.rlock()
	if err != nil {
		return err
	}
	defer s.runlock(&err)
	return fn(qs)
}

// recoverStorage, deferred, turns a panic of the storage into *errp. On
// bolt the file is then taken as corrupt. It must be deferred directly.
func (s *Store) recoverStorage(errp *error) {
	v := recover()
	if v == nil {
		return
	}
	*errp = s.panicked(v)
}

// panicked logs a recovered panic of the storage and returns its error:
// on bolt it marks the store corrupt; elsewhere the panic is a bug below
// the store, and only this call fails.
func (s *Store) panicked(v any) error {
	detail := fmt.Sprint(v)
	if s.backend != "bolt" {
		s.log.Error("the store panicked", "backend", s.backend, "panic", detail, "stack", string(debug.Stack()))
		return graph.Errorf(graph.Internal, "the %s store failed: %s", s.backend, detail)
	}
	return s.markCorrupt(detail, string(debug.Stack()))
}

// markCorrupt records that the bolt file is damaged and returns the
// error every later write gets: the first one found.
func (s *Store) markCorrupt(detail, stack string) error {
	e := corruptError(s.file, detail)
	if s.corrupt.CompareAndSwap(nil, e) {
		s.log.Error("the bolt file is corrupt: writes are refused from now on", "file", s.file, "problem", detail, "stack", stack)
	}
	return s.corrupt.Load()
}

// Err returns why the store is unusable or must not be written: Internal
// when its bolt file was found corrupt (at Open, by the check that went on
// in the background, or by a read), Unavailable once it is closed or
// after a failed write it could not recover from; nil while it is sound.
// Readiness probes ask it.
func (s *Store) Err() error {
	if e := s.corrupt.Load(); e != nil {
		return e
	}
	return s.brokenErr()
}

// writable waits until the store may be written: until Open's check of
// the bolt file is done, if it went on in the background (a file is not
// written before it passed), or ctx ends. It returns why the store must
// not be written, if it must not.
func (s *Store) writable(ctx context.Context) error {
	if s.checked != nil {
		select {
		case <-s.checked:
		default:
			select {
			case <-s.checked:
			case <-ctx.Done():
				return graph.Errorf(graph.Unavailable,
					"bolt file %s is still being checked, and writes wait for the check: %v", s.file, ctx.Err())
			}
		}
	}
	if e := s.corrupt.Load(); e != nil {
		return e
	}
	return nil
}

// checkDone reports whether Open's check of the bolt file is done.
func (s *Store) checkDone() bool {
	if s.checked == nil {
		return true
	}
	select {
	case <-s.checked:
		return true
	default:
		return false
	}
}

// startCheck checks the bolt file (checkBolt) for up to timeout: a
// problem fails Open with a corrupt error. A check that is not done by
// then goes on in the background until Close, and writes wait for it; a
// problem it finds marks the store corrupt.
func (s *Store) startCheck(ctx context.Context, timeout time.Duration) error {
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	checked := make(chan struct{})
	var result error
	start := time.Now()
	go func() {
		defer close(checked)
		if s.checkHook != nil {
			s.checkHook()
		}
		rep, err := checkBolt(cctx, s.boltDB, s.file)
		switch {
		case cctx.Err() != nil:
			result = cctx.Err()
		case err != nil:
			result = corruptError(s.file, "checking it: "+err.Error())
		case len(rep.Problems) > 0:
			s.log.Error("the bolt file failed its consistency check", "file", s.file, "problems", rep.Problems)
			result = corruptError(s.file, rep.Problems[0])
		default:
			s.log.Debug("bolt file checked", "file", s.file, "pages", rep.Pages, "keys", rep.Keys, "took", time.Since(start))
			return
		}
		if cctx.Err() == nil {
			s.corrupt.CompareAndSwap(nil, result.(*graph.Error))
		}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-checked:
		cancel()
		return result
	case <-ctx.Done():
		cancel()
		<-checked
		return ctx.Err()
	case <-timer.C:
	}
	s.log.Warn("the bolt file is large: its consistency check goes on in the background, and writes wait for it",
		"file", s.file, "after", timeout)
	s.checked, s.stopCheck = checked, func() { cancel(); <-checked }
	go func() {
		<-checked
		if e := s.corrupt.Load(); e != nil && cctx.Err() == nil {
			s.log.Error("the bolt file is corrupt: writes are refused from now on", "file", s.file, "err", e)
		}
	}()
	return nil
}

// BoltReport is what a check of a bolt file found.
type BoltReport struct {
	File     string
	Pages    int      // pages in the file
	Keys     int      // keys walked, in every bucket
	Problems []string // the first problems found; none when the file is sound
}

// checkBolt checks the bolt file db, at path, in three steps, each only
// when the one before found nothing: the headers of the meta pages and of
// the free list page, read from the file; a walk of every key of every
// bucket, in key order, which reads every branch and leaf page in use;
// and bbolt's Tx.Check, which accounts for every page (each reachable
// once, or free). The walk runs first because Tx.Check reads the pages
// in a goroutine of its own, where a page that fails bbolt's assertions
// would crash the process instead of reporting a problem; the walk meets
// such a page in this goroutine and recovers. A cancelled ctx stops the
// walk, not Tx.Check, which cannot be stopped.
func checkBolt(ctx context.Context, db *bolt.DB, path string) (rep BoltReport, err error) {
	rep.File = path
	problem := func(format string, args ...any) {
		if len(rep.Problems) < maxProblems {
			rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...))
		}
	}
	freelist, err := checkHeaders(path, db.Info().PageSize, problem)
	if err != nil || len(rep.Problems) > 0 {
		return rep, err
	}
	err = db.View(func(tx *bolt.Tx) error {
		rep.Pages = int(tx.Size() / int64(db.Info().PageSize))
		if freelist >= uint64(rep.Pages) && freelist != noFreelist {
			problem("free list page %d: beyond the end of the file (%d pages)", freelist, rep.Pages)
			return nil
		}
		return walkBolt(ctx, tx, &rep.Keys, problem)
	})
	if err != nil || len(rep.Problems) > 0 {
		return rep, err
	}
	err = db.View(func(tx *bolt.Tx) error {
		// Every error must be read: the check sends them unbuffered.
		for cerr := range tx.Check() {
			problem("%v", cerr)
		}
		return nil
	})
	return rep, err
}

// bbolt's page layout (go.etcd.io/bbolt page.go and db.go): a page starts
// with its id (8 bytes), flags (2), count (2) and overflow (4); a meta
// page then holds magic, version, page size and flags (4 bytes each), the
// root bucket (16), the free list page id, the page count and the
// transaction id (8 each), and a 64-bit FNV-1a checksum of what precedes.
const (
	pageHeaderSize   = 16
	metaPageFlag     = 0x04
	freelistPageFlag = 0x10
	metaChecksumAt   = 56
	noFreelist       = ^uint64(0)
)

// checkHeaders reads the headers of the two meta pages and of the free
// list page that the newest valid meta names, and reports a header that
// bbolt would assert on. It returns the free list page id.
func checkHeaders(path string, pageSize int, problem func(string, ...any)) (freelist uint64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	le := binary.NativeEndian // bbolt writes its pages from memory
	var newest uint64
	freelist = noFreelist
	for id := range uint64(2) {
		buf := make([]byte, pageHeaderSize+metaChecksumAt+8)
		if _, err := f.ReadAt(buf, int64(id)*int64(pageSize)); err != nil {
			return 0, fmt.Errorf("read meta page %d: %w", id, err)
		}
		if got, flags := le.Uint64(buf), le.Uint16(buf[8:]); got != id || flags != metaPageFlag {
			problem("meta page %d: header says page %d with flags %#x", id, int64(got), flags)
			continue
		}
		m := buf[pageHeaderSize:]
		h := fnv.New64a()
		h.Write(m[:metaChecksumAt])
		if h.Sum64() != le.Uint64(m[metaChecksumAt:]) {
			continue // bbolt falls back on the other meta page
		}
		if txid := le.Uint64(m[48:]); txid >= newest {
			newest, freelist = txid, le.Uint64(m[32:])
		}
	}
	if freelist == noFreelist {
		return freelist, nil
	}
	buf := make([]byte, pageHeaderSize)
	if _, err := f.ReadAt(buf, int64(freelist)*int64(pageSize)); err != nil {
		problem("free list page %d: cannot be read: %v", freelist, err)
		return freelist, nil
	}
	if got, flags := le.Uint64(buf), le.Uint16(buf[8:]); got != freelist || flags != freelistPageFlag {
		problem("free list page %d: header says page %d with flags %#x", freelist, int64(got), flags)
	}
	return freelist, nil
}

// walkBolt reads every key of every bucket of tx in order, and counts
// them in *keys. A page that bbolt asserts on, or that faults, is a
// problem, and so are keys out of order.
func walkBolt(ctx context.Context, tx *bolt.Tx, keys *int, problem func(string, ...any)) (err error) {
	defer func() {
		if v := recover(); v != nil {
			problem("%v", v)
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	var walk func(path string, b *bolt.Bucket) (bool, error)
	walk = func(path string, b *bolt.Bucket) (bool, error) {
		c := b.Cursor()
		var prev []byte
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if prev != nil && bytes.Compare(prev, k) >= 0 {
				problem("bucket %q: key %x after %x, out of order", path, k, prev)
				return false, nil
			}
			prev = append(prev[:0], k...)
			*keys++
			if *keys%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return false, err
				}
			}
			if v == nil {
				if child := b.Bucket(k); child != nil {
					if ok, err := walk(path+"/"+string(k), child); !ok || err != nil {
						return ok, err
					}
				}
			}
		}
		return true, nil
	}
	c := tx.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		b := tx.Bucket(k)
		if b == nil {
			problem("root key %x is not a bucket", k)
			return nil
		}
		*keys++
		if ok, err := walk(string(k), b); !ok || err != nil {
			return err
		}
	}
	return nil
}
