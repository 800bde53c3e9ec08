package schema

import (
	"bytes"
	"context"
	"crypto/subtle"
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
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/claimgraph/claimgraph/graph"
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
	// their own) in the selected operation with fragments expanded,
	// checked before the full validation, which is quadratic in it
	// (default 1000; GraphiQL's introspection query has about 200).
	MaxFields int
	// Timeout bounds the execution of one request; the request context,
	// and with it every store read, is cancelled when it runs out
	// (default 10s).
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
	if l.MaxFields <= 0 {
		l.MaxFields = 1000
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
	// Token is the bearer token that authorises mutations; with none,
	// mutations are refused and reads stay open.
	Token string
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
	// ResultCacheBytes bounds the response cache (see results.go; default
	// 64 MiB; negative turns it off). It is used only on a store that
	// implements graph.Versioned.
	ResultCacheBytes int64
}

// ImportRequest is one import through the API.
type ImportRequest struct {
	// Format is "yaml", "csv" or "nquads" (see package seed); with a
	// Mapping, "nquads" or "jsonld" read through it.
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
	if o.MaxImportBytes <= 0 {
		o.MaxImportBytes = 256 << 20
	}
	if o.ResultCacheBytes == 0 {
		o.ResultCacheBytes = 64 << 20
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

// Response is a GraphQL response.
type Response struct {
	// Data is the result, its keys in the order the query asked for them;
	// absent when the request failed before execution.
	Data   json.RawMessage            `json:"data,omitempty"`
	Errors []gqlerrors.FormattedError `json:"errors,omitempty"`
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
	errs        []gqlerrors.FormattedError
}

// Do runs one request and returns its response. A request error (bad
// document, failed validation) gives a response with errors and no data,
// and ok false. Mutations need a context from Trusted.
func (h *Handler) Do(ctx context.Context, req Request) (resp Response, ok bool) {
	b := h.current(ctx)
	c, rerr := h.prepare(b, req, false)
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
	if h.results == nil || c.op.Operation != ast.OperationTypeQuery {
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
	if len(resp.Errors) == 0 {
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
// graphql-go safe: nesting check, parse, fragment-cycle check alone,
// depth, field-count and introspection checks, then the full validation.
// Documents that pass are cached. With queryOnly (a GET), an operation
// other than a query is refused as soon as it is known, before
// validation.
func (h *Handler) prepare(b *built, req Request, queryOnly bool) (*cached, *requestError) {
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
	if n := bracketNesting(req.Query); n > h.opts.MaxNesting {
		return nil, badRequest(CodeParseFailed, fmt.Sprintf("the query nests %d levels deep; the limit is %d", n, h.opts.MaxNesting))
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: asciiComments(req.Query), Name: "GraphQL request"})})
	if err != nil {
		fe := gqlerrors.FormatError(err)
		fe.Extensions = map[string]any{"code": CodeParseFailed}
		return nil, &requestError{errs: []gqlerrors.FormattedError{fe}}
	}
	if res := graphql.ValidateDocument(&b.schema, doc, []graphql.ValidationRuleFn{graphql.NoFragmentCyclesRule}); !res.IsValid {
		return nil, validationFailed(res.Errors)
	}
	op, opErr := operation(doc, req.OperationName)
	if opErr != nil {
		return nil, opErr
	}
	if queryOnly && op.Operation != ast.OperationTypeQuery {
		return nil, &requestError{getMutation: op.Operation}
	}
	w := newWalker(doc, h.opts.MaxFields)
	w.walk(op.GetSelectionSet(), 0)
	switch {
	case w.fields > h.opts.MaxFields:
		return nil, badRequest(CodeValidationFailed, fmt.Sprintf("the query selects more than %d fields; the limit is %d", h.opts.MaxFields, h.opts.MaxFields))
	case w.depth > h.opts.MaxDepth:
		return nil, badRequest(CodeValidationFailed, fmt.Sprintf("the query selects %d levels deep; the limit is %d", w.depth, h.opts.MaxDepth))
	case w.introspection && h.opts.NoIntrospection:
		return nil, badRequest(CodeValidationFailed, "introspection is disabled on this server")
	}
	if res := graphql.ValidateDocument(&b.schema, doc, graphql.SpecifiedRules); !res.IsValid {
		return nil, validationFailed(res.Errors)
	}
	c := &cached{key: key, doc: doc, op: op}
	b.docs.put(c)
	return c, nil
}

func (h *Handler) execute(ctx context.Context, b *built, req Request, c *cached) Response {
	ctx, cancel := context.WithTimeout(ctx, h.opts.Timeout)
	defer cancel()
	select {
	case h.turns <- struct{}{}:
		defer func() { <-h.turns }()
	case <-ctx.Done():
		return Response{Data: json.RawMessage("null"), Errors: []gqlerrors.FormattedError{{
			Message:    fmt.Sprintf("the server is busy: no turn to run this request within its time budget (limit %s, %d at once)", h.opts.Timeout, h.opts.MaxConcurrent),
			Extensions: map[string]any{"code": CodeServiceUnavailable}}}}
	}
	res := graphql.Execute(graphql.ExecuteParams{
		Schema:        b.schema,
		AST:           c.doc,
		OperationName: req.OperationName,
		Args:          req.Variables,
		Context:       withLoader(ctx, h.store, h.opts.MaxResultItems),
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
	for i, e := range resp.Errors {
		if e.Extensions == nil {
			// Errors graphql-go raises itself (bad variable values, …).
			resp.Errors[i].Extensions = map[string]any{"code": CodeBadUserInput}
		}
	}
	return resp
}

// authorize tells what the request may write: Authorization: Bearer with
// the configured token, compared in constant time.
func (h *Handler) authorize(r *http.Request) auth {
	if h.opts.Token == "" {
		return noToken
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if ok && strings.EqualFold(scheme, "Bearer") &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(h.opts.Token)) == 1 {
		return authorized
	}
	return badToken
}

// Media types of GraphQL over HTTP.
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// ServeHTTP implements GraphQL over HTTP: POST with a JSON body, or GET with
// the request in the URL query (queries only).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		http.Error(w, "not acceptable: this endpoint answers application/graphql-response+json or application/json", http.StatusNotAcceptable)
		return
	}
	// A request whose exact bytes were answered before under the present
	// schema and store generation is answered again before it is even
	// decoded: the cache holds only validated queries' results.
	ctx := withAuth(r.Context(), h.authorize(r))
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
				if err := json.Unmarshal([]byte(v), p.into); err != nil {
					writeRequestError(w, media, malformedRequest(p.name+" must be a JSON object"))
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
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&req); err != nil {
			writeRequestError(w, media, malformedRequest("the body is not a GraphQL request in JSON: "+err.Error()))
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}

	c, rerr := h.prepare(b, req, r.Method != http.MethodPost)
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
	if len(resp.Errors) > 0 {
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
	if e.malformed || media == mediaGraphQLResponse {
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

func validationFailed(errs []gqlerrors.FormattedError) *requestError {
	for i := range errs {
		errs[i].Extensions = map[string]any{"code": CodeValidationFailed}
	}
	return &requestError{errs: errs}
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

// walker measures the selected operation with fragments expanded: its
// depth, its number of fields, and whether it introspects. It runs after
// the fragment-cycle check, and stops counting once past maxFields, so
// that fragments spread many times over cannot make it slow.
type walker struct {
	frags         map[string]*ast.FragmentDefinition
	max           int
	fields        int
	depth         int
	introspection bool
}

func newWalker(doc *ast.Document, maxFields int) *walker {
	w := &walker{frags: map[string]*ast.FragmentDefinition{}, max: maxFields}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok {
			w.frags[f.Name.Value] = f
		}
	}
	return w
}

func (w *walker) walk(set *ast.SelectionSet, depth int) {
	if set == nil {
		return
	}
	for _, sel := range set.Selections {
		if w.fields > w.max {
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			w.fields++
			if n := s.Name.Value; n == "__schema" || n == "__type" {
				w.introspection = true
			}
			w.depth = max(w.depth, depth+1)
			w.walk(s.SelectionSet, depth+1)
		case *ast.InlineFragment:
			w.fields++ // spreads count too, so that a chain of them is bounded
			w.walk(s.SelectionSet, depth)
		case *ast.FragmentSpread:
			w.fields++
			if f := w.frags[s.Name.Value]; f != nil {
				w.walk(f.SelectionSet, depth)
			}
		}
	}
}

func fragment(doc *ast.Document, name string) *ast.FragmentDefinition {
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name.Value == name {
			return f
		}
	}
	return nil
}

// asciiComments returns the document with every non-ASCII byte inside a
// # comment replaced by a space. graphql-go v0.8.1 miscounts multi-byte
// characters in comments and then fails to parse what follows ("# India —
// TTP" before a named operation); comments carry no meaning, and the byte
// offsets, so error locations, stay the same. Strings are left alone.
func asciiComments(q string) []byte {
	b := []byte(q)
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '#':
			for ; i < len(b) && b[i] != '\n'; i++ {
				if b[i] >= 0x80 {
					b[i] = ' '
				}
			}
		case '"':
			if strings.HasPrefix(q[i:], `"""`) {
				end := strings.Index(q[i+3:], `"""`)
				if end < 0 {
					return b
				}
				i += end + 5
				continue
			}
			for i++; i < len(b) && b[i] != '"' && b[i] != '\n'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		}
	}
	return b
}

// bracketNesting returns the deepest nesting of { ( [ in a GraphQL
// document, skipping strings and comments, without parsing it.
func bracketNesting(q string) int {
	depth, max := 0, 0
	for i := 0; i < len(q); i++ {
		switch c := q[i]; c {
		case '#':
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case '"':
			if strings.HasPrefix(q[i:], `"""`) {
				end := strings.Index(q[i+3:], `"""`)
				if end < 0 {
					return max
				}
				i += end + 5
				continue
			}
			for i++; i < len(q) && q[i] != '"' && q[i] != '\n'; i++ {
				if q[i] == '\\' {
					i++
				}
			}
		case '{', '(', '[':
			depth++
			if depth > max {
				max = depth
			}
		case '}', ')', ']':
			depth--
		}
	}
	return max
}
