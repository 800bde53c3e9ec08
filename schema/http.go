package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/graph/feed"
)

// Limits bound what one request may ask for. Zero fields take the defaults.
type Limits struct {
	// MaxBodyBytes caps the size of a request body, and of the query of a
	// GET (default 1 MiB).
	MaxBodyBytes int64
	// MaxDepth caps the nesting of selections, fragments expanded
	// (default 20; GraphiQL's introspection query needs 13).
	MaxDepth int
	// MaxNesting caps the bracket nesting of the raw document, checked
	// before parsing (default 64).
	MaxNesting int
	// MaxFields caps the number of fields (aliases count as fields of
	// their own, and fragment spreads count too) in the document, every
	// operation and fragment with fragments expanded, checked before the
	// full validation, which is quadratic in it (default 1000; GraphiQL's
	// introspection query counts 468).
	MaxFields int
	// MaxFieldPairs caps the pairs of fields that share a response name
	// in one selection set, fragments merged in, counted over the
	// document: graphql-go's validation compares each such pair, and
	// their selections in turn (default 10000).
	MaxFieldPairs int
	// MaxTokens caps the tokens of the raw document, counted before
	// parsing (default 15000; GraphiQL's introspection query has 160).
	MaxTokens int
	// MaxOperations and MaxFragments cap the operations and fragment
	// definitions of a document (default 100 each).
	MaxOperations, MaxFragments int
	// MaxVariables caps the variable definitions of one operation
	// (default 100), MaxDocumentVariables those of the whole document,
	// and also the uses of variables in it (default 1000 each).
	MaxVariables, MaxDocumentVariables int
	// MaxArguments caps the arguments of one field or directive (default
	// 50), MaxDocumentArguments those of the whole document (default
	// 1000).
	MaxArguments, MaxDocumentArguments int
	// MaxDirectives caps the directives of a document (default 100).
	MaxDirectives int
	// MaxErrors caps the errors of one response (default 100); validation
	// stops once it has found more. MaxErrorBytes caps the size of their
	// messages (default 64 KiB). A last error says how many were left
	// out.
	MaxErrors, MaxErrorBytes int
	// Timeout bounds one request, its checks and its execution; the
	// request context, and with it the validation and every store read,
	// is cancelled when it runs out (default 10s).
	Timeout time.Duration
	// MaxResultItems caps the entities and relations one request's result
	// may hold (default 50,000; the two-hop of a prolific actor of the
	// movie data holds about 2,000): the memory of a request follows the
	// size of its result.
	MaxResultItems int
	// MaxConcurrent caps the requests executed at once (default four per
	// core); others wait for a turn within their time budget, then get
	// SERVICE_UNAVAILABLE. Answers from the response cache do not wait.
	MaxConcurrent int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = 1 << 20
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 20
	}
	if l.MaxNesting <= 0 {
		l.MaxNesting = 64
	}
	for _, d := range []struct {
		field *int
		def   int
	}{
		{&l.MaxFields, 1000}, {&l.MaxFieldPairs, 10000}, {&l.MaxTokens, 15000},
		{&l.MaxOperations, 100}, {&l.MaxFragments, 100},
		{&l.MaxVariables, 100}, {&l.MaxDocumentVariables, 1000},
		{&l.MaxArguments, 50}, {&l.MaxDocumentArguments, 1000},
		{&l.MaxDirectives, 100}, {&l.MaxErrors, 100}, {&l.MaxErrorBytes, 64 << 10},
	} {
		if *d.field <= 0 {
			*d.field = d.def
		}
	}
	if l.Timeout <= 0 {
		l.Timeout = 10 * time.Second
	}
	if l.MaxResultItems <= 0 {
		l.MaxResultItems = 50_000
	}
	if l.MaxConcurrent <= 0 {
		l.MaxConcurrent = 4 * runtime.GOMAXPROCS(0)
	}
	return l
}

// Options configure a Handler. Zero fields take the defaults.
type Options struct {
	Limits
	// Token is a bearer token that acts as one admin named "admin"; with
	// neither it nor Users nor HeaderAuth, writes are refused and reads stay
	// open.
	Token string
	// Users are the users known by their bearer tokens (see auth.go); the
	// table may be replaced while the handler serves.
	Users *Users
	// HeaderAuth, when set, takes the user from a header set by a trusted
	// single-sign-on proxy.
	HeaderAuth *HeaderAuth
	// RequireAuthForReads refuses queries from anonymous requests.
	RequireAuthForReads bool
	// AuthFailureBurst and AuthFailureRefill rate-limit bad bearer tokens
	// per client address: an address may send AuthFailureBurst of them,
	// then one per AuthFailureRefill (defaults 10 and 6s).
	AuthFailureBurst  int
	AuthFailureRefill time.Duration
	// NoIntrospection refuses queries of __schema and __type.
	NoIntrospection bool
	// OntologyCheck is how often, at most, a request checks the store's
	// ontology version and rebuilds the schema when it changed (default
	// 1s). Other processes may change the ontology of a shared store, so
	// the check asks the store; between checks the schema may lag by this
	// much.
	OntologyCheck time.Duration
	// CacheSize bounds the cache of parsed and validated documents
	// (default 1000 documents; negative turns it off).
	CacheSize int
	// Import reads facts in a file format into the store, all or nothing;
	// it serves the importFacts mutation and POST /import. Without it both
	// answer that imports are not available.
	Import Importer
	// MaxImportBytes caps the body of POST /import (default 256 MiB).
	MaxImportBytes int64
	// ImportIdle is the longest POST /import may go without receiving a
	// byte of its body (default 30s): a slow but steady upload goes on, a
	// stalled one is answered 408.
	ImportIdle time.Duration
	// ResultCacheBytes bounds the response cache (see results.go; default
	// 64 MiB; negative turns it off). It is used only on a store that
	// implements graph.Versioned.
	ResultCacheBytes int64
	// Feed serves subscriptions over WebSocket (see ws.go); without it a
	// subscription is answered SERVICE_UNAVAILABLE.
	Feed *feed.Hub
	// MaxWebSockets caps the WebSocket connections open at once (default
	// 10,000), MaxSubscriptionsPerConnection the subscriptions of one
	// (default 100).
	MaxWebSockets, MaxSubscriptionsPerConnection int
	// WebSocketOrigins are the host patterns (example.org, *.example.org)
	// of other origins whose pages may open a WebSocket; pages of the
	// server's own origin, and clients that send no Origin, always may.
	WebSocketOrigins []string
}

// ImportRequest is one import through the API.
type ImportRequest struct {
	// Format is "yaml", "json", "csv" or "nquads" (see package seed);
	// with a Mapping, "nquads" or "jsonld" read through it; "" has the
	// importer tell it from the content.
	Format string
	// Name names the input in error positions.
	Name string
	// Body is the input, gzip-compressed or not.
	Body io.Reader
	// Mapping, when not empty, is an ontology mapping file (see
	// seed/examples/movie-mapping.yaml), named MappingName in error
	// positions: the input is RDF read through it, as one bulk import.
	Mapping     []byte
	MappingName string
	// DryRun only checks and counts.
	DryRun bool
	// Files, when not empty, are several fact files (YAML or CSV, each
	// named with its extension) imported together as one change, as seed
	// loads the files it is given; Body is then nil.
	Files []ImportFile
}

// ImportFile is one fact file of an import of several.
type ImportFile struct {
	Name string
	Data []byte
}

// Importer reads an import into the store as one change, or with DryRun
// only checks and counts it. A bad input is an Invalid *graph.Error whose
// message lists every problem as NAME:LINE:COL: message, one per line.
type Importer func(ctx context.Context, req ImportRequest) (graph.Summary, error)

func (o Options) withDefaults() Options {
	o.Limits = o.Limits.withDefaults()
	if o.OntologyCheck <= 0 {
		o.OntologyCheck = time.Second
	}
	if o.CacheSize == 0 {
		o.CacheSize = 1000
	}
	if o.ImportIdle <= 0 {
		o.ImportIdle = 30 * time.Second
	}
	if o.MaxImportBytes <= 0 {
		o.MaxImportBytes = 256 << 20
	}
	if o.ResultCacheBytes == 0 {
		o.ResultCacheBytes = 64 << 20
	}
	if o.AuthFailureBurst <= 0 {
		o.AuthFailureBurst = 10
	}
	if o.AuthFailureRefill <= 0 {
		o.AuthFailureRefill = 6 * time.Second
	}
	if o.MaxWebSockets <= 0 {
		o.MaxWebSockets = 10_000
	}
	if o.MaxSubscriptionsPerConnection <= 0 {
		o.MaxSubscriptionsPerConnection = 100
	}
	return o
}

// Handler serves GraphQL over HTTP on a Store. The schema is generated from
// the store's ontology and rebuilt when the store's ontology version
// changes (see Options.OntologyCheck and Reload).
type Handler struct {
	store graph.Store
	log   *slog.Logger
	opts  Options

	mu      sync.RWMutex
	cur     *built
	checked time.Time // when the ontology version was last read

	reloading sync.Mutex

	// results is the response cache, nil when off; versioned is the store
	// as graph.Versioned.
	results   *resultCache
	versioned graph.Versioned

	// turns admits Limits.MaxConcurrent executions at once (see execute).
	turns chan struct{}
	// single holds Options.Token as a one-user table; failures limits bad
	// tokens per address, and the counters count them.
	single       *Users
	failures     *failureLimiter
	authFailures atomic.Uint64
	rateLimited  atomic.Uint64

	ws wsState // WebSocket connections (ws.go)
}

// built is one generated schema with the version it was built from and
// its document cache.
type built struct {
	schema  graphql.Schema
	version string
	docs    *docCache
}

// NewHandler builds the schema from st's ontology and returns the handler.
func NewHandler(ctx context.Context, st graph.Store, log *slog.Logger, opts Options) (*Handler, error) {
	h := &Handler{store: st, log: log, opts: opts.withDefaults()}
	h.turns = make(chan struct{}, h.opts.MaxConcurrent)
	h.failures = newFailureLimiter(h.opts.AuthFailureBurst, h.opts.AuthFailureRefill)
	if h.opts.Token != "" {
		single, err := NewUsers([]User{{Name: "admin", Role: RoleAdmin.String(), SHA256: TokenDigest(h.opts.Token)}})
		if err != nil {
			return nil, err
		}
		h.single = single
	}
	if v, ok := st.(graph.Versioned); ok && h.opts.ResultCacheBytes > 0 {
		h.results, h.versioned = newResultCache(h.opts.ResultCacheBytes), v
	}
	if err := h.Reload(ctx); err != nil {
		return nil, err
	}
	return h, nil
}

// Reload regenerates the schema from the store's current ontology.
func (h *Handler) Reload(ctx context.Context) error {
	h.reloading.Lock()
	defer h.reloading.Unlock()
	return h.reload(ctx)
}

// reload rebuilds the schema; the caller holds h.reloading. The version
// is read before the ontology, so a change racing the rebuild makes the
// next check rebuild again rather than be missed.
func (h *Handler) reload(ctx context.Context) error {
	version, err := h.store.OntologyVersion(ctx)
	if err != nil {
		return err
	}
	ont, err := h.store.Ontology(ctx)
	if err != nil {
		return err
	}
	var imp Importer
	if h.opts.Import != nil {
		imp = h.importNow
	}
	s, err := build(ont, h.store, h.log, imp)
	if err != nil {
		return err
	}
	b := &built{schema: s, version: version, docs: newDocCache(h.opts.CacheSize)}
	h.mu.Lock()
	h.cur, h.checked = b, time.Now()
	h.mu.Unlock()
	return nil
}

// current returns the schema to serve a request with. At most once per
// Options.OntologyCheck it reads the store's ontology version and rebuilds
// the schema when it changed; requests meanwhile keep the schema they
// have, and a failed check keeps the old schema (and is logged).
func (h *Handler) current(ctx context.Context) *built {
	h.mu.RLock()
	b, due := h.cur, time.Since(h.checked) >= h.opts.OntologyCheck
	h.mu.RUnlock()
	if !due || !h.reloading.TryLock() {
		return b
	}
	defer h.reloading.Unlock()
	version, err := h.store.OntologyVersion(ctx)
	if err != nil {
		h.log.WarnContext(ctx, "check ontology version", "err", err)
		return b
	}
	if version == b.version {
		h.mu.Lock()
		h.checked = time.Now()
		h.mu.Unlock()
		return b
	}
	if err := h.reload(ctx); err != nil {
		h.log.ErrorContext(ctx, "rebuild schema after an ontology change", "err", err)
		return b
	}
	h.log.InfoContext(ctx, "schema rebuilt: the ontology changed", "version", version)
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.cur
}

// importNow runs the configured importer and, when it wrote, rebuilds the
// schema at once if the import changed the ontology: the importing client's
// next query sees the new types, without waiting for the periodic check.
func (h *Handler) importNow(ctx context.Context, req ImportRequest) (graph.Summary, error) {
	sum, err := h.opts.Import(ctx, req)
	if err != nil || req.DryRun {
		return sum, err
	}
	h.reloading.Lock()
	defer h.reloading.Unlock()
	version, verr := h.store.OntologyVersion(ctx)
	h.mu.RLock()
	same := h.cur != nil && h.cur.version == version
	h.mu.RUnlock()
	if verr == nil && !same {
		if rerr := h.reload(ctx); rerr != nil {
			h.log.ErrorContext(ctx, "rebuild schema after an import", "err", rerr)
		}
	}
	return sum, nil
}

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

// Do runs one request and returns its response. A request error (bad
// document, failed validation) gives a response with errors and no data,
// and ok false. Mutations need a context from Trusted or WithPrincipal.
func (h *Handler) Do(ctx context.Context, req Request) (resp Response, ok bool) {
	ctx, cancel := context.WithTimeout(ctx, h.opts.Timeout)
	defer cancel()
	b := h.current(ctx)
	c, rerr := h.prepare(ctx, b, req, false)
	if rerr == nil && c.op.Operation == ast.OperationTypeSubscription {
		rerr = errSubscriptionOverHTTP
	}
	if rerr != nil {
		return Response{Errors: rerr.errs}, false
	}
	return h.run(ctx, b, req, c), true
}

// run answers a prepared request from the response cache, or executes it
// and caches an error-free query result.
func (h *Handler) run(ctx context.Context, b *built, req Request, c *cached) Response {
	return h.runKeyed(ctx, b, req, c, "", "")
}

// runKeyed is run with the cache key and generation of a lookup made
// before the request was decoded (see ServeHTTP), or none ("").
func (h *Handler) runKeyed(ctx context.Context, b *built, req Request, c *cached, key, gen string) Response {
	if h.results == nil || c.op.Operation != ast.OperationTypeQuery || c.private {
		return h.execute(ctx, b, req, c)
	}
	if key == "" {
		k, ok := resultKey(b.version+"\x00"+c.key, req.Variables)
		if !ok {
			return h.execute(ctx, b, req, c)
		}
		g, data, hit := h.lookup(ctx, k)
		if hit {
			return Response{Data: data}
		}
		key, gen = k, g
	}
	if gen == "" {
		return h.execute(ctx, b, req, c) // the generation could not be read
	}
	resp := h.execute(ctx, b, req, c)
	if len(resp.Errors) == 0 && resp.Extensions == nil {
		h.results.put(gen, key, resp.Data)
	}
	return resp
}

// lookup returns the store's generation and the result cached for key
// under it. gen is "" when the generation cannot be read.
func (h *Handler) lookup(ctx context.Context, key string) (gen string, data json.RawMessage, hit bool) {
	gen, err := h.versioned.Generation(ctx)
	if err != nil {
		return "", nil, false
	}
	data, hit = h.results.get(gen, key)
	return gen, data, hit
}

// ResultCacheStats returns the state of the response cache; zero when it
// is off.
func (h *Handler) ResultCacheStats() ResultCacheStats {
	if h.results == nil {
		return ResultCacheStats{}
	}
	c := h.results
	c.mu.Lock()
	defer c.mu.Unlock()
	return ResultCacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Entries: c.order.Len(), Bytes: c.bytes}
}

// prepare parses and validates a request, in the order that keeps
// graphql-go safe and its work linear in the request (see document.go):
// token and nesting counts, parse, counts of the document's parts,
// fragment-cycle check, field, field-pair, depth and introspection checks,
// then the full validation, which stops when ctx ends. Documents that
// pass are cached. With queryOnly (a GET), an operation other than a query
// is refused as soon as it is known, before validation.
func (h *Handler) prepare(ctx context.Context, b *built, req Request, queryOnly bool) (*cached, *requestError) {
	if strings.TrimSpace(req.Query) == "" {
		return nil, malformedRequest("the request has no query")
	}
	key := cacheKey(req)
	if c, ok := b.docs.get(key); ok {
		if queryOnly && c.op.Operation != ast.OperationTypeQuery {
			return nil, &requestError{getMutation: c.op.Operation}
		}
		return c, nil
	}
	size, body := scanDocument(req.Query)
	switch {
	case size.nesting > h.opts.MaxNesting:
		return nil, badRequest(CodeParseFailed, fmt.Sprintf("the query nests %d levels deep; the limit is %d", size.nesting, h.opts.MaxNesting))
	case size.tokens > h.opts.MaxTokens:
		return nil, badRequest(CodeParseFailed, fmt.Sprintf("the query has %d tokens; the limit is %d", size.tokens, h.opts.MaxTokens))
	}
	// Without its source in the document, an error's location costs
	// nothing: graphql-go would scan the whole text for each one.
	doc, err := parser.Parse(parser.ParseParams{
		Source:  source.NewSource(&source.Source{Body: body, Name: "GraphQL request"}),
		Options: parser.ParseOptions{NoSource: true},
	})
	if err != nil {
		fe := gqlerrors.FormatError(err)
		fe.Extensions = map[string]any{"code": CodeParseFailed}
		return nil, &requestError{errs: []gqlerrors.FormattedError{fe}}
	}
	if rerr := measureDocument(doc).check(h.opts.Limits); rerr != nil {
		return nil, rerr
	}
	if errs := fragmentCycle(doc); errs != nil {
		return nil, h.validationFailed(req.Query, errs, false)
	}
	op, opErr := operation(doc, req.OperationName)
	if opErr != nil {
		return nil, opErr
	}
	if queryOnly && op.Operation != ast.OperationTypeQuery {
		return nil, &requestError{getMutation: op.Operation}
	}
	w := newWalker(doc, h.opts.MaxFields)
	w.document(doc)
	switch {
	case w.fields > h.opts.MaxFields:
		return nil, badRequest(CodeValidationFailed, fmt.Sprintf("the document selects more than %d fields; the limit is %d", h.opts.MaxFields, h.opts.MaxFields))
	case w.pairs > h.opts.MaxFieldPairs:
		return nil, badRequest(CodeValidationFailed, fmt.Sprintf("the document has %d pairs of fields that share a response name, fragments merged in; the limit is %d", w.pairs, h.opts.MaxFieldPairs))
	case w.depth > h.opts.MaxDepth:
		return nil, badRequest(CodeValidationFailed, fmt.Sprintf("the query selects %d levels deep; the limit is %d", w.depth, h.opts.MaxDepth))
	case w.introspection && h.opts.NoIntrospection:
		return nil, badRequest(CodeValidationFailed, "introspection is disabled on this server")
	}
	if ctx.Err() != nil {
		return nil, h.cancelled(ctx)
	}
	res := graphql.ValidateDocument(&b.schema, doc, guardRules(ctx, graphql.SpecifiedRules, h.opts.MaxErrors))
	if ctx.Err() != nil {
		return nil, h.cancelled(ctx) // the validation may have stopped short
	}
	if !res.IsValid {
		return nil, h.validationFailed(req.Query, res.Errors, len(res.Errors) > h.opts.MaxErrors)
	}
	c := &cached{key: key, doc: doc, op: op, private: w.private}
	b.docs.put(c)
	return c, nil
}

// cancelled is the request error of a request whose context ended before
// it was checked: its time budget ran out, or its client went away.
func (h *Handler) cancelled(ctx context.Context) *requestError {
	ce := toClient(ctx, h.log, ctx.Err()).(*clientError)
	return &requestError{status: http.StatusServiceUnavailable, errs: []gqlerrors.FormattedError{{
		Message: fmt.Sprintf("%s (limit %s)", ce.msg, h.opts.Timeout), Extensions: ce.Extensions()}}}
}

// execute runs a prepared request under ctx, which carries the request's
// time budget.
func (h *Handler) execute(ctx context.Context, b *built, req Request, c *cached) Response {
	return h.executeOn(ctx, b, req, c, nil)
}

// executeOn is execute with a root value (a subscription's event).
func (h *Handler) executeOn(ctx context.Context, b *built, req Request, c *cached, root any) Response {
	select {
	case h.turns <- struct{}{}:
		defer func() { <-h.turns }()
	case <-ctx.Done():
		return Response{Data: json.RawMessage("null"), Errors: []gqlerrors.FormattedError{{
			Message:    fmt.Sprintf("the server is busy: no turn to run this request within its time budget (limit %s, %d at once)", h.opts.Timeout, h.opts.MaxConcurrent),
			Extensions: map[string]any{"code": CodeServiceUnavailable}}}}
	}
	ectx, redirects := withRedirects(withLoader(ctx, h.store, h.opts.MaxResultItems))
	res := graphql.Execute(graphql.ExecuteParams{
		Schema:        b.schema,
		AST:           c.doc,
		OperationName: req.OperationName,
		Args:          req.Variables,
		Root:          root,
		Context:       ectx,
	})
	if err := ctx.Err(); err != nil {
		// graphql-go returns as soon as the context ends, while its
		// resolvers stop at their next store read.
		ce := toClient(ctx, h.log, err).(*clientError)
		return Response{Data: json.RawMessage("null"), Errors: []gqlerrors.FormattedError{{
			Message: fmt.Sprintf("%s (limit %s)", ce.msg, h.opts.Timeout), Extensions: ce.Extensions()}}}
	}
	resp := Response{Data: json.RawMessage("null"), Errors: res.Errors}
	if res.Data != nil {
		data, err := orderedData(c.doc, c.op, res.Data)
		if err != nil {
			h.log.ErrorContext(ctx, "encode result", "err", err)
			return Response{Data: resp.Data, Errors: []gqlerrors.FormattedError{{Message: "internal error", Extensions: map[string]any{"code": CodeInternal}}}}
		}
		resp.Data = data
	}
	redirects.mu.Lock()
	if len(redirects.list) > 0 {
		resp.Extensions = map[string]any{"redirects": redirects.list}
	}
	redirects.mu.Unlock()
	for i, e := range resp.Errors {
		if e.Extensions == nil {
			// Errors graphql-go raises itself (bad variable values, …).
			resp.Errors[i].Extensions = map[string]any{"code": CodeBadUserInput}
		}
	}
	if len(resp.Errors) > 0 {
		locate(req.Query, resp.Errors)
		resp.Errors = limitErrors(resp.Errors, h.opts.MaxErrors, h.opts.MaxErrorBytes, false)
	}
	return resp
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

// answerCached writes the cached response to the request whose method and
// raw bytes (the body of a POST, the query string of a GET) are given, if
// there is one, and reports whether it did; otherwise it sets key and gen
// for the request's run. With the cache off it does nothing.
func (h *Handler) answerCached(w http.ResponseWriter, ctx context.Context, b *built, media, method string, raw []byte, key, gen *string) bool {
	if h.results == nil {
		return false
	}
	k := b.version + "\x00\x01" + method + "\x00" + string(raw) // \x01: no operation name holds it
	g, data, hit := h.lookup(ctx, k)
	if hit {
		writeResponse(w, media, Response{Data: data})
		return true
	}
	*key, *gen = k, g
	return false
}

// writeResponse writes an executed request's response with status 200. An
// error-free one is written as it stands: its data is JSON already.
func writeResponse(w http.ResponseWriter, media string, resp Response) {
	if len(resp.Errors) > 0 || resp.Extensions != nil {
		writeJSON(w, media, http.StatusOK, resp)
		return
	}
	buf := make([]byte, 0, len(resp.Data)+10)
	buf = append(buf, `{"data":`...)
	buf = append(buf, resp.Data...)
	buf = append(buf, "}\n"...)
	// With its length known, the body goes out in one piece, not chunked.
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(buf)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf)
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

// validationFailed is the request error of a document that failed
// validation, its errors located in query and limited; stoppedEarly tells
// that the validation stopped before the end.
func (h *Handler) validationFailed(query string, errs []gqlerrors.FormattedError, stoppedEarly bool) *requestError {
	for i := range errs {
		errs[i].Extensions = map[string]any{"code": CodeValidationFailed}
	}
	locate(query, errs)
	return &requestError{errs: limitErrors(errs, h.opts.MaxErrors, h.opts.MaxErrorBytes, stoppedEarly)}
}

// operation picks the operation to run.
func operation(doc *ast.Document, name string) (*ast.OperationDefinition, *requestError) {
	var found *ast.OperationDefinition
	count := 0
	for _, d := range doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		count++
		if name == "" || (op.Name != nil && op.Name.Value == name) {
			found = op
		}
	}
	switch {
	case name == "" && count > 1:
		return nil, badRequest(CodeBadUserInput, "the document has several operations: name one with operationName")
	case found == nil && name != "":
		return nil, badRequest(CodeBadUserInput, fmt.Sprintf("no operation named %q", name))
	case found == nil:
		return nil, badRequest(CodeBadUserInput, "the document has no operation")
	}
	return found, nil
}
