package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/feed"
)

// The seed's statement that only Talal Chaudhry asserts (ALLEGED), and a
// denial by India that disputes it.
const (
	allegedRelation = "x-accounts-india.operating-from.india"
	denyMutation    = `mutation { addClaim(relation: "` + allegedRelation + `", claim: {source: "src-86013d487e35f14f",
		claimant: "india", stance: DENIES, quote: "India denies it."}) { id } }`
)

// feedServer serves a seeded memory store with a change feed to the role
// tests' users.
func feedServer(tb testing.TB, opts Options, fo feed.Options, ln net.Listener) *httptest.Server {
	tb.Helper()
	st := seeded(tb)
	hub, err := feed.Start(tb.Context(), st.(graph.EventLog), fo)
	if err != nil {
		tb.Fatal(err)
	}
	opts.Feed = hub
	opts.Users = usersOf(tb, testUsers)
	srv := httptest.NewUnstartedServer(handlerOn(tb, st, opts))
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv
}

// wsClient is a minimal graphql-transport-ws client for the tests.
type wsClient struct {
	tb testing.TB
	c  *websocket.Conn
}

func dialWS(tb testing.TB, srvURL string, header http.Header, opts *websocket.DialOptions) (*wsClient, *http.Response, error) {
	tb.Helper()
	if opts == nil {
		opts = &websocket.DialOptions{}
	}
	opts.Subprotocols = []string{"graphql-transport-ws"}
	opts.HTTPHeader = header
	ctx, cancel := context.WithTimeout(tb.Context(), 10*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srvURL, "http")+"/graphql", opts)
	if err != nil {
		return nil, resp, err
	}
	c.SetReadLimit(1 << 20)
	tb.Cleanup(func() { c.CloseNow() })
	return &wsClient{tb: tb, c: c}, resp, nil
}

// connect dials and initialises a connection with the init payload.
func connect(tb testing.TB, srvURL string, init map[string]any) *wsClient {
	tb.Helper()
	c, _, err := dialWS(tb, srvURL, nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	c.send(map[string]any{"type": "connection_init", "payload": init})
	if m := c.read(); m.Type != "connection_ack" {
		tb.Fatalf("after connection_init: %+v, want connection_ack", m)
	}
	return c
}

func (c *wsClient) send(msg any) {
	c.tb.Helper()
	data, _ := json.Marshal(msg)
	if err := c.c.Write(c.tb.Context(), websocket.MessageText, data); err != nil {
		c.tb.Fatal(err)
	}
}

func (c *wsClient) subscribe(id, query string) {
	c.tb.Helper()
	c.send(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query}})
}

// readErr reads the next message, or the error that ends the connection.
func (c *wsClient) readErr() (wsMessage, error) {
	ctx, cancel := context.WithTimeout(c.tb.Context(), 10*time.Second)
	defer cancel()
	_, data, err := c.c.Read(ctx)
	if err != nil {
		return wsMessage{}, err
	}
	var m wsMessage
	if err := json.Unmarshal(data, &m); err != nil {
		c.tb.Fatalf("message %s: %v", data, err)
	}
	return m, nil
}

func (c *wsClient) read() wsMessage {
	c.tb.Helper()
	m, err := c.readErr()
	if err != nil {
		c.tb.Fatalf("read: %v", err)
	}
	return m
}

// closeCode reads until the connection ends and returns its close code.
func (c *wsClient) closeCode() websocket.StatusCode {
	c.tb.Helper()
	for {
		if _, err := c.readErr(); err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

// payloadOf decodes a next message's payload.
func payloadOf(tb testing.TB, m wsMessage) map[string]any {
	tb.Helper()
	if m.Type != "next" {
		tb.Fatalf("message %+v (payload %s), want next", m, m.Payload)
	}
	var p map[string]any
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		tb.Fatal(err)
	}
	if p["errors"] != nil {
		tb.Fatalf("next with errors: %s", m.Payload)
	}
	return p["data"].(map[string]any)
}

func errorCode(tb testing.TB, m wsMessage) string {
	tb.Helper()
	if m.Type != "error" {
		tb.Fatalf("message %+v (payload %s), want error", m, m.Payload)
	}
	var errs []struct {
		Extensions struct{ Code string }
	}
	if err := json.Unmarshal(m.Payload, &errs); err != nil || len(errs) == 0 {
		tb.Fatalf("error payload %s: %v", m.Payload, err)
	}
	return errs[0].Extensions.Code
}

func TestWebSocketSubscriptions(t *testing.T) {
	srv := feedServer(t, Options{}, feed.Options{}, nil)
	c := connect(t, srv.URL, nil)
	c.subscribe("s1", `subscription { statusChanged(entity: "india") { id from to relationId claimRemoved claim { stance claimant { id } } relation { status } } }`)
	c.subscribe("c1", `subscription { claimAdded(types: ["operating-from"]) { id relationId stance claimant } }`)
	time.Sleep(100 * time.Millisecond) // both subscriptions are registered
	if status, resp := post(t, srv.URL+"/graphql", "ed-token", denyMutation); status != http.StatusOK || len(resp.Errors) > 0 {
		t.Fatalf("deny: %d %+v", status, resp.Errors)
	}
	got := map[string]map[string]any{}
	for range 2 {
		m := c.read()
		got[m.ID] = payloadOf(t, m)
	}
	var changeID string
	t.Run("statusChanged names both statuses and the denial that caused the change", func(t *testing.T) {
		ev, _ := got["s1"]["statusChanged"].(map[string]any)
		if ev == nil {
			t.Fatalf("no statusChanged: %+v", got)
		}
		changeID, _ = ev["id"].(string)
		want := `{"claim":{"claimant":{"id":"india"},"stance":"DENIES"},"claimRemoved":false,"from":"ALLEGED","id":"` + changeID +
			`","relation":{"status":"DISPUTED"},"relationId":"relation:` + allegedRelation + `","to":"DISPUTED"}`
		if b, _ := json.Marshal(ev); string(b) != want {
			t.Errorf("event\n got  %s\n want %s", b, want)
		}
	})
	t.Run("claimAdded comes first, one id before", func(t *testing.T) {
		ev, _ := got["c1"]["claimAdded"].(map[string]any)
		if ev == nil || ev["stance"] != "DENIES" || ev["claimant"] != "india" {
			t.Fatalf("claimAdded %+v", ev)
		}
		if fmt.Sprint(ev["id"]) == changeID || !lessID(fmt.Sprint(ev["id"]), changeID) {
			t.Errorf("claimAdded id %v, statusChanged id %s", ev["id"], changeID)
		}
	})
	t.Run("a new connection resumes after an id and gets what it missed", func(t *testing.T) {
		before := strings.TrimSpace(fmt.Sprint(got["c1"]["claimAdded"].(map[string]any)["id"]))
		var n uint64
		fmt.Sscan(before, &n)
		r := connect(t, srv.URL, map[string]any{"after": fmt.Sprint(n - 1)})
		r.subscribe("again", `subscription { statusChanged { id to } }`)
		if ev := payloadOf(t, r.read())["statusChanged"].(map[string]any); ev["id"] != changeID || ev["to"] != "DISPUTED" {
			t.Errorf("resumed: %+v", ev)
		}
	})
	t.Run("complete ends a subscription", func(t *testing.T) {
		c.send(map[string]any{"id": "s1", "type": "complete"})
		c.send(map[string]any{"type": "ping"})
		if m := c.read(); m.Type != "pong" {
			t.Errorf("after ping: %+v", m)
		}
	})
	t.Run("a query runs too: one next, then complete", func(t *testing.T) {
		c.subscribe("q1", `{ relation(id: "`+allegedRelation+`") { status } }`)
		if rel := payloadOf(t, c.read())["relation"].(map[string]any); rel["status"] != "DISPUTED" {
			t.Errorf("query: %+v", rel)
		}
		if m := c.read(); m.Type != "complete" || m.ID != "q1" {
			t.Errorf("after the query: %+v", m)
		}
	})
}

func lessID(a, b string) bool {
	var x, y uint64
	fmt.Sscan(a, &x)
	fmt.Sscan(b, &y)
	return x < y
}

// TestWebSocketRefusals checks the protocol's refusals: each ends with the
// close code or error code graphql-transport-ws (or the server's limits)
// name.
func TestWebSocketRefusals(t *testing.T) {
	srv := feedServer(t, Options{RequireAuthForReads: true, MaxSubscriptionsPerConnection: 1}, feed.Options{}, nil)
	reader := map[string]any{"authorization": "Bearer rita-token"}
	for _, tc := range []struct {
		name string
		run  func(t *testing.T) websocket.StatusCode
		want websocket.StatusCode
	}{
		{"no user where reads need one: 4403", func(t *testing.T) websocket.StatusCode {
			c, _, err := dialWS(t, srv.URL, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			c.send(map[string]any{"type": "connection_init"})
			return c.closeCode()
		}, closeForbidden},
		{"a bad token in the payload: 4403", func(t *testing.T) websocket.StatusCode {
			c, _, err := dialWS(t, srv.URL, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			c.send(map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer nobody"}})
			return c.closeCode()
		}, closeForbidden},
		{"subscribe before connection_init: 4401", func(t *testing.T) websocket.StatusCode {
			c, _, err := dialWS(t, srv.URL, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			c.subscribe("1", `subscription { claimAdded { id } }`)
			return c.closeCode()
		}, closeUnauthorized},
		{"a second connection_init: 4429", func(t *testing.T) websocket.StatusCode {
			c := connect(t, srv.URL, reader)
			c.send(map[string]any{"type": "connection_init", "payload": reader})
			return c.closeCode()
		}, closeTooManyInits},
		{"an id in use: 4409", func(t *testing.T) websocket.StatusCode {
			c := connect(t, srv.URL, reader)
			c.subscribe("1", `subscription { claimAdded { id } }`)
			c.subscribe("1", `subscription { claimAdded { id } }`)
			return c.closeCode()
		}, closeSubscriberExists},
		{"not JSON: 4400", func(t *testing.T) websocket.StatusCode {
			c := connect(t, srv.URL, reader)
			c.c.Write(t.Context(), websocket.MessageText, []byte("{"))
			return c.closeCode()
		}, closeBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.run(t); got != tc.want {
				t.Errorf("close code %d, want %d", got, tc.want)
			}
		})
	}
	t.Run("a bad token in the header is refused before the upgrade", func(t *testing.T) {
		_, resp, err := dialWS(t, srv.URL, http.Header{"Authorization": {"Bearer nobody"}}, nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("dial: %v, %+v", err, resp)
		}
	})
	t.Run("errors of one subscription leave the connection open", func(t *testing.T) {
		c := connect(t, srv.URL, reader)
		for _, tc := range []struct{ name, query, code string }{
			{"a bad after", `subscription { claimAdded(after: "x") { id } }`, CodeBadUserInput},
			{"an unknown field", `subscription { nothing { id } }`, CodeValidationFailed},
			{"two fields", `subscription { claimAdded { id } statusChanged { id } }`, CodeBadUserInput},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c.subscribe(tc.name, tc.query)
				if code := errorCode(t, c.read()); code != tc.code {
					t.Errorf("code %s, want %s", code, tc.code)
				}
			})
		}
		t.Run("past the per-connection limit", func(t *testing.T) {
			c.subscribe("one", `subscription { claimAdded { id } }`)
			c.subscribe("two", `subscription { claimAdded { id } }`)
			if code := errorCode(t, c.read()); code != CodeRateLimited {
				t.Errorf("code %s, want %s", code, CodeRateLimited)
			}
		})
	})
	t.Run("a subscription over HTTP is refused", func(t *testing.T) {
		status, resp := post(t, srv.URL+"/graphql", "rita-token", `subscription { claimAdded { id } }`)
		if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != CodeBadUserInput {
			t.Errorf("%d %+v", status, resp.Errors)
		}
	})
}

// TestWebSocketDropsSlowClients fills the socket of a client that does not
// read (small socket buffers on both ends), until the subscription's queue
// of two events is full: the server drops it and closes with 1013 rather
// than buffering more.
func TestWebSocketDropsSlowClients(t *testing.T) {
	small := func(network, address string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = errors.Join(syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF, 4096),
				syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096))
		})
		return errors.Join(err, serr)
	}
	ln, err := (&net.ListenConfig{Control: small}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := feedServer(t, Options{}, feed.Options{Queue: 2}, ln)
	dialer := &net.Dialer{Control: small}
	transport := &http.Transport{DialContext: dialer.DialContext}
	c, _, err := dialWS(t, srv.URL, nil, &websocket.DialOptions{HTTPClient: &http.Client{Transport: transport}})
	if err != nil {
		t.Fatal(err)
	}
	c.send(map[string]any{"type": "connection_init"})
	if m := c.read(); m.Type != "connection_ack" {
		t.Fatal(m)
	}
	// Each event carries the relation's quotes: a few hundred bytes.
	c.subscribe("s", `subscription { claimAdded { id relation { claims { quote source { title } } } } }`)
	time.Sleep(100 * time.Millisecond)
	h := srv.Config.Handler.(*Handler)
	for i := 0; h.opts.Feed.Subscriptions() > 0; i++ {
		if i == 2000 {
			t.Fatal("2000 events did not fill the socket")
		}
		m := fmt.Sprintf(`mutation { addClaim(relation: "%s", claim: {id: "c-%d", source: "src-86013d487e35f14f", claimant: "pakistan", stance: ASSERTS, quote: "%s"}) { id } }`,
			allegedRelation, i, strings.Repeat("word ", 40))
		if status, resp := post(t, srv.URL+"/graphql", "ed-token", m); status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("write %d: %d %+v", i, status, resp.Errors)
		}
	}
	if code := c.closeCode(); code != closeTooSlow {
		t.Errorf("close code %d, want %d (try again later)", code, closeTooSlow)
	}
}

func TestWebSocketEntityEvents(t *testing.T) {
	srv := feedServer(t, Options{}, feed.Options{}, nil)
	c := connect(t, srv.URL, nil)
	c.subscribe("m", `subscription { entityMerged(entity: "ttp") { entity intoId into { id name } by } }`)
	c.subscribe("d", `subscription { entityDeleted { entity statements by } }`)
	c.subscribe("s", `subscription { statusChanged(entity: "ttp") { relationId } }`)
	time.Sleep(100 * time.Millisecond) // the subscriptions are registered
	for _, w := range []struct{ token, mutation string }{
		{"ed-token", `mutation { mergeEntities(keep: "ttp", merge: ["bla"]) { id } }`},
		{"ada-token", `mutation { deleteEntity(id: "ttp", cascade: true) { statements } }`},
	} {
		if status, resp := post(t, srv.URL+"/graphql", w.token, w.mutation); status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("%s: %d %+v", w.mutation, status, resp.Errors)
		}
	}
	got := map[string]string{}
	statusChanges := 0
	for len(got) < 2 {
		m := c.read()
		if m.ID == "s" {
			statusChanges++
			continue
		}
		b, _ := json.Marshal(payloadOf(t, m))
		got[m.ID] = string(b)
	}
	if want := `{"entityMerged":{"by":"ed","entity":"bla","into":{"id":"ttp","name":"Tehrik-e-Taliban Pakistan"},"intoId":"ttp"}}`; got["m"] != want {
		t.Errorf("entityMerged\n got  %s\n want %s", got["m"], want)
	}
	var del struct {
		EntityDeleted struct {
			Entity, By string
			Statements int
		}
	}
	json.Unmarshal([]byte(got["d"]), &del)
	if d := del.EntityDeleted; d.Entity != "ttp" || d.By != "ada" || d.Statements == 0 {
		t.Errorf("entityDeleted %s", got["d"])
	}
	for statusChanges < del.EntityDeleted.Statements {
		if m := c.read(); m.ID == "s" {
			statusChanges++
		}
	}
}
