package cayley_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/lib/pq"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/graphtest"
)

// postgresEnv names the environment variable holding the DSN of a
// PostgreSQL database for tests.
const postgresEnv = "CLAIMGRAPH_TEST_POSTGRES"

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

// postgresDSN returns the test database's DSN. Without one the test is
// skipped, except in CI where PostgreSQL is required.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is empty; CI must test PostgreSQL", postgresEnv)
		}
		t.Skipf("set %s to a PostgreSQL DSN (e.g. postgres:///claimgraph_test?host=/var/run/postgresql&sslmode=disable) to test the postgres backend", postgresEnv)
	}
	return dsn
}

// freshSchema creates an empty schema for one test, dropped when it ends,
// and returns dsn with its search_path set to it: Cayley creates its
// tables there, so tests do not see each other's data.
func freshSchema(tb testing.TB, dsn string) string {
	tb.Helper()
	var b [6]byte
	rand.Read(b[:])
	schema := "cgtest_" + hex.EncodeToString(b[:])
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("postgres", dsn)
		if err != nil {
			tb.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("parse %s: %v", postgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
