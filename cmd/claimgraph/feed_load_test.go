package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// feedLoadEnv turns on the change feed's load test.
const feedLoadEnv = "CLAIMGRAPH_TEST_FEED_LOAD"

// Pairs of the built-in seed that a statement may join, for the load's
// writes: each write adds a statement of its own, with one claim.
var loadPairs = [][3]string{
	{"pakistan", "warned", "social-media-platforms"},
	{"talal-chaudhry", "warned", "social-media-platforms"},
	{"x-accounts-india", "operating-from", "india"},
	{"x-accounts-afghanistan", "operating-from", "afghanistan"},
	{"x-accounts-india", "active-on", "x"},
	{"x-accounts-afghanistan", "active-on", "x"},
	{"x-accounts-afghanistan", "linked-to", "afghan-taliban"},
	{"india", "accused-of-backing", "bla"},
	{"india", "accused-of-backing", "ttp"},
	{"afghanistan", "accused-of-backing", "bla"},
	{"afghanistan", "accused-of-backing", "ttp"},
}

// TestFeedUnderLoad opens 1,000 subscriptions to claimAdded on a serve
// process (bolt store, loopback), writes 200 statements a second for 30 s
// through the API, and checks that every subscriber received every event,
// in order, while the server's memory stayed bounded. Opt-in: set
// CLAIMGRAPH_TEST_FEED_LOAD=1 (the figures go to the test log; other sizes
// with CLAIMGRAPH_TEST_FEED_LOAD=SUBSCRIBERS,WRITES_PER_S,SECONDS).
func TestFeedUnderLoad(t *testing.T) {
	spec := os.Getenv(feedLoadEnv)
	if spec == "" {
		t.Skipf("set %s=1 to run the change feed's load test (about a minute)", feedLoadEnv)
	}
	subscribers, rate, seconds := 1000, 200, 30
	if spec != "1" {
		if _, err := fmt.Sscanf(spec, "%d,%d,%d", &subscribers, &rate, &seconds); err != nil {
			t.Fatalf("%s=%q: want 1 or SUBSCRIBERS,WRITES_PER_S,SECONDS", feedLoadEnv, spec)
		}
	}
	bin := buildClaimgraph(t)
	const token = "load-test-token"
	url := startServe(t, bin, "--store", "bolt:"+filepath.Join(t.TempDir(), "load.db"), "--token", token)
	wsURL := "ws" + strings.TrimPrefix(url, "http") + "/graphql"
	ctx := t.Context()

	// The newest event id before the load: every subscriber resumes after
	// it, so none misses an event of the load however late it starts.
	probe := dialLoad(t, wsURL)
	probe.sub(t, `subscription { claimAdded(after: "0") { id } }`)
	var base uint64
	for {
		rctx, cancel := context.WithTimeout(ctx, time.Second)
		_, data, err := probe.Read(rctx)
		cancel()
		if err != nil {
			break
		}
		if id, ok := eventID(data); ok {
			base = id
		}
	}
	probe.CloseNow()

	total := rate * seconds
	type result struct {
		got      int
		disorder int
		closed   string
	}
	results := make([]result, subscribers)
	var received atomic.Int64
	var wg sync.WaitGroup
	dialStart := time.Now()
	conns := make([]*loadConn, subscribers)
	for i := range subscribers {
		conns[i] = dialLoad(t, wsURL)
		conns[i].sub(t, fmt.Sprintf(`subscription { claimAdded(after: "%d") { id } }`, base))
	}
	t.Logf("%d subscriptions open in %v", subscribers, time.Since(dialStart).Round(time.Millisecond))
	// The readers wait for the rest of the events up to a minute after the
	// last write.
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	for i, c := range conns {
		wg.Go(func() {
			r := &results[i]
			want := base + 1
			for r.got < total {
				_, data, err := c.Read(readCtx)
				if err != nil {
					r.closed = err.Error()
					return
				}
				id, ok := eventID(data)
				if !ok {
					r.closed = "unexpected message " + string(data)
					return
				}
				if id != want {
					r.disorder++
				}
				want = id + 1
				r.got++
				received.Add(1)
			}
			c.Close(websocket.StatusNormalClosure, "")
		})
	}

	// Memory of the server, twice a second.
	var peakRSS, peakHeap, lastRSS, lastHeap float64
	var rssAt10 float64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		start := time.Now()
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(500 * time.Millisecond):
			}
			rss, heap := serverMemory(url)
			lastRSS, lastHeap = rss, heap
			peakRSS, peakHeap = max(peakRSS, rss), max(peakHeap, heap)
			if rssAt10 == 0 && time.Since(start) > 10*time.Second {
				rssAt10 = rss
			}
		}
	}()

	// The writes: rate a second, paced, from a few concurrent writers.
	writeStart := time.Now()
	var next atomic.Int64
	var slowest atomic.Int64
	var writers sync.WaitGroup
	var writeErrs atomic.Int64
	client := &http.Client{Timeout: 30 * time.Second}
	for range 8 {
		writers.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				due := writeStart.Add(time.Duration(i) * time.Second / time.Duration(rate))
				time.Sleep(time.Until(due))
				p := loadPairs[i%len(loadPairs)]
				q := fmt.Sprintf(`mutation { addStatement(id: "load-%d", subject: "%s", type: "%s", object: "%s", claim: {source: "src-86013d487e35f14f", claimant: "pakistan", stance: ASSERTS}) { id } }`,
					i, p[0], p[1], p[2])
				body, _ := json.Marshal(map[string]string{"query": q})
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					writeErrs.Add(1)
					continue
				}
				var out struct{ Errors []any }
				json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || len(out.Errors) > 0 {
					writeErrs.Add(1)
				}
				if d := time.Since(t0); int64(d) > slowest.Load() {
					slowest.Store(int64(d))
				}
			}
		})
	}
	writers.Wait()
	writeTime := time.Since(writeStart)
	late := time.AfterFunc(time.Minute, stopReading)
	wg.Wait()
	late.Stop()
	deliverTime := time.Since(writeStart)
	close(stopSampling)
	<-sampled

	complete, disordered := 0, 0
	closes := map[string]int{}
	for _, r := range results {
		if r.got == total && r.disorder == 0 {
			complete++
		}
		if r.disorder > 0 {
			disordered++
		}
		if r.closed != "" {
			closes[r.closed]++
		}
	}
	const mib = 1 << 20
	t.Logf("%d writes in %v (%.0f/s; slowest %v; %d failed); %d subscribers got %d events (%.0f/s delivered) in %v",
		total, writeTime.Round(time.Millisecond), float64(total)/writeTime.Seconds(), time.Duration(slowest.Load()).Round(time.Millisecond),
		writeErrs.Load(), subscribers, received.Load(), float64(received.Load())/deliverTime.Seconds(), deliverTime.Round(time.Millisecond))
	t.Logf("server memory: peak RSS %.0f MiB, peak heap in use %.0f MiB; RSS %.0f MiB at 10 s and %.0f MiB at the end, heap %.0f MiB at the end",
		peakRSS/mib, peakHeap/mib, rssAt10/mib, lastRSS/mib, lastHeap/mib)
	if writeErrs.Load() > 0 {
		t.Errorf("%d writes failed", writeErrs.Load())
	}
	if complete != subscribers {
		t.Errorf("%d of %d subscribers got all %d events in order (%d out of order; ends: %v)", complete, subscribers, total, disordered, closes)
	}
	if peakRSS > 1<<30 {
		t.Errorf("the server's RSS peaked at %.0f MiB", peakRSS/mib)
	}
}

type loadConn struct{ *websocket.Conn }

func dialLoad(tb testing.TB, url string) *loadConn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.CloseNow() })
	lc := &loadConn{c}
	lc.write(tb, `{"type":"connection_init"}`)
	_, data, err := c.Read(ctx)
	if err != nil || !bytes.Contains(data, []byte("connection_ack")) {
		tb.Fatalf("connection_init: %s, %v", data, err)
	}
	return lc
}

func (c *loadConn) write(tb testing.TB, msg string) {
	tb.Helper()
	if err := c.Write(tb.Context(), websocket.MessageText, []byte(msg)); err != nil {
		tb.Fatal(err)
	}
}

func (c *loadConn) sub(tb testing.TB, query string) {
	tb.Helper()
	q, _ := json.Marshal(query)
	c.write(tb, `{"id":"1","type":"subscribe","payload":{"query":`+string(q)+`}}`)
}

// eventID finds the event id at the end of a next message of
// claimAdded { id }, without decoding the whole message.
func eventID(msg []byte) (uint64, bool) {
	const key = `"claimAdded":{"id":"`
	i := bytes.Index(msg, []byte(key))
	if i < 0 {
		return 0, false
	}
	rest := msg[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(rest[:j]), 10, 64)
	return n, err == nil
}

// serverMemory reads the server's resident memory and heap in use from
// its metrics.
func serverMemory(url string) (rss, heap float64) {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "process_resident_memory_bytes "); ok {
			rss, _ = strconv.ParseFloat(v, 64)
		}
		if v, ok := strings.CutPrefix(line, "go_memstats_heap_inuse_bytes "); ok {
			heap, _ = strconv.ParseFloat(v, 64)
		}
	}
	return rss, heap
}
