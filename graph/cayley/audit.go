package cayley

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"

	"github.com/claimgraph/claimgraph/graph"
)

// The audit log: <cg:audit> <cg:p/entry> <cg:audit/ID> links every entry,
// and <cg:audit/ID> <cg:p/record> "JSON" holds it. Entry ids start with
// the time, so they sort by it. The quads are added to the transaction of
// the write they record: a write and its entry commit together or not at
// all, and on PostgreSQL every instance reads one log. Nothing removes
// them, and exports (which walk the graph from its roots) leave them out.
const (
	iriAudit    = quad.IRI("cg:audit")
	prefixAudit = "cg:audit/"
	pEntry      = quad.IRI("cg:p/entry")
	pRecord     = quad.IRI("cg:p/record")
)

// auditRecord is the JSON of an entry.
type auditRecord struct {
	User      string              `json:"user,omitempty"`
	At        time.Time           `json:"at"`
	Operation string              `json:"operation"`
	Changes   []graph.AuditChange `json:"changes,omitempty"`
	Added     int                 `json:"added,omitempty"`
	Changed   int                 `json:"changed,omitempty"`
	Removed   int                 `json:"removed,omitempty"`
	// Statuses are the status changes of the write.
	Statuses []graph.StatusTransition `json:"statuses,omitempty"`
}

// audit adds to tx the entry recording tx's own deltas (after extra, the
// changes tx does not show) as the write of ctx's author, under ctx's
// operation (or op), and the change events of the write (see feed.go).
// The caller holds the write lock.
func (s *Store) audit(ctx context.Context, tx *cgraph.Transaction, op string, extra ...graph.AuditChange) error {
	return s.auditWith(ctx, tx, op, nil, extra...)
}

// auditWith is audit for a write whose change events include events about
// entities (merged, deleted), which tx's deltas do not tell: they come
// before the events of its statements.
func (s *Store) auditWith(ctx context.Context, tx *cgraph.Transaction, op string, entityEvents []graph.ChangeEvent, extra ...graph.AuditChange) error {
	return s.record(ctx, nil, tx, op, entityEvents, extra...)
}

// auditOver is audit for a write planned over the changes of ov (see
// group.go).
func (s *Store) auditOver(ctx context.Context, ov *overlay, tx *cgraph.Transaction, op string) error {
	return s.record(ctx, ov, tx, op, nil)
}

func (s *Store) record(ctx context.Context, ov *overlay, tx *cgraph.Transaction, op string, entityEvents []graph.ChangeEvent, extra ...graph.AuditChange) error {
	changes := append(extra, auditChanges(tx.Deltas)...)
	if len(changes) == 0 {
		return nil
	}
	at, nonce := s.auditStamp()
	statuses, err := s.recordEvents(graph.WithOperation(ctx, graph.Operation(ctx, op)), ov, tx, at, entityEvents)
	if err != nil {
		return err
	}
	rec := auditRecord{User: graph.Author(ctx), At: at, Operation: graph.Operation(ctx, op), Statuses: statuses}
	for _, c := range changes {
		switch c.Change {
		case "added":
			rec.Added++
		case "changed":
			rec.Changed++
		case "removed":
			rec.Removed++
		}
	}
	if len(changes) > graph.MaxAuditChanges {
		changes = changes[:graph.MaxAuditChanges]
	}
	rec.Changes = changes
	data, _ := json.Marshal(rec)
	node := quad.IRI(prefixAudit + at.Format("20060102T150405.000000000Z") + "-" + nonce)
	tx.AddQuad(quad.Make(iriAudit, pEntry, node, nil))
	tx.AddQuad(quad.Make(node, pRecord, quad.String(string(data)), nil))
	return nil
}

// auditStamp returns the time of a new entry and a random suffix that
// keeps entries of one instant, also from other processes, apart.
func (s *Store) auditStamp() (time.Time, string) {
	if s.auditClock != nil {
		return s.auditClock()
	}
	var nonce [6]byte
	rand.Read(nonce[:])
	return time.Now().UTC(), fmt.Sprintf("%x", nonce)
}

// auditChanges tells, from the quads a transaction adds and removes, which
// items it added, changed and removed, and which fields of the changed
// ones: each quad counts for the item its subject (or, for an edge, its
// label; for an alias node, its entity) belongs to, and an item is added
// or removed when the quad that makes it one is.
func auditChanges(deltas []cgraph.Delta) []graph.AuditChange {
	type state struct {
		defAdded, defRemoved bool
		fields               map[string]bool
	}
	items := map[string]*state{}
	var order []string
	for _, d := range deltas {
		id, field, defining := auditItem(d.Quad)
		if id == "" {
			continue
		}
		s, ok := items[id]
		if !ok {
			s = &state{fields: map[string]bool{}}
			items[id] = s
			order = append(order, id)
		}
		switch {
		case defining && d.Action == cgraph.Add:
			s.defAdded = true
		case defining:
			s.defRemoved = true
		case field != "":
			s.fields[field] = true
		}
	}
	var out []graph.AuditChange
	for _, id := range order {
		s := items[id]
		c := graph.AuditChange{ID: id, Change: "changed"}
		switch {
		case s.defAdded && !s.defRemoved:
			c.Change = "added"
		case s.defRemoved && !s.defAdded:
			c.Change = "removed"
		default:
			c.Fields = slices.Sorted(func(yield func(string) bool) {
				for f := range s.fields {
					if !yield(f) {
						return
					}
				}
			})
			if len(c.Fields) == 0 {
				continue // only its attribution moved
			}
		}
		out = append(out, c)
	}
	return out
}

// auditItem names the item q belongs to ("entity:iran"), the field it
// holds, and whether it is the quad that makes the item exist. Quads of
// no item (bookkeeping, the audit log itself) give "".
func auditItem(q quad.Quad) (id, field string, defining bool) {
	subj, _ := q.Subject.(quad.IRI)
	pred, _ := q.Predicate.(quad.IRI)
	if isAttribution(pred) || pred == pVersion || pred == pClaim {
		return "", "", false
	}
	short := string(pred)[strings.LastIndex(string(pred), "/")+1:]
	if pred == iriRDFType {
		short = "type"
	}
	switch {
	case subj == iriOntology && (pred == pEntityType || pred == pRelationType):
		if name, ok := idOf(q.Object, prefixType); ok {
			return "type:" + name, "", true
		}
		if name, ok := idOf(q.Object, prefixRelation); ok {
			return "type:" + name, "", true
		}
	case isRelation(pred):
		if st, ok := idOf(q.Label, prefixStmt); ok {
			return "relation:" + st, "ends", false
		}
		return "", "", false // a bulk import's edge: its import records it
	case hasPrefix(subj, prefixEntity):
		id := strings.TrimPrefix(string(subj), prefixEntity)
		if e, _, ok := strings.Cut(id, aliasMarker); ok {
			return "entity:" + e, "aliases", false
		}
		if pred == pAlias {
			return "entity:" + id, "aliases", false
		}
		return "entity:" + id, short, pred == iriRDFType
	case hasPrefix(subj, prefixStmt):
		if strings.HasPrefix(string(pred), prefixAttr) {
			short = "attributes"
		}
		return "relation:" + strings.TrimPrefix(string(subj), prefixStmt), short, pred == pSubject
	case hasPrefix(subj, prefixClaim):
		return "claim:" + strings.TrimPrefix(string(subj), prefixClaim), short, pred == pStance
	case hasPrefix(subj, prefixSource):
		return "source:" + strings.TrimPrefix(string(subj), prefixSource), short, pred == pTitle
	case hasPrefix(subj, prefixType):
		return "type:" + strings.TrimPrefix(string(subj), prefixType), short, false
	case hasPrefix(subj, prefixRelation):
		return "type:" + strings.TrimPrefix(string(subj), prefixRelation), short, false
	}
	return "", "", false
}

// AuditLog returns entries of the audit log, newest first; see
// graph.Auditor. It lists the entry ids through <cg:audit> (a subject
// lookup), then reads the entries of the page only, or, with a user
// filter, as many as it takes to fill it.
func (s *Store) AuditLog(ctx context.Context, q graph.AuditQuery) (_ []graph.AuditEntry, err error) {
	defer deferWrap(&err, "read the audit log")
	qs, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	links, err := r.subject(ctx, iriAudit)
	if err != nil {
		return nil, err
	}
	var ids []string
	since := ""
	if !q.Since.IsZero() {
		since = q.Since.UTC().Format("20060102T150405.000000000Z")
	}
	for _, l := range links {
		id, ok := idOf(l.Object, prefixAudit)
		if !ok || l.Predicate != pEntry || (since != "" && id < since) || (q.After != "" && id >= q.After) {
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	var out []graph.AuditEntry
	for _, id := range ids {
		if q.Limit > 0 && len(out) >= q.Limit {
			break
		}
		own, err := r.subject(ctx, quad.IRI(prefixAudit+id))
		if err != nil {
			return nil, err
		}
		var rec auditRecord
		if err := json.Unmarshal([]byte(propsOf(own).text(pRecord)), &rec); err != nil {
			return nil, fmt.Errorf("audit entry %s: %w", id, err)
		}
		if q.User != "" && rec.User != q.User {
			continue
		}
		out = append(out, graph.AuditEntry{ID: id, User: rec.User, At: rec.At, Operation: rec.Operation,
			Changes: rec.Changes, Added: rec.Added, Changed: rec.Changed, Removed: rec.Removed, Statuses: rec.Statuses})
	}
	return out, nil
}
