package cayley

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/lib/pq" // the PostgreSQL driver of the write lock
)

// Writes are serialised: every write reads what it needs, plans its
// change and writes it while holding the write lock, so that what it
// checked is still true when it commits. In one process the lock is
// writeLock. Processes sharing a PostgreSQL store also take an advisory
// lock of the database (pgLock), which PostgreSQL releases when the
// transaction that holds it ends, also when its connection is lost or
// its process dies: a crashed writer never blocks the others.

// lockWrites takes the write lock, waiting at most as long as ctx lives,
// and returns the function that releases it.
func (s *Store) lockWrites(ctx context.Context) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case s.writeLock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := s.brokenErr(); err != nil {
		<-s.writeLock
		return nil, err
	}
	if s.pgLock == nil {
		return func() { <-s.writeLock }, nil
	}
	release, err := s.pgLock.lock(ctx)
	if err != nil {
		<-s.writeLock
		return nil, err
	}
	return func() {
		release()
		<-s.writeLock
	}, nil
}

// pgLock is a PostgreSQL advisory lock shared by every process writing
// one store: one lock per database and schema (Cayley's tables live in
// the schema the URL's search_path names). It is held by a transaction of
// a connection of its own, apart from Cayley's.
type pgLock struct {
	db *sql.DB
	s  *Store
}

// pgLockKey is the query that takes the lock. It names the store by its
// schema, so that stores in different schemas of one database do not
// wait for each other.
const pgLockKey = `SELECT pg_advisory_xact_lock(hashtextextended('claimgraph write lock ' || current_schema(), 0))`

func openPgLock(url string, s *Store) (*pgLock, error) {
	db, err := sql.Open("postgres", url)
	if err != nil {
		return nil, err
	}
	// One write at a time per Store: one connection is all it needs.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	return &pgLock{db: db, s: s}, nil
}

// lock waits for the lock as long as ctx lives and returns the function
// that releases it. The transaction holding it ignores ctx's end, so that
// a request cancelled during its write cannot let another writer in
// before the write is done; only the wait is cancelled.
func (l *pgLock) lock(ctx context.Context) (release func(), err error) {
	tx, err := l.db.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return nil, fmt.Errorf("begin the write lock's transaction: %w", err)
	}
	if _, err := tx.ExecContext(ctx, pgLockKey); err != nil {
		tx.Rollback()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("take the write lock: %w", err)
	}
	return func() {
		// The lock goes with the transaction, also when this fails because
		// the connection was lost: PostgreSQL then ends the session.
		if err := tx.Rollback(); err != nil {
			l.s.log.Warn("releasing the PostgreSQL write lock", "err", err)
		}
	}, nil
}

func (l *pgLock) close() error { return l.db.Close() }
