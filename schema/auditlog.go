package schema

import (
	"context"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/claimgraph/claimgraph/graph"
)

const cursorAudit = "audit"

// auditLogField is Query.auditLog: the store's audit log, newest first, for
// admins only (queryRoles).
func (r *resolver) auditLogField(ts *types) *graphql.Field {
	change := graphql.NewObject(graphql.ObjectConfig{
		Name:        "AuditChange",
		Description: "What one write did to one item.",
		Fields: graphql.Fields{
			"id":     &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The item, with its kind: entity:iran, relation:…, claim:…, source:…, type:Country.", Resolve: get(func(c graph.AuditChange) any { return c.ID })},
			"change": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "added, changed or removed.", Resolve: get(func(c graph.AuditChange) any { return c.Change })},
			"fields": &graphql.Field{Type: nonNullList(graphql.String), Description: "For a change, the fields that changed (names, never values).",
				Resolve: get(func(c graph.AuditChange) any {
					if c.Fields == nil {
						return []string{}
					}
					return c.Fields
				})},
		},
	})
	entry := graphql.NewObject(graphql.ObjectConfig{
		Name:        "AuditEntry",
		Description: "One write: who made it, when, with which operation, and what it changed.",
		Fields: graphql.Fields{
			"id":        &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Resolve: get(func(e graph.AuditEntry) any { return e.ID })},
			"user":      &graphql.Field{Type: graphql.String, Description: "The user's name; null when the write named none.", Resolve: optional(func(e graph.AuditEntry) string { return e.User })},
			"at":        &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "RFC 3339, UTC.", Resolve: get(func(e graph.AuditEntry) any { return e.At.UTC().Format(time.RFC3339Nano) })},
			"operation": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The mutation's name, seed, import, restore, retractSource, …", Resolve: get(func(e graph.AuditEntry) any { return e.Operation })},
			"ids":       &graphql.Field{Type: nonNullList(graphql.String), Description: "The items the write changed (the first 200).", Resolve: get(func(e graph.AuditEntry) any { return e.IDs() })},
			"changes":   &graphql.Field{Type: nonNullList(change), Resolve: get(func(e graph.AuditEntry) any { return e.Changes })},
			"added":     &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(func(e graph.AuditEntry) any { return e.Added })},
			"changed":   &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(func(e graph.AuditEntry) any { return e.Changed })},
			"removed":   &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(func(e graph.AuditEntry) any { return e.Removed })},
		},
	})
	conn := r.connectionType("AuditEntry", "A page of the audit log, newest first.", entry, ts.pageInfo)
	return &graphql.Field{Type: graphql.NewNonNull(conn),
		Description: "Every write, newest first: who, when, which operation, what it changed. Admins only (FORBIDDEN for others).",
		Args: pagingArgs(graphql.FieldConfigArgument{
			"user":  &graphql.ArgumentConfig{Type: graphql.String, Description: "Only this user's writes."},
			"since": &graphql.ArgumentConfig{Type: graphql.String, Description: "Only writes at or after this RFC 3339 time."},
		}),
		Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			if err := need(ctx, queryRoles["auditLog"]); err != nil {
				return nil, err
			}
			a, ok := r.store.(graph.Auditor)
			if !ok {
				return nil, graph.Errorf(graph.Invalid, "this store keeps no audit log")
			}
			a2, err := page(p, cursorAudit)
			if err != nil {
				return nil, err
			}
			q := graph.AuditQuery{}
			q.User, _ = p.Args["user"].(string)
			if s, ok := p.Args["since"].(string); ok && s != "" {
				if q.Since, err = time.Parse(time.RFC3339Nano, s); err != nil {
					return nil, badInput("since must be an RFC 3339 time (2025-03-02T10:00:00Z)")
				}
			}
			// The log reads newest first, and paging wants keys that grow
			// along the list: the key of an entry is its id reversed.
			return storePage(a2, cursorAudit, func(e graph.AuditEntry) string { return reverseKey(e.ID) },
				func(after string, limit int) ([]graph.AuditEntry, error) {
					q := q
					q.After, q.Limit = reverseKey(after), limit
					return a.AuditLog(ctx, q)
				})
		})}
}

// reverseKey maps audit entry ids, which have one length and grow with
// time, to keys that order them the other way round, and back: each byte
// b becomes 0xFF-b. The empty key stays empty.
func reverseKey(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = 0xFF - b[i]
	}
	return string(b)
}
