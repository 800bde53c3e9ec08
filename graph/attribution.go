package graph

import (
	"context"
	"time"
)

// Attribution says who wrote an item and when. The zero value means
// unknown: items written before attribution was kept, or by a write that
// named no author.
type Attribution struct {
	// By is the name of the user who wrote it.
	By string
	// At is when, in UTC.
	At time.Time
}

// IsZero reports whether a is unknown.
func (a Attribution) IsZero() bool { return a.By == "" && a.At.IsZero() }

type authorKey struct{}

// WithAuthor returns ctx whose writes are attributed to the user name.
// Stores record it, with the time, on every item a write adds or changes
// (see Attributed); a write with no author records nothing.
func WithAuthor(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, authorKey{}, name)
}

// Author returns the user ctx's writes are attributed to, or "".
func Author(ctx context.Context) string {
	s, _ := ctx.Value(authorKey{}).(string)
	return s
}
