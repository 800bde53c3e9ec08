package schema

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/claimgraph/claimgraph/graph"
)

// The change feed in the schema: the Subscription type, whose fields
// return the event each subscription is handed (see ws.go for how they
// are served), and Query.statusChanges, the disputes inbox, read from the
// audit log.

// subscribeSetup is the root value of the execution that reads a
// subscription's field and arguments before it starts: the subscription
// fields record them there instead of resolving.
// graphql-go resolves in a goroutine of its own and returns without
// waiting for it when the context ends, so the record is guarded.
type subscribeSetup struct {
	mu    sync.Mutex
	field string
	args  map[string]any
}

// recorded returns the field and arguments recorded so far.
func (s *subscribeSetup) recorded() (string, map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.field, s.args
}

// errSetup ends the setup execution once the field has been recorded.
var errSetup = errors.New("subscription set up")

// eventField resolves a Subscription field: to the event being delivered,
// or in the setup execution, by recording the field and its arguments.
func eventField(p graphql.ResolveParams) (any, error) {
	if s, ok := p.Source.(*subscribeSetup); ok {
		s.mu.Lock()
		s.field, s.args = p.Info.FieldName, p.Args
		s.mu.Unlock()
		return nil, errSetup
	}
	return p.Source, nil
}

// subscriptionType is the Subscription root type.
func (r *resolver) subscriptionType(ts *types) *graphql.Object {
	eventCommon := func() graphql.Fields {
		return graphql.Fields{
			"id": &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The event's id: ids grow by one with each event, in commit order. Resume after it with after: ID.",
				Resolve: get(func(e *graph.ChangeEvent) any { return strconv.FormatUint(e.ID, 10) })},
			"at": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "When the write was made, RFC 3339, UTC.",
				Resolve: get(func(e *graph.ChangeEvent) any { return e.At.UTC().Format(time.RFC3339Nano) })},
			"by":         &graphql.Field{Type: graphql.String, Description: "Who made the write; null when it named no author.", Resolve: optional(func(e *graph.ChangeEvent) string { return e.User })},
			"relationId": &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The relation's global id.", Resolve: get(func(e *graph.ChangeEvent) any { return relationID(e.Statement) })},
			"subject":    &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The id of the relation's subject.", Resolve: get(func(e *graph.ChangeEvent) any { return e.Subject })},
			"type":       &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The relation type.", Resolve: get(func(e *graph.ChangeEvent) any { return e.Type })},
			"object":     &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The id of the relation's object.", Resolve: get(func(e *graph.ChangeEvent) any { return e.Object })},
			"relation": &graphql.Field{Type: ts.relation, Description: "The relation as it is now; null when it is gone.",
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return nullIfNotFound(r.store.Statement(ctx, p.Source.(*graph.ChangeEvent).Statement))
				})},
			"claim": &graphql.Field{Type: ts.claim, Description: "The claim as it is now; null when it is gone (or none is named).",
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					e := p.Source.(*graph.ChangeEvent)
					if e.Claim == "" {
						return nil, nil
					}
					return nullIfNotFound(r.claim(ctx, e.Statement+"#"+e.Claim))
				})},
			"claimId": &graphql.Field{Type: graphql.ID, Description: "The claim's global id.", Resolve: func(p graphql.ResolveParams) (any, error) {
				e := p.Source.(*graph.ChangeEvent)
				if e.Claim == "" {
					return nil, nil
				}
				return claimPrefix + e.Statement + "#" + e.Claim, nil
			}},
		}
	}
	added := eventCommon()
	added["stance"] = &graphql.Field{Type: graphql.NewNonNull(ts.stance), Resolve: get(func(e *graph.ChangeEvent) any { return string(e.Stance) })}
	added["claimant"] = &graphql.Field{Type: graphql.ID, Description: "The claimant's id; null when the source states it itself.", Resolve: optional(func(e *graph.ChangeEvent) string { return e.Claimant })}
	added["source"] = &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The source's id.", Resolve: get(func(e *graph.ChangeEvent) any { return sourceID(e.ClaimSource) })}
	claimAdded := graphql.NewObject(graphql.ObjectConfig{Name: "ClaimAddedEvent", Description: "A claim was added to a relation (a new relation comes with its first claims).", Fields: added})

	changed := eventCommon()
	changed["claim"].Description = "The claim whose arrival, change or removal caused the change, as it is now; null when it is gone."
	changed["from"] = &graphql.Field{Type: graphql.NewNonNull(ts.status), Description: "The status before.", Resolve: get(func(e *graph.ChangeEvent) any { return string(e.From) })}
	changed["to"] = &graphql.Field{Type: ts.status, Description: "The status after; null when the relation went away with its last claim.", Resolve: optional(func(e *graph.ChangeEvent) string { return string(e.To) })}
	changed["claimRemoved"] = &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean), Description: "Whether the claim named caused the change by being removed.", Resolve: get(func(e *graph.ChangeEvent) any { return e.ClaimRemoved })}
	statusChanged := graphql.NewObject(graphql.ObjectConfig{Name: "StatusChangedEvent", Description: "A relation's status changed: ALLEGED to DISPUTED when a denial arrives, say.", Fields: changed})

	entityCommon := func(what string) graphql.Fields {
		return graphql.Fields{
			"id": eventCommon()["id"],
			"at": eventCommon()["at"],
			"by": eventCommon()["by"],
			"entity": &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The id of the entity " + what + ".",
				Resolve: get(func(e *graph.ChangeEvent) any { return e.Entity })},
		}
	}
	mergedFields := entityCommon("merged (now a redirect)")
	mergedFields["intoId"] = &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Description: "The id of the entity it was merged into.",
		Resolve: get(func(e *graph.ChangeEvent) any { return e.Into })}
	mergedFields["into"] = &graphql.Field{Type: ts.entity, Description: "The entity it was merged into, as it is now (redirects followed); null when it is gone.",
		Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			return r.entityByID(ctx, p.Source.(*graph.ChangeEvent).Into)
		})}
	entityMerged := graphql.NewObject(graphql.ObjectConfig{Name: "EntityMergedEvent", Description: "An entity was merged into another (mergeEntities): its id now answers with the kept entity.", Fields: mergedFields})
	deletedFields := entityCommon("deleted")
	deletedFields["statements"] = &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "How many relations went with it (each has its statusChanged event too).",
		Resolve: get(func(e *graph.ChangeEvent) any { return e.Count })}
	entityDeleted := graphql.NewObject(graphql.ObjectConfig{Name: "EntityDeletedEvent", Description: "An entity was deleted (deleteEntity).", Fields: deletedFields})

	afterArg := &graphql.ArgumentConfig{Type: graphql.ID, Description: "Resume after this event id: the events since then come first, in order, then the live ones. " +
		"The feed keeps a bounded window, the last 10,000 events and none older than a day; an id older than it is NOT_FOUND."}
	return graphql.NewObject(graphql.ObjectConfig{
		Name:        "Subscription",
		Description: "The change feed, over WebSocket (graphql-transport-ws) on /graphql.",
		Fields: graphql.Fields{
			"claimAdded": &graphql.Field{Type: graphql.NewNonNull(claimAdded), Description: "Each claim added, in commit order.",
				Args: graphql.FieldConfigArgument{
					"entity": &graphql.ArgumentConfig{Type: graphql.ID, Description: "Only claims about relations of this entity, or made by it."},
					"types":  &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(graphql.String)), Description: "Only claims about relations of these types."},
					"after":  afterArg,
				},
				Resolve: eventField},
			"statusChanged": &graphql.Field{Type: graphql.NewNonNull(statusChanged), Description: "Each change of a relation's status, in commit order, with the claim that caused it.",
				Args: graphql.FieldConfigArgument{
					"entity": &graphql.ArgumentConfig{Type: graphql.ID, Description: "Only relations of this entity."},
					"types":  &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(graphql.String)), Description: "Only relations of these types."},
					"after":  afterArg,
				},
				Resolve: eventField},
			"entityMerged": &graphql.Field{Type: graphql.NewNonNull(entityMerged), Description: "Each entity merged into another, in commit order (one event per merged id, before the changes of the relations the merge joined).",
				Args: graphql.FieldConfigArgument{
					"entity": &graphql.ArgumentConfig{Type: graphql.ID, Description: "Only merges of this entity, or into it."},
					"after":  afterArg,
				},
				Resolve: eventField},
			"entityDeleted": &graphql.Field{Type: graphql.NewNonNull(entityDeleted), Description: "Each entity deleted, in commit order (before the changes of the relations that went with it).",
				Args: graphql.FieldConfigArgument{
					"entity": &graphql.ArgumentConfig{Type: graphql.ID, Description: "Only the deletion of this entity."},
					"after":  afterArg,
				},
				Resolve: eventField},
		},
	})
}

// subscriptionFilter returns the filter of a subscription to field with
// args, and the event id it resumes after (nil: none given).
func subscriptionFilter(field string, args map[string]any) (func(*graph.ChangeEvent) bool, *uint64, error) {
	kind := map[string]string{"claimAdded": graph.EventClaimAdded, "statusChanged": graph.EventStatusChanged,
		"entityMerged": graph.EventEntityMerged, "entityDeleted": graph.EventEntityDeleted}[field]
	entity, _ := args["entity"].(string)
	var types []string
	if list, ok := args["types"].([]any); ok {
		for _, t := range list {
			name, _ := t.(string)
			types = append(types, name)
		}
	}
	var after *uint64
	if s, ok := args["after"].(string); ok && s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, nil, badInput("after must be an event id (the id of an event received)")
		}
		after = &n
	}
	return func(e *graph.ChangeEvent) bool {
		return e.Kind == kind && (entity == "" || e.Involves(entity)) && (len(types) == 0 || slices.Contains(types, e.Type))
	}, after, nil
}

// feedQueryFields are the Query fields of the change feed: statusChanges,
// the disputes inbox.
func (r *resolver) feedQueryFields(ts *types) graphql.Fields {
	type inboxItem struct {
		graph.StatusTransition
		at      time.Time
		by      string
		changes int
	}
	item := graphql.NewObject(graphql.ObjectConfig{
		Name:        "StatusChangeEntry",
		Description: "A relation whose status changed, with its latest change.",
		Fields: graphql.Fields{
			"relationId": &graphql.Field{Type: graphql.NewNonNull(graphql.ID), Resolve: get(func(i inboxItem) any { return relationID(i.Statement) })},
			"relation": &graphql.Field{Type: ts.relation, Description: "The relation as it is now; null when it is gone.",
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					return nullIfNotFound(loaderFrom(ctx, r.store).statement(ctx, p.Source.(inboxItem).Statement))
				})},
			"from": &graphql.Field{Type: graphql.NewNonNull(ts.status), Description: "The status before the latest change.", Resolve: get(func(i inboxItem) any { return string(i.From) })},
			"to":   &graphql.Field{Type: ts.status, Description: "The status after it; null when the relation went away.", Resolve: optional(func(i inboxItem) string { return string(i.To) })},
			"at":   &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "When the latest change was written, RFC 3339, UTC.", Resolve: get(func(i inboxItem) any { return i.at.UTC().Format(time.RFC3339Nano) })},
			"by":   &graphql.Field{Type: graphql.String, Description: "Who wrote it; null when the write named no author.", Resolve: optional(func(i inboxItem) string { return i.by })},
			"claim": &graphql.Field{Type: ts.claim, Description: "The claim that caused the latest change, as it is now; null when it is gone.",
				Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
					i := p.Source.(inboxItem)
					if i.Claim == "" {
						return nil, nil
					}
					return nullIfNotFound(r.claim(ctx, i.Statement+"#"+i.Claim))
				})},
			"changes": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "How many times its status changed since the date asked for.", Resolve: get(func(i inboxItem) any { return i.changes })},
		},
	})
	return graphql.Fields{
		"statusChanges": &graphql.Field{Type: nonNullList(item),
			Description: "The disputes inbox: relations whose status changed since a time, newest change first, one entry each (from the audit log).",
			Args: graphql.FieldConfigArgument{
				"since": &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.String), Description: "A date (2025-03-02) or an RFC 3339 time."},
				"first": &graphql.ArgumentConfig{Type: graphql.Int, DefaultValue: 20, Description: "At most this many relations (1 to 100)."},
			},
			Resolve: r.resolve(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				a, ok := r.store.(graph.Auditor)
				if !ok {
					return nil, graph.Errorf(graph.Invalid, "this store keeps no audit log")
				}
				since, err := parseSince(p.Args["since"].(string))
				if err != nil {
					return nil, err
				}
				first, _ := p.Args["first"].(int)
				if first < 1 || first > 100 {
					return nil, badInput("first must be between 1 and 100")
				}
				var out []inboxItem
				at := map[string]int{}
				q := graph.AuditQuery{Since: since, Limit: 200}
				for {
					entries, err := a.AuditLog(ctx, q)
					if err != nil {
						return nil, err
					}
					for _, e := range entries {
						for _, s := range e.Statuses {
							if i, seen := at[s.Statement]; seen {
								out[i].changes++
								continue
							}
							at[s.Statement] = len(out)
							out = append(out, inboxItem{StatusTransition: s, at: e.At, by: e.User, changes: 1})
						}
					}
					if len(entries) < q.Limit {
						break
					}
					q.After = entries[len(entries)-1].ID
				}
				// Within one write, the entries keep the write's order.
				if len(out) > first {
					out = out[:first]
				}
				return out, nil
			})},
	}
}

// parseSince reads a date or an RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, badInput("since must be a date (2025-03-02) or an RFC 3339 time (2025-03-02T10:00:00Z)")
}
