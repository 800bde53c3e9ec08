package cayley

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley/pgtest"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

// TestPostgresWriteLock checks the write lock that two handles of one
// PostgreSQL store share, as two processes would: a waiting writer gives
// up when its context ends, gets the lock when the holder releases it, and
// gets it too when the holder's connection is lost.
func TestPostgresWriteLock(t *testing.T) {
	dsn := pgtest.DSN(t)
	url := pgtest.FreshSchema(t, dsn)
	a, b := openT(t, url), openT(t, url)

	// lockWithin takes s's write lock within d, or reports the error.
	lockWithin := func(s *Store, d time.Duration) (func(), error) {
		ctx, cancel := context.WithTimeout(t.Context(), d)
		defer cancel()
		return s.lockWrites(ctx)
	}
	unlockA, err := lockWithin(a, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a writer waits no longer than its context lives", func(t *testing.T) {
		begin := time.Now()
		_, err := lockWithin(b, 300*time.Millisecond)
		if graph.ErrorCode(wrapErr("lock", err)) != graph.Unavailable {
			t.Fatalf("lock while another handle holds it: %v, want a cancelled wait (%s)", err, graph.Unavailable)
		}
		if waited := time.Since(begin); waited > 5*time.Second {
			t.Errorf("the wait took %v after its context ended", waited)
		}
		// Another Store method on b is refused the same way.
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		_, err = b.Apply(ctx, graphtest.Fixture(), graph.ApplyOptions{})
		if graph.ErrorCode(err) != graph.Unavailable {
			t.Errorf("Apply while another handle holds the lock: %v, want %s", err, graph.Unavailable)
		}
	})
	t.Run("a released lock is taken by the waiting writer", func(t *testing.T) {
		unlockA()
		unlockB, err := lockWithin(b, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		unlockB()
	})
	t.Run("a lock whose connection is lost is released", func(t *testing.T) {
		lost, err := lockWithin(a, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("postgres", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var killed int
		err = db.QueryRowContext(t.Context(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND query = $1 AND state = 'idle in transaction'`, pgLockKey).Scan(&killed)
		if err != nil || killed != 1 {
			t.Fatalf("terminating the holder's connection: %d terminated, err %v", killed, err)
		}
		unlockB, err := lockWithin(b, 5*time.Second)
		if err != nil {
			t.Fatalf("lock after the holder's connection was lost: %v", err)
		}
		unlockB()
		// The holder's release fails (logged), and its handle takes the
		// lock again on a new connection.
		lost()
		unlockA, err := lockWithin(a, 5*time.Second)
		if err != nil {
			t.Fatalf("the holder's handle after its connection was lost: %v", err)
		}
		unlockA()
	})
}
