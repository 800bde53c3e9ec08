package cayley

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	_ "github.com/cayleygraph/cayley/graph/memstore"     // registers "memstore"
	_ "github.com/cayleygraph/cayley/graph/sql/postgres" // registers "postgres"
	_ "github.com/cayleygraph/cayley/writer"             // registers the "single" writer
	hbolt "github.com/hidal-go/hidalgo/kv/bbolt"
	bolt "go.etcd.io/bbolt"

	"github.com/claimgraph/claimgraph/graph"
)

// Options tune Open.
type Options struct {
	// Logger receives the store's log records; nil discards them.
	Logger *slog.Logger
	// LockTimeout bounds how long Open waits for a bolt file that another
	// process holds open; 0 means one second.
	LockTimeout time.Duration
	// CheckTimeout bounds how long Open checks the consistency of a bolt
	// file before it returns: a check not done by then goes on in the
	// background, and writes wait for it. 0 means five seconds; a negative
	// value skips the check (reads still detect a damaged page).
	CheckTimeout time.Duration
	// EventWindow is the number of change events the store keeps (see
	// graph.EventLog); 0 means 10,000.
	EventWindow int
}

// Store is a graph.Store on a Cayley quad store. It is safe for concurrent
// use: reads run in parallel, Apply calls run one at a time.
type Store struct {
	log     *slog.Logger
	backend string
	open    func() (cgraph.QuadStore, error)
	// reopenable backends keep their data outside the process, so a fresh
	// handle can replace one whose write failed.
	reopenable bool
	// pinned backends need pinQuads around every write (Cayley's KV layer).
	pinned bool
	// shared backends may be written by other processes too, so their
	// generation is stored with the data (see Generation).
	shared bool
	// gen counts this process's writes: the generation of a store no other
	// process can write.
	gen atomic.Uint64
	// exclusive backends admit one process at a time, so an uncommitted
	// import found at Open has no writer left (see recoverImports).
	exclusive bool
	// file is the bolt file, on the bolt backend.
	file string
	// url is the database's URL, on the postgres backend.
	url string
	// corrupt is set once the bolt file is found damaged (see corrupt.go):
	// writes are refused from then on.
	corrupt atomic.Pointer[graph.Error]
	// checked is closed when Open's check of the bolt file, gone on in the
	// background, is done; stopCheck cancels it and waits. Both are nil
	// when Open finished the check itself.
	checked   chan struct{}
	stopCheck func()

	// For tests: noBulk makes imports on bolt and PostgreSQL go through
	// Cayley's writer and be dropped by Cayley's deletes;
	// bulkChunk, when not 0, is the values and quads per transaction of
	// the bulk writer (boltbulk.Writer); bulkStep is called after each of
	// its transactions, and an error from it fails the import there.
	noBulk bool
	// cayleyScan makes Scan read a bolt file through Cayley, as it does
	// every other backend, instead of reading its log directly.
	cayleyScan bool
	bulkChunk  int
	bulkStep   func(step int) error
	// pgBulkStep is called after each quad the PostgreSQL bulk writer
	// sends (pgbulk.Tx), and an error from it fails the import there.
	pgBulkStep func(quads int64) error
	// checkHook, when set, is called by Open's check of the bolt file
	// before it starts.
	checkHook func()
	// auditClock, when set, gives the time and suffix of audit entries
	// (tests that compare whole stores fix it).
	auditClock func() (time.Time, string)

	// The two write mutexes. writeLock is the write lock of this process
	// (see lockWrites): one write operation (Apply, a retraction, an
	// import, a restore) holds it from its first read to its last write,
	// so that the read-diff-write of one call cannot interleave with
	// another's; it is a channel so that waiting for it ends with ctx.
	// txLock is held for one storage transaction (write, and the bulk
	// writer's bbolt transactions) and for replacing the Cayley handle, so
	// that a failed transaction's replacement of the handle cannot overlap
	// another transaction; an operation under writeLock takes it once per
	// transaction it commits.
	writeLock chan struct{}
	txLock    sync.Mutex
	// pgLock extends the write lock to every process sharing a PostgreSQL
	// store; nil on other backends.
	pgLock *pgLock

	// mu guards the fields below. Readers hold it shared for a whole read,
	// and so do writes on bolt and PostgreSQL (see applyLocked); memstore
	// writes, reopening and Close hold it exclusively. memstore has no
	// locking of its own, so this is also what makes it safe.
	mu     sync.RWMutex
	qs     cgraph.QuadStore
	boltDB *bolt.DB // the bolt file under qs, on the bolt backend
	w      cgraph.QuadWriter
	broken error // set when the handle is unusable; every call returns it

	feed feedState // the change feed (feed.go)
	// groupCommits makes Apply calls that wait for each other commit
	// together (group.go); group is their queue.
	groupCommits bool
	group        groupState
	// ontologies keeps the ontology writes plan with (plannedOntology).
	ontologies ontologyCache
}

var _ graph.BulkStore = (*Store)(nil)

// Accepted store URL forms, for error messages.
const urlForms = `"bolt:PATH", "memory:" or "postgres://…"`

// Open opens the store at url:
//
//	bolt:PATH        an embedded bbolt file, created when absent
//	memory:          an in-memory store, empty at start and lost at Close
//	postgres://…     a PostgreSQL database (also postgres:///db?host=/socket/dir);
//	                 Cayley's tables are created when missing
//
// An unknown form is Invalid; a bolt file that another process holds open
// is Unavailable after opts.LockTimeout; an unreachable database is
// Unavailable.
func Open(ctx context.Context, url string, opts Options) (_ *Store, err error) {
	defer deferWrap(&err, "open %s", redact(url))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{log: log, writeLock: make(chan struct{}, 1)}
	s.feed.window = defaultEventWindow
	if opts.EventWindow > 0 {
		s.feed.window = uint64(opts.EventWindow)
	}
	switch {
	case strings.HasPrefix(url, "bolt:"):
		path := strings.TrimPrefix(url, "bolt:")
		if path == "" {
			return nil, graph.Errorf(graph.Invalid, "store URL %q names no file; use bolt:PATH", url)
		}
		timeout := opts.LockTimeout
		if timeout <= 0 {
			timeout = time.Second
		}
		s.backend, s.reopenable, s.pinned, s.exclusive, s.groupCommits = "bolt", true, true, true, true
		s.file = path
		s.open = func() (cgraph.QuadStore, error) {
			qs, db, err := openBolt(path, timeout)
			s.boltDB = db
			return qs, err
		}
	case url == "memory:":
		s.backend, s.exclusive = "memory", true
		s.open = func() (cgraph.QuadStore, error) { return cgraph.NewQuadStore("memstore", "", nil) }
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		s.backend, s.reopenable, s.shared = "postgres", true, true
		s.url, s.feed.url = url, url
		s.open = func() (cgraph.QuadStore, error) { return openPostgres(url) }
		if s.pgLock, err = openPgLock(url, s); err != nil {
			return nil, err
		}
	default:
		return nil, graph.Errorf(graph.Invalid, "unknown store URL %q; use %s", redact(url), urlForms)
	}
	if err := s.connect(); err != nil {
		if s.pgLock != nil {
			s.pgLock.close()
		}
		return nil, err
	}
	if s.backend == "bolt" && opts.CheckTimeout >= 0 {
		timeout := opts.CheckTimeout
		if timeout == 0 {
			timeout = defaultCheckTimeout
		}
		if err := s.startCheck(ctx, timeout); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := s.recoverImports(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.log.Info("store opened", "backend", s.backend)
	return s, nil
}

// connect opens the quad store and its writer. The caller holds mu or owns s.
func (s *Store) connect() (err error) {
	defer s.recoverStorage(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	qs, err := s.open()
	if err != nil {
		return err
	}
	w, err := cgraph.NewQuadWriter("single", qs, cgraph.Options{
		"ignore_missing":   true,
		"ignore_duplicate": true,
	})
	if err != nil {
		qs.Close()
		return err
	}
	s.qs, s.w = qs, w
	return nil
}

// initialMmap is the size bbolt maps a file with at first: growing the map
// means remapping it, which a bulk import would otherwise do many times.
// It is address space, not memory: only pages in use are resident.
const initialMmap = 1 << 30

// openBolt opens (creating when absent) the bbolt file at path. Cayley's
// bbolt backend opens bbolt without a lock timeout, so a second process
// would block forever; this opens the file itself with a timeout and hands
// the database to Cayley's KV layer.
func openBolt(path string, timeout time.Duration) (cgraph.QuadStore, *bolt.DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, nil, err
		}
	}
	db, err := hbolt.Open(path, &bolt.Options{Timeout: timeout, InitialMmapSize: initialMmap})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, nil, graph.Errorf(graph.Unavailable,
			"bolt file %s is in use by another process (no lock within %s); stop it or use another file", path, timeout)
	}
	if err != nil {
		return nil, nil, err
	}
	kopts := cgraph.Options{kv.OptNoBloom: true}
	if err := kv.Init(db, kopts); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
		db.Close()
		return nil, nil, fmt.Errorf("init bolt file %s: %w", path, err)
	}
	qs, err := kv.New(db, kopts)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return qs, db.DB(), nil
}

// openPostgres opens the PostgreSQL database at url, creating Cayley's
// tables when they do not exist yet.
func openPostgres(url string) (cgraph.QuadStore, error) {
	if err := cgraph.InitQuadStore("postgres", url, nil); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
		return nil, err
	}
	return cgraph.NewQuadStore("postgres", url, nil)
}

// redact hides a password in a store URL.
func redact(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	at := strings.Index(rest, "@")
	if slash := strings.Index(rest, "/"); at < 0 || (slash >= 0 && slash < at) {
		return url
	}
	userinfo := rest[:at]
	if user, _, hasPass := strings.Cut(userinfo, ":"); hasPass {
		return scheme + "://" + user + ":xxxxx" + rest[at:]
	}
	return url
}

// closeWait bounds how long Close waits for the storage of a store found
// corrupt to close: a failing call below it may have left bbolt's own
// locks held.
const closeWait = 5 * time.Second

// Close releases the storage. Later calls return Unavailable. Close stops
// a consistency check still running. It never hangs on a store found
// corrupt: when the storage does not close within closeWait, Close
// returns an error and leaves it to the end of the process.
func (s *Store) Close() error {
	if s.stopCheck != nil {
		s.stopCheck()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	if err := s.closeFeed(); err != nil {
		errs = append(errs, err)
	}
	if s.pgLock != nil {
		if err := s.pgLock.close(); err != nil {
			errs = append(errs, err)
		}
	}
	if s.qs == nil {
		return wrapErr("close", errors.Join(errs...))
	}
	qs, w := s.qs, s.w
	s.qs, s.w = nil, nil
	if s.broken == nil {
		s.broken = graph.Errorf(graph.Unavailable, "the store is closed")
	}
	closed := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				closed <- fmt.Errorf("panic: %v", v)
			}
		}()
		closed <- errors.Join(append(errs, w.Close(), qs.Close())...)
	}()
	if s.corrupt.Load() == nil {
		return wrapErr("close", <-closed)
	}
	select {
	case err := <-closed:
		return wrapErr("close", err)
	case <-time.After(closeWait):
		s.log.Error("the corrupt bolt file did not close; leaving it open", "file", s.file, "after", closeWait)
		return graph.Errorf(graph.Internal, "bolt file %s is corrupt and did not close within %s", s.file, closeWait)
	}
}

// brokenErr returns why the Cayley handle is unusable (closed, or a
// failed write that could not be recovered from), or nil.
func (s *Store) brokenErr() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.broken
}

// rlock takes mu shared and returns the quad store, or the reason it
// cannot be used. When err is nil the caller must defer runlock(&err)
// at once: together they are the one way reads reach the storage (and
// the bulk writer's transactions, which bbolt isolates from readers).
func (s *Store) rlock() (cgraph.QuadStore, error) {
	s.mu.RLock()
	if s.broken != nil {
		err := s.broken
		s.mu.RUnlock()
		return nil, err
	}
	debug.SetPanicOnFault(true)
	return s.qs, nil
}

// runlock, deferred right after a successful rlock, releases mu and turns
// a panic of the storage during the read into *errp (see recoverStorage):
// a failing read can neither crash the process nor leave mu held.
func (s *Store) runlock(errp *error) {
	defer s.mu.RUnlock()
	debug.SetPanicOnFault(false)
	if v := recover(); v != nil {
		*errp = s.panicked(v)
	}
}

// write applies one transaction with a single ApplyDeltas. A failed write
// may have poisoned Cayley's in-memory IRI→id cache (a failed KV
// transaction can leave it naming ids that were never stored), so the
// handle is replaced by a fresh one; a backend without durable storage
// cannot be reopened, and its Store refuses further use.
func (s *Store) write(tx *cgraph.Transaction) error {
	s.txLock.Lock()
	defer s.txLock.Unlock()
	// Runs after the generation has advanced past the write (deferred
	// calls run last first).
	defer s.ontologies.keepThrough(s.gen.Load(), tx)()
	defer s.bumpLocalGeneration()()
	broken, err := s.applyLocked(tx)
	s.committed(tx, err == nil)
	if broken || err == nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken != nil {
		return s.broken
	}
	s.log.Error("write failed; replacing the store handle", "backend", s.backend, "err", err)
	if rerr := s.replaceLocked(err); rerr != nil {
		return rerr
	}
	return fmt.Errorf("write %d quad changes: %w", len(tx.Deltas), err)
}

// bumpLocalGeneration advances the in-memory generation before a write and
// returns the function that advances it again once the write has ended,
// whatever its outcome. Caches keep what they read under the generation
// they read first. Were it advanced only after the commit, there would be
// an instant in which the new data is visible and the old generation still
// current: a reader that read the old data before the commit could store
// it under that generation just as another client, already answered from
// the new data, asks again and is answered from the old. Advanced before
// the write as well, the generation of anything read before the commit
// has ended by the time the commit is visible. Writes hold txLock, so the
// generation is odd exactly while one runs.
func (s *Store) bumpLocalGeneration() func() {
	s.gen.Add(1)
	return func() { s.gen.Add(1) }
}

// replaceLocked replaces the Cayley handle by a fresh one, which forgets
// what Cayley keeps in memory; a backend without durable storage cannot
// be reopened, and its Store refuses further use. The caller holds
// txLock and mu; cause is the failed write, if any.
func (s *Store) replaceLocked(cause error) error {
	s.w.Close()
	s.qs.Close()
	s.qs, s.w = nil, nil
	if !s.reopenable {
		s.broken = graph.Errorf(graph.Unavailable, "the %s store failed a write and cannot be used any more: %v", s.backend, cause)
		return s.broken
	}
	if err := s.connect(); err != nil {
		s.log.Error("reopening the store", "backend", s.backend, "err", err)
		s.broken = graph.Errorf(graph.Unavailable, "the %s store could not be reopened: %v", s.backend, err)
		return s.broken
	}
	return nil
}

// reconnect replaces the Cayley handle by a fresh one (replaceLocked).
func (s *Store) reconnect() error {
	s.txLock.Lock()
	defer s.txLock.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken != nil {
		return s.broken
	}
	return s.replaceLocked(nil)
}

// applyLocked applies tx while holding mu: shared where the quad store
// takes a writer beside its readers (bbolt and PostgreSQL isolate them, so
// readers go on seeing the last committed state while a large batch is
// written), exclusively on memstore, which has no locking of its own. It
// reports broken when the handle was unusable before the write.
func (s *Store) applyLocked(tx *cgraph.Transaction) (broken bool, err error) {
	if s.backend == "memory" {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	if s.broken != nil {
		return true, s.broken
	}
	if err := s.refuseWrite(); err != nil {
		return true, err
	}
	err = s.guard(func() error {
		if err := s.bumpGeneration(tx); err != nil {
			return err
		}
		return s.apply(tx)
	})
	// A corrupt file is not repaired by a new handle.
	return s.corrupt.Load() != nil, err
}

// guard runs fn, which uses the storage, turning a panic below it into an
// error (see recoverStorage).
func (s *Store) guard(fn func() error) (err error) {
	defer s.recoverStorage(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return fn()
}

// refuseWrite returns why nothing may be written now: the bolt file was
// found corrupt, or its check is still running (callers wait for it with
// writable first).
func (s *Store) refuseWrite() error {
	if e := s.corrupt.Load(); e != nil {
		return e
	}
	if !s.checkDone() {
		return graph.Errorf(graph.Unavailable, "bolt file %s is still being checked; nothing is written before the check is done", s.file)
	}
	return nil
}

// apply writes tx. On a pinned backend it first adds pin quads to tx, so
// that the transaction itself is correct, then removes them (and any left
// over by a crash) with a delete-only transaction; see pinQuads.
func (s *Store) apply(tx *cgraph.Transaction) error {
	if !s.pinned {
		return s.w.ApplyTransaction(tx)
	}
	pins := pinQuads(tx.Deltas, time.Now().UnixNano())
	for _, q := range pins {
		tx.AddQuad(q)
	}
	if err := s.w.ApplyTransaction(tx); err != nil {
		return err
	}
	leftover, err := newReader(s.qs).subject(context.Background(), iriPins)
	if err != nil {
		return err
	}
	if len(leftover) == 0 {
		return nil
	}
	unpin := cgraph.NewTransaction()
	for _, q := range leftover {
		unpin.RemoveQuad(q)
	}
	return s.w.ApplyTransaction(unpin)
}
