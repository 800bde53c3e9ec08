package main

import (
	"strings"
	"testing"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// storeOps returns how many times the store operation op was timed.
func storeOps(tb testing.TB, m *metrics, op string) uint64 {
	tb.Helper()
	families, err := m.registry.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "claimgraph_store_operation_duration_seconds" {
			continue
		}
		for _, mt := range f.GetMetric() {
			for _, l := range mt.GetLabel() {
				if l.GetName() == "op" && l.GetValue() == op {
					return mt.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return 0
}

// TestStoreMetricsCountOnlyWhatReachesTheStore checks serve's store stack:
// the read cache sits above the instruments, so a cache hit is no store
// operation, and the capabilities the cache and the API need of the store
// (generations, snapshots, the audit log) pass through the instruments.
func TestStoreMetricsCountOnlyWhatReachesTheStore(t *testing.T) {
	ctx := t.Context()
	raw, err := cayley.Open(ctx, "memory:", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	m := newMetrics()
	st := serveStore(raw, m)
	if _, err := seed.Import(graph.WithOperation(ctx, "seed"), st, seed.Builtin(), seed.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Run("a cached read is timed once", func(t *testing.T) {
		before := storeOps(t, m, "entity")
		for range 3 {
			if _, err := st.Entity(ctx, "india"); err != nil {
				t.Fatal(err)
			}
		}
		if got := storeOps(t, m, "entity") - before; got != 1 {
			t.Errorf("three reads of one entity timed %d store reads; want 1 (the others are cache hits)", got)
		}
	})
	t.Run("the generation is the store's", func(t *testing.T) {
		want, err := raw.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := st.Generation(ctx); err != nil || got != want {
			t.Errorf("Generation = %q, %v; want the store's %q", got, err, want)
		}
	})
	t.Run("the index is built from a timed scan", func(t *testing.T) {
		if err := st.BuildIndex(ctx); err != nil {
			t.Fatal(err)
		}
		if s := st.IndexStats(); s.Entities == 0 {
			t.Errorf("index stats %+v: nothing indexed", s)
		}
		if got := storeOps(t, m, "scan"); got != 1 {
			t.Errorf("scans timed: %d; want 1", got)
		}
	})
	t.Run("merges, redirects and judgements are found through the cache", func(t *testing.T) {
		if _, ok := graph.Capability[graph.Merger](st); !ok {
			t.Error("no graph.Merger")
		}
		if _, ok := graph.Capability[graph.Redirector](st); !ok {
			t.Error("no graph.Redirector")
		}
		if _, ok := graph.Capability[graph.Judge](st); !ok {
			t.Error("no graph.Judge")
		}
	})
	t.Run("the audit log is read through", func(t *testing.T) {
		entries, err := st.AuditLog(ctx, graph.AuditQuery{Limit: 1})
		if err != nil || len(entries) != 1 {
			t.Fatalf("AuditLog = %d entries, %v; want the seed's entry", len(entries), err)
		}
		if got := storeOps(t, m, "audit_log"); got != 1 {
			t.Errorf("audit log reads timed: %d; want 1", got)
		}
	})
}

// TestServedStoreMergesAndJudges: the store serve hands the GraphQL API,
// behind the read cache and the instruments, still merges, redirects and
// judges.
func TestServedStoreMergesAndJudges(t *testing.T) {
	s := startServer(t, "--store", "memory:", "--token", "secret")
	for _, tc := range []struct{ name, q, want string }{
		{"a judgement is stored", `mutation { judgeCandidate(a: "india", b: "pakistan", verdict: DIFFERENT) { verdict } }`, `"verdict":"different"`},
		{"a merge is made", `mutation { mergeEntities(keep: "pakistan", merge: ["afghanistan"]) { keep { id } } }`, `"id":"pakistan"`},
		{"a merged id is redirected", `{ entity(id: "afghanistan") { id } }`, `"id":"pakistan"`},
		{"the merge is undone", `mutation { unmergeEntities(id: "afghanistan") { merged } }`, `"afghanistan"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			codes, data := postAs(t, s.url, "secret", tc.q)
			if len(codes) > 0 || !strings.Contains(data, tc.want) {
				t.Errorf("%s: codes %v, data %s; want %s", tc.q, codes, data, tc.want)
			}
		})
	}
}
