package graph

import (
	"context"
	"fmt"
	"time"
)

// Verdict is a person's judgement on a pair of entities that may be one.
type Verdict string

const (
	Same      Verdict = "same"      // the two are one entity
	Different Verdict = "different" // the two are distinct
	Unsure    Verdict = "unsure"    // the judge could not tell
)

// Valid reports whether v is one of the verdicts.
func (v Verdict) Valid() bool { return v == Same || v == Different || v == Unsure }

// Judgement records a verdict on a pair of entities, who gave it and when.
// A and B are ordered (A < B), so that a pair has one judgement.
type Judgement struct {
	A, B    string
	Verdict Verdict
	By      string
	At      time.Time
}

// PairKey returns the two ids of a pair in order, the first before the
// second, as judgements store them.
func PairKey(a, b string) (string, string) {
	if b < a {
		return b, a
	}
	return a, b
}

// Judge is a Store that keeps judgements on candidate pairs.
type Judge interface {
	// Judge stores j, replacing an earlier judgement of the same pair.
	// Returns Invalid for a bad verdict, an empty judge or a pair of one
	// entity, and NotFound when an id names no entity.
	Judge(ctx context.Context, j Judgement) error
	// Judgements returns every stored judgement, ordered by pair.
	Judgements(ctx context.Context) ([]Judgement, error)
}

// MergeRecord describes one merge: the kept entity, the entities merged into
// it, who merged them and when, and how many items moved.
type MergeRecord struct {
	ID     string
	Keep   string
	Merged []string
	By     string
	At     time.Time
	// Names gives the name each merged entity had, by id (Merges reads
	// it back from what the merge removed).
	Names map[string]string
	// Statements counts the statements that moved to the kept entity;
	// Joined those that became identical to one it had and were joined
	// with it (their claims combined). Claims counts the claims whose
	// claimant moved, Aliases the aliases the kept entity gained.
	Statements, Joined, Claims, Aliases int
}

// Merger is a Store that merges entities that are one into one, and
// undoes such a merge exactly.
//
// A merge moves every statement, claim and alias of the merged entities to
// the kept one in one transaction; statements that become identical are
// joined (their claims combined, none dropped); each merged entity's name
// becomes an alias of the kept one, and its id a redirect: every lookup of
// the id (Entity, Relations, paths, ids in later batches) answers with the
// kept entity.
type Merger interface {
	// Merge merges the entities merged into keep. Returns Invalid when
	// the entities differ in type, keep is among merged, or an entity came
	// with a bulk import (imported entities cannot be merged: their
	// quads belong to the import, which a new version replaces whole);
	// NotFound when an id names no entity.
	Merge(ctx context.Context, keep string, merged []string, by string) (MergeRecord, error)
	// Unmerge undoes the merge that merged id (any of its merged ids)
	// and restores exactly what was stored before it. Returns NotFound
	// when id was not merged, and Conflict when what the merge wrote has
	// changed since (a later merge took the kept entity, say): undo that
	// first.
	Unmerge(ctx context.Context, id string) (MergeRecord, error)
	// Merges returns the merges into the entity keep, oldest first (not
	// those into the ids merged into it: ask for each of those).
	Merges(ctx context.Context, keep string) ([]MergeRecord, error)
}

// Redirector is a Store that keeps redirects from merged ids.
type Redirector interface {
	// Redirect returns the id that id was merged into, following every
	// later merge, and whether id is a redirect at all.
	Redirect(ctx context.Context, id string) (string, bool, error)
}

// Unwrapper is a Store that wraps another (a read cache), whose
// capabilities it does not all offer itself.
type Unwrapper interface {
	Unwrap() Store
}

// Capability returns st, or the first store it wraps, as a T.
func Capability[T any](st Store) (T, bool) {
	for st != nil {
		if t, ok := st.(T); ok {
			return t, true
		}
		u, ok := st.(Unwrapper)
		if !ok {
			break
		}
		st = u.Unwrap()
	}
	var zero T
	return zero, false
}

// Resolve returns the id of the entity that id names, following a
// redirect when id was merged into another, and whether it followed one.
// On a store that keeps no redirects it returns id.
func Resolve(ctx context.Context, st Store, id string) (string, bool, error) {
	r, ok := Capability[Redirector](st)
	if !ok {
		return id, false, nil
	}
	to, ok, err := r.Redirect(ctx, id)
	if err != nil || !ok {
		return id, false, err
	}
	return to, true, nil
}

// MaxRedirects bounds a chain of redirects (a merged into b, b into c, …).
const MaxRedirects = 64

// ErrRedirectLoop is returned, as Internal, when redirects form a cycle.
func errRedirectLoop(id string) error {
	return Errorf(Internal, "the redirects from %s form a cycle or a chain longer than %d", Quote(id), MaxRedirects)
}

// FollowRedirects follows next from id until it stops, at most
// MaxRedirects times; next reports the id a redirect points at.
func FollowRedirects(id string, next func(string) (string, bool, error)) (string, bool, error) {
	cur, moved := id, false
	for range MaxRedirects {
		to, ok, err := next(cur)
		if err != nil {
			return "", false, err
		}
		if !ok {
			return cur, moved, nil
		}
		cur, moved = to, true
	}
	return "", false, fmt.Errorf("%w", errRedirectLoop(id))
}
