package graph

import (
	"context"
	"slices"
)

// Store keeps a claim graph. Implementations are safe for concurrent use.
//
// Every method takes a context first and returns *Error values: Unavailable
// when the storage cannot be reached, Internal for anything unexpected, and
// the codes each method names.
type Store interface {
	// Ontology returns the stored ontology, sorted by name; it is empty when
	// nothing has been written yet.
	Ontology(ctx context.Context) (Ontology, error)

	// Apply writes b as one atomic change: all of it, or on any error
	// nothing. Items are upserted by id: entities, sources and types replace
	// the stored item of the same id; a statement keeps its stored claims
	// and upserts the claims b gives it by claim id, and its attributes and
	// valid time replace the stored ones. Applying the same batch twice
	// changes nothing the second time. Returns Invalid, with every problem
	// listed in Error.Problems, when b breaks the ontology (stored types
	// merged with b's), and Conflict when a statement would change its
	// subject, relation type or object. With opts.DryRun it validates and
	// counts but writes nothing.
	Apply(ctx context.Context, b Batch, opts ApplyOptions) (Summary, error)

	// Entity returns the entity with the given id, or NotFound.
	Entity(ctx context.Context, id string) (Entity, error)

	// Entities returns the entities matching q, ordered by id.
	Entities(ctx context.Context, q EntityQuery) ([]Entity, error)

	// Relations returns the statements that have the entity at one end,
	// with their claims, matching q, ordered by relation type, subject,
	// object and id. Returns NotFound when there is no such entity.
	Relations(ctx context.Context, entityID string, q RelationQuery) ([]Statement, error)

	// Statement returns the statement with the given id and its claims, or
	// NotFound.
	Statement(ctx context.Context, id string) (Statement, error)

	// Source returns the source with the given id, or NotFound.
	Source(ctx context.Context, id string) (Source, error)

	// RetractSource removes, as one atomic change, every claim that the
	// source with the given id reports, and the statements left without
	// claims. The source itself stays. Summary.Removed counts the claims
	// and statements removed; retracting a source that reports nothing
	// changes nothing. Returns NotFound when there is no such source.
	RetractSource(ctx context.Context, id string) (Summary, error)

	// Close releases the storage. The Store must not be used after.
	Close() error
}

// Batch is a set of items written together by Store.Apply.
type Batch struct {
	Ontology   Ontology
	Sources    []Source
	Entities   []Entity
	Statements []Statement
}

// Empty reports whether b holds nothing.
func (b *Batch) Empty() bool {
	return len(b.Ontology.EntityTypes) == 0 && len(b.Ontology.RelationTypes) == 0 &&
		len(b.Sources) == 0 && len(b.Entities) == 0 && len(b.Statements) == 0
}

// ApplyOptions tune Store.Apply.
type ApplyOptions struct {
	// DryRun validates and counts what would change, and writes nothing.
	DryRun bool
}

// Summary counts what Store.Apply or a retraction did, in items (types, sources, entities,
// statements and claims each count as one).
type Summary struct {
	Added     int
	Changed   int
	Unchanged int
	// Removed counts the items a retraction removed.
	Removed int
}

// Changes reports whether anything was added, changed or removed.
func (s Summary) Changes() bool { return s.Added+s.Changed+s.Removed > 0 }

// EntityQuery selects entities.
type EntityQuery struct {
	// Type keeps only entities of this type, when set.
	Type string
	// Search keeps only entities whose name or an alias contains it, case
	// insensitively, when set.
	Search string
	// After keeps only entities whose id sorts after it (for paging).
	After string
	// Limit caps the number returned; 0 means no cap.
	Limit int
}

// Direction says which way relations are followed from an entity.
type Direction string

const (
	Both Direction = "BOTH" // either end; the zero value means Both too
	Out  Direction = "OUT"  // the entity is the subject
	In   Direction = "IN"   // the entity is the object
)

// RelationQuery selects the relations of an entity. Zero fields select all.
type RelationQuery struct {
	Types     []string
	Direction Direction
	Status    []Status
}

// Match reports whether st, seen from entity id, passes the query. A
// symmetric relation passes in either direction.
func (q RelationQuery) Match(id string, st Statement, symmetric bool) bool {
	if len(q.Types) > 0 && !slices.Contains(q.Types, st.Type) {
		return false
	}
	if !symmetric {
		switch q.Direction {
		case Out:
			if st.Subject != id {
				return false
			}
		case In:
			if st.Object != id {
				return false
			}
		}
	}
	return len(q.Status) == 0 || slices.Contains(q.Status, st.Status())
}
