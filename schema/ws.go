package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/feed"
)

// GraphQL over WebSocket, the graphql-transport-ws protocol of the
// graphql-ws library (which current GraphiQL speaks too): a GET of
// /graphql that asks to upgrade to a WebSocket with that subprotocol. The
// client sends connection_init (its payload may carry "authorization":
// "Bearer TOKEN", for browsers, which cannot set headers on a WebSocket,
// and "after": an event id that subscriptions without their own after:
// resume from), then subscribe messages; each subscription's events come
// as next messages, each the result of the subscription's selection on the
// event. Queries and mutations sent this way get one next and a complete.
//
// Limits: Options.MaxSubscriptionsPerConnection per connection (past it the
// subscribe gets an error message, RATE_LIMITED), the hub's cap in all
// (SERVICE_UNAVAILABLE), Options.MaxWebSockets connections (an HTTP 503
// before the upgrade). A connection whose client does not read fast enough
// — a subscription whose queue of unsent events fills, or a write that
// does not finish within the request time budget — is closed with 1013
// (try again later): the client reconnects and resumes after the last id
// it got, instead of the server buffering for it without bound.

// errSubscriptionOverHTTP answers a subscription sent over HTTP.
var errSubscriptionOverHTTP = badRequest(CodeBadUserInput,
	"subscriptions run over a WebSocket on /graphql with the graphql-transport-ws protocol (the graphql-ws client speaks it), not over HTTP")

// wsProtocol is the subprotocol served.
const wsProtocol = "graphql-transport-ws"

// Close codes of graphql-transport-ws, and 1013 for a client too slow.
const (
	closeBadRequest       websocket.StatusCode = 4400
	closeUnauthorized     websocket.StatusCode = 4401
	closeForbidden        websocket.StatusCode = 4403
	closeSubprotocol      websocket.StatusCode = 4406
	closeInitTimeout      websocket.StatusCode = 4408
	closeSubscriberExists websocket.StatusCode = 4409
	closeTooManyInits     websocket.StatusCode = 4429
	closeTooSlow                               = websocket.StatusTryAgainLater // 1013
)

// wsInitTimeout is how long a connection may go without connection_init.
const wsInitTimeout = 10 * time.Second

// wsState is the handler's WebSocket bookkeeping.
type wsState struct {
	mu    sync.Mutex
	conns int
	memo  payloadMemo
}

// isWebSocket reports whether r asks to upgrade to a WebSocket.
func isWebSocket(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// serveWebSocket serves one WebSocket connection of graphql-transport-ws.
func (h *Handler) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	creds := h.authenticate(r)
	switch {
	case creds.retryAfter > 0:
		w.Header().Set("Retry-After", retryAfterSeconds(creds.retryAfter))
		http.Error(w, "too many bad tokens from this address; try again later", http.StatusTooManyRequests)
		return
	case creds.failed:
		w.Header().Set("WWW-Authenticate", `Bearer realm="claimgraph"`)
		http.Error(w, "the bearer token is no user's", http.StatusUnauthorized)
		return
	}
	h.ws.mu.Lock()
	if h.ws.conns >= h.opts.MaxWebSockets {
		h.ws.mu.Unlock()
		http.Error(w, fmt.Sprintf("the server has %d WebSocket connections open, its limit; try again later", h.opts.MaxWebSockets), http.StatusServiceUnavailable)
		return
	}
	h.ws.conns++
	h.ws.mu.Unlock()
	defer func() {
		h.ws.mu.Lock()
		h.ws.conns--
		h.ws.mu.Unlock()
	}()
	// The server's read and write deadlines are for requests, not for a
	// connection that lasts.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	cw := &corkingWriter{ResponseWriter: w, rc: rc}
	conn, err := websocket.Accept(cw, r, &websocket.AcceptOptions{
		Subprotocols:   []string{wsProtocol},
		OriginPatterns: h.opts.WebSocketOrigins,
	})
	if err != nil {
		h.log.InfoContext(r.Context(), "refused a WebSocket upgrade", "err", err)
		return
	}
	if conn.Subprotocol() != wsProtocol {
		conn.Close(closeSubprotocol, "Subprotocol not acceptable: use "+wsProtocol)
		return
	}
	conn.SetReadLimit(h.opts.MaxBodyBytes)
	c := &wsConn{h: h, conn: conn, raw: cw.conn, req: r, p: creds.p, subs: map[string]context.CancelFunc{}}
	c.serve(r.Context())
}

// wsConn is one connection.
type wsConn struct {
	h    *Handler
	conn *websocket.Conn
	raw  *corkConn // the connection below conn
	req  *http.Request

	// wmu makes a batch of messages (writeBatch) one write of raw.
	wmu sync.Mutex

	mu     sync.Mutex
	p      Principal
	inited bool
	acked  bool
	after  *uint64 // from connection_init
	subs   map[string]context.CancelFunc
	closed bool
}

// wsMessage is a message of the protocol.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func (c *wsConn) serve(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		t := time.NewTimer(wsInitTimeout)
		defer t.Stop()
		select {
		case <-t.C:
			c.mu.Lock()
			acked := c.acked
			c.mu.Unlock()
			if !acked {
				c.close(closeInitTimeout, "Connection initialisation timeout")
			}
		case <-ctx.Done():
		}
	}()
	for {
		typ, data, err := c.conn.Read(ctx)
		if err != nil {
			return
		}
		var msg wsMessage
		if typ != websocket.MessageText || json.Unmarshal(data, &msg) != nil || msg.Type == "" {
			c.close(closeBadRequest, "Invalid message received")
			return
		}
		switch msg.Type {
		case "connection_init":
			if !c.init(msg.Payload) {
				return
			}
		case "ping":
			c.write(ctx, []byte(`{"type":"pong"}`))
		case "pong":
		case "subscribe":
			if !c.subscribe(ctx, msg) {
				return
			}
		case "complete":
			c.mu.Lock()
			if stop, ok := c.subs[msg.ID]; ok {
				stop()
				delete(c.subs, msg.ID)
			}
			c.mu.Unlock()
		default:
			c.close(closeBadRequest, "Invalid message received: unknown type "+strconv.Quote(msg.Type))
			return
		}
	}
}

// init handles connection_init; it reports false when it closed the
// connection.
func (c *wsConn) init(payload json.RawMessage) bool {
	c.mu.Lock()
	seen := c.inited
	c.inited = true
	c.mu.Unlock()
	if seen {
		c.close(closeTooManyInits, "Too many initialisation requests")
		return false
	}
	var init map[string]any
	if len(payload) > 0 && string(payload) != "null" {
		if err := json.Unmarshal(payload, &init); err != nil {
			c.close(closeBadRequest, "Invalid message received: the connection_init payload must be an object")
			return false
		}
	}
	p := c.p
	auth, _ := init["authorization"].(string)
	if auth == "" {
		auth, _ = init["Authorization"].(string)
	}
	if auth != "" {
		r := c.req.Clone(c.req.Context())
		r.Header.Set("Authorization", auth)
		creds := c.h.authenticate(r)
		switch {
		case creds.retryAfter > 0:
			c.close(closeForbidden, "Forbidden: too many bad tokens from this address; try again later")
			return false
		case creds.failed:
			c.close(closeForbidden, "Forbidden: the bearer token is no user's")
			return false
		}
		p = creds.p
	}
	if p.Role == RoleNone && c.h.opts.RequireAuthForReads {
		c.close(closeForbidden, `Forbidden: this server needs a user for every request: send {"authorization": "Bearer TOKEN"} in the connection_init payload`)
		return false
	}
	var after *uint64
	if v, ok := init["after"]; ok {
		n, err := strconv.ParseUint(fmt.Sprint(v), 10, 64)
		if err != nil {
			c.close(closeBadRequest, "Invalid message received: after must be an event id")
			return false
		}
		after = &n
	}
	c.mu.Lock()
	c.p, c.after, c.acked = p, after, true
	c.mu.Unlock()
	c.write(context.Background(), []byte(`{"type":"connection_ack"}`))
	return true
}

// subscribe starts the operation of a subscribe message; it reports false
// when it closed the connection.
func (c *wsConn) subscribe(ctx context.Context, msg wsMessage) bool {
	c.mu.Lock()
	acked := c.acked
	_, exists := c.subs[msg.ID]
	n := len(c.subs)
	c.mu.Unlock()
	switch {
	case !acked:
		c.close(closeUnauthorized, "Unauthorized")
		return false
	case msg.ID == "":
		c.close(closeBadRequest, "Invalid message received: subscribe needs an id")
		return false
	case exists:
		c.close(closeSubscriberExists, "Subscriber for "+msg.ID+" already exists")
		return false
	case n >= c.h.opts.MaxSubscriptionsPerConnection:
		c.sendErrors(ctx, msg.ID, []gqlerrors.FormattedError{{
			Message:    fmt.Sprintf("this connection has %d subscriptions open, its limit; complete one first", c.h.opts.MaxSubscriptionsPerConnection),
			Extensions: map[string]any{"code": CodeRateLimited}}})
		return true
	}
	sctx, stop := context.WithCancel(ctx)
	c.mu.Lock()
	c.subs[msg.ID] = stop
	p := c.p
	c.mu.Unlock()
	go func() {
		defer func() {
			stop()
			c.forget(msg.ID)
		}()
		c.operation(WithPrincipal(sctx, p), msg.ID, msg.Payload)
	}()
	return true
}

// forget removes the operation id from those running, before the message
// that ends it is sent: the client may reuse the id once it has that
// message.
func (c *wsConn) forget(id string) {
	c.mu.Lock()
	delete(c.subs, id)
	c.mu.Unlock()
}

// operation runs one subscribe message's operation until it ends or ctx
// does.
func (c *wsConn) operation(ctx context.Context, id string, payload json.RawMessage) {
	h := c.h
	var req Request
	if err := decodeJSON(payload, &req); err != nil {
		c.sendErrors(ctx, id, []gqlerrors.FormattedError{{Message: "the subscribe payload is not a GraphQL request: " + err.Error(), Extensions: map[string]any{"code": CodeBadUserInput}}})
		return
	}
	pctx, cancel := context.WithTimeout(ctx, h.opts.Timeout)
	b := h.current(pctx)
	cq, rerr := h.prepare(pctx, b, req, false)
	if rerr != nil {
		cancel()
		c.sendErrors(ctx, id, rerr.errs)
		return
	}
	if cq.op.Operation != ast.OperationTypeSubscription {
		resp := h.run(pctx, b, req, cq)
		cancel()
		if c.next(ctx, id, mustJSON(resp)) {
			c.forget(id)
			c.write(ctx, []byte(`{"id":`+strconv.Quote(id)+`,"type":"complete"}`))
		}
		return
	}
	sub, err := c.start(pctx, b, req, cq)
	cancel()
	if err != nil {
		c.sendErrors(ctx, id, []gqlerrors.FormattedError{clientFormatted(ctx, h, err)})
		return
	}
	defer sub.Close()
	payloadOf := h.eventPayloads(ctx, b, req, cq)
	var events []*graph.ChangeEvent
	var batch wsBatch
	var sent time.Time
	pause := time.NewTimer(0)
	defer pause.Stop()
	for {
		// At most one write per FeedFlushInterval: what arrives meanwhile
		// waits for the next.
		if wait := h.opts.FeedFlushInterval - time.Since(sent); wait > 0 {
			pause.Reset(wait)
			select {
			case <-pause.C:
			case <-ctx.Done():
				return
			}
		}
		events, err = sub.NextBatch(ctx, events[:0], wsBatchEvents)
		switch {
		case errors.Is(err, feed.ErrTooSlow):
			c.close(closeTooSlow, fmt.Sprintf("too slow: more than %d events waited to be sent; reconnect and resume after the last event id", h.opts.Feed.QueueSize()))
			return
		case errors.Is(err, feed.ErrClosed):
			c.forget(id)
			c.write(ctx, []byte(`{"id":`+strconv.Quote(id)+`,"type":"complete"}`))
			return
		case err != nil && ctx.Err() != nil:
			return // completed by the client, or the connection ended
		case err != nil:
			c.sendErrors(ctx, id, []gqlerrors.FormattedError{clientFormatted(ctx, h, err)})
			return
		}
		// The events waiting go out together: one message each, as the
		// protocol wants, but in one write to the socket.
		batch.reset()
		for _, e := range events {
			batch.next(id, payloadOf(e))
		}
		clear(events)
		if !c.writeBatch(ctx, &batch) {
			return
		}
		sent = time.Now()
	}
}

// wsBatchEvents is the most events one subscription sends in one write.
const wsBatchEvents = 256

// wsBatch is the messages of one write: their bytes end to end, and where
// each ends. Its buffers are reused from one write to the next.
type wsBatch struct {
	data []byte
	ends []int
}

func (b *wsBatch) reset() {
	if cap(b.data) > 1<<20 {
		b.data = nil // a burst of large messages does not stay allocated
	}
	b.data, b.ends = b.data[:0], b.ends[:0]
}

// next adds the next message of the operation id with payload.
func (b *wsBatch) next(id string, payload []byte) {
	b.data = append(b.data, `{"id":`...)
	b.data = strconv.AppendQuote(b.data, id)
	b.data = append(b.data, `,"type":"next","payload":`...)
	b.data = append(b.data, payload...)
	b.data = append(b.data, '}')
	b.ends = append(b.ends, len(b.data))
}

// start reads the subscription's field and arguments (an execution whose
// root records them) and subscribes to the hub.
func (c *wsConn) start(ctx context.Context, b *built, req Request, cq *cached) (*feed.Subscription, error) {
	h := c.h
	if h.opts.Feed == nil {
		return nil, graph.Errorf(graph.Unavailable, "this server has no change feed")
	}
	if sel := cq.op.SelectionSet.Selections; len(sel) != 1 {
		return nil, badInput("a subscription selects exactly one field")
	} else if _, ok := sel[0].(*ast.Field); !ok {
		return nil, badInput("a subscription selects exactly one field, not a fragment")
	}
	setup := &subscribeSetup{}
	res := graphql.Execute(graphql.ExecuteParams{Schema: b.schema, AST: cq.doc, OperationName: req.OperationName,
		Args: req.Variables, Root: setup, Context: ctx})
	field, args := setup.recorded()
	if field == "" {
		msg := "the subscription could not start"
		if len(res.Errors) > 0 {
			msg = res.Errors[0].Message
		}
		return nil, badInput(msg)
	}
	filter, after, err := subscriptionFilter(field, args)
	if err != nil {
		return nil, err
	}
	if after == nil {
		c.mu.Lock()
		after = c.after
		c.mu.Unlock()
	}
	return h.opts.Feed.Subscribe(ctx, after, filter)
}

// next sends one result; it reports false when the connection is done.
func (c *wsConn) next(ctx context.Context, id string, payload []byte) bool {
	msg := make([]byte, 0, len(payload)+len(id)+40)
	msg = append(msg, `{"id":`...)
	msg = strconv.AppendQuote(msg, id)
	msg = append(msg, `,"type":"next","payload":`...)
	msg = append(msg, payload...)
	msg = append(msg, '}')
	return c.write(ctx, msg)
}

func (c *wsConn) sendErrors(ctx context.Context, id string, errs []gqlerrors.FormattedError) {
	c.forget(id)
	data, _ := json.Marshal(wsMessage{ID: id, Type: "error", Payload: mustJSON(errs)})
	c.write(ctx, data)
}

// write sends a message within the request time budget; a client that
// does not take it by then is too slow, and the connection is closed.
func (c *wsConn) write(ctx context.Context, data []byte) bool {
	wctx, cancel := context.WithTimeout(ctx, c.h.opts.Timeout)
	defer cancel()
	err := c.conn.Write(wctx, websocket.MessageText, data)
	if err != nil && ctx.Err() == nil && wctx.Err() != nil {
		c.close(closeTooSlow, "too slow: a message was not taken within "+c.h.opts.Timeout.String())
	}
	return err == nil
}

// writeBatch sends the messages of b, each a frame of its own, in one
// write to the socket, which must take them within the request time
// budget; a client that does not is too slow, and the connection is
// closed. It reports false when the connection is done.
func (c *wsConn) writeBatch(ctx context.Context, b *wsBatch) bool {
	if c.raw == nil {
		start := 0
		for _, end := range b.ends {
			if !c.write(ctx, b.data[start:end]) {
				return false
			}
			start = end
		}
		return true
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.raw.cork()
	start := 0
	for _, end := range b.ends {
		// Corked, the frames only fill a buffer: nothing waits here.
		if err := c.conn.Write(context.Background(), websocket.MessageText, b.data[start:end]); err != nil {
			c.raw.uncork(time.Time{}, false)
			return false
		}
		start = end
	}
	err := c.raw.uncork(time.Now().Add(c.h.opts.Timeout), true)
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, os.ErrDeadlineExceeded) {
			// Part of a frame may have gone out: no close frame can
			// follow it, so the connection is cut.
			c.h.log.InfoContext(ctx, "closing a WebSocket too slow to take its messages", "timeout", c.h.opts.Timeout)
		}
		c.conn.CloseNow()
		return false
	}
	return true
}

func (c *wsConn) close(code websocket.StatusCode, reason string) {
	c.mu.Lock()
	done := c.closed
	c.closed = true
	c.mu.Unlock()
	if !done {
		if len(reason) > 120 { // a close frame holds 123 bytes of reason
			reason = reason[:120]
		}
		_ = c.conn.Close(code, reason)
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`)
	}
	return b
}

// clientFormatted maps err for a client (see toClient).
func clientFormatted(ctx context.Context, h *Handler, err error) gqlerrors.FormattedError {
	ce := toClient(ctx, h.log, err).(*clientError)
	return gqlerrors.FormattedError{Message: ce.msg, Extensions: ce.Extensions()}
}

// eventPayloads returns the function that gives the payload of the next
// message that delivers an event to a subscription: the result of its
// selection on the event. Subscriptions of one document, variables and
// role share it, computed once per event.
func (h *Handler) eventPayloads(ctx context.Context, b *built, req Request, cq *cached) func(*graph.ChangeEvent) []byte {
	doc, ok := resultKey(b.version+"\x00"+cq.key, req.Variables)
	if !ok {
		return func(e *graph.ChangeEvent) []byte { return h.executeEvent(ctx, b, req, cq, e) }
	}
	role := PrincipalFrom(ctx).Role
	// Computed for every subscriber alike: one that leaves meanwhile must
	// not cancel it for the others.
	shared := context.WithoutCancel(ctx)
	return func(e *graph.ChangeEvent) []byte {
		return h.ws.memo.get(memoKey{doc: doc, event: e.ID, role: role}, func() []byte { return h.executeEvent(shared, b, req, cq, e) })
	}
}

func (h *Handler) executeEvent(ctx context.Context, b *built, req Request, cq *cached, e *graph.ChangeEvent) []byte {
	ctx, cancel := context.WithTimeout(ctx, h.opts.Timeout)
	defer cancel()
	return mustJSON(h.executeOn(ctx, b, req, cq, e))
}

// payloadMemo keeps the payloads of recent events, computed once each.
type payloadMemo struct {
	mu    sync.Mutex
	m     map[memoKey]*memoEntry
	order []memoKey
}

// memoKey names a payload: the document and variables, the event and the
// role the selection ran for.
type memoKey struct {
	doc   string
	event uint64
	role  Role
}

type memoEntry struct {
	once sync.Once
	data []byte
}

// memoSize is how many payloads the memo keeps, at least (at most twice
// as many).
const memoSize = 4096

func (m *payloadMemo) get(key memoKey, compute func() []byte) []byte {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[memoKey]*memoEntry{}
	}
	e, ok := m.m[key]
	if !ok {
		e = &memoEntry{}
		m.m[key] = e
		m.order = append(m.order, key)
		if len(m.order) >= 2*memoSize {
			for _, k := range m.order[:memoSize] {
				delete(m.m, k)
			}
			m.order = append([]memoKey(nil), m.order[memoSize:]...)
		}
	}
	m.mu.Unlock()
	e.once.Do(func() { e.data = compute() })
	return e.data
}
