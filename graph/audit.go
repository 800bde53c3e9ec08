package graph

import (
	"context"
	"time"
)

// AuditEntry is one write in the audit log: who made it, when, with which
// operation, and what it changed. The log is append-only and kept in the
// store, written in the same transaction as the change it records.
type AuditEntry struct {
	// ID orders the entries by time; it is unique across processes.
	ID        string
	User      string // "" when the write named no author
	At        time.Time
	Operation string // addEntity, importFacts, seed, retractSource, …
	// Changes lists the items changed, at most MaxAuditChanges of them;
	// Added, Changed and Removed count them all.
	Changes                 []AuditChange
	Added, Changed, Removed int
	// Statuses lists the statements whose status the write changed, at
	// most MaxEventStatements of them.
	Statuses []StatusTransition
}

// AuditChange is what one write did to one item: its id with its kind
// ("entity:iran", "relation:iran.backs.bla", "claim:…", "source:…",
// "type:Country"), whether it was added, changed or removed, and for a
// change the fields that changed (a short before/after summary that names
// fields, never values).
type AuditChange struct {
	ID     string
	Change string // "added", "changed" or "removed"
	Fields []string
}

// MaxAuditChanges caps the changes one entry lists.
const MaxAuditChanges = 200

// IDs returns the ids of the items e changed.
func (e AuditEntry) IDs() []string {
	out := make([]string, len(e.Changes))
	for i, c := range e.Changes {
		out[i] = c.ID
	}
	return out
}

// AuditQuery selects entries of the audit log, newest first.
type AuditQuery struct {
	// After keeps the entries older than the one of this id (paging).
	After string
	// Limit caps the number returned; 0 means no cap.
	Limit int
	// User keeps the entries of this user, when set.
	User string
	// Since keeps the entries at or after this time, when set.
	Since time.Time
}

// Auditor is a Store that keeps an audit log of its writes.
type Auditor interface {
	// AuditLog returns the entries q selects, newest first.
	AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, error)
}

type operationKey struct{}

// WithOperation returns ctx whose writes the audit log records under the
// operation name op (a mutation's name, "seed", "import").
func WithOperation(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}

// Operation returns the operation name of ctx, or def when it has none.
func Operation(ctx context.Context, def string) string {
	if s, _ := ctx.Value(operationKey{}).(string); s != "" {
		return s
	}
	return def
}
