package cayley

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/lib/pq"
	bolt "go.etcd.io/bbolt"

	"github.com/claimgraph/claimgraph/graph"
)

// wrapErr turns err into a *graph.Error for the caller of op. A *graph.Error
// passes through unchanged; a cancelled context and an unreachable or locked
// storage become Unavailable; anything else becomes Internal with the
// detail kept in the message for logs (transports show clients a generic
// text for Internal). Cayley's error types have no Unwrap, so classification
// looks at the concrete errors the backends return.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var ge *graph.Error
	if errors.As(err, &ge) {
		return ge
	}
	code := classify(err)
	return &graph.Error{Code: code, Message: fmt.Sprintf("graph/cayley: %s: %v", op, err)}
}

// deferWrap wraps *errp in place, for use with defer at a method boundary.
func deferWrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = wrapErr(fmt.Sprintf(format, args...), *errp)
	}
}

// classify returns the graph error code for an error of a backend.
func classify(err error) string {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return graph.Unavailable
	case errors.Is(err, bolt.ErrTimeout), errors.Is(err, bolt.ErrDatabaseNotOpen):
		return graph.Unavailable
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ENOENT) && strings.Contains(err.Error(), "dial"):
		return graph.Unavailable
	}
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		return graph.Unavailable
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code.Class() {
		case "08", // connection exception
			"28", // invalid authorization
			"3D", // invalid catalog name: no such database
			"53", // insufficient resources
			"57": // operator intervention: shutdown, cancel
			return graph.Unavailable
		}
	}
	return graph.Internal
}
