package graph

import (
	"context"
	"iter"
)

// BulkImport is a large body of facts that one source reports, such as an
// RDF dump read through a mapping: entities, and statements that the
// source states itself. Each statement carries one implicit claim, the
// source asserting it (ImplicitClaim), and no claim nodes of its own, so
// that a store can keep it as a single edge.
//
// An import replaces the previous import of the same source as a whole:
// what the new one no longer holds is gone once it commits.
type BulkImport struct {
	// Source reports every statement. It is written with the import.
	Source Source
	// Ontology holds the types the import uses; they are merged into the
	// stored ontology when the import commits.
	Ontology Ontology
	// Digest identifies the content (a hash of the inputs). Importing the
	// digest of the source's current import changes nothing.
	Digest string
	// NumEntities and NumStatements are the lengths of Entities and
	// Statements, for progress reports.
	NumEntities, NumStatements int
	// Entities yields the entities: ID, Type and Name only.
	Entities iter.Seq[Entity]
	// Statements yields the statements: Subject, Type, Object and
	// Attributes only; their id is DefaultStatementID. Each (subject,
	// type, object) is given once.
	Statements iter.Seq[Statement]
	// Err, when set, is called once Entities and Statements have been
	// read: an error it returns (the reading of them failed) fails the
	// import, and nothing is written.
	Err func() error
}

// ImplicitClaim is the claim of a statement that a source reports in a
// bulk import: the source asserts it, with no claimant.
func ImplicitClaim(statementID, source string) Claim {
	return Claim{ID: DefaultClaimID(statementID, source, ""), Source: source, Stance: Asserts}
}

// BulkOptions tune BulkStore.Import.
type BulkOptions struct {
	// DryRun validates and counts what would change, and writes nothing.
	DryRun bool
	// Progress, when set, is called from time to time with the number of
	// items written so far and the total.
	Progress func(done, total int)
}

// BulkStore is a Store that can import large bodies of facts quickly and
// still atomically.
type BulkStore interface {
	Store
	// Import writes imp as one atomic change, in batches that readers do
	// not see until the import commits. A process that dies during an
	// import leaves the store as it was; the store rolls the partial
	// import back when it next opens. The summary counts entities,
	// statements and their implicit claims; Summary.Removed counts what
	// the source's previous import held and imp does not. Returns
	// Invalid when imp breaks the ontology (every problem listed, Kind and
	// Index counting entities and statements in the order imp yields
	// them), and Conflict when an entity of imp is stored by something
	// else than an import of the same source.
	Import(ctx context.Context, imp BulkImport, opts BulkOptions) (Summary, error)
}
