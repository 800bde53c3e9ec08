package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
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
	cw := &hijackRecorder{ResponseWriter: w, rc: rc}
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
	raw  net.Conn // the connection below conn
	req  *http.Request

	// wmu is held by each write of a message, through conn or raw, so
	// that the frames written to raw never fall inside the library's.
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
	payloads := h.eventPayloads(ctx, b, req, cq)
	defer payloads.release()
	prefix := nextPrefix(id)
	var events []*graph.ChangeEvent
	var batch wsBatch
	for {
		// The hub hands out events at most once per its interval: those
		// waiting go out together.
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
		// One message each, as the protocol wants, but in one write to
		// the socket.
		batch.reset()
		batch.payloads = payloads.get(events, batch.payloads[:0], &batch.scratch)
		for _, p := range batch.payloads {
			batch.next(prefix, p)
		}
		clear(events)
		if !c.writeBatch(ctx, &batch) {
			return
		}
	}
}

// wsBatchEvents is the most events one subscription sends in one write.
const wsBatchEvents = 256

// wsBatch is the messages of one write: their frames end to end, and
// where each message's bytes start and end. Its buffers are reused from
// one write to the next.
type wsBatch struct {
	frames   []byte
	msgs     [][2]int
	payloads [][]byte
	scratch  payloadScratch
}

func (b *wsBatch) reset() {
	if cap(b.frames) > 1<<20 {
		b.frames = nil // a burst of large messages does not stay allocated
	}
	b.frames, b.msgs = b.frames[:0], b.msgs[:0]
	clear(b.payloads)
}

// next adds the message that starts with prefix (nextPrefix) and carries
// payload.
func (b *wsBatch) next(prefix, payload []byte) {
	b.frames = appendTextFrame(b.frames, len(prefix)+len(payload)+1)
	start := len(b.frames)
	b.frames = append(b.frames, prefix...)
	b.frames = append(b.frames, payload...)
	b.frames = append(b.frames, '}')
	b.msgs = append(b.msgs, [2]int{start, len(b.frames)})
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
	c.wmu.Lock()
	err := c.conn.Write(wctx, websocket.MessageText, data)
	c.wmu.Unlock()
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
		for _, m := range b.msgs {
			if !c.write(ctx, b.frames[m[0]:m[1]]) {
				return false
			}
		}
		return true
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return false // no frame may follow a close frame
	}
	err := c.raw.SetWriteDeadline(time.Now().Add(c.h.opts.Timeout))
	if err == nil {
		_, err = c.raw.Write(b.frames)
	}
	if err == nil {
		err = c.raw.SetWriteDeadline(time.Time{})
	}
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
		// No write of a batch is under way: it would finish after the close frame.
		c.wmu.Lock()
		_ = c.conn.Close(code, reason)
		c.wmu.Unlock()
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

// eventPayloads returns the payloads of the messages that deliver events
// to a subscription: the result of its selection on each event.
// Subscriptions of one document, variables and role share them, computed
// once per event; the caller releases what it returns when its
// subscription ends.
func (h *Handler) eventPayloads(ctx context.Context, b *built, req Request, cq *cached) *payloadGroup {
	doc, ok := resultKey(b.version+"\x00"+cq.key, req.Variables)
	if !ok {
		return &payloadGroup{compute: func(e *graph.ChangeEvent) []byte { return h.executeEvent(ctx, b, req, cq, e) }}
	}
	// Computed for every subscriber alike: one that leaves meanwhile must
	// not cancel it for the others.
	shared := context.WithoutCancel(ctx)
	return h.ws.memo.group(groupKey{doc: doc, role: PrincipalFrom(ctx).Role},
		func(e *graph.ChangeEvent) []byte { return h.executeEvent(shared, b, req, cq, e) })
}

func (h *Handler) executeEvent(ctx context.Context, b *built, req Request, cq *cached, e *graph.ChangeEvent) []byte {
	ctx, cancel := context.WithTimeout(ctx, h.opts.Timeout)
	defer cancel()
	return mustJSON(h.executeOn(ctx, b, req, cq, e))
}

// payloadMemo keeps the payloads of recent events, computed once each for
// each group of subscriptions that share them. It keeps memoSize payloads
// at least, twice as many at most, over all groups.
type payloadMemo struct {
	mu     sync.Mutex
	groups map[groupKey]*payloadGroup
	order  []memoRef // the payloads kept, oldest first
}

// groupKey names a group of subscriptions whose payloads are the same:
// the document and variables, and the role the selection runs for.
type groupKey struct {
	doc  string
	role Role
}

// memoRef names a payload kept.
type memoRef struct {
	g     *payloadGroup
	event uint64
}

// memoSize is how many payloads the memo keeps, at least.
const memoSize = 4096

// group returns the group of key, computing its payloads with compute
// when it is new, and counts one more user of it.
func (m *payloadMemo) group(key groupKey, compute func(*graph.ChangeEvent) []byte) *payloadGroup {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.groups == nil {
		m.groups = map[groupKey]*payloadGroup{}
	}
	g, ok := m.groups[key]
	if !ok {
		g = &payloadGroup{memo: m, key: key, compute: compute, m: map[uint64]*memoEntry{}}
		m.groups[key] = g
	}
	g.users++
	return g
}

// kept records the payloads of events just added to g, and drops the
// oldest payloads past the memo's bound.
func (m *payloadMemo) kept(g *payloadGroup, events []uint64) {
	m.mu.Lock()
	for _, id := range events {
		m.order = append(m.order, memoRef{g, id})
	}
	var drop []memoRef
	if len(m.order) >= 2*memoSize {
		drop = append(drop, m.order[:memoSize]...)
		m.order = append(m.order[:0], m.order[memoSize:]...)
	}
	m.mu.Unlock()
	for _, r := range drop {
		r.g.mu.Lock()
		delete(r.g.m, r.event)
		r.g.mu.Unlock()
	}
}

// payloadGroup is the payloads of a group of subscriptions.
type payloadGroup struct {
	memo    *payloadMemo // nil: nothing is kept, each payload is computed
	key     groupKey
	compute func(*graph.ChangeEvent) []byte

	mu sync.Mutex
	m  map[uint64]*memoEntry

	users int // under memo.mu
}

type memoEntry struct {
	once sync.Once
	data []byte
}

// payloadScratch is a subscription's buffers for payloadGroup.get,
// reused from one call to the next.
type payloadScratch struct {
	entries []*memoEntry
	added   []uint64
}

// get appends the payloads of events to dst, in order, and returns dst:
// those of events new to the group are computed once, outside its lock,
// by the first subscription that asks for them.
func (g *payloadGroup) get(events []*graph.ChangeEvent, dst [][]byte, sc *payloadScratch) [][]byte {
	if g.memo == nil {
		for _, e := range events {
			dst = append(dst, g.compute(e))
		}
		return dst
	}
	sc.entries, sc.added = sc.entries[:0], sc.added[:0]
	g.mu.Lock()
	for _, e := range events {
		me, ok := g.m[e.ID]
		if !ok {
			me = &memoEntry{}
			g.m[e.ID] = me
			sc.added = append(sc.added, e.ID)
		}
		sc.entries = append(sc.entries, me)
	}
	g.mu.Unlock()
	if len(sc.added) > 0 {
		g.memo.kept(g, sc.added)
	}
	for i, me := range sc.entries {
		me.once.Do(func() { me.data = g.compute(events[i]) })
		dst = append(dst, me.data)
	}
	clear(sc.entries)
	return dst
}

// release counts one user of g less; the last one's leaving forgets it.
func (g *payloadGroup) release() {
	m := g.memo
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	g.users--
	if g.users == 0 && m.groups[g.key] == g {
		delete(m.groups, g.key)
	}
}
