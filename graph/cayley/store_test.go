package cayley_test

import (
	"path/filepath"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/cayley/pgtest"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

func TestStore(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		graphtest.TestStore(t, func(tb testing.TB) graph.Store { return open(tb, "memory:") })
	})
	t.Run("bolt", func(t *testing.T) {
		graphtest.TestStore(t, func(tb testing.TB) graph.Store { return open(tb, boltURL(tb)) })
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := postgresDSN(t)
		graphtest.TestStore(t, func(tb testing.TB) graph.Store { return open(tb, freshSchema(tb, dsn)) })
	})
}

// TestSharedStore races writers on two handles of one PostgreSQL store,
// opened apart as two processes would open them.
func TestSharedStore(t *testing.T) {
	dsn := postgresDSN(t)
	graphtest.TestSharedStore(t, func(tb testing.TB) []graph.Store {
		url := freshSchema(tb, dsn)
		return []graph.Store{open(tb, url), open(tb, url)}
	})
}

// TestSharedFeed checks the change feed of two handles of one PostgreSQL
// store, opened apart as two processes would open them.
func TestSharedFeed(t *testing.T) {
	dsn := postgresDSN(t)
	graphtest.TestSharedFeed(t, func(tb testing.TB) []graph.Store {
		url := freshSchema(tb, dsn)
		return []graph.Store{open(tb, url), open(tb, url)}
	})
}

func TestBulkStore(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		graphtest.TestBulkStore(t, func(tb testing.TB) graph.BulkStore { return open(tb, "memory:") })
	})
	t.Run("bolt", func(t *testing.T) {
		graphtest.TestBulkStore(t, func(tb testing.TB) graph.BulkStore { return open(tb, boltURL(tb)) })
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := postgresDSN(t)
		graphtest.TestBulkStore(t, func(tb testing.TB) graph.BulkStore { return open(tb, freshSchema(tb, dsn)) })
	})
}

// open opens the store at url; the caller closes it.
func open(tb testing.TB, url string) *cayley.Store {
	tb.Helper()
	s, err := cayley.Open(tb.Context(), url, cayley.Options{})
	if err != nil {
		tb.Fatalf("Open(%s): %v", url, err)
	}
	return s
}

// openClosed opens the store at url and closes it when the test ends.
func openClosed(tb testing.TB, url string) *cayley.Store {
	tb.Helper()
	s := open(tb, url)
	tb.Cleanup(func() { s.Close() })
	return s
}

func boltURL(tb testing.TB) string {
	return "bolt:" + filepath.Join(tb.TempDir(), "claimgraph.bolt")
}

func postgresDSN(t *testing.T) string { return pgtest.DSN(t) }

func freshSchema(tb testing.TB, dsn string) string { return pgtest.FreshSchema(tb, dsn) }
