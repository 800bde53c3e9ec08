package schema

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/claimgraph/claimgraph/graph/feed"
)

// countingListener counts the writes to each connection it accepts, in the
// order it accepted them.
type countingListener struct {
	net.Listener
	mu     sync.Mutex
	writes []*atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	n := new(atomic.Int64)
	l.mu.Lock()
	l.writes = append(l.writes, n)
	l.mu.Unlock()
	return &countingConn{Conn: c, n: n}, nil
}

// conn returns the write counter of the i-th connection accepted.
func (l *countingListener) conn(i int) *atomic.Int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.writes[i]
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.n.Add(1)
	return c.Conn.Write(p)
}

// addClaimMutation adds claim i to the seed's alleged relation.
func addClaimMutation(i int) string {
	return fmt.Sprintf(`mutation { addClaim(relation: "%s", claim: {id: "batch-%d", source: "src-86013d487e35f14f", claimant: "pakistan", stance: ASSERTS}) { id } }`,
		allegedRelation, i)
}

// TestWebSocketSendsWaitingEventsInOneWrite checks that the events that
// arrive while the hub waits out its interval reach the
// socket in one write, one message each, in order, instead of one write
// per event.
func TestWebSocketSendsWaitingEventsInOneWrite(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	const interval = 3 * time.Second // far longer than five writes to a memory store take
	srv := feedServer(t, Options{}, feed.Options{Interval: interval}, cl)
	c := connect(t, srv.URL, nil) // the first connection accepted
	c.subscribe("s", `subscription { claimAdded { id } }`)
	h := srv.Config.Handler.(*Handler)
	waitFor(t, func() bool { return h.opts.Feed.Subscriptions() == 1 })
	ws := cl.conn(0)

	write := func(i int) {
		t.Helper()
		if status, resp := post(t, srv.URL+"/graphql", "ed-token", addClaimMutation(i)); status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("write %d: %d %+v", i, status, resp.Errors)
		}
	}
	eventID := func(m wsMessage) uint64 {
		t.Helper()
		ev, _ := payloadOf(t, m)["claimAdded"].(map[string]any)
		id, err := strconv.ParseUint(fmt.Sprint(ev["id"]), 10, 64)
		if err != nil {
			t.Fatalf("event %+v", ev)
		}
		return id
	}
	write(0)
	first := eventID(c.read()) // sent at once: the subscription was idle
	before := ws.Load()
	start := time.Now()
	const waiting = 5
	for i := 1; i <= waiting; i++ {
		write(i)
	}
	if d := time.Since(start); d > interval/2 {
		t.Skipf("the writes took %v, too long to fall within one flush interval of %v", d, interval)
	}
	for i := 1; i <= waiting; i++ {
		if id := eventID(c.read()); id != first+uint64(i) {
			t.Fatalf("event %d has id %d, want %d", i, id, first+uint64(i))
		}
	}
	if n := ws.Load() - before; n != 1 {
		t.Errorf("%d events waiting were sent in %d writes to the socket, want 1", waiting, n)
	}
}

func waitFor(tb testing.TB, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			tb.Fatal("condition not met within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkFeedFanOut measures the change feed's fan-out over real
// WebSockets: each op is one claim written through the API (memory store)
// and delivered to every subscriber, all subscribed to claimAdded { id
// at } on connections of their own. msgs/s counts the messages received,
// syscalls/msg the server's writes to its sockets per message.
//
//	go test ./schema -run '^$' -bench FeedFanOut -benchtime 200x
func BenchmarkFeedFanOut(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			cl := &countingListener{Listener: ln}
			srv := feedServer(b, Options{}, feed.Options{Queue: 1 << 20}, cl)
			h := srv.Config.Handler.(*Handler)
			conns := make([]*wsClient, n)
			for i := range conns {
				conns[i] = connect(b, srv.URL, nil)
				conns[i].subscribe("s", `subscription { claimAdded { id at } }`)
			}
			waitFor(b, func() bool { return h.opts.Feed.Subscriptions() == n })
			var received atomic.Int64
			var wg sync.WaitGroup
			want := b.N
			writes := func() (n int64) {
				cl.mu.Lock()
				defer cl.mu.Unlock()
				for _, w := range cl.writes {
					n += w.Load()
				}
				return n
			}
			before := writes()
			b.ResetTimer()
			for _, c := range conns {
				wg.Go(func() {
					for range want {
						if _, _, err := c.c.Read(context.Background()); err != nil {
							b.Error(err)
							return
						}
						received.Add(1)
					}
				})
			}
			for i := range b.N {
				if status, resp := post(b, srv.URL+"/graphql", "ed-token", addClaimMutation(i)); status != http.StatusOK || len(resp.Errors) > 0 {
					b.Fatalf("write %d: %d %+v", i, status, resp.Errors)
				}
			}
			wg.Wait()
			b.ReportMetric(float64(received.Load())/b.Elapsed().Seconds(), "msgs/s")
			// The server's writes to its sockets (the answers to the
			// writes' POSTs among them) per message delivered.
			b.ReportMetric(float64(writes()-before)/float64(received.Load()), "syscalls/msg")
			for _, c := range conns {
				c.c.Close(websocket.StatusNormalClosure, "")
			}
		})
	}
}
