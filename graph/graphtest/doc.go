// Package graphtest holds the conformance suite every graph.Store backend
// must pass, and the small fixture it runs on.
//
// A backend's test calls TestStore with a function that opens a new, empty
// store:
//
//	func TestStore(t *testing.T) {
//		graphtest.TestStore(t, func(t testing.TB) graph.Store { return openEmpty(t) })
//	}
//
// The fixture (Fixture) has its own tiny ontology — Country, Group and
// Official; backs (Country → Group), allied-with (symmetric, Group ↔ Group)
// and official-of (Official → Country, attributes role and since) — seven
// entities, one source, and statements whose claims produce each of the
// four statuses. Subtest names state the expected outcome, and failures
// are checked by error code (graph.ErrorCode), never by message text.
package graphtest
