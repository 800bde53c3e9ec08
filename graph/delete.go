package graph

import "context"

// DeleteOptions tune Deleter.DeleteEntity.
type DeleteOptions struct {
	// Cascade removes what still names the entity with it: the statements
	// it is an end of, with their claims; the claims it makes on other
	// statements (a statement left without claims goes too, as with a
	// retraction); and its name as the user of other entities' aliases
	// (the aliases stay).
	Cascade bool
	// DryRun counts what would be removed and writes nothing.
	DryRun bool
}

// Deletion counts what deleting an entity removed, or with DryRun would
// remove.
type Deletion struct {
	// Entity is the id of the entity deleted.
	Entity string
	// Statements counts the statements removed: those the entity was an
	// end of, and those left without claims.
	Statements int
	// Claims counts the claims removed: those of the statements removed,
	// and those the entity made on others.
	Claims int
	// Aliases counts the aliases of other entities that named it as their
	// user and no longer do.
	Aliases int
	// Redirects counts the merged ids that led to the entity; they are
	// removed with it, and resolve to nothing from then on.
	Redirects int
	// Judgements counts the judgements on pairs with the entity, removed
	// with it.
	Judgements int
	// DryRun is true when nothing was written.
	DryRun bool
}

// Deleter is a Store that deletes entities.
//
// An entity goes with its own data: its name, description, aliases and
// attribution; the ids merged into it (redirects, with the records of
// those merges: they can no longer be undone); and the judgements on
// pairs it belongs to. Nothing else is touched unless opts.Cascade says
// so. The deletion is one transaction, recorded in the audit log and the
// change feed (an EventEntityDeleted, and the status changes of the
// statements it removes).
type Deleter interface {
	// DeleteEntity deletes the entity id. Returns NotFound when there is
	// no such entity (a merged id is not followed: delete the entity it
	// names), Conflict without opts.Cascade when statements, claims or
	// aliases still name it (the message counts them), and Invalid for
	// an entity or statement a bulk import brought, which only a new
	// version (or the retraction) of the import removes. On any error
	// nothing is written.
	DeleteEntity(ctx context.Context, id string, opts DeleteOptions) (Deletion, error)
}
