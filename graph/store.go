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
	// nothing. Each item it adds or whose content it changes records the
	// author of ctx (WithAuthor) and the time; an item whose content is
	// unchanged keeps what it recorded, so re-applying a batch is no change
	// whoever re-applies it. Items are upserted by id: entities, sources and types replace
	// the stored item of the same id; a statement keeps its stored claims
	// and upserts the claims b gives it by claim id, and its attributes and
	// valid time replace the stored ones. Applying the same batch twice
	// changes nothing the second time. Returns Invalid, with every problem
	// listed in Error.Problems, when b breaks the ontology (stored types
	// merged with b's), and Conflict when a statement would change its
	// subject, relation type or object. With opts.DryRun it validates and
	// counts but writes nothing.
	//
	// Applies are serialisable: each reads what it checks and writes its
	// change as if no other write ran at the same time, also when other
	// processes share the storage. The conditions of opts (Create,
	// IfUnchanged, ClaimsOnly) are checked in that same step, atomically
	// with the write: of concurrent Applies that create one id, exactly one
	// succeeds and the others return Conflict. Without conditions the last
	// Apply to write an item wins. A nil error means the change is
	// committed and visible to every later read.
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

	// OntologyVersion returns a token that changes whenever an Apply
	// changes the stored ontology, also when another process wrote it to a
	// shared store. It is cheap to read, so that a cache of anything
	// generated from the ontology can check it often. It is "" on a store
	// whose ontology was never written through a version-aware Apply.
	OntologyVersion(ctx context.Context) (string, error)

	// EntitiesByID returns the stored entities among ids, keyed by id; an
	// id with no entity is absent from the map. A merged id maps to the
	// entity it was merged into (whose ID differs), as Entity answers it.
	// It serves many reads at once (a GraphQL request resolving the ends
	// of a list of relations).
	EntitiesByID(ctx context.Context, ids []string) (map[string]Entity, error)

	// Sources returns the sources on the page q selects, ordered by id.
	Sources(ctx context.Context, q Page) ([]Source, error)

	// ClaimsBySource returns the claims the source reports, each with the
	// id of its statement, ordered by statement id then claim id. Returns
	// NotFound when there is no such source.
	ClaimsBySource(ctx context.Context, sourceID string) ([]StatementClaim, error)

	// Disputes returns the statements that are both asserted and denied
	// (status Disputed), with all their claims, on the page q selects,
	// ordered by id.
	Disputes(ctx context.Context, q Page) ([]Statement, error)

	// RetractClaim removes the claim with the given id, atomically; a
	// statement left without claims is removed with it (entities stay).
	// Summary.Removed counts the claim and that statement. Returns
	// NotFound when there is no such claim.
	RetractClaim(ctx context.Context, id string) (Summary, error)

	// RetractSource removes the source with the given id, every claim it
	// reports and the statements left without claims, atomically. Entities
	// stay, except those a bulk import of that source brought in (see
	// BulkStore), which go with it. Summary.Removed counts the source, its
	// claims and those statements (and for an import, its items). Returns
	// NotFound when there is no such source.
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

	// Create names the items b creates: none of them may be stored when b
	// is written, or Apply returns Conflict ("entity "x" already exists")
	// and writes nothing. A claim counts as stored when any statement
	// has a claim of its id, an implicit one included.
	Create []Ref

	// IfUnchanged makes the write conditional (compare and set): each
	// entity must still be stored exactly as given, as the caller read it,
	// or Apply returns Conflict, and NotFound when it is gone.
	IfUnchanged []Entity

	// ClaimsOnly adds the claims of b's statements to statements that are
	// stored: each statement keeps its stored ends, attributes and valid
	// time, whatever b gives, and only its claims are written. A statement
	// of b that is not stored is NotFound.
	ClaimsOnly bool

	// KeepAttribution writes the attribution (Created, Recorded) b's items
	// carry, as a restore from an export does, instead of the write's
	// author and time; an item that carries none gets the write's. Either
	// way an item whose content is unchanged keeps its stored attribution.
	KeepAttribution bool
}

// Ref names an item by its kind (KindEntity, KindSource, KindStatement or
// KindClaim) and id.
type Ref struct {
	Kind string
	ID   string
}

// SameEntity reports whether a and b hold the same values, with no alias
// and an empty alias list alike.
func SameEntity(a, b Entity) bool {
	return a.ID == b.ID && a.Type == b.Type && a.Name == b.Name && a.Description == b.Description &&
		slices.Equal(a.Aliases, b.Aliases)
}

// Summary counts what Store.Apply, RetractClaim and RetractSource did, in
// items (types, sources, entities, statements and claims each count as
// one).
type Summary struct {
	Added     int
	Changed   int
	Unchanged int
	Removed   int
	// Diff lists, field by field, what the changed items change, when the
	// store tells it (Store.Apply of a Batch does; bulk imports and
	// retractions do not).
	Diff []Change
}

// RemovesEvidence reports whether any of the changes drops evidence.
func (s Summary) RemovesEvidence() bool {
	return slices.ContainsFunc(s.Diff, func(c Change) bool { return c.RemovesEvidence })
}

// Changes reports whether anything was added, changed or removed.
func (s Summary) Changes() bool { return s.Added+s.Changed+s.Removed > 0 }

// Page selects a page of a list ordered by id.
type Page struct {
	// After keeps only items whose id sorts after it.
	After string
	// Limit caps the number returned; 0 means no cap.
	Limit int
}

// StatementClaim is a claim together with the id of its statement.
type StatementClaim struct {
	Statement string
	Claim
}

// EntityQuery selects entities.
type EntityQuery struct {
	// Type keeps only entities of this type, when set.
	Type string
	// Search keeps only entities whose name or an alias contains it,
	// ignoring case and diacritics ("Quetta" finds "Quétta", "ß" finds
	// "ss"), when set.
	Search string
	// After keeps only entities whose id sorts after it (for paging).
	After string
	// Limit caps the number returned; 0 means no cap.
	Limit int
}

// Direction says which way relations are followed from an entity.
type Direction string

const (
	Both Direction = "BOTH" // either end; in a RelationQuery the zero value means Both too
	Out  Direction = "OUT"  // the entity is the subject
	In   Direction = "IN"   // the entity is the object
)

// Versioned is implemented by stores that tell when what they hold has
// changed: read caches compare the token before trusting what they hold.
type Versioned interface {
	// Generation returns a token that changes whenever the stored graph
	// changes, whoever changed it.
	Generation(ctx context.Context) (string, error)
}

// RelationsBatcher is a Store that reads the relations of many entities at
// once, for less than a Relations call each.
type RelationsBatcher interface {
	// RelationsOf returns, for each of ids that names an entity, what
	// Relations(ctx, id, q) returns; ids of no entity are left out.
	RelationsOf(ctx context.Context, ids []string, q RelationQuery) (map[string][]Statement, error)
}

// RelationsOf reads the relations of many entities from st, in one
// RelationsOf call when st is a RelationsBatcher and one Relations call
// each otherwise.
func RelationsOf(ctx context.Context, st Store, ids []string, q RelationQuery) (map[string][]Statement, error) {
	if b, ok := st.(RelationsBatcher); ok {
		return b.RelationsOf(ctx, ids, q)
	}
	out := make(map[string][]Statement, len(ids))
	for _, id := range ids {
		rels, err := st.Relations(ctx, id, q)
		switch ErrorCode(err) {
		case "":
			out[id] = rels
		case NotFound:
		default:
			return nil, err
		}
	}
	return out, nil
}

// RelationQuery selects the relations of an entity. Zero fields select all.
type RelationQuery struct {
	Types     []string
	Direction Direction
	Status    []Status
	// Claimant keeps statements with at least one claim by this entity.
	Claimant string
	// Source keeps statements with at least one claim from this source.
	Source string
	// AsOf keeps statements whose valid time includes this date: those
	// that started on or before it (or whose start is unknown) and did not
	// end before it (or whose end is unknown). A partial date is a span
	// ("2021" is the whole year), and a statement holds as of it when the
	// two spans overlap.
	AsOf Date
	// ReportedBy keeps, of each statement, only the claims reported on or
	// before this date (see AsReportedBy: a claim's said date, else its
	// source's published date; a partial date counts when its span starts
	// by then; an unknown one never counts), and drops statements left
	// with none. Status, Claimant and Source then look at the claims kept,
	// and the statements returned hold only those.
	ReportedBy Date
}

// Shape returns the part of q that looks only at a statement's subject,
// type and object, so that a store can filter before it reads claims.
func (q RelationQuery) Shape() RelationQuery {
	return RelationQuery{Types: q.Types, Direction: q.Direction}
}

// Match reports whether st, seen from entity id, passes the query. A
// symmetric relation passes in either direction. It is Select without
// source dates: a claim's report time is its said date alone.
func (q RelationQuery) Match(id string, st Statement, symmetric bool) bool {
	_, ok := q.Select(id, st, symmetric, nil)
	return ok
}

// Select reports whether st, seen from entity id, passes the query, and
// returns it as the query sees it: with ReportedBy, with only the claims
// reported by then. published gives the published date of a source by id
// (nil, or "" for a source it does not know: unknown), for the claims
// with no said date.
func (q RelationQuery) Select(id string, st Statement, symmetric bool, published func(sourceID string) Date) (Statement, bool) {
	if len(q.Types) > 0 && !slices.Contains(q.Types, st.Type) {
		return st, false
	}
	if !symmetric {
		switch q.Direction {
		case Out:
			if st.Subject != id {
				return st, false
			}
		case In:
			if st.Object != id {
				return st, false
			}
		}
	}
	if q.AsOf != "" && !st.HoldsAt(q.AsOf) {
		return st, false
	}
	st, ok := st.AsReportedBy(q.ReportedBy, published)
	if !ok {
		return st, false
	}
	if len(q.Status) > 0 && !slices.Contains(q.Status, st.Status()) {
		return st, false
	}
	if q.Claimant != "" && !slices.ContainsFunc(st.Claims, func(c Claim) bool { return c.Claimant == q.Claimant }) {
		return st, false
	}
	if q.Source != "" && !slices.ContainsFunc(st.Claims, func(c Claim) bool { return c.Source == q.Source }) {
		return st, false
	}
	return st, true
}
