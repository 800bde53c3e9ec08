package graph

import (
	"context"
	"time"
)

// Kinds of change events.
const (
	// EventClaimAdded: a claim was added to a statement (a new statement
	// comes with its first claims).
	EventClaimAdded = "claimAdded"
	// EventStatusChanged: a stored statement's status changed (ALLEGED to
	// DISPUTED when a denial arrives), or the statement went away with its
	// last claim (To is then "").
	EventStatusChanged = "statusChanged"
	// EventEntityMerged: an entity was merged into another (Entity into
	// Into); one event per merged entity.
	EventEntityMerged = "entityMerged"
	// EventEntityDeleted: an entity was deleted (Entity), with Count
	// statements removed with it.
	EventEntityDeleted = "entityDeleted"
	// EventManyChanges stands for the events of one write that touched more
	// than MaxEventStatements statements (a large import or restore): it
	// counts them in Count instead of listing them.
	EventManyChanges = "manyChanges"
)

// MaxEventStatements is the most statements one write reports event by
// event; a write that touches more records one EventManyChanges instead.
const MaxEventStatements = 1000

// ChangeEvent is one committed change of the stored graph, as the change feed
// reports it. Ids grow by one with each event, in the order the writes
// committed, across every process sharing a store.
type ChangeEvent struct {
	ID        uint64    `json:"id"`
	Kind      string    `json:"kind"`
	At        time.Time `json:"at"`
	User      string    `json:"user,omitempty"`
	Operation string    `json:"op,omitempty"`

	// The statement the event is about, and its ends.
	Statement string `json:"statement,omitempty"`
	Subject   string `json:"subject,omitempty"`
	Type      string `json:"type,omitempty"`
	Object    string `json:"object,omitempty"`

	// Claim is the claim added (EventClaimAdded) or the claim whose
	// arrival, change or removal changed the status (EventStatusChanged,
	// "" when none can be named), with its stance, claimant and source.
	Claim        string `json:"claim,omitempty"`
	Stance       Stance `json:"stance,omitempty"`
	Claimant     string `json:"claimant,omitempty"`
	ClaimSource  string `json:"source,omitempty"`
	ClaimRemoved bool   `json:"claimRemoved,omitempty"`

	// From and To are the statuses before and after (EventStatusChanged).
	From Status `json:"from,omitempty"`
	To   Status `json:"to,omitempty"`

	// Entity was merged into Into (EventEntityMerged), or deleted
	// (EventEntityDeleted).
	Entity string `json:"entity,omitempty"`
	Into   string `json:"into,omitempty"`

	// Count is the number of statements an EventManyChanges stands for,
	// or that an EventEntityDeleted removed.
	Count int `json:"count,omitempty"`
}

// Involves reports whether the event is about the entity id: one end of
// its statement, the claimant of its claim, or either side of a merge.
func (e ChangeEvent) Involves(id string) bool {
	return id == e.Subject || id == e.Object || id == e.Claimant || id == e.Entity || id == e.Into
}

// StatusTransition is one change of a statement's status, as the audit log
// keeps it: from and to (To "" when the statement went away), and the
// claim that caused it.
type StatusTransition struct {
	Statement string `json:"statement"`
	From      Status `json:"from"`
	To        Status `json:"to,omitempty"`
	Claim     string `json:"claim,omitempty"`
}

// EventLog is a Store that keeps the change events of its writes for a
// bounded window: the most recent events, up to a number the store sets.
// The events of a write are stored in the same transaction as the write,
// so an event is never seen before its change is committed, and a change
// is never committed without its events.
type EventLog interface {
	// LastEventID returns the id of the newest event, 0 when there is none.
	LastEventID(ctx context.Context) (uint64, error)

	// Events returns the events after the one whose id is after, oldest
	// first, at most limit of them (0: all). It returns NotFound when some
	// of those events are no longer kept (they fell out of the window): a
	// reader that resumes from after would miss them.
	Events(ctx context.Context, after uint64, limit int) ([]ChangeEvent, error)

	// WatchEvents returns a channel that receives a value whenever events
	// may have been committed since the last one, by this process or by
	// another sharing the store; values are coalesced, so the receiver
	// reads the events themselves with Events. The channel is closed when
	// ctx ends.
	WatchEvents(ctx context.Context) <-chan struct{}
}
