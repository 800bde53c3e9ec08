package schema

import (
	"context"
	"errors"
	"log/slog"

	"github.com/claimgraph/claimgraph/graph"
)

// GraphQL error codes, the values of extensions.code. They are stable.
const (
	CodeBadUserInput       = "BAD_USER_INPUT"
	CodeNotFound           = "NOT_FOUND"
	CodeConflict           = "CONFLICT"
	CodeUnauthenticated    = "UNAUTHENTICATED"
	CodeForbidden          = "FORBIDDEN"
	CodeRateLimited        = "RATE_LIMITED"
	CodeServiceUnavailable = "SERVICE_UNAVAILABLE"
	CodeInternal           = "INTERNAL_SERVER_ERROR"
	CodeTooLarge           = "PAYLOAD_TOO_LARGE"
	CodeParseFailed        = "GRAPHQL_PARSE_FAILED"
	CodeValidationFailed   = "GRAPHQL_VALIDATION_FAILED"
	// CodeRequestTimeout: the client stopped sending a request body (POST
	// /import), answered with HTTP 408.
	CodeRequestTimeout = "REQUEST_TIMEOUT"
)

// clientError is an error safe to show to a client. graphql-go copies its
// Extensions into the response when a resolver returns it directly.
type clientError struct {
	msg  string
	code string
}

func (e *clientError) Error() string { return e.msg }

func (e *clientError) Extensions() map[string]any { return map[string]any{"code": e.code} }

// badInput returns a BAD_USER_INPUT client error.
func badInput(msg string) error { return &clientError{msg: msg, code: CodeBadUserInput} }

// toClient maps any error a resolver meets to a client error. It is the one
// place where domain codes become GraphQL codes; internal errors are logged
// here and shown only as "internal error".
func toClient(ctx context.Context, log *slog.Logger, err error) error {
	var ce *clientError
	if errors.As(err, &ce) {
		return ce
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &clientError{msg: "the request was cancelled or ran out of time", code: CodeServiceUnavailable}
	}
	code := graph.ErrorCode(err)
	switch code {
	case graph.Invalid:
		return &clientError{msg: graph.ErrorMessage(err), code: CodeBadUserInput}
	case graph.NotFound:
		return &clientError{msg: graph.ErrorMessage(err), code: CodeNotFound}
	case graph.Conflict:
		return &clientError{msg: graph.ErrorMessage(err), code: CodeConflict}
	case graph.Unauthorized:
		return &clientError{msg: graph.ErrorMessage(err), code: CodeUnauthenticated}
	case graph.Forbidden:
		return &clientError{msg: graph.ErrorMessage(err), code: CodeForbidden}
	case graph.Unavailable:
		return &clientError{msg: graph.ErrorMessage(err), code: CodeServiceUnavailable}
	case graph.TooLarge:
		return &clientError{msg: graph.ErrorMessage(err), code: CodeTooLarge}
	}
	log.ErrorContext(ctx, "resolver failed", "err", err)
	return &clientError{msg: "internal error", code: CodeInternal}
}
