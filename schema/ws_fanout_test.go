package schema

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/claimgraph/claimgraph/graph"
)

// TestFeedFanOutCosts checks the costs of delivering a batch of events to
// many subscriptions of one document: each event's payload is computed
// once, not once per subscription, and building a subscription's messages
// from the shared payloads allocates nothing once its buffers have grown.
func TestFeedFanOutCosts(t *testing.T) {
	const subscribers, perBatch = 1000, 8
	var memo payloadMemo
	var computed atomic.Int64
	compute := func(e *graph.ChangeEvent) []byte {
		computed.Add(1)
		return fmt.Appendf(nil, `{"data":{"claimAdded":{"id":"%d"}}}`, e.ID)
	}
	key := groupKey{doc: "subscription { claimAdded { id } }", role: RoleReader}
	type sub struct {
		g      *payloadGroup
		batch  wsBatch
		prefix []byte
	}
	subs := make([]*sub, subscribers)
	for i := range subs {
		subs[i] = &sub{g: memo.group(key, compute), prefix: nextPrefix(fmt.Sprint(i))}
	}
	next := uint64(0)
	events := func() []*graph.ChangeEvent {
		out := make([]*graph.ChangeEvent, perBatch)
		for i := range out {
			next++
			out[i] = &graph.ChangeEvent{ID: next, Kind: graph.EventClaimAdded}
		}
		return out
	}
	deliver := func(s *sub, batch []*graph.ChangeEvent) {
		s.batch.reset()
		s.batch.payloads = s.g.get(batch, s.batch.payloads[:0], &s.batch.scratch)
		for _, p := range s.batch.payloads {
			s.batch.next(s.prefix, p)
		}
	}
	const batches = 5
	for range batches {
		batch := events()
		for _, s := range subs {
			deliver(s, batch)
		}
	}
	t.Run("payloads are computed once per event", func(t *testing.T) {
		if got, want := computed.Load(), int64(batches*perBatch); got != want {
			t.Errorf("%d payloads computed for %d events and %d subscriptions, want %d", got, batches*perBatch, subscribers, want)
		}
	})
	t.Run("a subscription's messages allocate nothing", func(t *testing.T) {
		batch := events()
		deliver(subs[0], batch) // computes the payloads, once
		allocs := testing.AllocsPerRun(100, func() {
			for _, s := range subs[1:] {
				deliver(s, batch)
			}
		})
		if per := allocs / float64((subscribers-1)*perBatch); per != 0 {
			t.Errorf("%.3f allocations per event and subscription (%.0f a run), want 0", per, allocs)
		}
	})
	t.Run("the last subscription to leave forgets the group", func(t *testing.T) {
		for _, s := range subs {
			s.g.release()
		}
		if n := len(memo.groups); n != 0 {
			t.Errorf("%d groups kept after every subscription left, want 0", n)
		}
	})
	t.Run("the memo is bounded", func(t *testing.T) {
		g := memo.group(key, compute)
		defer g.release()
		var sc payloadScratch
		for range 3 * memoSize / perBatch {
			g.get(events(), nil, &sc)
		}
		if n := len(memo.order); n >= 2*memoSize {
			t.Errorf("%d payloads kept, want fewer than %d", n, 2*memoSize)
		}
		if n := len(g.m); n >= 2*memoSize {
			t.Errorf("the group keeps %d payloads, want fewer than %d", n, 2*memoSize)
		}
	})
}

// TestWebSocketFramesOfABatch checks the frames a batch writes below the
// WebSocket library, at the lengths where the header changes, by reading
// them with the library's client.
func TestWebSocketFramesOfABatch(t *testing.T) {
	// A message is 39 bytes and the payload's letters: 125 and 126 bytes, 65535 and
	// 65536 bytes are where the length takes more bytes.
	sizes := []int{0, 86, 87, 200, 65496, 65497, 70000}
	var payloads [][]byte
	for i, n := range sizes {
		payloads = append(payloads, []byte(`"`+strings.Repeat(string(rune('a'+i)), n)+`"`))
	}
	served := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &hijackRecorder{ResponseWriter: w, rc: http.NewResponseController(w)}
		conn, err := websocket.Accept(rec, r, nil)
		if err != nil {
			served <- err
			return
		}
		defer conn.CloseNow()
		var b wsBatch
		b.reset()
		for _, p := range payloads {
			b.next(nextPrefix("op"), p)
		}
		_, err = rec.conn.Write(b.frames)
		served <- err
		// Read until the client closes, so that the close handshake ends.
		_, _, _ = conn.Read(context.Background())
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	for i, p := range payloads {
		t.Run(fmt.Sprintf("payload of %d bytes", len(p)), func(t *testing.T) {
			typ, data, err := c.Read(ctx)
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			want := append(append(nextPrefix("op"), p...), '}')
			if typ != websocket.MessageText || !bytes.Equal(data, want) {
				t.Errorf("message %d: %v of %d bytes, want text of %d", i, typ, len(data), len(want))
			}
		})
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	c.Close(websocket.StatusNormalClosure, "")
}
