package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/schema"
	"github.com/claimgraph/claimgraph/seed"
)

// TestReadsUnderLoadDuringImport serves a bolt store holding the built-in
// seed and a first import of generated films, and replaces that import
// with a larger one (several batches of 25,000 quads) while 50 clients
// query the GraphQL API in a loop. Every request must succeed, and every
// answer must be the one the store gave before the import or the one it
// gives after it: never half an import. Each client's requests are
// sequential, so once a client has seen the new import it must never see
// the old one again.
//
// Only N-Quads read through a mapping go through the batched bulk path
// (seed.Import through a mapping into graph.BulkStore); POST /import and importFacts
// take YAML, CSV or claimgraph's own export, which are written in one
// transaction. So the test wires the server as runServe does (the store
// behind the read cache, the GraphQL handler, routes) around a store it
// holds itself, and runs the bulk import on that store in the same
// process: bolt admits one process.
func TestReadsUnderLoadDuringImport(t *testing.T) {
	requireReliability(t)
	const clients = 50
	// The first import has 1,000 films; the second 3,300 (about 26,400
	// store quads: two batches), which takes a few seconds under load.
	// The first 30 people by id differ only when a power of ten lies
	// between the two (person-1000 comes before person-101).
	oldFilms, newFilms := 1000, 3300
	if raceEnabled { // the race detector slows imports down several times
		oldFilms, newFilms = 90, 600
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	raw, err := cayley.Open(ctx, "bolt:"+filepath.Join(dir, "x.db"), cayley.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	m := newMetrics()
	st := serveStore(raw, m)
	if err := seedAtStart(ctx, st, nil, "", seed.Limits{}, m, log); err != nil {
		t.Fatal(err)
	}
	mapping := readMapping(t, filepath.Join("testdata", "films-mapping.yaml"))
	oldData, _ := writeFilms(t, mkdir(t, dir, "old"), oldFilms)
	newData, quads := writeFilms(t, mkdir(t, dir, "new"), newFilms)
	bulkImport(ctx, t, raw, mapping, oldData, nil)

	opts := schema.Options{Limits: schema.Limits{Timeout: 30 * time.Second, MaxBodyBytes: 1 << 20, MaxDepth: 20, MaxFields: 1000}}
	h, err := schema.NewHandler(ctx, st, log, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(routes(h, st, nil, m, nil, log))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: time.Minute}

	// Probes from every part of the import: what the old import alone has,
	// what the new one adds at its start and its end, what both have.
	probes := []string{
		`{ entity(id:"person-0") { relations(types:["acted-in"]) { to { id } } } }`,
		fmt.Sprintf(`{ entity(id:"film-%d") { name relations { type to { id } } } }`, oldFilms),
		fmt.Sprintf(`{ entity(id:"film-%d") { name } }`, newFilms-1),
		fmt.Sprintf(`{ entity(id:"film-%d") { relations(types:["directed-by"]) { to { id } } } }`, oldFilms-1),
		`{ entities(type: Person, first: 30) { nodes { id name } } }`,
		`{ entity(id:"person-5") { relations(types:["acted-in"]) { to { id } attributes { key value } status } } }`, // the same in both
	}
	ask := func(probe int) (string, error) {
		body, _ := json.Marshal(map[string]string{"query": probes[probe]})
		resp, err := client.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return "", err
		}
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("%s: %s", resp.Status, b)
		}
		var r gqlResponse
		if err := json.Unmarshal(b, &r); err != nil {
			return "", err
		}
		if len(r.Errors) > 0 || len(r.Data) == 0 {
			return "", fmt.Errorf("GraphQL errors: %s", b)
		}
		return string(r.Data), nil
	}
	before := make([]string, len(probes))
	for i := range probes {
		if before[i], err = ask(i); err != nil {
			t.Fatalf("probe %d before the import: %v", i, err)
		}
	}

	// The clients query until the import has ended and each has made a
	// request that started after it.
	type answer struct {
		probe    int
		data     string
		during   bool // sent while the import ran
		duration time.Duration
	}
	var (
		importing, imported atomic.Bool
		failures            atomic.Int64
		failMu              sync.Mutex
		failed              []string
		answers             = make([][]answer, clients)
		wg                  sync.WaitGroup
	)
	fail := func(err error) {
		failures.Add(1)
		failMu.Lock()
		defer failMu.Unlock()
		if len(failed) < 10 {
			failed = append(failed, err.Error())
		}
	}
	defer func() { // stop the clients first if the test fails
		cancel()
		wg.Wait()
	}()
	importing.Store(true)
	for c := range clients {
		wg.Go(func() {
			for i := c; ctx.Err() == nil; i++ {
				last := imported.Load()
				during := importing.Load()
				probe := i % len(probes)
				start := time.Now()
				data, err := ask(probe)
				if err != nil {
					fail(fmt.Errorf("client %d, probe %d: %w", c, probe, err))
				} else {
					answers[c] = append(answers[c], answer{probe, data, during, time.Since(start)})
				}
				if last {
					return
				}
			}
		})
	}
	start := time.Now()
	var batches []string
	bulkImport(ctx, t, raw, mapping, newData, func(done, total int) {
		batches = append(batches, fmt.Sprintf("%d/%d items at %s", done, total, time.Since(start).Round(time.Millisecond)))
	})
	took := time.Since(start)
	importing.Store(false)
	imported.Store(true)
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("the test ran out of time: %v", ctx.Err())
	}

	after := make([]string, len(probes))
	for i := range probes {
		if after[i], err = ask(i); err != nil {
			t.Fatalf("probe %d after the import: %v", i, err)
		}
		if (before[i] == after[i]) != (i == len(probes)-1) {
			t.Fatalf("probe %d answers %s before the import and %s after it", i, before[i], after[i])
		}
	}

	// Every answer is the one before or the one after, and no client goes
	// back to the old import once it has seen the new one.
	var served, sawBefore, sawAfter int
	var latencies []time.Duration
	for c, list := range answers {
		seenAfter := false
		for k, a := range list {
			served++
			if a.during {
				latencies = append(latencies, a.duration)
			}
			switch a.data {
			case after[a.probe]:
				if a.data != before[a.probe] {
					seenAfter = true
					sawAfter += b2i(a.during)
				}
			case before[a.probe]:
				sawBefore += b2i(a.during)
				if seenAfter {
					fail(fmt.Errorf("client %d, request %d (probe %d): the old import again after the new one", c, k, a.probe))
				}
			default:
				fail(fmt.Errorf("client %d, request %d (probe %d) answered %s\nwant before %s\nor after %s", c, k, a.probe, a.data, before[a.probe], after[a.probe]))
			}
		}
		if !seenAfter {
			fail(fmt.Errorf("client %d never saw the new import, even after it ended", c))
		}
	}
	slices.Sort(latencies)
	t.Logf("import of %d films (%d input quads) under load: %s; batches written: %s", newFilms, quads, took.Round(time.Millisecond), strings.Join(batches, ", "))
	t.Logf("%d clients: %d requests served (%d during the import: %d answered as before, %d as after), %d failed; latency during the import p50 %s, p99 %s, max %s",
		clients, served, len(latencies), sawBefore, sawAfter, failures.Load(),
		percentile(latencies, 50), percentile(latencies, 99), percentile(latencies, 100))
	if len(latencies) < 10*clients {
		t.Errorf("only %d requests during the import: the load did not overlap it", len(latencies))
	}
	if n := failures.Load(); n > 0 {
		t.Errorf("%d failed requests or inconsistent answers, first ones:\n%s", n, failed)
	}
}

// readMapping parses the mapping file at path.
func readMapping(tb testing.TB, path string) *seed.Mapping {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := seed.ParseMapping(seed.Input{Name: path, Data: data})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// bulkImport imports the N-Quads file at path through m into st, calling
// progress, when not nil, after each batch.
func bulkImport(ctx context.Context, tb testing.TB, st *cayley.Store, m *seed.Mapping, path string, progress func(done, total int)) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := seed.Import(ctx, st, []seed.Input{{Name: path, R: f}}, seed.Options{Mapping: m, Progress: progress}); err != nil {
		tb.Fatalf("import %s: %v", path, err)
	}
}

// percentile returns the p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := min(len(sorted)-1, len(sorted)*p/100)
	return sorted[i].Round(100 * time.Microsecond)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
