// Package pgtest gives tests of the PostgreSQL backend a database: the
// DSN of $CLAIMGRAPH_TEST_POSTGRES, and a fresh schema per test. It is a
// test helper: only tests import it.
package pgtest
