package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cache"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/seed"
)

// gatedScan is a store whose snapshot for the path index waits for gate to
// close: the index is being built until then.
type gatedScan struct {
	backend
	gate chan struct{}
}

func (g gatedScan) Scan(ctx context.Context) (graph.Snapshot, error) {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return graph.Snapshot{}, ctx.Err()
	}
	return g.backend.Scan(ctx)
}

// TestReadyWaitsForThePathIndex checks that /readyz answers 503 until the
// path and search index is built, and 200 from then on.
func TestReadyWaitsForThePathIndex(t *testing.T) {
	t.Run("503 while the index is built, 200 once it is", func(t *testing.T) {
		ctx := t.Context()
		raw, err := cayley.Open(ctx, "memory:", cayley.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := seed.Import(ctx, raw, seed.Builtin(), seed.Options{}); err != nil {
			t.Fatal(err)
		}
		gate := make(chan struct{})
		st := cache.New(gatedScan{backend: raw, gate: gate}, 0)
		t.Cleanup(func() { st.Close() })
		st.Warm()
		h := ready(st, nil, slog.New(slog.DiscardHandler))
		status := func() int {
			rec := httptest.NewRecorder()
			h(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/readyz", nil))
			return rec.Code
		}
		for range 3 {
			if got := status(); got != http.StatusServiceUnavailable {
				t.Fatalf("/readyz %d while the index is built, want 503", got)
			}
		}
		close(gate)
		if err := st.WaitIndex(ctx); err != nil {
			t.Fatal(err)
		}
		if got := status(); got != http.StatusOK {
			t.Errorf("/readyz %d once the index is built, want 200", got)
		}
	})

	t.Run("a served store's first path query after ready reads no relation from the store", func(t *testing.T) {
		s := startServer(t, "--store", "bolt:"+filepath.Join(t.TempDir(), "x.db"))
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := http.Get(s.url + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
			if resp.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
				t.Fatalf("/readyz %s", resp.Status)
			}
			time.Sleep(10 * time.Millisecond)
		}
		before := relationReads(t, s.url)
		var data struct {
			Paths []struct{ Length int }
		}
		s.query(t, `{ paths(from: "india", to: "afghan-taliban", k: 3) { length } }`, &data)
		if len(data.Paths) == 0 {
			t.Fatal("no path")
		}
		if after := relationReads(t, s.url); after != before {
			t.Errorf("the path query read relations from the store %d times: the index was not used", after-before)
		}
	})
}

// relationReads returns how many relation reads (relations and
// relations_of) reached the store, from /metrics.
func relationReads(tb testing.TB, url string) int {
	tb.Helper()
	body := get(tb, url+"/metrics", http.StatusOK)
	n := 0
	for _, m := range regexp.MustCompile(`(?m)^claimgraph_store_operation_duration_seconds_count\{op="relations(?:_of)?"\} (\d+)$`).FindAllStringSubmatch(body, -1) {
		v, _ := strconv.Atoi(m[1])
		n += v
	}
	return n
}
