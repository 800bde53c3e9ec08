package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
)

// Request is a GraphQL request as the GraphQL-over-HTTP specification
// defines its JSON body.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
	Extensions    map[string]any `json:"extensions,omitempty"`
}

// decodeJSON decodes data, one JSON value and nothing after it, into v.
// Unlike json.Unmarshal it refuses an object that has a key twice, at any
// depth: which of the two a decoder keeps is not defined, so such a request
// means nothing for sure.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		keys    map[string]bool // nil in an array
		wantKey bool
	}
	var stack []frame
	value := func() { // a value ended: the object it is in wants a key next
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			stack[n-1].wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			break // a syntax error, which json.Unmarshal reports below
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{keys: map[string]bool{}, wantKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				value()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].wantKey {
				if stack[n-1].keys[t] {
					return fmt.Errorf("the key %q appears twice in one object", t)
				}
				stack[n-1].keys[t], stack[n-1].wantKey = true, false
				continue
			}
			value()
		default:
			value()
		}
		if len(stack) == 0 {
			break // the top-level value ended; json.Unmarshal refuses what follows
		}
	}
	return json.Unmarshal(data, v)
}

// Response is a GraphQL response.
type Response struct {
	// Data is the result, its keys in the order the query asked for them;
	// absent when the request failed before execution.
	Data   json.RawMessage            `json:"data,omitempty"`
	Errors []gqlerrors.FormattedError `json:"errors,omitempty"`
	// Extensions holds "redirects", the merged ids the request named and
	// the entities that answered for them, when there are any.
	Extensions map[string]any `json:"extensions,omitempty"`
}

// requestError is a problem with a request as a whole, found before
// execution: it gets no data key in the response.
type requestError struct {
	// malformed is set when the HTTP request is not a GraphQL request at
	// all (no query, a body that is not JSON): a 400 whatever the media
	// type. A document that fails parsing or validation is a 400 under
	// application/graphql-response+json and a 200 under application/json,
	// as the GraphQL-over-HTTP specification says.
	malformed bool
	// getMutation names the operation type of a non-query sent with GET:
	// a 405.
	getMutation string
	// status, when set, is the HTTP status whatever the media type: 503
	// for a request whose time ran out before it was checked.
	status int
	errs   []gqlerrors.FormattedError
}

type badTokenKey struct{}

// authorize finds who r acts for (see authenticate) and returns r's
// context acting for them; with ok false it has answered r itself: 429 for
// an address that sent too many bad tokens, 401 for bad credentials, and
// for no credentials where reads need them.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request, media string) (context.Context, bool) {
	c := h.authenticate(r)
	refuse := func(status int, code, msg string) (context.Context, bool) {
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="claimgraph"`)
		}
		writeJSON(w, media, status, Response{Errors: []gqlerrors.FormattedError{{Message: msg, Extensions: map[string]any{"code": code}}}})
		return nil, false
	}
	switch {
	case c.retryAfter > 0:
		w.Header().Set("Retry-After", retryAfterSeconds(c.retryAfter))
		return refuse(http.StatusTooManyRequests, CodeRateLimited, "too many bad tokens from this address; try again later")
	case c.failed && h.opts.RequireAuthForReads:
		return refuse(http.StatusUnauthorized, CodeUnauthenticated, "the bearer token is no user's")
	case c.p.Role == RoleNone && h.opts.RequireAuthForReads:
		return refuse(http.StatusUnauthorized, CodeUnauthenticated, "this server needs a user for every request: send Authorization: Bearer TOKEN")
	case c.failed:
		// Reads are open: the request reads as anonymous, and its writes
		// are refused UNAUTHENTICATED, saying why.
		return context.WithValue(WithPrincipal(r.Context(), Principal{}), badTokenKey{}, true), true
	}
	return WithPrincipal(r.Context(), c.p), true
}

// Media types of GraphQL over HTTP.
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// ServeHTTP implements GraphQL over HTTP: POST with a JSON body, or GET with
// the request in the URL query (queries only).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isWebSocket(r) {
		h.serveWebSocket(w, r)
		return
	}
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		http.Error(w, "not acceptable: this endpoint answers application/graphql-response+json or application/json", http.StatusNotAcceptable)
		return
	}
	// A request whose exact bytes were answered before under the present
	// schema and store generation is answered again before it is even
	// decoded: the cache holds only validated queries' results.
	ctx, ok := h.authorize(w, r, media)
	if !ok {
		return
	}
	// The time budget covers the whole request, its checks included; the
	// request context also ends when the client goes away.
	ctx, cancel := context.WithTimeout(ctx, h.opts.Timeout)
	defer cancel()
	b := h.current(ctx)
	var req Request
	var key, gen string
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if h.answerCached(w, ctx, b, media, http.MethodGet, []byte(r.URL.RawQuery), &key, &gen) {
			return
		}
		q := r.URL.Query()
		req.Query = q.Get("query")
		if int64(len(req.Query)) > h.opts.MaxBodyBytes {
			http.Error(w, fmt.Sprintf("query longer than %d bytes", h.opts.MaxBodyBytes), http.StatusRequestURITooLong)
			return
		}
		req.OperationName = q.Get("operationName")
		for _, p := range []struct {
			name string
			into *map[string]any
		}{{"variables", &req.Variables}, {"extensions", &req.Extensions}} {
			if v := q.Get(p.name); v != "" {
				if err := decodeJSON([]byte(v), p.into); err != nil {
					writeRequestError(w, media, malformedRequest(p.name+" must be a JSON object: "+err.Error()))
					return
				}
			}
		}
	case http.MethodPost:
		ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || ct != mediaJSON {
			http.Error(w, "unsupported media type: send application/json", http.StatusUnsupportedMediaType)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBodyBytes))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			http.Error(w, fmt.Sprintf("request body larger than %d bytes", h.opts.MaxBodyBytes), http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			http.Error(w, "reading the request body failed: "+err.Error(), http.StatusBadRequest)
			return
		}
		if h.answerCached(w, ctx, b, media, http.MethodPost, body, &key, &gen) {
			return
		}
		if err := decodeJSON(body, &req); err != nil {
			writeRequestError(w, media, malformedRequest("the body is not a GraphQL request in JSON: "+err.Error()))
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}

	c, rerr := h.prepare(ctx, b, req, r.Method != http.MethodPost)
	if rerr == nil && c.op.Operation == ast.OperationTypeSubscription {
		rerr = errSubscriptionOverHTTP
	}
	if rerr != nil {
		writeRequestError(w, media, rerr)
		return
	}
	writeResponse(w, media, h.runKeyed(ctx, b, req, c, key, gen))
}

// writeResponse writes an executed request's response with status 200. An
// error-free one is written as it stands: its data is JSON already.
func writeResponse(w http.ResponseWriter, media string, resp Response) {
	if len(resp.Errors) > 0 || resp.Extensions != nil {
		writeJSON(w, media, http.StatusOK, resp)
		return
	}
	const prefix, suffix = `{"data":`, "}\n"
	// With its length known, the body goes out in one piece, not chunked,
	// and the result is written as it is, not copied into a body first.
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(prefix)+len(resp.Data)+len(suffix)))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, prefix)
	_, _ = w.Write(resp.Data)
	_, _ = io.WriteString(w, suffix)
}

// negotiate picks the response media type from an Accept header.
func negotiate(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	best, bestQ := "", -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		var candidate string
		switch mt {
		case mediaGraphQLResponse:
			candidate = mediaGraphQLResponse
		case mediaJSON:
			candidate = mediaJSON
		case "application/*", "*/*":
			// GraphQL over HTTP: a client that accepts anything gets
			// application/json, which every client understands.
			candidate = mediaJSON
		default:
			continue
		}
		if q > bestQ || (q == bestQ && candidate == mediaGraphQLResponse) {
			best, bestQ = candidate, q
		}
	}
	return best, best != "" && bestQ > 0
}

func writeRequestError(w http.ResponseWriter, media string, e *requestError) {
	if e.getMutation != "" {
		w.Header().Set("Allow", "POST")
		http.Error(w, "only queries may be sent with GET; send "+e.getMutation+"s with POST", http.StatusMethodNotAllowed)
		return
	}
	status := http.StatusOK
	switch {
	case e.status != 0:
		status = e.status
	case e.malformed || media == mediaGraphQLResponse:
		status = http.StatusBadRequest
	}
	writeJSON(w, media, status, Response{Errors: e.errs})
}

func writeJSON(w http.ResponseWriter, media string, status int, v any) {
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func badRequest(code, msg string) *requestError {
	return &requestError{errs: []gqlerrors.FormattedError{{
		Message: msg, Extensions: map[string]any{"code": code},
	}}}
}

func malformedRequest(msg string) *requestError {
	e := badRequest(CodeBadUserInput, msg)
	e.malformed = true
	return e
}
