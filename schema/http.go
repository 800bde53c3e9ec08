package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/claimgraph/claimgraph/graph"
)

// Limits bound what one request may ask for. Zero fields take the defaults.
type Limits struct {
	// MaxBodyBytes caps the size of a request body (default 1 MiB).
	MaxBodyBytes int64
	// MaxDepth caps the nesting of selections, fragments expanded
	// (default 20; GraphiQL's introspection query needs 13).
	MaxDepth int
	// MaxNesting caps the bracket nesting of the raw document, checked
	// before parsing (default 64).
	MaxNesting int
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
	return l
}

// Handler serves GraphQL over HTTP on a Store. The schema is generated from
// the store's ontology; call Reload after the ontology changes.
type Handler struct {
	store  graph.Store
	log    *slog.Logger
	limits Limits

	mu     sync.RWMutex
	schema graphql.Schema
}

// NewHandler builds the schema from st's ontology and returns the handler.
func NewHandler(ctx context.Context, st graph.Store, log *slog.Logger, limits Limits) (*Handler, error) {
	h := &Handler{store: st, log: log, limits: limits.withDefaults()}
	if err := h.Reload(ctx); err != nil {
		return nil, err
	}
	return h, nil
}

// Reload regenerates the schema from the store's current ontology.
func (h *Handler) Reload(ctx context.Context) error {
	ont, err := h.store.Ontology(ctx)
	if err != nil {
		return err
	}
	s, err := Build(ont, h.store, h.log)
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.schema = s
	h.mu.Unlock()
	return nil
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
	errs      []gqlerrors.FormattedError
}

// Do runs one request and returns its response. A request error (bad
// document, failed validation) gives a response with errors and no data,
// and ok false.
func (h *Handler) Do(ctx context.Context, req Request) (resp Response, ok bool) {
	doc, op, rerr := h.prepare(req)
	if rerr != nil {
		return Response{Errors: rerr.errs}, false
	}
	return h.execute(ctx, req, doc, op), true
}

// prepare parses and validates a request, in the order that keeps
// graphql-go safe: nesting check, parse, fragment-cycle check alone,
// depth check, then the full validation.
func (h *Handler) prepare(req Request) (*ast.Document, *ast.OperationDefinition, *requestError) {
	if strings.TrimSpace(req.Query) == "" {
		return nil, nil, malformedRequest("the request has no query")
	}
	if n := bracketNesting(req.Query); n > h.limits.MaxNesting {
		return nil, nil, badRequest(CodeParseFailed, fmt.Sprintf("the query nests %d levels deep; the limit is %d", n, h.limits.MaxNesting))
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(req.Query), Name: "GraphQL request"})})
	if err != nil {
		fe := gqlerrors.FormatError(err)
		fe.Extensions = map[string]any{"code": CodeParseFailed}
		return nil, nil, &requestError{errs: []gqlerrors.FormattedError{fe}}
	}
	s := h.currentSchema()
	if res := graphql.ValidateDocument(&s, doc, []graphql.ValidationRuleFn{graphql.NoFragmentCyclesRule}); !res.IsValid {
		return nil, nil, validationFailed(res.Errors)
	}
	op, opErr := operation(doc, req.OperationName)
	if opErr != nil {
		return nil, nil, opErr
	}
	if d := selectionDepth(doc, op.GetSelectionSet(), 0); d > h.limits.MaxDepth {
		return nil, nil, badRequest(CodeValidationFailed, fmt.Sprintf("the query selects %d levels deep; the limit is %d", d, h.limits.MaxDepth))
	}
	if res := graphql.ValidateDocument(&s, doc, graphql.SpecifiedRules); !res.IsValid {
		return nil, nil, validationFailed(res.Errors)
	}
	return doc, op, nil
}

func (h *Handler) execute(ctx context.Context, req Request, doc *ast.Document, op *ast.OperationDefinition) Response {
	res := graphql.Execute(graphql.ExecuteParams{
		Schema:        h.currentSchema(),
		AST:           doc,
		OperationName: req.OperationName,
		Args:          req.Variables,
		Context:       withCache(ctx),
	})
	resp := Response{Data: json.RawMessage("null"), Errors: res.Errors}
	if res.Data != nil {
		data, err := orderedData(doc, op, res.Data)
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

func (h *Handler) currentSchema() graphql.Schema {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.schema
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
	var req Request
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		q := r.URL.Query()
		req.Query = q.Get("query")
		req.OperationName = q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
				writeRequestError(w, media, malformedRequest("variables must be a JSON object"))
				return
			}
		}
	case http.MethodPost:
		ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || ct != mediaJSON {
			http.Error(w, "unsupported media type: send application/json", http.StatusUnsupportedMediaType)
			return
		}
		body := http.MaxBytesReader(w, r.Body, h.limits.MaxBodyBytes)
		dec := json.NewDecoder(body)
		if err := dec.Decode(&req); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, fmt.Sprintf("request body larger than %d bytes", h.limits.MaxBodyBytes), http.StatusRequestEntityTooLarge)
				return
			}
			writeRequestError(w, media, malformedRequest("the body is not a GraphQL request in JSON: "+err.Error()))
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}

	doc, op, rerr := h.prepare(req)
	if rerr != nil {
		writeRequestError(w, media, rerr)
		return
	}
	if op.Operation != ast.OperationTypeQuery && r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "only queries may be sent with GET; send "+op.Operation+"s with POST", http.StatusMethodNotAllowed)
		return
	}
	resp := h.execute(r.Context(), req, doc, op)
	writeJSON(w, media, http.StatusOK, resp)
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
			candidate = mediaGraphQLResponse
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

// selectionDepth is the depth of a selection set with fragments expanded.
// It must run after the fragment-cycle check; it still stops early once far
// past any sane limit.
func selectionDepth(doc *ast.Document, set *ast.SelectionSet, depth int) int {
	if set == nil || depth > 1000 {
		return depth
	}
	max := depth
	for _, sel := range set.Selections {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if s.SelectionSet == nil {
				d = depth + 1
			} else {
				d = selectionDepth(doc, s.SelectionSet, depth+1)
			}
		case *ast.InlineFragment:
			d = selectionDepth(doc, s.SelectionSet, depth)
		case *ast.FragmentSpread:
			if f := fragment(doc, s.Name.Value); f != nil {
				d = selectionDepth(doc, f.SelectionSet, depth)
			}
		}
		if d > max {
			max = d
		}
	}
	return max
}

func fragment(doc *ast.Document, name string) *ast.FragmentDefinition {
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name.Value == name {
			return f
		}
	}
	return nil
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
