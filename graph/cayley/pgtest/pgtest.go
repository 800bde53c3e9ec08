package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/lib/pq" // the PostgreSQL driver FreshSchema uses
)

// Env names the environment variable holding the DSN of a
// PostgreSQL database for tests.
const Env = "CLAIMGRAPH_TEST_POSTGRES"

// DSN returns the test database's DSN. Without one the test is
// skipped, except under CI=true, where PostgreSQL is required and the test
// fails.
func DSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(Env)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is empty; CI must test PostgreSQL", Env)
		}
		tb.Skipf("set %s to a PostgreSQL DSN (e.g. postgres:///claimgraph_test?host=/var/run/postgresql&sslmode=disable) to test the postgres backend", Env)
	}
	return dsn
}

// FreshSchema creates an empty schema for one test, dropped when it
// ends, and returns dsn with its search_path set to it: Cayley creates its
// tables there, so tests do not see each other's data.
func FreshSchema(tb testing.TB, dsn string) string {
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
		tb.Fatalf("parse %s: %v", Env, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
