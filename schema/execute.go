package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
)

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
	if root == nil && c.op.Operation == ast.OperationTypeQuery {
		data, err := fastExecute(ectx, &b.schema, c.doc, c.op, req.Variables)
		if err == nil {
			return withRedirectList(Response{Data: data}, redirects)
		}
		// The query runs again through graphql-go, which reports its
		// errors, with a loader of its own: the result budget starts
		// afresh.
		ectx, redirects = withRedirects(withLoader(ctx, h.store, h.opts.MaxResultItems))
	}
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
	resp = withRedirectList(resp, redirects)
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

// withRedirectList adds the redirects a request followed to its response's
// extensions.
func withRedirectList(resp Response, redirects *redirectLog) Response {
	redirects.mu.Lock()
	defer redirects.mu.Unlock()
	if len(redirects.list) > 0 {
		resp.Extensions = map[string]any{"redirects": redirects.list}
	}
	return resp
}
