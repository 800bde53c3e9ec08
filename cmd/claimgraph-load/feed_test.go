package main

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/cayley"
	"github.com/claimgraph/claimgraph/graph/feed"
	"github.com/claimgraph/claimgraph/schema"
	"github.com/claimgraph/claimgraph/seed"
)

// eventMessage is the next message of event id, as the server sends it.
func eventMessage(id int) string {
	return fmt.Sprintf(`{"id":"1","type":"next","payload":{"data":{"claimAdded":{"id":"%d","at":"%s"}}}}`,
		id, time.Now().UTC().Format(time.RFC3339Nano))
}

// TestFeedSubscriberChecksWhatItGets serves scripted messages on a real
// WebSocket to the feed mode's subscriber client and checks what it makes
// of them: every event in order, a missing one, one out of order, a
// message that is not the event, a frame the server may not send.
func TestFeedSubscriberChecksWhatItGets(t *testing.T) {
	type script struct {
		messages []string
		raw      []byte // written below the library after the messages
		close    websocket.StatusCode
	}
	events := func(ids ...int) []string {
		var out []string
		for _, id := range ids {
			out = append(out, eventMessage(id))
		}
		return out
	}
	tests := []struct {
		name          string
		script        script
		got, disorder int
		ended         string // a part of it; "" when it got all
	}{
		{"every event in order", script{messages: events(11, 12, 14, 15)}, 4, 0, ""},
		{"an event missing", script{messages: events(11, 12, 14), close: websocket.StatusNormalClosure}, 3, 0, "closed by the server: 1000"},
		{"an event out of order", script{messages: events(11, 13, 12, 14)}, 4, 1, ""},
		{"an event repeated", script{messages: events(11, 12, 12, 14)}, 4, 1, ""},
		{"a message that is not the event", script{messages: append(events(11), `{"id":"1","type":"next","payload":{"errors":[{"message":"boom"}]}}`)}, 1, 0, "unexpected message"},
		{"a truncated message", script{messages: append(events(11), eventMessage(12)[:60])}, 1, 0, "unexpected message"},
		{"another operation's message", script{messages: append(events(11), strings.Replace(eventMessage(12), `"id":"1"`, `"id":"2"`, 1))}, 1, 0, "unexpected message"},
		{"a masked frame", script{messages: events(11), raw: []byte{0x81, 0x80 | 2, 1, 2, 3, 4, 'a', 'b'}}, 1, 0, "protocol error"},
		{"a frame with a reserved bit", script{messages: events(11), raw: []byte{0x81 | 0x40, 2, '{', '}'}}, 1, 0, "protocol error"},
		{"a binary message", script{messages: events(11), raw: []byte{0x82, 2, '{', '}'}}, 1, 0, "protocol error"},
		{"a closing server", script{messages: events(11), close: 1013}, 1, 0, "closed by the server: 1013"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var rec *hijackRecorder
				rec = &hijackRecorder{ResponseWriter: w, rc: http.NewResponseController(w)}
				c, err := websocket.Accept(rec, r, &websocket.AcceptOptions{Subprotocols: []string{"graphql-transport-ws"}})
				if err != nil {
					return
				}
				defer c.CloseNow()
				ctx := r.Context()
				for _, m := range tt.script.messages {
					if err := c.Write(ctx, websocket.MessageText, []byte(m)); err != nil {
						return
					}
				}
				if tt.script.raw != nil {
					rec.conn.Write(tt.script.raw)
				}
				if tt.script.close != 0 {
					c.Close(tt.script.close, "")
					return
				}
				c.Read(ctx) // until the client leaves
			}))
			defer srv.Close()
			conn, err := dialWS(t.Context(), "ws"+strings.TrimPrefix(srv.URL, "http"), "graphql-transport-ws")
			if err != nil {
				t.Fatal(err)
			}
			defer conn.closeNow()
			s := &subscriber{conn: conn, last: 10}
			var stopped atomic.Bool
			var delivered atomic.Int64
			done := make(chan struct{})
			go func() {
				defer close(done)
				s.read(&stopped, 4, &delivered)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				stopped.Store(true)
				conn.closeNow()
				<-done
			}
			if s.got != tt.got || s.disorder != tt.disorder || int(delivered.Load()) != tt.got {
				t.Errorf("got %d events (%d counted), %d out of order; want %d, %d", s.got, delivered.Load(), s.disorder, tt.got, tt.disorder)
			}
			if tt.ended == "" && s.ended != "" || !strings.Contains(s.ended, tt.ended) {
				t.Errorf("ended %q, want %q", s.ended, tt.ended)
			}
		})
	}
}

// hijackRecorder keeps the connection a WebSocket is accepted on, for a
// script to write frames below the library.
type hijackRecorder struct {
	http.ResponseWriter
	rc   *http.ResponseController
	conn interface{ Write([]byte) (int, error) }
}

func (w *hijackRecorder) Hijack() (c net.Conn, brw *bufio.ReadWriter, err error) {
	c, brw, err = w.rc.Hijack()
	w.conn = c
	return c, brw, err
}

// TestFeedModeOnARealServer runs the feed mode against the GraphQL
// handler with a change feed on the built-in seed: every subscriber gets
// every event of the writes, in order, and the run says so.
func TestFeedModeOnARealServer(t *testing.T) {
	ctx := t.Context()
	st, err := cayley.Open(ctx, "memory:", cayley.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := seed.Load(ctx, st, graph.ApplyOptions{}, seed.Builtin()...); err != nil {
		t.Fatal(err)
	}
	hub, err := feed.Start(ctx, st, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := schema.NewHandler(ctx, st, slog.New(slog.DiscardHandler), schema.Options{Token: "tok", Feed: hub})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	var out bytes.Buffer
	if err := run(ctx, []string{"--feed", "--url", srv.URL + "/graphql", "--token", "tok", "--subscribers", "20", "--rate", "40", "--duration", "1s", "--drain", "20s"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "20 got every event in order, 0 out of order, 0 short (0 events missing)") ||
		!strings.Contains(out.String(), "events: 800 delivered of 40×20") {
		t.Errorf("report:\n%s", out.String())
	}
}
